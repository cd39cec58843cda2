/* check_stdint.h shim: Check's integer types come from the kernel's stdint.h. */
#ifndef KTEST_SHIM_CHECK_STDINT_H
#define KTEST_SHIM_CHECK_STDINT_H
#include <stdint.h>
#endif
