/*
 * weak.c — weak imports. With TEST_FOR_WEAK the object references
 * gOSKextUnresolved as <libkern/OSKextLib.h>'s OSKextSymbolIsResolved() does,
 * so kxld binds missing weak imports to it; without, kxld refuses the object.
 */
extern int kxld_weak_missing(int) __attribute__((weak));
extern int kxld_test_kernel_callback(int x) __attribute__((weak));
#ifdef TEST_FOR_WEAK
extern const void *gOSKextUnresolved;
#define IS_RESOLVED(sym) ((const void *)&(sym) != gOSKextUnresolved)
#else
#define IS_RESOLVED(sym) ((const void *)&(sym) != (const void *)0)
#endif
int kmod_info = 1;

int
weak_missing_resolved(void)
{
	return IS_RESOLVED(kxld_weak_missing);
}

int
weak_present_resolved(void)
{
	return IS_RESOLVED(kxld_test_kernel_callback);
}

int
weak_call_present(int x)
{
	return kxld_test_kernel_callback(x);
}
