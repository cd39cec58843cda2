/* math.h shim so that check.h compiles in the freestanding kernel environment
 * (kernel tests use no floating-point assertions). */
#ifndef KTEST_SHIM_MATH_H
#define KTEST_SHIM_MATH_H
#endif
