/*
 * limits.h — integer limits for kernel code (LP64).
 */
#ifndef _KEXTHOST_LIMITS_H_
#define _KEXTHOST_LIMITS_H_

#define CHAR_BIT 8
#define SCHAR_MAX 127
#define SCHAR_MIN (-128)
#define UCHAR_MAX 255
#define CHAR_MAX SCHAR_MAX
#define CHAR_MIN SCHAR_MIN
#define SHRT_MAX 32767
#define SHRT_MIN (-32768)
#define USHRT_MAX 65535
#define INT_MAX 2147483647
#define INT_MIN (-2147483647 - 1)
#define UINT_MAX 0xffffffffU
#define LONG_MAX 0x7fffffffffffffffL
#define LONG_MIN (-0x7fffffffffffffffL - 1)
#define ULONG_MAX 0xffffffffffffffffUL
#define LLONG_MAX 0x7fffffffffffffffLL
#define LLONG_MIN (-0x7fffffffffffffffLL - 1)
#define ULLONG_MAX 0xffffffffffffffffULL
#define QUAD_MAX LLONG_MAX
#define QUAD_MIN LLONG_MIN
#define UQUAD_MAX ULLONG_MAX
#define SSIZE_MAX LONG_MAX
#define SIZE_T_MAX ULONG_MAX
#define PATH_MAX 1024
#define NAME_MAX 255

#endif /* _KEXTHOST_LIMITS_H_ */
