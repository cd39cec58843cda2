/*
 * IOKit/IOLib.h — I/O Kit utility functions for drivers: memory, delays,
 * logging.
 *
 * Memory comes from kalloc and is accounted like kalloc's (the sizes passed
 * to IOFree must be those given to IOMalloc). IOMalloc(0) returns NULL and
 * IOFree(NULL, size) does nothing, as on a Mac. IOMallocAligned takes a
 * power-of-two alignment; free it with IOFreeAligned and the same size.
 * IOMallocData/IOFreeData are for buffers holding no pointers (kexthost
 * keeps them in the same heap).
 *
 * IOSleep blocks the thread (not allowed in interrupt context); IODelay and
 * IOPause spin.
 */
#ifndef __IOKIT_IOLIB_H
#define __IOKIT_IOLIB_H

#include <sys/cdefs.h>
#include <stdarg.h>
#include <stddef.h>
#include <kern/thread.h>
#include <IOKit/IOTypes.h>
#include <IOKit/IOLocks.h>

__BEGIN_DECLS

void *IOMalloc(vm_size_t size);
void *IOMallocZero(vm_size_t size);
void IOFree(void *address, vm_size_t size);
void *IOMallocAligned(vm_size_t size, vm_offset_t alignment);
void IOFreeAligned(void *address, vm_size_t size);
void *IOMallocData(vm_size_t size);
void *IOMallocZeroData(vm_size_t size);
void IOFreeData(void *address, vm_size_t size);

/* Block the calling thread for at least the interval. */
void IOSleep(unsigned milliseconds);
void IOSleepWithLeeway(unsigned intervalMilliseconds, unsigned leewayMilliseconds);
/* Spin for at least the interval. */
void IODelay(unsigned microseconds);
void IOPause(unsigned nanoseconds);

/* Log a message to the kernel message buffer (like printf). */
void IOLog(const char *format, ...) __printflike(1, 2);
void IOLogv(const char *format, va_list ap) __printflike(1, 0);

/* Thread helpers of the I/O Kit. */
typedef thread_t IOThread;
#define IOThreadSelf() (current_thread())

__END_DECLS

#endif /* __IOKIT_IOLIB_H */
