/*
 * iotest.h — helpers shared by the I/O Kit base tests: polling with a
 * generous limit (the host may be slow), starting kernel threads.
 */
#ifndef TESTS_IOKIT_IOTEST_H
#define TESTS_IOKIT_IOTEST_H

#include <kern/clock.h>
#include <kern/thread.h>
#include <IOKit/IOLib.h>

#define IOTEST_LIMIT_NS (10ull * 1000 * 1000 * 1000)

/* Poll until *v >= want or the limit passes; the last value seen. */
static inline uint32_t
iotest_wait_ge(uint32_t *v, uint32_t want)
{
	uint64_t end = mach_absolute_time() + IOTEST_LIMIT_NS;
	uint32_t x;

	while ((x = __atomic_load_n(v, __ATOMIC_ACQUIRE)) < want && mach_absolute_time() < end) {
		IOSleep(1);
	}
	return x;
}

static inline uint32_t
iotest_load(uint32_t *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

static inline void
iotest_start(thread_continue_t fn, void *arg)
{
	thread_t t;

	ck_assert_int_eq(kernel_thread_start(fn, arg, &t), KERN_SUCCESS);
	thread_deallocate(t);
}

#endif /* TESTS_IOKIT_IOTEST_H */
