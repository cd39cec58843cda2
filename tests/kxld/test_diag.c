/*
 * test_diag.c — what the kext linker says when it refuses an object, word
 * for word (golden text, in kxld's wording): unresolved symbols, common
 * symbols, thread-local storage, duplicate definitions, untested weak
 * references; and malformed ELF — truncated, wrong class/machine/type, bad
 * offsets, sizes and indices, relocations outside their section or naming
 * missing symbols — each a clear message and an error, never a crash, with
 * nothing left mapped. Finally a few thousand deterministic random mutations.
 */
#include "tests/kxld/kxld_test.h"
#include <elf.h>

static void
expect_golden(const char *file, int want_err, const char *golden)
{
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	size_t reserved, used;
	unsigned int n;
	int err = kxld_test_link(file, NULL, &img, &diag);

	ck_assert_msg(err == want_err, "%s: error %d, expected %d\n%s", file, err, want_err,
	              kxld_test_text(diag));
	ck_assert_ptr_null(img);
	ck_assert_str_eq(kxld_test_text(diag), golden);
	kxld_region_stats(&reserved, &used, &n);
	ck_assert_uint_eq(used, 0);
	OSObject_release(diag);
}

START_TEST(test_unresolved)
{
	expect_golden("unresolved.o", ENOENT,
	              "kxld[unresolved.o]: The following symbols are unresolved for this kext:\n"
	              "kxld[unresolved.o]: \tkxld_missing_one\n"
	              "kxld[unresolved.o]: \tkxld_missing_two\n");
}
END_TEST

START_TEST(test_common)
{
	expect_golden(
	        "common.o", ENOEXEC,
	        "kxld[common.o]: Common symbols are not supported in kernel extensions. Use -fno-common to "
	        "build your kext. The following are common symbols:\n"
	        "kxld[common.o]: \tcommon_counter\n"
	        "kxld[common.o]: \tcommon_table\n");
}
END_TEST

START_TEST(test_tls)
{
	expect_golden(
	        "tls.o", ENOEXEC,
	        "kxld[tls.o]: Kernel code has no thread-local storage (build the kext without __thread or "
	        "_Thread_local). The following symbols are thread-local:\n"
	        "kxld[tls.o]: \ttls_counter\n");
}
END_TEST

START_TEST(test_weak_untested)
{
	expect_golden("weak.o", ENOEXEC,
	              "kxld[weak.o]: This kext has weak references but does not test for them. Test for weak "
	              "references with OSKextSymbolIsResolved(). (found in <libkern/OSKextLib.h>)\n");
}
END_TEST

START_TEST(test_duplicate)
{
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	const char *text, *line2;
	int err = kxld_test_link("dup.o", NULL, &img, &diag);

	ck_assert_int_eq(err, EEXIST);
	ck_assert_ptr_null(img);
	text = kxld_test_text(diag);
	ck_assert_msg(
	        strncmp(text, "kxld[dup.o]: The following symbols were defined more than once:\n", 63) == 0,
	        "%s", text);
	line2 = strchr(text, '\n') + 1;
	ck_assert_msg(strncmp(line2, "kxld[dup.o]: \tdup_first: 0x", 27) == 0, "%s", line2);
	ck_assert_ptr_nonnull(strstr(line2, " - 0x"));
	ck_assert_uint_eq(OSArray_getCount(diag), 2);
	OSObject_release(diag);
}
END_TEST

START_TEST(test_bad_params)
{
	struct kxld_link_params p = {.kext_id = "x", .object = "", .object_size = 0, .resolve = NULL};
	struct kxld_image *img = (struct kxld_image *)1;

	ck_assert_int_eq(kxld_link(&p, &img, NULL), EINVAL);
	ck_assert_ptr_null(img);
	ck_assert_int_eq(kxld_link(NULL, &img, NULL), EINVAL);
	ck_assert_int_eq(kxld_link(&p, NULL, NULL), EINVAL);
	kxld_unlink(NULL);
}
END_TEST

/* ---- malformed objects ------------------------------------------------------------------ */

struct mut {
	uint8_t *b;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
};

