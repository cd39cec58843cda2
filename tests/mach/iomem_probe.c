/*
 * iomem_probe — a user process that maps MemTestService's shared memory
 * (tests/iokit/memtest.h, loaded as the test kext MemTest or built into the
 * benchmark's kernel) through IOConnectMapMemory, for tests/iomem.sh and
 * bench/iomem.c. Prints "ok <case>" when a case passed.
 *   map           map, see the driver's writes, the driver sees ours, map
 *                 again (same address), read-only, fixed address, refusals,
 *                 unmap, unmap again refused, map after unmap
 *   hold          map and print "mapped", then wait to be killed
 *   bench N       median ns of a 1 MiB struct-out through a memory
 *                 descriptor and through the mapped shared buffer
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_mach.h>

/* The test service's memory types and selectors (tests/iokit/memtest.h). */
enum { kMemTypeShared = 0, kMemTypeReadOnly = 1, kMemTypePrivate = 2, kMemTypeBig = 3 };
enum { kMemSum, kMemFill, kMemProduce, kMemStructOut };
#define SHARED_SIZE (64u * 1024u)
#define BIG_SIZE (1024u * 1024u)

static int failures;

#define EXPECT(what, cond)                         \
	do {                                       \
		if (!(cond)) {                     \
			printf("FAIL %s\n", what); \
			failures++;                \
		}                                  \
	} while (0)
#define EXPECT_KR(what, kr, want)                                                                   \
	do {                                                                                        \
		kern_return_t k_ = (kr);                                                            \
		if (k_ != (kern_return_t)(want)) {                                                  \
			printf("FAIL %s: 0x%x, want 0x%x\n", what, (unsigned)k_, (unsigned)(want)); \
			failures++;                                                                 \
		}                                                                                   \
	} while (0)

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)((i * 13 + 5) & 0xff);
}

static io_connect_t
open_service(void)
{
	io_connect_t c = IO_OBJECT_NULL;
	io_service_t s = IO_OBJECT_NULL;

	for (int i = 0; i < 1000 && s == IO_OBJECT_NULL; i++) {
		s = IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceMatching("MemTestService"));
		if (s == IO_OBJECT_NULL)
			usleep(10000);
	}
	if (s == IO_OBJECT_NULL || IOServiceOpen(s, kh_mach_task_self(), 0, &c) != KERN_SUCCESS) {
		printf("FAIL no MemTestService\n");
		exit(1);
	}
	IOObjectRelease(s);
	return c;
}

static uint64_t
kernel_sum(io_connect_t c, uint64_t off, uint64_t len)
{
	uint64_t in[2] = {off, len}, out = 0;
	uint32_t n = 1;

	EXPECT_KR("kMemSum", IOConnectCallScalarMethod(c, kMemSum, in, 2, &out, &n), KERN_SUCCESS);
	return out;
}

static sigjmp_buf wfault;
static void
on_segv(int sig)
{
	siglongjmp(wfault, 1);
}

static void
case_map(void)
{
	io_connect_t c = open_service();
	task_port_t me = kh_mach_task_self();
	mach_vm_address_t a = 0, a2 = 0, ro = 0, fixed;
	mach_vm_size_t sz = 0, sz2 = 0;
	vm_address_t a32 = 0;
	vm_size_t s32 = 0;
	uint64_t seed = 3;
	uint8_t *p;

	EXPECT_KR("map", IOConnectMapMemory64(c, kMemTypeShared, me, &a, &sz, kIOMapAnywhere), KERN_SUCCESS);
	EXPECT("size", sz == SHARED_SIZE);
	p = (uint8_t *)(uintptr_t)a;
	/* The driver writes, we see it. */
	EXPECT_KR("fill", IOConnectCallScalarMethod(c, kMemFill, &seed, 1, NULL, NULL), KERN_SUCCESS);
	EXPECT("driver's bytes", p[0] == 3 && p[1000] == (uint8_t)(3 + 1000) &&
	                                 p[SHARED_SIZE - 1] == (uint8_t)(2 + SHARED_SIZE));
	/* We write, the driver sees it. */
	memset(p + 4096, 1, 100);
	EXPECT("our bytes", kernel_sum(c, 4096, 100) == 100);
	/* Again: the same mapping. */
	EXPECT_KR("map again", IOConnectMapMemory64(c, kMemTypeShared, me, &a2, &sz2, kIOMapAnywhere),
	          KERN_SUCCESS);
	EXPECT("same address", a2 == a && sz2 == sz);
	/* The 32-bit names. */
	EXPECT_KR("IOConnectMapMemory", IOConnectMapMemory(c, kMemTypeShared, me, &a32, &s32, kIOMapAnywhere),
	          KERN_SUCCESS);
	EXPECT("IOConnectMapMemory address", a32 == a && s32 == SHARED_SIZE);

	/* Refusals: not shared, unknown type, another task, a bad connection. */
	EXPECT_KR("private", IOConnectMapMemory64(c, kMemTypePrivate, me, &a2, &sz2, kIOMapAnywhere),
	          kIOReturnNotPermitted);
	EXPECT_KR("unknown type", IOConnectMapMemory64(c, 99, me, &a2, &sz2, kIOMapAnywhere),
	          kIOReturnBadArgument);
	EXPECT_KR("host port as task",
	          IOConnectMapMemory64(c, kMemTypeShared, kh_mach_host_self(), &a2, &sz2, kIOMapAnywhere),
	          kIOReturnBadArgument);
	EXPECT("bad connection",
	       IOConnectMapMemory64(0x12345, kMemTypeShared, me, &a2, &sz2, kIOMapAnywhere) != KERN_SUCCESS);
	EXPECT_KR("unaligned fixed address",
	          IOConnectMapMemory64(c, kMemTypeBig, me, &(mach_vm_address_t){0x1001}, &sz2, 0),
	          kIOReturnBadArgument);

	EXPECT_KR("unmap", IOConnectUnmapMemory64(c, kMemTypeShared, me, a), KERN_SUCCESS);
	EXPECT_KR("unmap again", IOConnectUnmapMemory64(c, kMemTypeShared, me, a), kIOReturnBadArgument);

	/* Read-only: readable, and a write faults. */
	EXPECT_KR("map read-only", IOConnectMapMemory64(c, kMemTypeReadOnly, me, &ro, &sz, kIOMapAnywhere),
	          KERN_SUCCESS);
	EXPECT("read-only content", ((uint8_t *)(uintptr_t)ro)[4096] == 1);
	signal(SIGSEGV, on_segv);
	if (sigsetjmp(wfault, 1) == 0) {
		((volatile uint8_t *)(uintptr_t)ro)[0] = 9;
		EXPECT("read-only write faults", 0);
	}
	signal(SIGSEGV, SIG_DFL);
	EXPECT("read-only unchanged", kernel_sum(c, 0, 1) == 3);
	EXPECT_KR("unmap read-only", IOConnectUnmapMemory64(c, kMemTypeReadOnly, me, ro), KERN_SUCCESS);

	/* At a fixed address of our choosing. */
	fixed = (mach_vm_address_t)(uintptr_t)mmap(NULL, BIG_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	                                           0);
	munmap((void *)(uintptr_t)fixed, BIG_SIZE); /* a free spot */
	a = fixed;
	EXPECT_KR("map fixed", IOConnectMapMemory64(c, kMemTypeBig, me, &a, &sz, 0), KERN_SUCCESS);
	EXPECT("fixed address kept", a == fixed && sz == BIG_SIZE);
	uint64_t n = 5000;
	EXPECT_KR("produce", IOConnectCallScalarMethod(c, kMemProduce, &n, 1, NULL, NULL), KERN_SUCCESS);
	EXPECT("produced", ((uint8_t *)(uintptr_t)a)[4999] == pattern(4999));
	EXPECT_KR("unmap fixed", IOConnectUnmapMemory64(c, kMemTypeBig, me, a), KERN_SUCCESS);

	/* And again after unmapping: a new mapping of the same memory. */
	a = 0;
	EXPECT_KR("map after unmap", IOConnectMapMemory64(c, kMemTypeShared, me, &a, &sz, kIOMapAnywhere),
	          KERN_SUCCESS);
	EXPECT("still there", ((uint8_t *)(uintptr_t)a)[4096] == 1);
	EXPECT_KR("close", IOServiceClose(c), KERN_SUCCESS);
	if (failures == 0)
		printf("ok map\n");
}

