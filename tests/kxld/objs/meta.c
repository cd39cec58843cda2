/*
 * meta.c — an object with an "osmetaclass" section (pointers to class
 * records, as OSDefineMetaClassAndStructors places them), init_array
 * constructors with priorities, and exported library symbols.
 */
struct meta_record {
	const char *name;
	int value;
};

const struct meta_record meta_a = {"MetaA", 1};
const struct meta_record meta_b = {"MetaB", 2};
__attribute__((section("osmetaclass"), used)) static const struct meta_record *const meta_ptrs[] = {&meta_a,
                                                                                                    &meta_b};

int kmod_info = 1;
int meta_order[4];
int meta_norder;

__attribute__((constructor(200))) static void
meta_ctor_late(void)
{
	meta_order[meta_norder++] = 200;
}

__attribute__((constructor(101))) static void
meta_ctor_early(void)
{
	meta_order[meta_norder++] = 101;
}

__attribute__((constructor)) static void
meta_ctor_default(void)
{
	meta_order[meta_norder++] = 65535;
}

int
meta_library_function(int x)
{
	return x + 1000;
}

__attribute__((visibility("hidden"))) int
meta_hidden_function(int x)
{
	return x;
}
