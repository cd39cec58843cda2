/*
 * OSKextDiag.c — the kext lock, logging and diagnostics.
 *
 * The kext lock is recursive (XNU's sKextLock is an IORecursiveLock): a
 * kext's start or stop routine runs with it held and may call back into
 * the kext system. Log lines go to the kernel log; error-level lines are
 * also appended to the message sink of the request being served, which the
 * tools print as "(kernel) ..." lines. Diagnostics are kextutil's grouped
 * dictionaries (see OSKext.h).
 */
#include <stdarg.h>
#include <kern/locks.h>
#include <kern/thread.h>
#include "libkern/kext/kext_internal.h"

static lck_grp_t *oskext_lck_grp;
static lck_mtx_t *oskext_mtx;
static thread_t oskext_owner;
static unsigned int oskext_depth;
static OSArray *oskext_sink;

void
oskext_lock_init(void)
{
	if (oskext_mtx != NULL) {
		return;
	}
	oskext_lck_grp = lck_grp_alloc_init("kext", NULL);
	oskext_mtx = lck_mtx_alloc_init(oskext_lck_grp, NULL);
	if (oskext_mtx == NULL) {
		panic("kext: can't allocate the kext lock");
	}
}

void
oskext_lock(void)
{
	thread_t self = current_thread();

	if (__atomic_load_n(&oskext_owner, __ATOMIC_RELAXED) == self) {
		oskext_depth++;
		return;
	}
	lck_mtx_lock(oskext_mtx);
	__atomic_store_n(&oskext_owner, self, __ATOMIC_RELAXED);
	oskext_depth = 1;
}

void
oskext_unlock(void)
{
	if (!oskext_lock_held()) {
		panic("kext: unlocking the kext lock without holding it");
	}
	if (--oskext_depth > 0) {
		return;
	}
	__atomic_store_n(&oskext_owner, NULL, __ATOMIC_RELAXED);
	lck_mtx_unlock(oskext_mtx);
}

bool
oskext_lock_held(void)
{
	return __atomic_load_n(&oskext_owner, __ATOMIC_RELAXED) == current_thread();
}

OSArray *
oskext_log_set_sink(OSArray *messages)
{
	OSArray *prev = oskext_sink;

	OSKEXT_ASSERT_LOCKED();
	oskext_sink = messages;
	return prev;
}

void
oskext_log(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("%s\n", line);
	if (level == OSKEXT_LOG_ERROR && oskext_sink != NULL && oskext_lock_held()) {
		OSString *s = OSString_withCString(line);

		if (s != NULL) {
			(void)OSArray_setObject(oskext_sink, s);
			OSObject_release(s);
		}
	}
}

/* ---- diagnostics ---------------------------------------------------------------- */

static const char *const oskext_diag_groups[] = {
        kOSKextDiagnosticsValidationKey,
        kOSKextDiagnosticsAuthenticationKey,
        kOSKextDiagnosticsDependenciesKey,
        kOSKextDiagnosticsWarningsKey,
};

/* The dictionary for key in dict, created when missing; NULL on allocation failure. */
static OSDictionary *
oskext_subdict(OSDictionary *dict, const char *key)
{
	OSDictionary *sub = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(dict, key));

	if (sub == NULL) {
		sub = OSDictionary_withCapacity(4);
		if (sub == NULL || !OSDictionary_setObjectCString(dict, key, sub)) {
			OSSafeReleaseNULL(sub);
			return NULL;
		}
		OSObject_release(sub); /* dict holds it */
	}
	return sub;
}

void
oskext_diag(OSKext *k, const char *group, const char *diagnostic, const char *detail)
{
	OSDictionary *g;
	OSArray *details;
	OSString *s;
	unsigned int i;

	if (k->diagnostics == NULL && (k->diagnostics = OSDictionary_withCapacity(4)) == NULL) {
		return;
	}
	if ((g = oskext_subdict(k->diagnostics, group)) == NULL) {
		return;
	}
	if (detail == NULL) {
		if (OSDictionary_getObjectCString(g, diagnostic) == NULL) {
			(void)OSDictionary_setObjectCString(g, diagnostic, kOSBooleanTrue);
		}
		return;
	}
	details = OSKEXT_CAST(OSArray, OSDictionary_getObjectCString(g, diagnostic));
	if (details == NULL) {
		details = OSArray_withCapacity(2);
		if (details == NULL || !OSDictionary_setObjectCString(g, diagnostic, details)) {
			OSSafeReleaseNULL(details);
			return;
		}
		OSObject_release(details);
	}
	for (i = 0; i < OSArray_getCount(details); i++) {
		OSString *d = OSKEXT_CAST(OSString, OSArray_getObject(details, i));

		if (d != NULL && OSString_isEqualToCString(d, detail)) {
			return; /* each detail once */
		}
	}
	if ((s = OSString_withCString(detail)) != NULL) {
		(void)OSArray_setObject(details, s);
		OSObject_release(s);
	}
}

void
oskext_diag_path(OSKext *k, const char *group, const char *diagnostic, const char *a, const char *b)
{
	char path[256];

	snprintf(path, sizeof(path), "%s -> %s", a, b);
	oskext_diag(k, group, diagnostic, path);
}

bool
oskext_has_diag(const OSKext *k, const char *group)
{
	OSDictionary *g;

	if (k->diagnostics == NULL) {
		return false;
	}
	g = OSKEXT_CAST(OSDictionary, OSDictionary_getObjectCString(k->diagnostics, group));
	return g != NULL && OSDictionary_getCount(g) > 0;
}

void
oskext_diag_copy_out(const OSKext *k, OSDictionary *out)
{
	unsigned int i;

	if (out == NULL || k->diagnostics == NULL) {
		return;
	}
	for (i = 0; i < sizeof(oskext_diag_groups) / sizeof(oskext_diag_groups[0]); i++) {
		OSDictionary *src = OSKEXT_CAST(
		        OSDictionary, OSDictionary_getObjectCString(k->diagnostics, oskext_diag_groups[i]));
		OSDictionary *dst;

		if (src == NULL || OSDictionary_getCount(src) == 0) {
			continue;
		}
		if ((dst = oskext_subdict(out, oskext_diag_groups[i])) != NULL) {
			(void)OSDictionary_merge(dst, src);
		}
	}
}
