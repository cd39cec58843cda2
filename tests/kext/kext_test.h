/*
 * kext_test.h — shared helpers of the kext system's tests: a scratch folder
 * per test process (KEXT_TEST_TMP/<pid>, removed at teardown) holding an
 * Extensions repository, bundle builders (an Info.plist written as XML text,
 * an executable copied from the test kexts built by mk/kext-tests.mk), and a
 * flat text rendering of diagnostics dictionaries for golden comparisons.
 */
#ifndef KEXT_TEST_H
#define KEXT_TEST_H

#include "tests/ktest.h"
#include "host/khost.h"
#include "libkern/kext/OSKext.h"
#include "libkern/kext/kext_internal.h"
#include "libkern/kxld/kxld.h"
#include <stdarg.h>

#ifndef KEXT_OBJ_DIR
#define KEXT_OBJ_DIR "build/tests/kext/objs"
#endif
#ifndef KEXT_TEST_TMP
#define KEXT_TEST_TMP "/tmp/kexthost-kext-tests"
#endif

/* tests/kext/kt_host.c (host side). */
int kt_host_remove_tree(const char *path);
int kt_host_chown(const char *path, unsigned int uid, unsigned int gid);
int kt_host_chmod(const char *path, unsigned int mode);
int kt_host_symlink(const char *target, const char *path);
unsigned int kt_host_geteuid(void);

static char kt_dir[512]; /* this test's scratch folder */
static char kt_ext[600]; /* kt_dir/Extensions: the repository */

static inline void
kt_setup(void)
{
	snprintf(kt_dir, sizeof(kt_dir), "%s/%d", KEXT_TEST_TMP, khost_getpid());
	(void)kt_host_remove_tree(kt_dir);
	snprintf(kt_ext, sizeof(kt_ext), "%s/Extensions", kt_dir);
	ck_assert_int_eq(khost_mkdir_p(kt_ext, 0755), 0);
	ck_assert_int_eq(OSKext_init(NULL), 0);
	OSKext_setExtensionsPath(kt_ext);
}

static inline void
kt_teardown(void)
{
	(void)kt_host_remove_tree(kt_dir);
}

/* A test case that boots a kernel and makes a scratch repository for each test. */
static inline TCase *
kt_tcase(const char *name)
{
	TCase *tc = ktest_tcase(name);

	tcase_add_checked_fixture(tc, kt_setup, kt_teardown);
	return tc;
}