static void
mut_load(struct mut *m, const char *file)
{
	struct kxld_test_obj obj;

	kxld_test_read(file, &obj);
	m->b = (uint8_t *)obj.bytes;
	m->size = obj.size;
	m->eh = (Elf64_Ehdr *)m->b;
	m->sh = (Elf64_Shdr *)(m->b + m->eh->e_shoff);
}

static void
mut_free(struct mut *m)
{
	khost_vm_free(m->b, m->size);
}

static Elf64_Shdr *
mut_section(struct mut *m, uint32_t type, const char *name)
{
	const char *shstr = (const char *)m->b + m->sh[m->eh->e_shstrndx].sh_offset;

	for (unsigned int i = 1; i < m->eh->e_shnum; i++) {
		if (m->sh[i].sh_type == type && (name == NULL || strcmp(shstr + m->sh[i].sh_name, name) == 0))
			return &m->sh[i];
	}
	ck_abort_msg("no section %s", name ? name : "");
	return NULL;
}

/* Link the mutated bytes: must fail with `want` and print a message containing `needle`. */
static void
expect_refused(struct mut *m, size_t size, int want, const char *needle)
{
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	size_t reserved, used;
	unsigned int n;
	int err = kxld_test_link_bytes("com.example.bad", m->b, size, NULL, NULL, &img, &diag);

	ck_assert_msg(err == want, "error %d, expected %d (%s)\n%s", err, want, needle, kxld_test_text(diag));
	ck_assert_ptr_null(img);
	ck_assert_msg(strstr(kxld_test_text(diag), needle) != NULL, "expected \"%s\" in:\n%s", needle,
	              kxld_test_text(diag));
	kxld_region_stats(&reserved, &used, &n);
	ck_assert_uint_eq(used, 0);
	OSObject_release(diag);
}

#define BASE "basic-gcc-O2.o"
#define TRUNC                                                                                              \
	"kxld[com.example.bad]: The ELF file has been truncated. Make sure the ELF header structures are " \
	"correct."

START_TEST(test_truncated)
{
	struct mut m;

	mut_load(&m, BASE);
	expect_refused(&m, 0, ENOEXEC, TRUNC);
	expect_refused(&m, 10, ENOEXEC, TRUNC);
	expect_refused(&m, sizeof(Elf64_Ehdr), ENOEXEC, TRUNC);
	expect_refused(&m, m.size - 1, ENOEXEC, TRUNC);
	expect_refused(&m, m.eh->e_shoff + 100, ENOEXEC, TRUNC);
	mut_free(&m);
}
END_TEST

START_TEST(test_header)
{
	struct mut m;

	mut_load(&m, BASE);
	m.b[0] = 0x7e;
	expect_refused(&m, m.size, ENOEXEC, "The ELF file is malformed: not an ELF file (bad magic number).");
	m.b[0] = 0x7f;
	m.eh->e_machine = EM_AARCH64;
	expect_refused(
	        &m, m.size, ENOEXEC,
	        "The target architecture (ELF class 2, data 1, machine 0xb7) is not supported by kxld.");
	m.eh->e_machine = EM_X86_64;
	m.b[EI_CLASS] = ELFCLASS32;
	expect_refused(&m, m.size, ENOEXEC, "(ELF class 1, data 1, machine 0x3e) is not supported by kxld.");
	m.b[EI_CLASS] = ELFCLASS64;
	m.b[EI_DATA] = ELFDATA2MSB;
	expect_refused(&m, m.size, ENOEXEC, "is not supported by kxld.");
	m.b[EI_DATA] = ELFDATA2LSB;
	m.eh->e_type = ET_DYN;
	expect_refused(
	        &m, m.size, ENOEXEC,
	        "The ELF filetype 0x3 is not supported on the target architecture (a kext executable is a "
	        "relocatable object: link it with ld -r).");
	m.eh->e_type = ET_REL;
	m.eh->e_shentsize = 40;
	expect_refused(&m, m.size, ENOEXEC,
	               "The ELF file is malformed: section header size 40 (expected 64).");
	m.eh->e_shentsize = sizeof(Elf64_Shdr);
	m.eh->e_shoff = m.size + 4096;
	expect_refused(&m, m.size, ENOEXEC, TRUNC);
	mut_free(&m);
}
END_TEST

