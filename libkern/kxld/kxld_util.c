/*
 * kxld_util.c — the kext linker's diagnostics and the import-binding table.
 *
 * Diagnostics: every message is "kxld[<kext id>]: <text>", appended as an
 * OSString to the caller's list and written to the kernel log, as XNU's
 * kxld logging callback does. Long symbol names are kept whole.
 *
 * Bindings: a kext's imports that must carry the kext's identity. A kext
 * calling kalloc(size) really calls a per-image trampoline that calls
 * kalloc_tag_name(size, <the kext's kern_allocation_name_t>), so the kernel
 * can report at unload what the kext allocated and did not free. One table,
 * here: {import name, function the trampoline calls, argument position of
 * the extra pointer}. kalloc_noblock maps to kalloc_tag_name: the hosted
 * kalloc never sleeps for memory, so both behave alike. IOMalloc/IOFree join
 * when the I/O Kit exists.
 */
#include <sys/systm.h>
#include <libkern/libkern.h>
#include <libkern/c/OSContainers.h>
#include <string.h>
#include <stdarg.h>
#include "libkern/kxld/kxld_internal.h"

void
kxld_log(struct kxld_diag *d, const char *fmt, ...)
{
	char stackbuf[256];
	char *buf = stackbuf;
	size_t cap = sizeof(stackbuf);
	int prefix, n;
	va_list ap;

	d->count++;
	for (;;) {
		prefix = snprintf(buf, cap, "kxld[%s]: ", d->kext_id ? d->kext_id : "unknown");
		if (prefix < 0)
			return;
		va_start(ap, fmt);
		n = (size_t)prefix < cap ? vsnprintf(buf + prefix, cap - (size_t)prefix, fmt, ap) : 0;
		va_end(ap);
		if (n < 0)
			goto out;
		if ((size_t)prefix + (size_t)n < cap || buf != stackbuf)
			break;
		/* Too long for the stack buffer (a long C++ name): format once more into kalloc memory. */
		cap = (size_t)prefix + (size_t)n + 1;
		buf = kalloc(cap);
		if (buf == NULL) {
			buf = stackbuf;
			cap = sizeof(stackbuf);
			break;
		}
	}
	printf("%s\n", buf);
	if (d->list != NULL) {
		OSString *s = OSString_withCString(buf);
		if (s != NULL) {
			OSArray_setObject(d->list, s);
			OSObject_release(s);
		}
	}
out:
	if (buf != stackbuf)
		kfree(buf, cap);
}

static const struct kxld_binding kxld_bindings[] = {
        {"kalloc", (uintptr_t)&kalloc_tag_name, 1},
        {"kalloc_noblock", (uintptr_t)&kalloc_tag_name, 1},
        {"kfree", (uintptr_t)&kfree_tag_name, 2},
};

int
kxld_binding_find(const char *name)
{
	for (unsigned int i = 0; i < sizeof(kxld_bindings) / sizeof(kxld_bindings[0]); i++) {
		if (strcmp(kxld_bindings[i].import, name) == 0)
			return (int)i;
	}
	return -1;
}

const struct kxld_binding *
kxld_binding_get(int index)
{
	return &kxld_bindings[index];
}
