/*
 * kxld_test.h — helpers shared by the kext linker's test programs (each
 * test_*.c includes it once): reading the test objects that mk/kxld-tests.mk
 * builds into KXLD_OBJ_DIR, a resolver over a small table of kernel symbols
 * (with per-test overrides), the kernel data and function the objects
 * import, diagnostics to C strings, and kalloc accounting totals.
 */
#ifndef KXLD_TEST_H
#define KXLD_TEST_H

#include "tests/ktest.h"
#include <string.h>
#include <kern/kalloc.h>
#include <libkern/libkern.h>
#include <libkern/c/OSContainers.h>
#include "host/khost.h"
#include "libkern/kxld/kxld.h"
#include "osfmk/kern/zalloc_internal.h"

#ifndef KXLD_OBJ_DIR
#error "KXLD_OBJ_DIR must be defined by mk/kxld-tests.mk"
#endif

/* What the test objects import from "the kernel". */
extern int kxld_test_kernel_value;
int kxld_test_kernel_value = 7;
int kxld_test_kernel_callback(int x);
__attribute__((noinline)) int
kxld_test_kernel_callback(int x)
{
	return x * 10;
}
/* Stands in for the kernel's gOSKextUnresolved (weak imports). */
void kxld_test_weak_referenced(void);
void
kxld_test_weak_referenced(void)
{
	panic("a kext called an unresolved weak import");
}
extern const void *kxld_test_unresolved;
const void *kxld_test_unresolved = (const void *)&kxld_test_weak_referenced;

struct kxld_test_override {
	const char *name;
	uintptr_t addr; /* 0: pretend the symbol does not exist */
};

struct kxld_test_resolver {
	const struct kxld_test_override *overrides;
	unsigned int noverrides;
	unsigned int calls;
};

__attribute__((unused)) static int
kxld_test_resolve(void *ctx, const char *name, uintptr_t *addr)
{
	struct kxld_test_resolver *r = ctx;
	static const struct {
		const char *name;
		uintptr_t addr;
	} table[] = {
	        {"snprintf", (uintptr_t)&snprintf},
	        {"printf", (uintptr_t)&printf},
	        {"strlen", (uintptr_t)&strlen},
	        {"strcmp", (uintptr_t)&strcmp},
	        {"strncmp", (uintptr_t)&strncmp},
	        {"strchr", (uintptr_t)&strchr},
	        {"strrchr", (uintptr_t)&strrchr},
	        {"memcpy", (uintptr_t)&memcpy},
	        {"memmove", (uintptr_t)&memmove},
	        {"memset", (uintptr_t)&memset},
	        {"memcmp", (uintptr_t)&memcmp},
	        {"kalloc", (uintptr_t)&kalloc},
	        {"kalloc_noblock", (uintptr_t)&kalloc_noblock},
	        {"kfree", (uintptr_t)&kfree},
	        {"kxld_test_kernel_value", (uintptr_t)&kxld_test_kernel_value},
	        {"kxld_test_kernel_callback", (uintptr_t)&kxld_test_kernel_callback},
	        {"gOSKextUnresolved", (uintptr_t)&kxld_test_unresolved},
	};

	if (r != NULL) {
		r->calls++;
		for (unsigned int i = 0; i < r->noverrides; i++) {
			if (strcmp(r->overrides[i].name, name) == 0) {
				*addr = r->overrides[i].addr;
				return *addr ? 0 : ENOENT;
			}
		}
	}
	for (unsigned int i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].name, name) == 0) {
			*addr = table[i].addr;
			return 0;
		}
	}
	return ENOENT;
}

struct kxld_test_obj {
	void *bytes;
	size_t size;
};

__attribute__((unused)) static void
kxld_test_read(const char *name, struct kxld_test_obj *obj)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", KXLD_OBJ_DIR, name);
	err = khost_file_read(path, 64u << 20, &obj->bytes, &obj->size);
	ck_assert_msg(err == 0, "cannot read %s (error %d): run make to build the test objects", path, err);
}

__attribute__((unused)) static void
kxld_test_free(struct kxld_test_obj *obj)
{
	khost_vm_free(obj->bytes, obj->size ? obj->size : 1);
}

/* Link bytes; returns the error, the image in *img, the messages in *diag (caller releases). */
__attribute__((unused)) static int
kxld_test_link_bytes(const char *id, const void *bytes, size_t size, struct kxld_test_resolver *r,
                     kern_allocation_name_t name, struct kxld_image **img, OSArray **diag)
{
	struct kxld_link_params p = {
	        .kext_id = id,
	        .object = bytes,
	        .object_size = size,
	        .resolve = kxld_test_resolve,
	        .resolve_ctx = r,
	        .alloc_name = name,
	};

	*diag = OSArray_withCapacity(4);
	ck_assert_ptr_nonnull(*diag);
	return kxld_link(&p, img, *diag);
}

/* Link a test object by file name. */
__attribute__((unused)) static int
kxld_test_link(const char *file, struct kxld_test_resolver *r, struct kxld_image **img, OSArray **diag)
{
	struct kxld_test_obj obj;
	int err;

	kxld_test_read(file, &obj);
	err = kxld_test_link_bytes(file, obj.bytes, obj.size, r, NULL, img, diag);
	kxld_test_free(&obj);
	return err;
}

/* All messages joined with newlines (for golden comparisons and failure output). */
__attribute__((unused)) static const char *
kxld_test_text(OSArray *diag)
{
	static char buf[8192];
	size_t off = 0;

	buf[0] = 0;
	for (unsigned int i = 0; diag != NULL && i < OSArray_getCount(diag); i++) {
		OSString *s = OSDynamicCast(OSString, OSArray_getObject(diag, i));
		if (s != NULL)
			off += (size_t)snprintf(buf + off, off < sizeof(buf) ? sizeof(buf) - off : 0, "%s\n",
			                        OSString_getCStringNoCopy(s));
		if (off >= sizeof(buf))
			break;
	}
	return buf;
}

__attribute__((unused)) static uintptr_t
kxld_test_sym(struct kxld_image *img, const char *name)
{
	uintptr_t a = 0;
	int err = kxld_image_lookup(img, name, &a);
	ck_assert_msg(err == 0, "%s: symbol %s not exported", kxld_image_kext_id(img), name);
	return a;
}

/* kalloc memory in use: elements of the kalloc.* zones plus large allocations. */
__attribute__((unused)) static void
kxld_test_kalloc_sum(const struct zone_info *zi, void *ctx)
{
	if (strncmp(zi->zi_name, "kalloc.", 7) == 0)
		*(uint64_t *)ctx += zi->zi_elems_in_use;
}

__attribute__((unused)) static uint64_t
kxld_test_kalloc_in_use(void)
{
	uint64_t n = 0, count = 0, bytes = 0;

	zone_info_iterate(kxld_test_kalloc_sum, &n);
	kalloc_large_stats(&count, &bytes);
	return n + count;
}

#endif /* KXLD_TEST_H */