START_TEST(test_sections)
{
	struct mut m;
	Elf64_Shdr *text, save;
	uint16_t shstrndx;

	mut_load(&m, BASE);
	text = mut_section(&m, SHT_PROGBITS, ".text");
	save = *text;
	text->sh_offset = m.size - 2;
	expect_refused(&m, m.size, ENOEXEC, "lies outside the file");
	*text = save;
	text->sh_size = (uint64_t)1 << 40;
	expect_refused(&m, m.size, ENOEXEC, "lies outside the file");
	*text = save;
	text->sh_addralign = 24;
	expect_refused(&m, m.size, ENOEXEC, "not a power of two");
	*text = save;
	text->sh_name = 0x7fffffff;
	expect_refused(&m, m.size, ENOEXEC, "has a bad name offset");
	*text = save;
	shstrndx = m.eh->e_shstrndx;
	m.eh->e_shstrndx = 0x7fff;
	expect_refused(&m, m.size, ENOEXEC, "The ELF file is malformed");
	m.eh->e_shstrndx = shstrndx;
	/* A huge bss: too large for the region, refused before anything is mapped. */
	{
		Elf64_Shdr *bss = mut_section(&m, SHT_NOBITS, ".bss");
		bss->sh_size = (uint64_t)1 << 29;
		bss->sh_addralign = 1 << 22;
		expect_refused(&m, m.size, ENOEXEC, "too large or too aligned");
		bss->sh_size = (uint64_t)400 << 20;
		bss->sh_addralign = 8;
		{
			struct kxld_image *img = NULL;
			OSArray *diag = NULL;
			/* 400 MB of bss fits the 512 MB region: it links, and the pages cost nothing until touched. */
			int err = kxld_test_link_bytes("com.example.bigbss", m.b, m.size, NULL, NULL, &img,
			                               &diag);
			ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
			kxld_unlink(img);
			OSObject_release(diag);
		}
	}
	mut_free(&m);
}
END_TEST

START_TEST(test_symbols)
{
	struct mut m;
	Elf64_Shdr *symtab;
	Elf64_Sym *syms;
	size_t nsyms, victim = 0;

	mut_load(&m, BASE);
	symtab = mut_section(&m, SHT_SYMTAB, NULL);
	syms = (Elf64_Sym *)(m.b + symtab->sh_offset);
	nsyms = symtab->sh_size / sizeof(Elf64_Sym);
	for (size_t i = 1; i < nsyms; i++) {
		if (ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC && syms[i].st_shndx != SHN_UNDEF) {
			victim = i;
			break;
		}
	}
	ck_assert_uint_gt(victim, 0);
	{
		Elf64_Sym save = syms[victim];
		syms[victim].st_shndx = 5000;
		expect_refused(&m, m.size, ENOEXEC, "out of range");
		syms[victim].st_shndx = SHN_LORESERVE + 3;
		expect_refused(&m, m.size, ENOEXEC, "reserved section index");
		syms[victim] = save;
		syms[victim].st_name = 0xffffff;
		expect_refused(&m, m.size, ENOEXEC, "has a bad name offset");
		syms[victim] = save;
		syms[victim].st_value = 0x100000;
		expect_refused(&m, m.size, ENOEXEC, "lies outside its section");
		syms[victim] = save;
	}
	/* An empty symbol table (a fuzzer find: the empty table was freed with the wrong size). */
	{
		uint64_t save = symtab->sh_size;
		symtab->sh_size = 0;
		expect_refused(&m, m.size, ENOEXEC, "refers to symbol");
		symtab->sh_size = save;
	}
	symtab->sh_link = 0;
	expect_refused(&m, m.size, ENOEXEC, "string table index");
	mut_free(&m);
}
END_TEST

