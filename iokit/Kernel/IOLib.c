/*
 * IOLib.c — I/O Kit library functions: memory (over kalloc), delays and
 * IOLog/IOLogv (the kernel message buffer at printf's level).
 *
 * IOMallocAligned over-allocates from kalloc and keeps, just below the
 * aligned address, the block kalloc returned and its size, so IOFreeAligned
 * needs only the caller's size to check it. Each IOMalloc family keeps a
 * byte count (iolib_malloc_bytes) that tests use to find leaks.
 */
#include <IOKit/IOLib.h>
#include <IOKit/IOInterrupts.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <string.h>
#include <sys/systm.h>
#include "bsd/kern/subr_log.h"
#include "iokit/Kernel/IOLib_internal.h"

int64_t iolib_malloc_bytes;

static inline void
iolib_account(int64_t delta)
{
	__atomic_add_fetch(&iolib_malloc_bytes, delta, __ATOMIC_RELAXED);
}

void *
IOMalloc(vm_size_t size)
{
	void *p = kalloc(size);

	if (p != NULL) {
		iolib_account((int64_t)size);
	}
	return p;
}

void *
IOMallocZero(vm_size_t size)
{
	void *p = IOMalloc(size);

	if (p != NULL) {
		memset(p, 0, size);
	}
	return p;
}

void
IOFree(void *address, vm_size_t size)
{
	if (address == NULL) {
		return;
	}
	kfree(address, size);
	iolib_account(-(int64_t)size);
}

void *
IOMallocData(vm_size_t size)
{
	return IOMalloc(size);
}

void *
IOMallocZeroData(vm_size_t size)
{
	return IOMallocZero(size);
}

void
IOFreeData(void *address, vm_size_t size)
{
	IOFree(address, size);
}

/* What IOMallocAligned stores just below the address it returns. */
struct iolib_aligned_hdr {
	void *block;      /* what kalloc returned */
	vm_size_t bsize;  /* its size */
	vm_size_t size;   /* the caller's size, checked at free */
	uintptr_t cookie; /* guards against freeing a pointer IOMallocAligned did not return */
};
#define IOLIB_ALIGNED_COOKIE ((uintptr_t)0x10a119edc0ffee11ull)

void *
IOMallocAligned(vm_size_t size, vm_offset_t alignment)
{
	struct iolib_aligned_hdr *h;
	vm_size_t bsize;
	uintptr_t addr;
	void *block;

	if (size == 0) {
		return NULL;
	}
	if (alignment < sizeof(void *)) {
		alignment = sizeof(void *);
	}
	if ((alignment & (alignment - 1)) != 0) {
		return NULL; /* not a power of two */
	}
	if (__builtin_add_overflow(size, alignment, &bsize) ||
	    __builtin_add_overflow(bsize, sizeof(*h), &bsize)) {
		return NULL;
	}
	block = kalloc(bsize);
	if (block == NULL) {
		return NULL;
	}
	addr = ((uintptr_t)block + sizeof(*h) + alignment - 1) & ~((uintptr_t)alignment - 1);
	h = (struct iolib_aligned_hdr *)addr - 1;
	h->block = block;
	h->bsize = bsize;
	h->size = size;
	h->cookie = IOLIB_ALIGNED_COOKIE ^ addr;
	iolib_account((int64_t)size);
	return (void *)addr;
}

void
IOFreeAligned(void *address, vm_size_t size)
{
	struct iolib_aligned_hdr *h;

	if (address == NULL) {
		return;
	}
	h = (struct iolib_aligned_hdr *)address - 1;
	if (h->cookie != (IOLIB_ALIGNED_COOKIE ^ (uintptr_t)address) || h->size != size) {
		panic("IOFreeAligned: %p (size %lu) was not allocated by IOMallocAligned with that size",
		      address, (unsigned long)size);
	}
	h->cookie = 0;
	kfree(h->block, h->bsize);
	iolib_account(-(int64_t)size);
}

/* ---- delays ---- */

void
IOSleep(unsigned milliseconds)
{
	if (ml_at_interrupt_context()) {
		panic("IOSleep: blocking call in interrupt context");
	}
	delay_for_interval(milliseconds, kMillisecondScale);
}

void
IOSleepWithLeeway(unsigned intervalMilliseconds, unsigned leewayMilliseconds)
{
	if (ml_at_interrupt_context()) {
		panic("IOSleepWithLeeway: blocking call in interrupt context");
	}
	delay_for_interval_with_leeway(intervalMilliseconds, leewayMilliseconds, kMillisecondScale);
}

void
IODelay(unsigned microseconds)
{
	uint64_t deadline;

	clock_interval_to_deadline(microseconds, kMicrosecondScale, &deadline);
	clock_delay_until(deadline);
}

void
IOPause(unsigned nanoseconds)
{
	uint64_t deadline;

	clock_interval_to_deadline(nanoseconds, kNanosecondScale, &deadline);
	clock_delay_until(deadline);
}

/* ---- logging ---- */

void
IOLogv(const char *format, va_list ap)
{
	(void)log_vformat(LOG_NOTICE, 0, format, ap);
}

void
IOLog(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	(void)log_vformat(LOG_NOTICE, 0, format, ap);
	va_end(ap);
}
