/*
 * libkern/OSMalloc.h — tagged kernel allocation for kexts. Every allocation
 * is charged to a tag; a tag freed while allocations remain stays alive
 * until the last of them is freed.
 */
#ifndef LIBKERN_OSMALLOC_h
#define LIBKERN_OSMALLOC_h

#include <sys/cdefs.h>
#include <stdint.h>

typedef struct __OSMallocTag__ *OSMallocTag;
typedef struct __OSMallocTag__ *OSMallocTag_t;

#define OSMT_DEFAULT 0x00
#define OSMT_PAGEABLE 0x01 /* large allocations may be paged (no effect here) */

OSMallocTag OSMalloc_Tagalloc(const char *name, uint32_t flags);
void OSMalloc_Tagfree(OSMallocTag tag);
void *OSMalloc(uint32_t size, OSMallocTag tag);
/* Never block; NULL for OSMT_PAGEABLE tags. */
void *OSMalloc_nowait(uint32_t size, OSMallocTag tag);
void *OSMalloc_noblock(uint32_t size, OSMallocTag tag);
void OSFree(void *addr, uint32_t size, OSMallocTag tag);

#endif /* LIBKERN_OSMALLOC_h */
