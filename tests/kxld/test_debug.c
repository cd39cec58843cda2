/*
 * test_debug.c — a linked image's debug object and GDB's JIT list: the
 * object's loaded sections carry their load addresses and no bytes, the
 * relocations of loaded sections are dropped, the rest is the file's, its DWARF
 * relocations are applied with the final addresses, the image is on the JIT
 * list while linked and off it after kxld_unlink, kxld_link_debug_object lays
 * the same object out at a given address, code included (and refuses a
 * misaligned one), and
 * no_debug_object builds nothing.
 */
#include "tests/kxld/kxld_test.h"
#include <elf.h>
#include <stddef.h>

/* GDB's JIT interface as the gdb manual defines it (libkern/kxld/kxld_debug.c exports it). */
struct jit_code_entry {
	struct jit_code_entry *next_entry, *prev_entry;
	const char *symfile_addr;
	uint64_t symfile_size;
};
struct jit_descriptor {
	uint32_t version, action_flag;
	struct jit_code_entry *relevant_entry, *first_entry;
};
extern struct jit_descriptor __jit_debug_descriptor;

static const Elf64_Shdr *
dbg_sections(const void *obj, size_t *n, const char **shstr)
{
	const Elf64_Ehdr *eh = obj;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)((const char *)obj + eh->e_shoff);

	*n = eh->e_shnum;
	*shstr = (const char *)obj + sh[eh->e_shstrndx].sh_offset;
	return sh;
}

static const Elf64_Shdr *
dbg_section(const void *obj, const char *name, size_t *index)
{
	const char *shstr;
	size_t n;
	const Elf64_Shdr *sh = dbg_sections(obj, &n, &shstr);

	for (size_t i = 1; i < n; i++) {
		if (strcmp(shstr + sh[i].sh_name, name) == 0) {
			if (index != NULL)
				*index = i;
			return &sh[i];
		}
	}
	return NULL;
}

struct sect_check {
	const void *obj;
	unsigned int checked;
};

/* Every section the image reports (except the linker's own) has sh_addr = its address. */
static int
check_sect(void *ctx, const char *name, uintptr_t addr, size_t size, int prot)
{
	struct sect_check *c = ctx;
	const Elf64_Shdr *sh;

	if (strncmp(name, "__kxld_", 7) == 0)
		return 0;
	sh = dbg_section(c->obj, name, NULL);
	ck_assert_msg(sh != NULL, "section %s missing", name);
	ck_assert_msg(sh->sh_addr == addr, "%s: sh_addr 0x%llx, loaded at 0x%lx", name,
	              (unsigned long long)sh->sh_addr, (unsigned long)addr);
	c->checked++;
	return 0;
}

/*
 * Each R_X86_64_64 of a .debug_* section against a symbol of a loaded
 * section was applied: the field holds the section's sh_addr + the symbol's
 * value + the addend (DWARF 4 keeps addresses in .debug_info, DWARF 5 in
 * .debug_addr). Returns how many were checked.
 */
static unsigned int
check_debug_relocs(const void *obj)
{
	const char *shstr;
	size_t n;
	const Elf64_Shdr *sh = dbg_sections(obj, &n, &shstr);
	unsigned int checked = 0;

	for (size_t i = 1; i < n; i++) {
		const Elf64_Rela *r = (const Elf64_Rela *)((const char *)obj + sh[i].sh_offset);
		const Elf64_Shdr *t = &sh[sh[i].sh_info];
		const Elf64_Sym *syms;

		if (sh[i].sh_type != SHT_RELA || strncmp(shstr + t->sh_name, ".debug_", 7) != 0)
			continue;
		syms = (const Elf64_Sym *)((const char *)obj + sh[sh[i].sh_link].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*r); k++) {
			const Elf64_Sym *s = &syms[ELF64_R_SYM(r[k].r_info)];
			uint64_t want, have;

			if (ELF64_R_TYPE(r[k].r_info) != R_X86_64_64 || s->st_shndx == SHN_UNDEF ||
			    s->st_shndx >= n || !(sh[s->st_shndx].sh_flags & SHF_ALLOC))
				continue;
			want = sh[s->st_shndx].sh_addr + s->st_value + (uint64_t)r[k].r_addend;
			memcpy(&have, (const char *)obj + t->sh_offset + r[k].r_offset, 8);
			ck_assert_msg(have == want, "%s reloc %zu: 0x%llx, want 0x%llx", shstr + t->sh_name,
			              k, (unsigned long long)have, (unsigned long long)want);
			checked++;
		}
	}
	return checked;
}

/*
 * The slim layout: loaded sections are SHT_NOBITS, their relocation
 * sections empty, but for the unwind tables; every other section's bytes
 * as in the file, and everything inside the object.
 */
