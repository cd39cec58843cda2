/*
 * test_relocs.c — relocation types one by one: the x86-64 relocation
 * arithmetic and its overflow checks (kxld_arch_reloc_apply, with values at
 * the edges of each field), the types kxld refuses (TLS, dynamic), and
 * relocs.S, an object holding one of every supported type, checked value by
 * value after linking (GOT slots, GOT base, stubs, sizes, PC-relative forms).
 */
#include "tests/kxld/kxld_test.h"
#include "libkern/kxld/kxld_internal.h"

static uint8_t field[16];

static int
apply(uint32_t type, uint64_t S, int64_t A, uint64_t P)
{
	struct kxld_rval v = {.S = S, .A = A, .P = P, .L = S, .G = 0x5000, .GOT = 0x4000, .Z = 24};

	memset(field, 0xee, sizeof(field));
	return kxld_arch_reloc_apply(type, field + 2, &v);
}

static uint64_t
get(unsigned int width)
{
	uint64_t v = 0;
	memcpy(&v, field + 2, width);
	return v;
}

START_TEST(test_arith_absolute)
{
	ck_assert_int_eq(apply(R_X86_64_64, 0x123456789abcdef0ull, 0x10, 0), 0);
	ck_assert_uint_eq(get(8), 0x123456789abcdf00ull);
	ck_assert_int_eq(apply(R_X86_64_32, 0xfffffff0, 0xf, 0), 0);
	ck_assert_uint_eq(get(4), 0xffffffffu);
	ck_assert_uint_eq(field[6], 0xee); /* nothing beyond the field is written */
	ck_assert_int_eq(apply(R_X86_64_32, 0xfffffff0, 0x10, 0), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_32S, 0x7fffffff, 0, 0), 0);
	ck_assert_int_eq(apply(R_X86_64_32S, 0x80000000, 0, 0), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_32S, (uint64_t)-0x80000000ll, 0, 0), 0);
	ck_assert_uint_eq(get(4), 0x80000000u);
	ck_assert_int_eq(apply(R_X86_64_16, 0xffff, 0, 0), 0);
	ck_assert_int_eq(apply(R_X86_64_16, 0x10000, 0, 0), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_8, 0x80, -0x100, 0), 0); /* -0x80 fits signed */
	ck_assert_uint_eq(field[2], 0x80);
	ck_assert_int_eq(apply(R_X86_64_8, 0x100, 0, 0), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_NONE, 1, 1, 1), 0);
	ck_assert_uint_eq(field[2], 0xee);
	ck_assert_int_eq(apply(R_X86_64_SIZE32, 0, 8, 0), 0);
	ck_assert_uint_eq(get(4), 32);
	ck_assert_int_eq(apply(R_X86_64_SIZE64, 0, -4, 0), 0);
	ck_assert_uint_eq(get(8), 20);
}
END_TEST

START_TEST(test_arith_pcrel)
{
	ck_assert_int_eq(apply(R_X86_64_PC32, 0x1000, -4, 0x2000), 0);
	ck_assert_uint_eq(get(4), (uint32_t)(0x1000 - 4 - 0x2000));
	ck_assert_int_eq(apply(R_X86_64_PC32, 0x80001000ull, 0, 0x1000), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_PC32, 0x80000fffull, 0, 0x1000), 0);
	ck_assert_int_eq(apply(R_X86_64_PLT32, 0x1000, -4, 0x1000), 0);
	ck_assert_uint_eq(get(4), (uint32_t)-4);
	ck_assert_int_eq(apply(R_X86_64_PC64, 0x1000, 0, 0x7fff00000000ull), 0);
	ck_assert_uint_eq(get(8), 0x1000 - 0x7fff00000000ull);
	ck_assert_int_eq(apply(R_X86_64_PC16, 0x9000, 0, 0x1000), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_PC16, 0x8000, -1, 0x1000), 0);
	ck_assert_int_eq(apply(R_X86_64_PC8, 0x1080, 0, 0x1000), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_PC8, 0x1000, -0x80, 0x1000), 0);
	ck_assert_uint_eq(field[2], 0x80);
}
END_TEST

