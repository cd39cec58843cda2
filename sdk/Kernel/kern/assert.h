/*
 * kern/assert.h — kernel assertions. assert(ex) is compiled in when
 * MACH_ASSERT, DEBUG or APPLE_KEXT_ASSERTIONS is non-zero; a failed
 * assertion panics with "<file>:<line> Assertion failed: <expression>".
 */
#ifndef _KERN_ASSERT_H_
#define _KERN_ASSERT_H_

#include <sys/cdefs.h>
#include <kern/debug.h>

/* Panic with the standard assertion message (Libkern KPI). */
__abortlike void Assert(const char *file, int line, const char *expression);

#if (defined(MACH_ASSERT) && MACH_ASSERT) || (defined(DEBUG) && DEBUG) || \
        (defined(APPLE_KEXT_ASSERTIONS) && APPLE_KEXT_ASSERTIONS)
#define KERN_ASSERTIONS_ENABLED 1
#else
#define KERN_ASSERTIONS_ENABLED 0
#endif

#if KERN_ASSERTIONS_ENABLED

#define __assert_only
#define assert(ex) (__builtin_expect(!!(ex), 1) ? (void)0 : Assert(__FILE__, __LINE__, #ex))
#define assertf(ex, fmt, args...)    \
	(__builtin_expect(!!(ex), 1) \
	         ? (void)0           \
	         : panic("%s:%d Assertion failed: %s : " fmt, __FILE__, __LINE__, #ex, ##args))
/* assert3u(a, op, b): also prints both values ("file:1 Assertion failed: a > b (0x1 > 0x2)"). */
#define assert3u(a, op, b)                                                                                   \
	do {                                                                                                 \
		unsigned long long __a = (a), __b = (b);                                                     \
		if (__builtin_expect(!(__a op __b), 0))                                                      \
			panic("%s:%d Assertion failed: %s %s %s (0x%llx %s 0x%llx)", __FILE__, __LINE__, #a, \
			      #op, #b, __a, #op, __b);                                                       \
	} while (0)
#define assert3s(a, op, b)                                                                               \
	do {                                                                                             \
		long long __a = (a), __b = (b);                                                          \
		if (__builtin_expect(!(__a op __b), 0))                                                  \
			panic("%s:%d Assertion failed: %s %s %s (%lld %s %lld)", __FILE__, __LINE__, #a, \
			      #op, #b, __a, #op, __b);                                                   \
	} while (0)
#define assert3p(a, op, b)                                                                                \
	do {                                                                                              \
		const void *__a = (a), *__b = (b);                                                        \
		if (__builtin_expect(!(__a op __b), 0))                                                   \
			panic("%s:%d Assertion failed: %s %s %s (%p %s %p)", __FILE__, __LINE__, #a, #op, \
			      #b, __a, #op, __b);                                                         \
	} while (0)

#else /* !KERN_ASSERTIONS_ENABLED */

#define __assert_only __unused
#define assert(ex) ((void)0)
#define assertf(ex, fmt, args...) ((void)0)
#define assert3u(a, op, b) ((void)0)
#define assert3s(a, op, b) ((void)0)
#define assert3p(a, op, b) ((void)0)

#endif /* KERN_ASSERTIONS_ENABLED */

#ifndef static_assert
#define static_assert _Static_assert
#endif

#endif /* _KERN_ASSERT_H_ */
