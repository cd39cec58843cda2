/* float.h shim for check.h in the kernel environment (no floating point). */
#ifndef KTEST_SHIM_FLOAT_H
#define KTEST_SHIM_FLOAT_H
#endif