START_TEST(test_arith_got)
{
	/* G = 0x5000 (slot), GOT = 0x4000. */
	ck_assert_int_eq(apply(R_X86_64_GOTPCREL, 0xdead, -4, 0x1000), 0);
	ck_assert_uint_eq(get(4), 0x5000 - 4 - 0x1000);
	ck_assert_int_eq(apply(R_X86_64_GOTPCRELX, 0, -4, 0x1000), 0);
	ck_assert_uint_eq(get(4), 0x5000 - 4 - 0x1000);
	ck_assert_int_eq(apply(R_X86_64_REX_GOTPCRELX, 0, -4, 0x1000), 0);
	ck_assert_uint_eq(get(4), 0x5000 - 4 - 0x1000);
	ck_assert_int_eq(apply(R_X86_64_REX_GOTPCRELX, 0, 0, 0x90000000ull), ERANGE);
	ck_assert_int_eq(apply(R_X86_64_GOTPCREL64, 0, 0, 0x1000), 0);
	ck_assert_uint_eq(get(8), 0x4000);
	ck_assert_int_eq(apply(R_X86_64_GOTPC32, 0, 3, 0x1000), 0);
	ck_assert_uint_eq(get(4), 0x3003);
	ck_assert_int_eq(apply(R_X86_64_GOTPC64, 0, 0, 0x1000), 0);
	ck_assert_uint_eq(get(8), 0x3000);
	ck_assert_int_eq(apply(R_X86_64_GOTOFF64, 0x4100, 0, 0), 0);
	ck_assert_uint_eq(get(8), 0x100);
	ck_assert_int_eq(apply(R_X86_64_GOT32, 0, 0, 0), 0);
	ck_assert_uint_eq(get(4), 0x1000);
	ck_assert_int_eq(apply(R_X86_64_GOT64, 0, 8, 0), 0);
	ck_assert_uint_eq(get(8), 0x1008);
	ck_assert_int_eq(apply(R_X86_64_GOTPLT64, 0, 0, 0), 0);
	ck_assert_uint_eq(get(8), 0x1000);
	ck_assert_int_eq(apply(R_X86_64_PLTOFF64, 0x4800, 0, 0), 0);
	ck_assert_uint_eq(get(8), 0x800);
}
END_TEST

START_TEST(test_info_table)
{
	struct kxld_rinfo ri;
	static const uint32_t tls[] = {R_X86_64_DTPMOD64,     R_X86_64_DTPOFF64, R_X86_64_TPOFF64,
	                               R_X86_64_TLSGD,        R_X86_64_TLSLD,    R_X86_64_DTPOFF32,
	                               R_X86_64_GOTTPOFF,     R_X86_64_TPOFF32,  R_X86_64_GOTPC32_TLSDESC,
	                               R_X86_64_TLSDESC_CALL, R_X86_64_TLSDESC};
	static const uint32_t dyn[] = {R_X86_64_COPY,     R_X86_64_GLOB_DAT,  R_X86_64_JUMP_SLOT,
	                               R_X86_64_RELATIVE, R_X86_64_IRELATIVE, R_X86_64_RELATIVE64};

	for (unsigned int i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		ck_assert(kxld_arch_reloc_info(tls[i], &ri));
		ck_assert(ri.tls);
		ck_assert(!ri.supported);
	}
	for (unsigned int i = 0; i < sizeof(dyn) / sizeof(dyn[0]); i++) {
		ck_assert(kxld_arch_reloc_info(dyn[i], &ri));
		ck_assert(!ri.supported);
	}
	ck_assert(!kxld_arch_reloc_info(39, &ri)); /* reserved */
	ck_assert(!kxld_arch_reloc_info(1000, &ri));
	ck_assert(kxld_arch_reloc_info(R_X86_64_REX_GOTPCRELX, &ri));
	ck_assert_str_eq(ri.name, "R_X86_64_REX_GOTPCRELX");
	ck_assert(ri.needs & KXLD_RNEED_GOT);
}
END_TEST

