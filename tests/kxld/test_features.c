/*
 * test_features.c — what the kext system builds on: per-kext kalloc
 * accounting through bound imports, the osmetaclass section and constructor
 * priorities, kmod_info kept private, hidden symbols not exported, a library
 * image exporting to a client, weak references as XNU binds them, symbol
 * and section iteration, and the offline symbol lister for kextlibs.
 */
#include "tests/kxld/kxld_test.h"

/* kalloc/kfree/kalloc_noblock of a kext are charged to its allocation name. */
START_TEST(test_alloc_accounting)
{
	kern_allocation_name_t name = kern_allocation_name_allocate("com.example.alloc", 0);
	struct kxld_test_obj obj;
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	void *(*get)(size_t), *(*get_ind)(size_t), *(*get_nb)(size_t);
	void (*put)(void *, size_t);
	void *a, *b, *c;
	uint64_t k0;
	int err;

	ck_assert_ptr_nonnull(name);
	kxld_test_read("alloc.o", &obj);
	err = kxld_test_link_bytes("com.example.alloc", obj.bytes, obj.size, NULL, name, &img, &diag);
	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	get = (void *)kxld_test_sym(img, "alloc_get");
	get_ind = (void *)kxld_test_sym(img, "alloc_get_indirect");
	get_nb = (void *)kxld_test_sym(img, "alloc_get_noblock");
	put = (void *)kxld_test_sym(img, "alloc_put");
	ck_assert_uint_eq(kern_allocation_name_bytes(name), 0);
	a = get(100);
	b = get_ind(300);
	c = get_nb(5000);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_ge(kern_allocation_name_bytes(name), 5400);
	put(a, 100);
	put(b, 300);
	ck_assert_uint_ge(kern_allocation_name_bytes(name), 5000);
	put(c, 5000);
	ck_assert_uint_eq(kern_allocation_name_bytes(name), 0);
	kxld_unlink(img);
	OSObject_release(diag);

	/* Without a name the imports go straight to kalloc and nothing is charged. */
	err = kxld_test_link_bytes("com.example.alloc", obj.bytes, obj.size, NULL, NULL, &img, &diag);
	ck_assert_int_eq(err, 0);
	get = (void *)kxld_test_sym(img, "alloc_get");
	put = (void *)kxld_test_sym(img, "alloc_put");
	k0 = kern_allocation_name_bytes(name);
	a = get(64);
	ck_assert_uint_eq(kern_allocation_name_bytes(name), k0);
	put(a, 64);
	kxld_unlink(img);
	OSObject_release(diag);
	kxld_test_free(&obj);
	kern_allocation_name_release(name);
}
END_TEST

START_TEST(test_metaclass_and_ctors)
{
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	const OSMetaClass *const *start, *const *end;
	kxld_ctor_fn const *fns;
	size_t n;
	int *order, *norder;
	uintptr_t a;
	int err = kxld_test_link("meta.o", NULL, &img, &diag);

	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	kxld_image_osmetaclass(img, &start, &end);
	ck_assert_int_eq(end - start, 2);
	ck_assert_ptr_eq((const void *)start[0], (const void *)kxld_test_sym(img, "meta_a"));
	ck_assert_ptr_eq((const void *)start[1], (const void *)kxld_test_sym(img, "meta_b"));
	kxld_image_init_array(img, &fns, &n);
	ck_assert_uint_eq(n, 3);
	kxld_image_run_constructors(img);
	order = (int *)kxld_test_sym(img, "meta_order");
	norder = (int *)kxld_test_sym(img, "meta_norder");
	ck_assert_int_eq(*norder, 3);
	ck_assert_int_eq(order[0], 101);
	ck_assert_int_eq(order[1], 200);
	ck_assert_int_eq(order[2], 65535);
	/* kmod_info is found but not exported; hidden symbols are not exported. */
	ck_assert_uint_ne(kxld_image_kmod_info(img), 0);
	ck_assert_int_eq(kxld_image_lookup(img, "kmod_info", &a), ENOENT);
	ck_assert_int_eq(kxld_image_lookup(img, "meta_hidden_function", &a), ENOENT);
	ck_assert_int_eq(kxld_image_lookup(img, "meta_ctor_late", &a), ENOENT); /* static */
	ck_assert_int_eq(kxld_image_lookup(img, "no_such_symbol", &a), ENOENT);
	ck_assert_int_eq(((int (*)(int))kxld_test_sym(img, "meta_library_function"))(1), 1001);
	kxld_unlink(img);
	OSObject_release(diag);
}
END_TEST

