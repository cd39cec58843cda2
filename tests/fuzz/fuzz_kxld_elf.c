/*
 * fuzz_kxld_elf.c — libFuzzer target for the kext linker: arbitrary bytes
 * are handed to kxld_link() as a kext's executable, with a resolver that
 * knows a few kernel functions. Any input must come back linked (then
 * unlinked) or refused with an error and at least one message, never a crash
 * or a hang; nothing may stay allocated in the kext region afterwards. The
 * offline symbol lister and UUID reader get the same bytes. The kernel core
 * boots once, in LLVMFuzzerInitialize.
 */
#include <string.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include <libkern/libkern.h>
#include <libkern/c/OSContainers.h>
#include <kern/debug.h>
#include "host/khost.h"
#include "libkern/kxld/kxld.h"
#include <elf.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = "kext_region_mb=256",
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (kernel_bootstrap(&params) != 0)
		khost_exit(KHOST_EXIT_BOOT);
	if (kxld_init() != 0)
		khost_exit(KHOST_EXIT_BOOT);
	return 0;
}

static int
fuzz_resolve(void *ctx, const char *name, uintptr_t *addr)
{
	static const struct {
		const char *name;
		uintptr_t addr;
	} table[] = {
	        {"strlen", (uintptr_t)&strlen}, {"memcpy", (uintptr_t)&memcpy},
	        {"memset", (uintptr_t)&memset}, {"snprintf", (uintptr_t)&snprintf},
	        {"printf", (uintptr_t)&printf}, {"kalloc", (uintptr_t)&kalloc},
	        {"kfree", (uintptr_t)&kfree},
	};

	for (unsigned int i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].name, name) == 0) {
			*addr = table[i].addr;
			return 0;
		}
	}
	return ENOENT;
}

static int
fuzz_sym(void *ctx, const char *name, bool defined, bool is_function)
{
	/* Touch the whole name: it must be a valid string. */
	*(size_t *)ctx += strlen(name);
	return 0;
}

/* A debug object kxld built: its header table and every section's bytes lie inside it. */
static void
fuzz_check_debug_object(const void *obj, size_t size, const char *what)
{
	const Elf64_Ehdr *eh = obj;
	const Elf64_Shdr *sh;

	if (size < sizeof(*eh) || eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(*sh))
		panic("fuzz_kxld_elf: %s debug object of %zu bytes: bad section header table", what, size);
	sh = (const Elf64_Shdr *)((const char *)obj + eh->e_shoff);
	for (unsigned i = 1; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_NOBITS && sh[i].sh_size != 0 &&
		    (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset))
			panic("fuzz_kxld_elf: %s debug object: section %u outside it", what, i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kern_allocation_name_t name;
	struct kxld_link_params p = {
	        .kext_id = "com.example.fuzz",
	        .object = data,
	        .object_size = size,
	        .resolve = fuzz_resolve,
	};
	struct kxld_image *img = NULL;
	OSArray *diag = OSArray_withCapacity(4);
	size_t reserved, used, total = 0;
	unsigned int images;
	uint8_t uuid[16];
	int err;

#ifdef FUZZ_KXLD_SAVE_INPUT
	/* A panic ends the process with _exit, so libFuzzer cannot save the input: keep the last one. */
	khost_file_write(FUZZ_KXLD_SAVE_INPUT, data, size, 0644);
#endif
	if (name == NULL)
		name = kern_allocation_name_allocate("com.example.fuzz", 0);
	p.alloc_name = (size & 1) ? name : NULL;
	err = kxld_link(&p, &img, diag);
	if (err == 0) {
		if (img == NULL)
			panic("fuzz_kxld_elf: success without an image");
		const void *dbg = NULL;
		void *at = NULL;
		size_t dbg_size = 0, at_size = 0;

		(void)kxld_image_kmod_info(img);
		/* The debug object (applying the DWARF relocations) and the full one laid out elsewhere:
		 * both well-formed, every byte they point at inside them. */
		if (kxld_image_debug_object(img, &dbg, &dbg_size) == 0)
			fuzz_check_debug_object(dbg, dbg_size, "slim");
		if (kxld_link_debug_object(&p, 0x40000000, &at, &at_size, NULL) == 0) {
			fuzz_check_debug_object(at, at_size, "full");
			kxld_debug_object_free(at, at_size);
		}
		kxld_unlink(img);
	} else if (img != NULL || (diag != NULL && OSArray_getCount(diag) == 0 && err != ENOMEM)) {
		panic("fuzz_kxld_elf: error %d with an image or without a message", err);
	}
	kxld_region_stats(&reserved, &used, &images);
	if (used != 0 || images != 0)
		panic("fuzz_kxld_elf: %zu bytes / %u images left in the kext region", used, images);
	(void)kxld_object_symbols(data, size, fuzz_sym, &total, NULL);
	(void)kxld_object_uuid(data, size, uuid);
	OSSafeReleaseNULL(diag);
	return 0;
}
