/*
 * kxld_util.c — the kext linker's diagnostics and the import-binding table.
 *
 * Diagnostics: every message is "kxld[<kext id>]: <text>", appended as an
 * OSString to the caller's list and written to the kernel log, as XNU's
 * kxld logging callback does. Long symbol names are kept whole.
 *
 * Scratch: the temporary tables of one link (sections, symbols, layout
 * order) come from a bump arena that is kept between links, so linking does
 * not map and fault in fresh pages for them each time. One arena is cached;
 * concurrent links make their own and the spare is freed.
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

#define KXLD_SCRATCH_MAX (16u << 20) /* do not keep arenas larger than this */

struct kxld_scratch {
	uint8_t *mem;
	size_t cap, used;
	size_t want; /* this link's total demand, to size the next arena */
};

static struct kxld_scratch *kxld_scratch_cached;

struct kxld_scratch *
kxld_scratch_get(void)
{
	struct kxld_scratch *s = __atomic_exchange_n(&kxld_scratch_cached, NULL, __ATOMIC_ACQUIRE);

	if (s == NULL) {
		s = kalloc(sizeof(*s));
		if (s != NULL)
			bzero(s, sizeof(*s));
	}
	return s;
}

void
kxld_scratch_put(struct kxld_scratch *s)
{
	struct kxld_scratch *none = NULL;

	if (s == NULL)
		return;
	if (s->want > s->cap && s->want <= KXLD_SCRATCH_MAX) {
		size_t cap = (s->want + 4095) & ~(size_t)4095;
		uint8_t *m = kalloc(cap);
		if (m != NULL) {
			if (s->mem != NULL)
				kfree(s->mem, s->cap);
			s->mem = m;
			s->cap = cap;
		}
	}
	s->used = 0;
	s->want = 0;
	if (!__atomic_compare_exchange_n(&kxld_scratch_cached, &none, s, false, __ATOMIC_RELEASE,
	                                 __ATOMIC_RELAXED)) {
		if (s->mem != NULL)
			kfree(s->mem, s->cap);
		kfree(s, sizeof(*s));
	}
}

void *
kxld_scratch_zalloc(struct kxld_scratch *s, size_t n)
{
	size_t size = (n + 15) & ~(size_t)15;
	void *p;

	if (size < n)
		return NULL;
	if (size == 0)
		size = 16;
	if (s != NULL) {
		s->want += size;
		if (s->mem != NULL && s->cap - s->used >= size) {
			p = s->mem + s->used;
			s->used += size;
			bzero(p, n);
			return p;
		}
	}
	p = kalloc(size);
	if (p != NULL)
		bzero(p, n);
	return p;
}

void
kxld_scratch_free(struct kxld_scratch *s, void *p, size_t n)
{
	size_t size = (n + 15) & ~(size_t)15;

	if (p == NULL)
		return;
	if (s != NULL && s->mem != NULL && (uint8_t *)p >= s->mem && (uint8_t *)p < s->mem + s->cap)
		return; /* arena memory: released all at once by kxld_scratch_put */
	kfree(p, size ? size : 16);
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