START_TEST(test_relocations)
{
	struct mut m;
	Elf64_Shdr *rel;
	Elf64_Rela *r, save;

	mut_load(&m, BASE);
	rel = mut_section(&m, SHT_RELA, ".rela.text");
	r = (Elf64_Rela *)(m.b + rel->sh_offset);
	save = r[0];
	r[0].r_offset = 0xfffffff0;
	expect_refused(&m, m.size, ENOEXEC, "lies outside section .text");
	r[0] = save;
	r[0].r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(save.r_info));
	expect_refused(&m, m.size, ENOEXEC, "refers to symbol 100000");
	r[0].r_info = ELF64_R_INFO(ELF64_R_SYM(save.r_info), 39);
	expect_refused(&m, m.size, ENOEXEC, "unknown relocation type 39 in section .text");
	r[0].r_info = ELF64_R_INFO(ELF64_R_SYM(save.r_info), R_X86_64_TPOFF32);
	expect_refused(&m, m.size, ENOEXEC, "Kernel code has no thread-local storage");
	r[0].r_info = ELF64_R_INFO(ELF64_R_SYM(save.r_info), R_X86_64_GLOB_DAT);
	expect_refused(&m, m.size, ENOEXEC,
	               "R_X86_64_GLOB_DAT in section .text is a dynamic-linking relocation");
	r[0] = save;
	rel->sh_info = 9999;
	expect_refused(&m, m.size, ENOEXEC, "applies to section 9999");
	rel->sh_info = 0;
	rel->sh_entsize = 7;
	expect_refused(&m, m.size, ENOEXEC, "The ELF file is malformed");
	mut_free(&m);
}
END_TEST

/* Deterministic random corruption: any outcome but a crash, and nothing leaks in the region. */
START_TEST(test_mutations)
{
	const char *files[] = {"basic-gcc-O2.o", "basic-clang-sections.o", "meta.o", "relocs.o", "tls.o"};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int linked = 0, refused = 0;

	for (unsigned int f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct mut m;
		uint8_t *orig;

		mut_load(&m, files[f]);
		orig = kalloc(m.size);
		memcpy(orig, m.b, m.size);
		for (int iter = 0; iter < 600; iter++) {
			struct kxld_link_params p = {
			        .kext_id = "com.example.mutant",
			        .object = m.b,
			        .object_size = m.size,
			        .resolve = kxld_test_resolve,
			};
			struct kxld_image *img = NULL;
			int flips = 1 + (int)(seed % 4);

			memcpy(m.b, orig, m.size);
			for (int k = 0; k < flips; k++) {
				size_t at;
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				/* Mostly the headers and tables: that is where the structure is. */
				at = (seed >> 33) % (k == 0 ? m.size : 64);
				if (k == 0 && (seed & 1))
					at = m.eh->e_shoff +
					     (size_t)((seed >> 13) % ((size_t)m.eh->e_shnum * 64));
				if (at < m.size)
					m.b[at] ^= (uint8_t)(1u << ((seed >> 7) & 7));
			}
			if (kxld_link(&p, &img, NULL) == 0) {
				linked++;
				kxld_unlink(img);
			} else {
				refused++;
			}
		}
		kfree(orig, m.size);
		mut_free(&m);
	}
	{
		size_t reserved, used;
		unsigned int n;
		kxld_region_stats(&reserved, &used, &n);
		ck_assert_uint_eq(used, 0);
		ck_assert_uint_eq(n, 0);
	}
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(linked, 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kxld_diag");
	TCase *golden = ktest_tcase("golden");
	TCase *bad = ktest_tcase("malformed");

	tcase_add_test(golden, test_unresolved);
	tcase_add_test(golden, test_common);
	tcase_add_test(golden, test_tls);
	tcase_add_test(golden, test_weak_untested);
	tcase_add_test(golden, test_duplicate);
	tcase_add_test(golden, test_bad_params);
	suite_add_tcase(s, golden);
	tcase_set_timeout(bad, 120);
	tcase_add_test(bad, test_truncated);
	tcase_add_test(bad, test_header);
	tcase_add_test(bad, test_sections);
	tcase_add_test(bad, test_symbols);
	tcase_add_test(bad, test_relocations);
	tcase_add_test(bad, test_mutations);
	suite_add_tcase(s, bad);
	return s;
}
