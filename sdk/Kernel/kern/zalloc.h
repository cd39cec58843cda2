/*
 * kern/zalloc.h — zones: allocators of fixed-size elements. A zone never
 * fails an allocation made with Z_WAITOK (the default) — it panics when
 * memory runs out — and zfree() panics when the element does not belong to
 * the zone it is freed to.
 */
#ifndef _KERN_ZALLOC_H_
#define _KERN_ZALLOC_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/vm_types.h>

typedef struct zone *zone_t;
#define ZONE_NULL ((zone_t)0)

/* zone_create() flags. */
typedef uint64_t zone_create_flags_t;
#define ZC_NONE 0x00000000ULL
#define ZC_SEQUESTER 0x00000001ULL
#define ZC_NOSEQUESTER 0x00000002ULL
#define ZC_CACHING 0x00000010ULL /* per-CPU (here: per-thread) caching */
#define ZC_NOCACHING 0x00000020ULL
#define ZC_PERCPU 0x01000000ULL
#define ZC_ZFREE_CLEARMEM 0x02000000ULL /* zero elements when they are freed */
#define ZC_NOGC 0x04000000ULL
#define ZC_NOENCRYPT 0x08000000ULL
#define ZC_ALIGNMENT_REQUIRED 0x10000000ULL
#define ZC_NOGZALLOC 0x20000000ULL
#define ZC_NOCALLOUT 0x40000000ULL
#define ZC_DESTRUCTIBLE 0x80000000ULL /* may be zdestroy()ed (zinit zones always are) */

/* zalloc_flags() flags. */
typedef uint32_t zalloc_flags_t;
#define Z_WAITOK 0x0000
#define Z_NOWAIT 0x0001
#define Z_NOPAGEWAIT 0x0002
#define Z_ZERO 0x0004   /* the element is zero-filled */
#define Z_NOFAIL 0x8000 /* panic rather than return NULL */

zone_t zone_create(const char *name, vm_size_t size, zone_create_flags_t flags);
void zdestroy(zone_t zone);
/* Deprecated: zone_create(name, size, ZC_DESTRUCTIBLE); maxmem and alloc are advisory. */
zone_t zinit(vm_size_t size, vm_size_t maxmem, vm_size_t alloc, const char *name);

void *zalloc(zone_t zone);
void *zalloc_noblock(zone_t zone);
void *zalloc_flags(zone_t zone, zalloc_flags_t flags);
void zfree(zone_t zone, void *elem);
/* Panic unless addr is an element of zone. */
void zone_require(zone_t zone, void *addr);

#endif /* _KERN_ZALLOC_H_ */