static void
case_hold(void)
{
	io_connect_t c = open_service();
	mach_vm_address_t a = 0;
	mach_vm_size_t sz = 0;

	if (IOConnectMapMemory64(c, kMemTypeShared, kh_mach_task_self(), &a, &sz, kIOMapAnywhere) !=
	    KERN_SUCCESS) {
		printf("FAIL hold map\n");
		exit(1);
	}
	printf("mapped\n");
	fflush(stdout);
	for (;;)
		pause();
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Median ns: 1 MiB struct-out through a descriptor, and produced into the mapped buffer. */
static void
case_bench(int rounds)
{
	io_connect_t c = open_service();
	mach_vm_address_t a = 0;
	mach_vm_size_t sz = 0;
	uint8_t *buf = malloc(BIG_SIZE);
	uint64_t *t1 = calloc((size_t)rounds, 8), *t2 = calloc((size_t)rounds, 8), n = BIG_SIZE;
	size_t outsz;

	if (buf == NULL || t1 == NULL || t2 == NULL ||
	    IOConnectMapMemory64(c, kMemTypeBig, kh_mach_task_self(), &a, &sz, kIOMapAnywhere) !=
	            KERN_SUCCESS) {
		printf("FAIL bench setup\n");
		exit(1);
	}
	memset(buf, 0, BIG_SIZE); /* fault the pages in before timing */
	for (int i = 0; i < rounds; i++) {
		uint64_t t = now_ns();
		outsz = BIG_SIZE;
		if (IOConnectCallStructMethod(c, kMemStructOut, NULL, 0, buf, &outsz) != KERN_SUCCESS ||
		    outsz != BIG_SIZE || buf[BIG_SIZE - 1] != pattern(BIG_SIZE - 1)) {
			printf("FAIL struct out\n");
			exit(1);
		}
		t1[i] = now_ns() - t;
		t = now_ns();
		if (IOConnectCallScalarMethod(c, kMemProduce, &n, 1, NULL, NULL) != KERN_SUCCESS ||
		    ((volatile uint8_t *)(uintptr_t)a)[BIG_SIZE - 1] != pattern(BIG_SIZE - 1)) {
			printf("FAIL shared\n");
			exit(1);
		}
		t2[i] = now_ns() - t;
		buf[BIG_SIZE - 1] = 0;
		((uint8_t *)(uintptr_t)a)[BIG_SIZE - 1] = 0;
	}
	qsort(t1, (size_t)rounds, 8, cmp64);
	qsort(t2, (size_t)rounds, 8, cmp64);
	printf("bench %llu %llu\n", (unsigned long long)t1[rounds / 2], (unsigned long long)t2[rounds / 2]);
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "map") == 0)
		case_map();
	else if (argc >= 2 && strcmp(argv[1], "hold") == 0)
		case_hold();
	else if (argc >= 3 && strcmp(argv[1], "bench") == 0)
		case_bench(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1);
	else {
		fprintf(stderr, "usage: iomem_probe map | hold | bench N\n");
		return 64;
	}
	return failures == 0 ? 0 : 1;
}
