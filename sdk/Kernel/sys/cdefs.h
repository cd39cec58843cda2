/*
 * sys/cdefs.h — compiler helper macros used throughout the kernel headers.
 */
#ifndef _SYS_CDEFS_H_
#define _SYS_CDEFS_H_

#define __BEGIN_DECLS
#define __END_DECLS
#define __P(protos) protos
#define __CONCAT(x, y) x##y
#define __STRING(x) #x
#define __unused __attribute__((__unused__))
#define __used __attribute__((__used__))
#define __dead2 __attribute__((__noreturn__))
#define __pure2 __attribute__((__const__))
#define __printflike(fmtarg, firstvararg) __attribute__((__format__(__printf__, fmtarg, firstvararg)))
#define __scanflike(fmtarg, firstvararg) __attribute__((__format__(__scanf__, fmtarg, firstvararg)))
#define __deprecated __attribute__((__deprecated__))
#define __unavailable __attribute__((__unavailable__))
#define __private_extern__ __attribute__((__visibility__("hidden")))
#define __XNU_PRIVATE_EXTERN __private_extern__
#define __restrict restrict
#define __nonnull
#define __nullable
#define __abortlike __attribute__((__noreturn__, __cold__, __noinline__))
#define __improbable(x) __builtin_expect(!!(x), 0)
#define __probable(x) __builtin_expect(!!(x), 1)
#define __container_of(ptr, type, field) ((type *)((char *)(ptr) - __builtin_offsetof(type, field)))
#define __DECONST(type, var) ((type)(uintptr_t)(const void *)(var))
#define __DEVOLATILE(type, var) ((type)(uintptr_t)(volatile void *)(var))
#define __kpi_deprecated(msg)
#define __kpi_unavailable
#define __header_always_inline static __inline__ __attribute__((__always_inline__))
#define __OSX_AVAILABLE_STARTING(x, y)
#define __OSX_AVAILABLE_BUT_DEPRECATED(a, b, c, d)
#define __API_AVAILABLE(...)
#define __API_DEPRECATED(...)
#define __WATCHOS_PROHIBITED
#define __TVOS_PROHIBITED

#endif /* _SYS_CDEFS_H_ */
