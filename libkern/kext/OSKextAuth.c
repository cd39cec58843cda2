/*
 * OSKextAuth.c — kext authentication, as kextd and kextutil do it: every
 * file and folder of the bundle must be owned by root:wheel (uid 0, gid
 * 0) and not writable by group or other; each one that is not is listed
 * under "Authentication Failures" / "File owner/permissions are incorrect
 * (must be root:wheel, nonwritable by group/other)". Nested kexts
 * (the .kext folders in Contents/PlugIns) are kexts of their own and are authenticated
 * when they are loaded. Symbolic links are not followed; only their owner
 * is checked (a link's own mode is always 0777), with a warning.
 *
 * The boot-arg kext-dev-mode=1 (and kextutil -z, per request) skips the
 * check. The result is not cached: permissions may be fixed between two
 * requests. The walk is bounded in depth and entries, so a hostile tree can't
 * exhaust the kernel stack.
 */
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "libkern/kext/kext_internal.h"

#define OSKEXT_AUTH_MAX_DEPTH 16
#define OSKEXT_AUTH_MAX_ENTRIES 100000
#define KHOST_S_IWGRP 0020
#define KHOST_S_IWOTH 0002

struct oskext_auth {
	OSKext *k;
	const char *plugins; /* <bundle>/Contents/PlugIns: skipped */
	unsigned int entries;
	bool ok;
};

static void oskext_auth_path(struct oskext_auth *a, const char *path, unsigned int depth);

struct oskext_auth_dir {
	struct oskext_auth *a;
	const char *dir;
	unsigned int depth;
};

static int
oskext_auth_entry(void *ctx, const char *name)
{
	struct oskext_auth_dir *d = ctx;
	char path[MAXPATHLEN];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", d->dir, name) >= sizeof(path)) {
		oskext_diag(d->a->k, kOSKextDiagnosticsAuthenticationKey, kOSKextDiagnosticFileAccessKey,
		            d->dir);
		d->a->ok = false;
		return 0;
	}
	oskext_auth_path(d->a, path, d->depth + 1);
	return 0;
}

static void
oskext_auth_path(struct oskext_auth *a, const char *path, unsigned int depth)
{
	struct khost_stat st;
	struct oskext_auth_dir d = {a, path, depth};
	uint32_t type;

	if (++a->entries > OSKEXT_AUTH_MAX_ENTRIES || depth > OSKEXT_AUTH_MAX_DEPTH) {
		oskext_diag(a->k, kOSKextDiagnosticsAuthenticationKey, kOSKextDiagnosticFileAccessKey, path);
		a->ok = false;
		return;
	}
	if (khost_stat(path, &st) != 0) {
		oskext_diag(a->k, kOSKextDiagnosticsAuthenticationKey, kOSKextDiagnosticStatFailureKey, path);
		a->ok = false;
		return;
	}
	type = st.mode & KHOST_S_IFMT;
	if (st.uid != 0 || st.gid != 0 ||
	    (type != KHOST_S_IFLNK && (st.mode & (KHOST_S_IWGRP | KHOST_S_IWOTH)) != 0)) {
		oskext_diag(a->k, kOSKextDiagnosticsAuthenticationKey, kOSKextDiagnosticOwnerPermissionKey,
		            path);
		a->ok = false;
	}
	if (type == KHOST_S_IFLNK) {
		oskext_diag(a->k, kOSKextDiagnosticsWarningsKey, kOSKextDiagnosticSymlinkKey, path);
		return;
	}
	if (type == KHOST_S_IFDIR && strcmp(path, a->plugins) != 0) {
		if (khost_dir_list(path, oskext_auth_entry, &d) != 0) {
			oskext_diag(a->k, kOSKextDiagnosticsAuthenticationKey, kOSKextDiagnosticFileAccessKey,
			            path);
			a->ok = false;
		}
	}
}

bool
oskext_dev_mode(void)
{
	int mode = 0;

	return PE_parse_boot_argn("kext-dev-mode", &mode, sizeof(mode)) && mode == 1;
}

bool
oskext_safe_boot(void)
{
	return PE_parse_boot_argn("-x", NULL, 0);
}

/*
 * Safe boot (-x) loads only what the boot itself needs: as OSKext does, a
 * kext qualifies when its OSBundleRequired is Root, Local-Root,
 * Network-Root, Safe Boot or Console. Kexts without the key never load.
 */
bool
oskext_loadable_in_safe_boot(OSKext *k)
{
	static const char *const ok[] = {kOSBundleRequiredRoot, kOSBundleRequiredLocalRoot,
	                                 kOSBundleRequiredNetworkRoot, kOSBundleRequiredSafeBoot,
	                                 kOSBundleRequiredConsole};
	OSString *req;

	if (!oskext_safe_boot() || (k->kflags & OSKEXT_F_KERNEL_COMPONENT)) {
		return true;
	}
	req = k->infoDict != NULL ? OSKEXT_CAST(OSString, OSDictionary_getObjectCString(k->infoDict,
	                                                                                kOSBundleRequiredKey))
	                          : NULL;
	for (unsigned int i = 0; req != NULL && i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (strcmp(OSString_getCStringNoCopy(req), ok[i]) == 0) {
			return true;
		}
	}
	return false;
}

bool
oskext_authenticate(OSKext *k)
{
	char plugins[MAXPATHLEN];
	struct oskext_auth a = {k, plugins, 0, true};

	OSKEXT_ASSERT_LOCKED();
	if (k->kflags & OSKEXT_F_KERNEL_COMPONENT) {
		return true;
	}
	if (k->path == NULL) {
		return false;
	}
	/* Checked on every request: permissions may have been fixed since. */
	if (k->diagnostics != NULL) {
		OSDictionary_removeObjectCString(k->diagnostics, kOSKextDiagnosticsAuthenticationKey);
	}
	k->kflags &= ~OSKEXT_F_INAUTHENTIC;
	snprintf(plugins, sizeof(plugins), "%s/Contents/PlugIns", OSString_getCStringNoCopy(k->path));
	oskext_auth_path(&a, OSString_getCStringNoCopy(k->path), 0);
	k->kflags |= OSKEXT_F_AUTH_CHECKED;
	if (!a.ok) {
		k->kflags |= OSKEXT_F_INAUTHENTIC;
	}
	return a.ok;
}