/* Format into a static rotating buffer (for building paths inline). */
static inline const char *kt_fmt(const char *fmt, ...) __printflike(1, 2);
static inline const char *
kt_fmt(const char *fmt, ...)
{
	static char bufs[8][1024];
	static unsigned int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* Write a file (parents created). */
static inline void
kt_write(const char *path, const void *bytes, size_t len, unsigned int mode)
{
	char dir[1024];
	char *slash;

	strlcpy(dir, path, sizeof(dir));
	slash = strrchr(dir, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	ck_assert_int_eq(khost_mkdir_p(dir, 0755), 0);
	ck_assert_int_eq(khost_file_write(path, bytes, len, mode), 0);
}

/*
 * An Info.plist as XML text. libs is "id=version,id=version" (NULL: no
 * OSBundleLibraries key); compat and exe may be NULL; extra is raw XML for
 * more keys (may be NULL).
 */
static inline const char *
kt_plist(const char *id, const char *version, const char *compat, const char *exe, const char *libs,
         const char *extra)
{
	static char buf[8192];
	size_t n = 0;

	n += snprintf(buf + n, sizeof(buf) - n,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	              "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	              "<plist version=\"1.0\">\n<dict>\n"
	              "\t<key>CFBundlePackageType</key>\n\t<string>KEXT</string>\n");
	if (id != NULL) {
		n += snprintf(buf + n, sizeof(buf) - n,
		              "\t<key>CFBundleIdentifier</key>\n\t<string>%s</string>\n", id);
	}
	if (version != NULL) {
		n += snprintf(buf + n, sizeof(buf) - n,
		              "\t<key>CFBundleVersion</key>\n\t<string>%s</string>\n", version);
	}
	if (compat != NULL) {
		n += snprintf(buf + n, sizeof(buf) - n,
		              "\t<key>OSBundleCompatibleVersion</key>\n\t<string>%s</string>\n", compat);
	}
	if (exe != NULL) {
		n += snprintf(buf + n, sizeof(buf) - n,
		              "\t<key>CFBundleExecutable</key>\n\t<string>%s</string>\n", exe);
	}
	if (libs != NULL) {
		char tmp[1024], *p = tmp, *comma;

		strlcpy(tmp, libs, sizeof(tmp));
		n += snprintf(buf + n, sizeof(buf) - n, "\t<key>OSBundleLibraries</key>\n\t<dict>\n");
		while (*p != '\0') {
			char *eq;

			comma = strchr(p, ',');
			if (comma != NULL) {
				*comma = '\0';
			}
			eq = strchr(p, '=');
			ck_assert_ptr_nonnull(eq);
			*eq = '\0';
			n += snprintf(buf + n, sizeof(buf) - n,
			              "\t\t<key>%s</key>\n\t\t<string>%s</string>\n", p, eq + 1);
			p = comma != NULL ? comma + 1 : p + strlen(p);
		}
		n += snprintf(buf + n, sizeof(buf) - n, "\t</dict>\n");
	}
	if (extra != NULL) {
		n += snprintf(buf + n, sizeof(buf) - n, "%s", extra);
	}
	n += snprintf(buf + n, sizeof(buf) - n, "</dict>\n</plist>\n");
	ck_assert_uint_lt(n, sizeof(buf));
	return buf;
}

/* Copy a test kext object (KEXT_OBJ_DIR/<obj>.o) to path. */
static inline void
kt_copy_object(const char *obj, const char *path, unsigned int mode)
{
	void *bytes = NULL;
	size_t len = 0;

	ck_assert_int_eq(khost_file_read(kt_fmt("%s/%s.o", KEXT_OBJ_DIR, obj), 64u << 20, &bytes, &len), 0);
	kt_write(path, bytes, len, mode);
	(void)khost_vm_free(bytes, len ? len : 1);
}

/*
 * Make dir/<name>.kext with an Info.plist (text) and, when obj is not NULL,
 * Contents/MacOS/<exe> copied from the test kext obj. Returns the bundle path.
 */
static inline const char *
kt_bundle(const char *dir, const char *name, const char *plist, const char *exe, const char *obj)
{
	static char path[8][1024];
	static unsigned int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s.kext", dir, name);
	kt_write(kt_fmt("%s/Contents/Info.plist", p), plist, strlen(plist), 0644);
	if (obj != NULL) {
		kt_copy_object(obj, kt_fmt("%s/Contents/MacOS/%s", p, exe), 0755);
	}
	return p;
}

/* A kext in the repository with an executable: id, version, compat (or NULL), libs, object. */
static inline const char *
kt_kext(const char *name, const char *id, const char *version, const char *compat, const char *libs,
        const char *obj, const char *extra)
{
	return kt_bundle(kt_ext, name, kt_plist(id, version, compat, obj ? name : NULL, libs, extra), name,
	                 obj);
}

/* ---- diagnostics as text: "Group\n    Diagnostic:\n        detail\n" ---------------- */

struct kt_text {
	char *buf;
	size_t cap, len;
};

static inline void
kt_text_add(struct kt_text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 1 <= t->cap) {
		memcpy(t->buf + t->len, s, n + 1);
		t->len += n;
	}
}

static inline bool
kt_text_diag(void *refcon, const OSSymbol *key, OSObject *value)
{
	struct kt_text *t = refcon;
	OSArray *details = OSKEXT_CAST(OSArray, value);
	unsigned int i;

	kt_text_add(t, "    ");
	kt_text_add(t, OSSymbol_getCStringNoCopy(key));
	kt_text_add(t, details ? ":\n" : "\n");
	for (i = 0; details != NULL && i < OSArray_getCount(details); i++) {
		kt_text_add(t, "        ");
		kt_text_add(t, OSString_getCStringNoCopy((OSString *)OSArray_getObject(details, i)));
		kt_text_add(t, "\n");
	}
	return false;
}

static inline bool
kt_text_group(void *refcon, const OSSymbol *key, OSObject *value)
{
	struct kt_text *t = refcon;

	kt_text_add(t, OSSymbol_getCStringNoCopy(key));
	kt_text_add(t, "\n");
	(void)OSDictionary_iterateObjects((OSDictionary *)value, t, kt_text_diag);
	return false;
}

/* Render diagnostics (static buffer). */
static inline const char *
kt_diag_text(OSDictionary *diag)
{
	static char buf[16384];
	struct kt_text t = {buf, sizeof(buf), 0};

	buf[0] = '\0';
	(void)OSDictionary_iterateObjects(diag, &t, kt_text_group);
	return buf;
}

/* Validate a bundle (no authentication unless auth) and render its diagnostics. */
static inline const char *
kt_validate(const char *path, uint32_t flags, OSReturn *result)
{
	struct OSKextLoadArgs a = {.path = path, .flags = flags};
	OSDictionary *diag = OSDictionary_withCapacity(4);
	const char *text;
	OSReturn r;

	ck_assert_ptr_nonnull(diag);
	r = OSKext_validateBundle(&a, diag, NULL, NULL);
	if (result != NULL) {
		*result = r;
	}
	text = kt_diag_text(diag);
	OSObject_release(diag);
	return text;
}

/* Load by path (flags) as root; messages rendered one per line into *msgs when not NULL. */
static inline OSReturn
kt_load_path(const char *path, uint32_t flags, OSKextLoadTag *tag, const char **msgs)
{
	static char buf[16384];
	struct OSKextLoadArgs a = {.path = path, .flags = flags};
	OSArray *m = OSArray_withCapacity(4);
	OSReturn r;
	unsigned int i;

	ck_assert_ptr_nonnull(m);
	r = OSKext_load(&a, tag, NULL, m);
	buf[0] = '\0';
	for (i = 0; i < OSArray_getCount(m); i++) {
		strlcat(buf, OSString_getCStringNoCopy((OSString *)OSArray_getObject(m, i)), sizeof(buf));
		strlcat(buf, "\n", sizeof(buf));
	}
	OSObject_release(m);
	if (msgs != NULL) {
		*msgs = buf;
	}
	return r;
}

static inline OSReturn
kt_load_id(const char *id, uint32_t flags, const char **msgs)
{
	static char buf[16384];
	struct OSKextLoadArgs a = {.bundleID = id, .flags = flags};
	OSArray *m = OSArray_withCapacity(4);
	OSReturn r;
	unsigned int i;

	ck_assert_ptr_nonnull(m);
	r = OSKext_load(&a, NULL, NULL, m);
	buf[0] = '\0';
	for (i = 0; i < OSArray_getCount(m); i++) {
		strlcat(buf, OSString_getCStringNoCopy((OSString *)OSArray_getObject(m, i)), sizeof(buf));
		strlcat(buf, "\n", sizeof(buf));
	}
	OSObject_release(m);
	if (msgs != NULL) {
		*msgs = buf;
	}
	return r;
}

static inline OSReturn
kt_unload(const char *id, const char **msgs)
{
	static char buf[16384];
	OSArray *m = OSArray_withCapacity(4);
	OSReturn r;
	unsigned int i;

	ck_assert_ptr_nonnull(m);
	r = OSKext_unloadWithIdentifier(id, 0, m);
	buf[0] = '\0';
	for (i = 0; i < OSArray_getCount(m); i++) {
		strlcat(buf, OSString_getCStringNoCopy((OSString *)OSArray_getObject(m, i)), sizeof(buf));
		strlcat(buf, "\n", sizeof(buf));
	}
	OSObject_release(m);
	if (msgs != NULL) {
		*msgs = buf;
	}
	return r;
}

/* Address of a global of a loaded kext (its image's exports). */
static inline void *
kt_sym(const char *id, const char *name)
{
	OSKext *k;
	uintptr_t addr = 0;

	oskext_lock();
	k = oskext_loaded_with_id(id);
	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(k->image);
	ck_assert_int_eq(kxld_image_lookup(k->image, name, &addr), 0);
	oskext_unlock();
	return (void *)addr;
}

static inline bool
kt_is_loaded(const char *id)
{
	bool loaded;

	oskext_lock();
	loaded = oskext_loaded_with_id(id) != NULL;
	oskext_unlock();
	return loaded;
}

#endif /* KEXT_TEST_H */