static void
check_layout(const void *dbg, size_t size, const struct kxld_test_obj *file)
{
	const char *shstr, *fshstr;
	size_t n, fn;
	const Elf64_Shdr *sh = dbg_sections(dbg, &n, &shstr);
	const Elf64_Shdr *fsh = dbg_sections(file->bytes, &fn, &fshstr);
	unsigned int nobits = 0, kept = 0;

	ck_assert_uint_eq(n, fn);
	ck_assert_uint_le(((const Elf64_Ehdr *)dbg)->e_shoff + n * sizeof(Elf64_Shdr), size);
	for (size_t i = 1; i < n; i++) {
		bool loaded_rel = (fsh[i].sh_type == SHT_RELA || fsh[i].sh_type == SHT_REL) &&
		                  (fsh[fsh[i].sh_info].sh_flags & SHF_ALLOC);

		ck_assert_uint_eq(sh[i].sh_name, fsh[i].sh_name);
		bool unwind = strcmp(fshstr + fsh[i].sh_name, ".eh_frame") == 0 ||
		              strcmp(fshstr + fsh[i].sh_name, ".rela.eh_frame") == 0;

		if ((fsh[i].sh_flags & SHF_ALLOC) && !unwind) {
			ck_assert_msg(sh[i].sh_type == SHT_NOBITS, "%s kept its bytes",
			              shstr + sh[i].sh_name);
			nobits++;
		} else if (loaded_rel && !unwind) {
			ck_assert_uint_eq(sh[i].sh_size, 0);
		} else if (fsh[i].sh_type != SHT_NOBITS && fsh[i].sh_size != 0) {
			ck_assert_uint_le(sh[i].sh_offset + sh[i].sh_size, size);
			ck_assert_uint_eq(sh[i].sh_size, fsh[i].sh_size);
			/* DWARF sections differ by their applied relocations; the rest is the file's. */
			if (strncmp(shstr + sh[i].sh_name, ".debug_", 7) != 0)
				ck_assert_int_eq(memcmp((const char *)dbg + sh[i].sh_offset,
				                        (const char *)file->bytes + fsh[i].sh_offset,
				                        sh[i].sh_size),
				                 0);
			kept++;
		}
	}
	ck_assert_uint_gt(nobits, 0);
	ck_assert_uint_gt(kept, 0);
}

static bool
jit_listed(const void *obj)
{
	for (struct jit_code_entry *e = __jit_debug_descriptor.first_entry; e != NULL; e = e->next_entry) {
		if (e->symfile_addr == obj)
			return true;
	}
	return false;
}

START_TEST(test_debug_object)
{
	struct kxld_test_obj obj;
	struct kxld_image *img = NULL, *img2 = NULL;
	OSArray *diag = NULL, *diag2 = NULL;
	const void *dbg = NULL, *dbg2 = NULL;
	size_t size = 0, size2 = 0;
	struct sect_check c = {0};
	int err;

	kxld_test_read("basic-gcc-g.o", &obj);
	err = kxld_test_link_bytes("com.example.debug", obj.bytes, obj.size, NULL, NULL, &img, &diag);
	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	ck_assert_int_eq(kxld_image_debug_object(img, &dbg, &size), 0);
	/* The ELF header as in the file but for where the section headers are; smaller: no code. */
	ck_assert_uint_lt(size, obj.size);
	ck_assert_int_eq(memcmp(dbg, obj.bytes, offsetof(Elf64_Ehdr, e_shoff)), 0);
	ck_assert_int_eq(memcmp((const char *)dbg + offsetof(Elf64_Ehdr, e_flags),
	                        (const char *)obj.bytes + offsetof(Elf64_Ehdr, e_flags),
	                        sizeof(Elf64_Ehdr) - offsetof(Elf64_Ehdr, e_flags)),
	                 0);
	check_layout(dbg, size, &obj);
	c.obj = dbg;
	kxld_image_sections(img, check_sect, &c);
	ck_assert_uint_ge(c.checked, 2);
	ck_assert_uint_gt(check_debug_relocs(dbg), 0);

	/* On the JIT list, newest first, with its size; no action pending. */
	ck_assert_uint_eq(__jit_debug_descriptor.version, 1);
	ck_assert_uint_eq(__jit_debug_descriptor.action_flag, 0);
	ck_assert_ptr_eq(__jit_debug_descriptor.first_entry->symfile_addr, dbg);
	ck_assert_uint_eq(__jit_debug_descriptor.first_entry->symfile_size, size);
	err = kxld_test_link_bytes("com.example.debug2", obj.bytes, obj.size, NULL, NULL, &img2, &diag2);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(kxld_image_debug_object(img2, &dbg2, &size2), 0);
	ck_assert_ptr_eq(__jit_debug_descriptor.first_entry->symfile_addr, dbg2);
	ck_assert(jit_listed(dbg));

	/* Unlinking the older one keeps the list linked through the newer. */
	kxld_unlink(img);
	ck_assert(!jit_listed(dbg));
	ck_assert(jit_listed(dbg2));
	ck_assert_ptr_null(__jit_debug_descriptor.first_entry->prev_entry);
	kxld_unlink(img2);
	ck_assert(!jit_listed(dbg2));
	OSObject_release(diag);
	OSObject_release(diag2);
	kxld_test_free(&obj);
}
END_TEST

