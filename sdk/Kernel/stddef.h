/*
 * stddef.h — size_t, ptrdiff_t, NULL and offsetof for kernel code.
 */
#ifndef _KEXTHOST_STDDEF_H_
#define _KEXTHOST_STDDEF_H_

#ifndef _SIZE_T
#define _SIZE_T
typedef unsigned long size_t;
#endif
#ifndef _PTRDIFF_T
#define _PTRDIFF_T
typedef long ptrdiff_t;
#endif
#ifndef _WCHAR_T
#define _WCHAR_T
typedef int wchar_t;
#endif
typedef struct {
	long long __max_align_ll __attribute__((__aligned__(__alignof__(long long))));
	long double __max_align_ld __attribute__((__aligned__(__alignof__(long double))));
} max_align_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

#define offsetof(type, field) __builtin_offsetof(type, field)

#endif /* _KEXTHOST_STDDEF_H_ */
