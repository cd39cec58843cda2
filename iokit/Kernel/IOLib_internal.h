/*
 * IOLib_internal.h — the I/O Kit library's kernel-private state.
 */
#ifndef _IOKIT_IOLIB_INTERNAL_H_
#define _IOKIT_IOLIB_INTERNAL_H_

#include <stdint.h>

/* Bytes currently allocated through IOMalloc*, IOMallocAligned (tests check it returns to its start). */
extern int64_t iolib_malloc_bytes;

#endif /* _IOKIT_IOLIB_INTERNAL_H_ */