/* relocs.S: every supported type in one object, checked after linking. */
START_TEST(test_relocs_object)
{
	struct kxld_test_override ov[] = {{"kxld_test_small16", 0x1234}, {"kxld_test_small8", 0x56}};
	struct kxld_test_resolver r = {.overrides = ov, .noverrides = 2};
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	uintptr_t t, target, near, got;
	int err;

	err = kxld_test_link("relocs.o", &r, &img, &diag);
	ck_assert_msg(err == 0, "%d\n%s", err, kxld_test_text(diag));
	t = kxld_test_sym(img, "relocs_table");
	target = kxld_test_sym(img, "relocs_target");
	near = kxld_test_sym(img, "relocs_near");
/* Fields of the test section are unaligned: read them byte-wise (UBSan checks alignment). */
#define Q(off)                                             \
	__extension__({                                    \
		uint64_t v_;                               \
		memcpy(&v_, (const void *)(t + (off)), 8); \
		v_;                                        \
	})
#define L(off)                                             \
	__extension__({                                    \
		uint32_t v_;                               \
		memcpy(&v_, (const void *)(t + (off)), 4); \
		v_;                                        \
	})
	ck_assert_uint_eq(Q(0), target - t); /* PC64 */
	ck_assert_uint_eq(*(const uintptr_t *)(t + 8 + Q(8)),
	                  (uintptr_t)&kxld_test_kernel_value);              /* GOTPCREL64 */
	got = t + 16 + Q(16);                                               /* GOTPC64 */
	ck_assert_uint_eq(got, t + 56 + (uint64_t)(int64_t)(int32_t)L(56)); /* GOTPC32 */
	ck_assert_uint_eq(Q(24), target - got);                             /* GOTOFF64 */
	ck_assert_uint_eq(*(const uintptr_t *)(got + Q(32)), (uintptr_t)&kxld_test_kernel_value); /* GOT64 */
	ck_assert_uint_eq(Q(40), (uintptr_t)&kxld_test_kernel_callback - got); /* PLTOFF64 */
	ck_assert_uint_eq(Q(48), 4 + 1);                                       /* SIZE64 */
	ck_assert_uint_eq(L(60), 4);                                           /* SIZE32 */
	ck_assert_uint_eq(L(64), (uintptr_t)&kxld_test_kernel_value);          /* 32 */
	ck_assert_uint_eq(*(const uint8_t *)(t + 68) | (*(const uint8_t *)(t + 69) << 8), 0x1234); /* 16 */
	ck_assert_uint_eq(*(const uint8_t *)(t + 70), 0x56);                                       /* 8 */
	ck_assert_uint_eq(*(const uint8_t *)(t + 71), (uint8_t)(near + 1 - (t + 71)));             /* PC8 */
	ck_assert_uint_eq(*(const uint16_t *)(t + 72), (uint16_t)(near - (t + 72)));               /* PC16 */
	ck_assert_uint_eq(Q(76), target + 5);                                                      /* 64 */
	ck_assert_uint_eq(L(84), 0x11223344);                                                      /* NONE */
	ck_assert_uint_eq(*(const uintptr_t *)(got + L(88)), (uintptr_t)&kxld_test_kernel_value);  /* GOT32 */
#undef Q
#undef L
	ck_assert_uint_eq(((uintptr_t(*)(void))kxld_test_sym(img, "relocs_got_load"))(),
	                  (uintptr_t)&kxld_test_kernel_value);                           /* GOTPCREL */
	ck_assert_int_eq(((int (*)(int))kxld_test_sym(img, "relocs_tail_pc32"))(3), 30); /* PC32 jmp */
	ck_assert_uint_eq(((uintptr_t(*)(void))kxld_test_sym(img, "relocs_abs32s"))(),
	                  (uintptr_t)&kxld_test_kernel_value); /* 32S */
	ck_assert_int_eq(((int (*)(int))target)(7), 21);
	kxld_unlink(img);
	OSObject_release(diag);
}
END_TEST

/* A far PC32 jmp goes through a stub; PLTOFF64 then points at the stub too. */
START_TEST(test_relocs_far_stub)
{
	static const uint8_t code[] = {0x8d, 0x04, 0x3f, 0xc3}; /* lea (%rdi,%rdi,1),%eax; ret */
	struct kxld_test_override ov[] = {
	        {"kxld_test_small16", 0x1234}, {"kxld_test_small8", 0x56}, {"kxld_test_kernel_callback", 0}};
	struct kxld_test_resolver r = {.overrides = ov, .noverrides = 3};
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	void *page = NULL;
	int err;

	ck_assert_int_eq(khost_vm_alloc(4096, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &page), 0);
	memcpy(page, code, sizeof(code));
	ck_assert_int_eq(khost_vm_protect(page, 4096, KHOST_PROT_READ | KHOST_PROT_EXEC), 0);
	ov[2].addr = (uintptr_t)page;
	err = kxld_test_link("relocs.o", &r, &img, &diag);
	ck_assert_msg(err == 0, "%d\n%s", err, kxld_test_text(diag));
	ck_assert_int_eq(((int (*)(int))kxld_test_sym(img, "relocs_tail_pc32"))(21), 42);
	kxld_unlink(img);
	OSObject_release(diag);
	khost_vm_free(page, 4096);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kxld_relocs");
	TCase *tc = ktest_tcase("arith");
	TCase *obj = ktest_tcase("object");

	tcase_add_test(tc, test_arith_absolute);
	tcase_add_test(tc, test_arith_pcrel);
	tcase_add_test(tc, test_arith_got);
	tcase_add_test(tc, test_info_table);
	suite_add_tcase(s, tc);
	tcase_add_test(obj, test_relocs_object);
	tcase_add_test(obj, test_relocs_far_stub);
	suite_add_tcase(s, obj);
	return s;
}
