/*
 * OSMalloc_internal.h — per-tag accounting of OSMalloc, for reporting
 * leaks (for instance per tag when a kext unloads).
 */
#ifndef _LIBKERN_GEN_OSMALLOC_INTERNAL_H_
#define _LIBKERN_GEN_OSMALLOC_INTERNAL_H_

#include <stdbool.h>
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

/*
 * Attributing tags to their creator (the kext system's leak report at
 * unload): each tag records the return address of its OSMalloc_Tagalloc
 * call and a creation serial. OSMalloc_tag_next_serial() is the serial the
 * next tag will get; OSMalloc_tag_iterate_created_by() calls fn for the
 * tags created from code in [lo, hi) with a serial >= since (so a tag left
 * by an earlier kext at the same addresses is not counted), `released`
 * telling whether OSMalloc_Tagfree was called. Same locking rule as above.
 */
uint64_t OSMalloc_tag_next_serial(void);
void OSMalloc_tag_iterate_created_by(uintptr_t lo, uintptr_t hi, uint64_t since,
                                     void (*fn)(const char *name, uint64_t bytes, uint64_t count,
                                                bool released, void *ctx),
                                     void *ctx);

#endif /* _LIBKERN_GEN_OSMALLOC_INTERNAL_H_ */
