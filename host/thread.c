/*
 * thread.c — host threads for kernel threads. Each runs on a stack we map
 * ourselves: [guard page][stack_size usable bytes][host reserve], where the
 * reserve is what glibc places at the top of a thread stack (its thread
 * control block and static TLS), measured once by a probe thread, so the
 * kernel thread really gets `stack_size` bytes above an inaccessible guard
 * page — a kext that overflows its 16 KiB faults instead of corrupting
 * memory. Threads are joinable; finished ones are reaped lazily.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

struct khost_thread {
	pthread_t pt;
	void (*fn)(void *);
	void *arg;
	uint8_t *map; /* guard page + stack + reserve */
	size_t map_len;
	uintptr_t stack_lo, stack_hi; /* usable range, for khost_thread_stack */
	struct khost_thread *next_zombie;
};

static pthread_mutex_t zombie_lock = PTHREAD_MUTEX_INITIALIZER;
static struct khost_thread *zombies;
static size_t host_reserve; /* bytes glibc takes at the top of a thread stack */
static pthread_once_t reserve_once = PTHREAD_ONCE_INIT;
static __thread struct khost_thread *self_thread;
static __thread uintptr_t self_stack_lo, self_stack_hi;

static void *
probe_main(void *arg)
{
	volatile char marker;
	*(uintptr_t *)arg = (uintptr_t)&marker;
	return NULL;
}

/* Measure how much of a thread's stack glibc uses above the thread's first frame. */
static void
measure_reserve(void)
{
	size_t len = 1 << 20, page = khost_page_size();
	uintptr_t marker = 0;
	pthread_attr_t attr;
	pthread_t pt;
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	host_reserve = 64 * 1024; /* safe fallback */
	if (map == MAP_FAILED)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, map, len);
	if (pthread_create(&pt, &attr, probe_main, &marker) == 0) {
		pthread_join(pt, NULL);
		size_t used = (uintptr_t)map + len - marker;
		/* The probe's own frame is tiny; add room for our trampoline's frames. */
		host_reserve = (used + 1024 + page - 1) & ~(page - 1);
	}
	pthread_attr_destroy(&attr);
	munmap(map, len);
}

static void *
thread_trampoline(void *arg)
{
	struct khost_thread *t = arg;

	self_thread = t;
	self_stack_lo = t->stack_lo;
	self_stack_hi = t->stack_hi;
	/* Faults are reported on an alternate stack: the thread's own may be what overflowed. */
	(void)khost_fault_altstack_init();
	t->fn(t->arg);
	khost_fault_altstack_fini();
	pthread_mutex_lock(&zombie_lock);
	t->next_zombie = zombies;
	zombies = t;
	pthread_mutex_unlock(&zombie_lock);
	return NULL;
}

void
khost_thread_reap(void)
{
	struct khost_thread *list;

	pthread_mutex_lock(&zombie_lock);
	list = zombies;
	zombies = NULL;
	pthread_mutex_unlock(&zombie_lock);
	while (list != NULL) {
		struct khost_thread *t = list;
		list = t->next_zombie;
		pthread_join(t->pt, NULL);
		munmap(t->map, t->map_len);
		free(t);
	}
}

int
khost_thread_create(void (*fn)(void *), void *arg, size_t stack_size, khost_thread_t *out)
{
	size_t page = khost_page_size();
	struct khost_thread *t;
	pthread_attr_t attr;
	int err;

	khost_thread_reap();
	pthread_once(&reserve_once, measure_reserve);
	stack_size = (stack_size + page - 1) & ~(page - 1);
	if (stack_size == 0)
		return 22;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return 12;
	t->fn = fn;
	t->arg = arg;
	t->map_len = page + stack_size + host_reserve;
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	              -1, 0);
	if (t->map == MAP_FAILED) {
		err = khost_errno_to_darwin(errno);
		free(t);
		return err;
	}
	mprotect(t->map, page, PROT_NONE); /* the guard page */
	t->stack_lo = (uintptr_t)t->map + page;
	t->stack_hi = t->stack_lo + stack_size + host_reserve;

	pthread_attr_init(&attr);
	pthread_attr_setstack(&attr, t->map + page, stack_size + host_reserve);
	err = pthread_create(&t->pt, &attr, thread_trampoline, t);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		munmap(t->map, t->map_len);
		free(t);
		return khost_errno_to_darwin(err);
	}
	if (out != NULL)
		*out = t;
	return 0;
}

uint64_t
khost_thread_id(void)
{
	static __thread uint64_t tid;
	if (tid == 0)
		tid = (uint64_t)syscall(SYS_gettid);
	return tid;
}

void
khost_thread_stack(uintptr_t *lo, uintptr_t *hi)
{
	if (self_stack_hi == 0) {
		pthread_attr_t attr;
		void *addr = NULL;
		size_t size = 0;

		if (pthread_getattr_np(pthread_self(), &attr) == 0) {
			pthread_attr_getstack(&attr, &addr, &size);
			pthread_attr_destroy(&attr);
		}
		self_stack_lo = (uintptr_t)addr;
		self_stack_hi = (uintptr_t)addr + size;
	}
	*lo = self_stack_lo;
	*hi = self_stack_hi;
}

void
khost_thread_yield(void)
{
	sched_yield();
}
