/*
 * OSAtomicOperations.c — libkern's atomic operations on the compiler's
 * __atomic builtins. Arithmetic and bit operations are relaxed, as in XNU
 * (they order nothing but themselves); compare-and-swap is acquire-release
 * so it can build locks and publish data.
 */
#include <libkern/OSAtomic.h>
#include <stdint.h>

#define OSA_CAS(type, addr, oldv, newv)                                                                 \
	({                                                                                              \
		type __expected = (oldv);                                                               \
		(Boolean) __atomic_compare_exchange_n((addr), &__expected, (newv), 0, __ATOMIC_ACQ_REL, \
		                                      __ATOMIC_RELAXED);                                \
	})

Boolean
OSCompareAndSwap8(UInt8 oldValue, UInt8 newValue, volatile UInt8 *address)
{
	return OSA_CAS(UInt8, address, oldValue, newValue);
}

Boolean
OSCompareAndSwap16(UInt16 oldValue, UInt16 newValue, volatile UInt16 *address)
{
	return OSA_CAS(UInt16, address, oldValue, newValue);
}

Boolean
OSCompareAndSwap(UInt32 oldValue, UInt32 newValue, volatile UInt32 *address)
{
	return OSA_CAS(UInt32, address, oldValue, newValue);
}

Boolean
OSCompareAndSwap64(UInt64 oldValue, UInt64 newValue, volatile UInt64 *address)
{
	return OSA_CAS(UInt64, address, oldValue, newValue);
}

Boolean
OSCompareAndSwapPtr(void *oldValue, void *newValue, void *volatile *address)
{
	return OSA_CAS(void *, address, oldValue, newValue);
}

Boolean
OSCompareAndSwapLong(long oldValue, long newValue, volatile long *address)
{
	return OSA_CAS(long, address, oldValue, newValue);
}

SInt8
OSAddAtomic8(SInt32 amount, volatile SInt8 *address)
{
	return __atomic_fetch_add(address, (SInt8)amount, __ATOMIC_RELAXED);
}

SInt16
OSAddAtomic16(SInt32 amount, volatile SInt16 *address)
{
	return __atomic_fetch_add(address, (SInt16)amount, __ATOMIC_RELAXED);
}

SInt32
OSAddAtomic(SInt32 amount, volatile SInt32 *address)
{
	return __atomic_fetch_add(address, amount, __ATOMIC_RELAXED);
}

SInt64
OSAddAtomic64(SInt64 amount, volatile SInt64 *address)
{
	return __atomic_fetch_add(address, amount, __ATOMIC_RELAXED);
}

long
OSAddAtomicLong(long amount, volatile long *address)
{
	return __atomic_fetch_add(address, amount, __ATOMIC_RELAXED);
}

SInt8
OSIncrementAtomic8(volatile SInt8 *address)
{
	return OSAddAtomic8(1, address);
}

SInt16
OSIncrementAtomic16(volatile SInt16 *address)
{
	return OSAddAtomic16(1, address);
}

SInt32
OSIncrementAtomic(volatile SInt32 *address)
{
	return OSAddAtomic(1, address);
}

SInt64
OSIncrementAtomic64(volatile SInt64 *address)
{
	return OSAddAtomic64(1, address);
}

long
OSIncrementAtomicLong(volatile long *address)
{
	return OSAddAtomicLong(1, address);
}

SInt8
OSDecrementAtomic8(volatile SInt8 *address)
{
	return OSAddAtomic8(-1, address);
}

SInt16
OSDecrementAtomic16(volatile SInt16 *address)
{
	return OSAddAtomic16(-1, address);
}

SInt32
OSDecrementAtomic(volatile SInt32 *address)
{
	return OSAddAtomic(-1, address);
}

SInt64
OSDecrementAtomic64(volatile SInt64 *address)
{
	return OSAddAtomic64(-1, address);
}

long
OSDecrementAtomicLong(volatile long *address)
{
	return OSAddAtomicLong(-1, address);
}

UInt8
OSBitAndAtomic8(UInt32 mask, volatile UInt8 *address)
{
	return __atomic_fetch_and(address, (UInt8)mask, __ATOMIC_RELAXED);
}

UInt16
OSBitAndAtomic16(UInt32 mask, volatile UInt16 *address)
{
	return __atomic_fetch_and(address, (UInt16)mask, __ATOMIC_RELAXED);
}

UInt32
OSBitAndAtomic(UInt32 mask, volatile UInt32 *address)
{
	return __atomic_fetch_and(address, mask, __ATOMIC_RELAXED);
}

UInt8
OSBitOrAtomic8(UInt32 mask, volatile UInt8 *address)
{
	return __atomic_fetch_or(address, (UInt8)mask, __ATOMIC_RELAXED);
}

UInt16
OSBitOrAtomic16(UInt32 mask, volatile UInt16 *address)
{
	return __atomic_fetch_or(address, (UInt16)mask, __ATOMIC_RELAXED);
}

UInt32
OSBitOrAtomic(UInt32 mask, volatile UInt32 *address)
{
	return __atomic_fetch_or(address, mask, __ATOMIC_RELAXED);
}

UInt8
OSBitXorAtomic8(UInt32 mask, volatile UInt8 *address)
{
	return __atomic_fetch_xor(address, (UInt8)mask, __ATOMIC_RELAXED);
}

UInt16
OSBitXorAtomic16(UInt32 mask, volatile UInt16 *address)
{
	return __atomic_fetch_xor(address, (UInt16)mask, __ATOMIC_RELAXED);
}

UInt32
OSBitXorAtomic(UInt32 mask, volatile UInt32 *address)
{
	return __atomic_fetch_xor(address, mask, __ATOMIC_RELAXED);
}

/*
 * Set or clear one bit; bit 0 is the most significant bit of the first
 * byte. Returns true when the bit already had the wanted value (and memory
 * was left alone).
 */
static Boolean
osa_test_and_set_clear(UInt32 bit, int set, volatile UInt8 *start)
{
	volatile UInt8 *address = start + bit / 8;
	UInt8 mask = (UInt8)(0x80u >> (bit % 8));
	UInt8 want = set ? mask : 0;
	UInt8 old = __atomic_load_n(address, __ATOMIC_RELAXED);

	do {
		if ((old & mask) == want) {
			return 1;
		}
	} while (!__atomic_compare_exchange_n(address, &old, (UInt8)((old & ~mask) | want), 1,
	                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

Boolean
OSTestAndSet(UInt32 bit, volatile UInt8 *startAddress)
{
	return osa_test_and_set_clear(bit, 1, startAddress);
}

Boolean
OSTestAndClear(UInt32 bit, volatile UInt8 *startAddress)
{
	return osa_test_and_set_clear(bit, 0, startAddress);
}

Boolean
OSSpinLockTry(volatile OSSpinLock *lock)
{
	return OSA_CAS(OSSpinLock, lock, 0, 1);
}

void
OSSpinLockUnlock(volatile OSSpinLock *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}