/* The same object laid out at a chosen address: each section moves by (address - base). */
START_TEST(test_debug_object_at)
{
	struct kxld_test_obj obj;
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	const void *dbg = NULL;
	void *at = NULL;
	size_t size = 0, at_size = 0;
	const uintptr_t where = 0x40000000;
	const Elf64_Shdr *t1, *t2;
	struct kxld_link_params p = {.kext_id = "com.example.at", .resolve = kxld_test_resolve};
	int err;

	kxld_test_read("basic-clang-Os.o", &obj);
	err = kxld_test_link_bytes("com.example.at", obj.bytes, obj.size, NULL, NULL, &img, &diag);
	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	ck_assert_int_eq(kxld_image_debug_object(img, &dbg, &size), 0);
	p.object = obj.bytes;
	p.object_size = obj.size;
	err = kxld_link_debug_object(&p, where, &at, &at_size, diag);
	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	/* A symbol file is full: the code is there, as in the file (the in-memory object has none). */
	ck_assert_uint_gt(at_size, size);
	t1 = dbg_section(dbg, ".text", NULL);
	t2 = dbg_section(at, ".text", NULL);
	ck_assert_ptr_nonnull(t1);
	ck_assert_ptr_nonnull(t2);
	ck_assert_uint_eq(t1->sh_type, SHT_NOBITS);
	ck_assert_uint_eq(t2->sh_type, SHT_PROGBITS);
	{
		const Elf64_Shdr *ft = dbg_section(obj.bytes, ".text", NULL);

		ck_assert_uint_eq(t2->sh_size, ft->sh_size);
		ck_assert_int_eq(memcmp((const char *)at + t2->sh_offset,
		                        (const char *)obj.bytes + ft->sh_offset, ft->sh_size),
		                 0);
	}
	ck_assert_uint_eq(t2->sh_addr - where, t1->sh_addr - kxld_image_address(img));
	ck_assert_uint_gt(check_debug_relocs(at), 0);
	kxld_debug_object_free(at, at_size);

	/* A misaligned address is refused with a message; nothing is returned. */
	at = (void *)1;
	err = kxld_link_debug_object(&p, where + 0x10, &at, &at_size, diag);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_ptr_null(at);
	ck_assert_ptr_nonnull(strstr(kxld_test_text(diag), "is not a valid load address"));
	kxld_unlink(img);
	OSObject_release(diag);
	kxld_test_free(&obj);
}
END_TEST

/* no_debug_object: no copy, nothing on the JIT list; objects without -g still get one (symbols). */
START_TEST(test_no_debug_object)
{
	struct kxld_test_obj obj;
	struct kxld_image *img = NULL;
	const void *dbg = (const void *)1;
	size_t size = 1;
	struct jit_code_entry *before = __jit_debug_descriptor.first_entry;
	struct kxld_link_params p = {.kext_id = "com.example.nodebug", .resolve = kxld_test_resolve};
	int err;

	kxld_test_read("basic-gcc-O2.o", &obj);
	p.object = obj.bytes;
	p.object_size = obj.size;
	p.no_debug_object = true;
	err = kxld_link(&p, &img, NULL);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(kxld_image_debug_object(img, &dbg, &size), ENOENT);
	ck_assert_ptr_null(dbg);
	ck_assert_uint_eq(size, 0);
	ck_assert_ptr_eq(__jit_debug_descriptor.first_entry, before);
	kxld_unlink(img);

	p.no_debug_object = false;
	err = kxld_link(&p, &img, NULL);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(kxld_image_debug_object(img, &dbg, &size), 0);
	ck_assert(jit_listed(dbg));
	kxld_unlink(img);
	ck_assert_ptr_eq(__jit_debug_descriptor.first_entry, before);
	kxld_test_free(&obj);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kxld_debug");
	TCase *tc = ktest_tcase("debug");

	tcase_add_test(tc, test_debug_object);
	tcase_add_test(tc, test_debug_object_at);
	tcase_add_test(tc, test_no_debug_object);
	suite_add_tcase(s, tc);
	return s;
}