/* A client resolves against the library image first, then the kernel table. */
struct chain {
	struct kxld_image *lib;
};

static int
chain_resolve(void *ctx, const char *name, uintptr_t *addr)
{
	struct chain *c = ctx;
	if (kxld_image_lookup(c->lib, name, addr) == 0)
		return 0;
	return kxld_test_resolve(NULL, name, addr);
}

START_TEST(test_library_client)
{
	struct chain c = {NULL};
	struct kxld_image *client = NULL;
	struct kxld_test_obj obj;
	OSArray *diag = NULL;
	struct kxld_link_params p = {
	        .kext_id = "com.example.client", .resolve = chain_resolve, .resolve_ctx = &c};
	int err = kxld_test_link("meta.o", NULL, &c.lib, &diag);

	ck_assert_int_eq(err, 0);
	OSObject_release(diag);
	kxld_test_read("client.o", &obj);
	p.object = obj.bytes;
	p.object_size = obj.size;
	diag = OSArray_withCapacity(2);
	ck_assert_int_eq(kxld_link(&p, &client, diag), 0);
	ck_assert_int_eq(((int (*)(int))kxld_test_sym(client, "client_call"))(5), 1006);
	kxld_unlink(client);
	kxld_test_free(&obj);
	/* A library's hidden symbol stays invisible to its clients. */
	kxld_test_read("client-hidden.o", &obj);
	p.object = obj.bytes;
	p.object_size = obj.size;
	ck_assert_int_eq(kxld_link(&p, &client, diag), ENOENT);
	ck_assert_str_eq(kxld_test_text(diag),
	                 "kxld[com.example.client]: The following symbols are unresolved for this kext:\n"
	                 "kxld[com.example.client]: \tmeta_hidden_function\n");
	kxld_test_free(&obj);
	OSObject_release(diag);
	kxld_unlink(c.lib);
}
END_TEST

/* XNU: a missing weak import of a kext that tests for it is bound to gOSKextUnresolved's value. */
START_TEST(test_weak_tested)
{
	struct kxld_test_override ov = {"kxld_test_kernel_callback", 0};
	struct kxld_test_resolver r = {.overrides = &ov, .noverrides = 1};
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	int err = kxld_test_link("weak-tested.o", NULL, &img, &diag);

	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	ck_assert_int_eq(((int (*)(void))kxld_test_sym(img, "weak_missing_resolved"))(), 0);
	ck_assert_int_eq(((int (*)(void))kxld_test_sym(img, "weak_present_resolved"))(), 1);
	ck_assert_int_eq(((int (*)(int))kxld_test_sym(img, "weak_call_present"))(2), 20);
	kxld_unlink(img);
	OSObject_release(diag);
	/* Both weak imports missing. */
	err = kxld_test_link("weak-tested.o", &r, &img, &diag);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(((int (*)(void))kxld_test_sym(img, "weak_present_resolved"))(), 0);
	kxld_unlink(img);
	OSObject_release(diag);
}
END_TEST

struct symlist {
	unsigned int n, funcs, globals, exported;
	bool saw_twice, saw_apply, saw_bss;
};

static int
collect(void *ctx, const char *name, uintptr_t addr, size_t size, unsigned int flags)
{
	struct symlist *l = ctx;

	l->n++;
	l->funcs += !!(flags & KXLD_SYM_FUNCTION);
	l->globals += !!(flags & KXLD_SYM_GLOBAL);
	l->exported += !!(flags & KXLD_SYM_EXPORTED);
	if (strcmp(name, "twice") == 0)
		l->saw_twice = (flags & (KXLD_SYM_FUNCTION | KXLD_SYM_GLOBAL)) == KXLD_SYM_FUNCTION;
	if (strcmp(name, "basic_apply") == 0)
		l->saw_apply = (flags & KXLD_SYM_EXPORTED) && size > 0 && addr != 0;
	if (strcmp(name, "basic_bss_array") == 0)
		l->saw_bss = (flags & KXLD_SYM_OBJECT) && size == 256;
	return 0;
}

struct sectlist {
	unsigned int n;
	bool text_rx, got, stubs;
};

