/*
 * libkern/OSAtomic.h — atomic operations on memory shared between threads.
 * Arithmetic and bitwise operations return the value the memory held BEFORE
 * the operation. Compare-and-swap returns true when it stored newValue.
 * OSTestAndSet/OSTestAndClear number bits from the most significant bit of
 * the first byte: bit 0 is 0x80 of startAddress[0], bit 9 is 0x40 of
 * startAddress[1].
 */
#ifndef _OS_OSATOMIC_H
#define _OS_OSATOMIC_H

#include <sys/cdefs.h>
#include <libkern/OSTypes.h>

Boolean OSCompareAndSwap8(UInt8 oldValue, UInt8 newValue, volatile UInt8 *address);
Boolean OSCompareAndSwap16(UInt16 oldValue, UInt16 newValue, volatile UInt16 *address);
Boolean OSCompareAndSwap(UInt32 oldValue, UInt32 newValue, volatile UInt32 *address);
Boolean OSCompareAndSwap64(UInt64 oldValue, UInt64 newValue, volatile UInt64 *address);
Boolean OSCompareAndSwapPtr(void *oldValue, void *newValue, void *volatile *address);
Boolean OSCompareAndSwapLong(long oldValue, long newValue, volatile long *address);

SInt8 OSAddAtomic8(SInt32 amount, volatile SInt8 *address);
SInt16 OSAddAtomic16(SInt32 amount, volatile SInt16 *address);
SInt32 OSAddAtomic(SInt32 amount, volatile SInt32 *address);
SInt64 OSAddAtomic64(SInt64 amount, volatile SInt64 *address);
long OSAddAtomicLong(long amount, volatile long *address);

SInt8 OSIncrementAtomic8(volatile SInt8 *address);
SInt16 OSIncrementAtomic16(volatile SInt16 *address);
SInt32 OSIncrementAtomic(volatile SInt32 *address);
SInt64 OSIncrementAtomic64(volatile SInt64 *address);
long OSIncrementAtomicLong(volatile long *address);

SInt8 OSDecrementAtomic8(volatile SInt8 *address);
SInt16 OSDecrementAtomic16(volatile SInt16 *address);
SInt32 OSDecrementAtomic(volatile SInt32 *address);
SInt64 OSDecrementAtomic64(volatile SInt64 *address);
long OSDecrementAtomicLong(volatile long *address);

UInt8 OSBitAndAtomic8(UInt32 mask, volatile UInt8 *address);
UInt16 OSBitAndAtomic16(UInt32 mask, volatile UInt16 *address);
UInt32 OSBitAndAtomic(UInt32 mask, volatile UInt32 *address);
UInt8 OSBitOrAtomic8(UInt32 mask, volatile UInt8 *address);
UInt16 OSBitOrAtomic16(UInt32 mask, volatile UInt16 *address);
UInt32 OSBitOrAtomic(UInt32 mask, volatile UInt32 *address);
UInt8 OSBitXorAtomic8(UInt32 mask, volatile UInt8 *address);
UInt16 OSBitXorAtomic16(UInt32 mask, volatile UInt16 *address);
UInt32 OSBitXorAtomic(UInt32 mask, volatile UInt32 *address);

/* True when the bit was already set (OSTestAndSet) or already clear (OSTestAndClear). */
Boolean OSTestAndSet(UInt32 bit, volatile UInt8 *startAddress);
Boolean OSTestAndClear(UInt32 bit, volatile UInt8 *startAddress);

/* Unsupported KPI: a test-and-set lock word (0 = unlocked). */
typedef SInt32 OSSpinLock;
Boolean OSSpinLockTry(volatile OSSpinLock *lock);
void OSSpinLockUnlock(volatile OSSpinLock *lock);

/* Order device register accesses: x86 keeps them in program order already. */
static __inline__ void
OSSynchronizeIO(void)
{
}

/* Full memory barrier (mfence; a fence builtin is rejected by thread-sanitizer builds). */
static __inline__ void
OSMemoryBarrier(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

#endif /* _OS_OSATOMIC_H */
