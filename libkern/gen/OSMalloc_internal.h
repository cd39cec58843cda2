/*
 * OSMalloc_internal.h — per-tag accounting of OSMalloc, for reporting
 * leaks (for instance per tag when a kext unloads).
 */
#ifndef _LIBKERN_GEN_OSMALLOC_INTERNAL_H_
#define _LIBKERN_GEN_OSMALLOC_INTERNAL_H_

#include <stdint.h>
#include <libkern/OSMalloc.h>

/*
 * Call fn for every live tag (including tags released with allocations
 * still outstanding) with its outstanding bytes and allocation count.
 * fn runs under the tag-list lock: it must not call OSMalloc functions.
 */
void OSMalloc_tag_iterate(void (*fn)(const char *name, uint64_t bytes, uint64_t count, void *ctx), void *ctx);

/* Outstanding bytes and allocations of one tag. */
void OSMalloc_tag_usage(OSMallocTag tag, uint64_t *bytes, uint64_t *count);

#endif /* _LIBKERN_GEN_OSMALLOC_INTERNAL_H_ */