static int
collect_sect(void *ctx, const char *name, uintptr_t addr, size_t size, int prot)
{
	struct sectlist *l = ctx;

	l->n++;
	if (strcmp(name, ".text") == 0)
		l->text_rx = prot == (KXLD_PROT_READ | KXLD_PROT_EXEC) && size > 0 && addr != 0;
	l->got |= strcmp(name, "__kxld_got") == 0;
	l->stubs |= strcmp(name, "__kxld_stubs") == 0;
	return 0;
}

START_TEST(test_iterate)
{
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	struct symlist l = {0};
	struct sectlist sl = {0};
	int err = kxld_test_link("basic-gcc-O0.o", NULL, &img, &diag);

	ck_assert_int_eq(err, 0);
	kxld_image_symbols(img, collect, &l);
	ck_assert(l.saw_twice);
	ck_assert(l.saw_apply);
	ck_assert(l.saw_bss);
	ck_assert_uint_ge(l.funcs, 16);
	ck_assert_uint_gt(l.n, l.exported);
	ck_assert_uint_eq(l.globals, l.exported + 1); /* all globals but kmod_info */
	kxld_image_sections(img, collect_sect, &sl);
	ck_assert(sl.text_rx);
	ck_assert(sl.got);
	ck_assert(sl.stubs);
	kxld_unlink(img);
	OSObject_release(diag);
}
END_TEST

struct objsyms {
	unsigned int undefined, defined, functions;
	bool missing_one, entry_fn, kernel_cb;
};

static int
objsym(void *ctx, const char *name, bool defined, bool is_function)
{
	struct objsyms *o = ctx;

	if (defined) {
		o->defined++;
		o->functions += is_function;
		if (strcmp(name, "unresolved_entry") == 0)
			o->entry_fn = is_function;
	} else {
		o->undefined++;
		o->missing_one |= strcmp(name, "kxld_missing_one") == 0;
		o->kernel_cb |= strcmp(name, "kxld_test_kernel_callback") == 0;
	}
	return 0;
}

START_TEST(test_object_symbols)
{
	struct kxld_test_obj obj;
	struct objsyms o = {0};
	OSArray *diag = OSArray_withCapacity(1);
	uint8_t junk[64] = {0x7f, 'E', 'L', 'F'};

	kxld_test_read("unresolved.o", &obj);
	ck_assert_int_eq(kxld_object_symbols(obj.bytes, obj.size, objsym, &o, diag), 0);
	ck_assert_uint_eq(o.undefined, 3);
	ck_assert_uint_eq(o.defined, 2); /* unresolved_entry, kmod_info */
	ck_assert_uint_eq(o.functions, 1);
	ck_assert(o.missing_one && o.entry_fn && o.kernel_cb);
	ck_assert_uint_eq(OSArray_getCount(diag), 0);
	kxld_test_free(&obj);
	/* A thread-local or common object still lists (kextlibs reports, kxld refuses at load). */
	kxld_test_read("common.o", &obj);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(kxld_object_symbols(obj.bytes, obj.size, objsym, &o, diag), 0);
	ck_assert_uint_ge(o.defined, 3);
	kxld_test_free(&obj);
	ck_assert_int_eq(kxld_object_symbols(junk, sizeof(junk), objsym, &o, diag), ENOEXEC);
	ck_assert_uint_gt(OSArray_getCount(diag), 0);
	OSObject_release(diag);
}
END_TEST

/* A COMDAT group's members are loaded (one group: nothing to discard). */
START_TEST(test_comdat)
{
	struct kxld_image *img = NULL;
	OSArray *diag = NULL;
	int err = kxld_test_link("comdat.o", NULL, &img, &diag);

	ck_assert_msg(err == 0, "%d %s", err, kxld_test_text(diag));
	ck_assert_int_eq(((int (*)(int))kxld_test_sym(img, "comdat_call"))(4), 13);
	ck_assert_int_eq(*(int *)kxld_test_sym(img, "comdat_bias"), 5);
	kxld_unlink(img);
	OSObject_release(diag);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kxld_features");
	TCase *tc = ktest_tcase("features");

	tcase_add_test(tc, test_alloc_accounting);
	tcase_add_test(tc, test_metaclass_and_ctors);
	tcase_add_test(tc, test_library_client);
	tcase_add_test(tc, test_weak_tested);
	tcase_add_test(tc, test_iterate);
	tcase_add_test(tc, test_object_symbols);
	tcase_add_test(tc, test_comdat);
	suite_add_tcase(s, tc);
	return s;
}
