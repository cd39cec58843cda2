/*
 * uc_probe — a user process that opens UCTestService (tests/iokit/uctest.h,
 * loaded as the test kext UCTest or built into the benchmark's kernel) and
 * calls its user client through IOKitLib, for tests/userclient.sh and
 * bench/iouc.c. Prints "ok <case>" when a case passed.
 *   checks        every argument check of externalMethod through real calls
 *   admin         open the admin-only type: prints "admin 0x<result>"
 *   sleep MS      call the sleeping method (prints "sleeping" first)
 *   stats         prints "stats <the 8 counters>"
 *   leak N        opens N connections and exits holding them
 *   bench N       median ns of the null call and of IOConnectCallScalarMethod
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_mach.h>
#include <kexthost/kh_syscall.h>

/* The test user client's selectors and types (tests/iokit/uctest.h). */
enum { kUCTypeNormal = 0, kUCTypeAdmin = 1, kUCTypeRefuse = 2 };
enum {
	kUCAdd,
	kUCEcho,
	kUCFixed,
	kUCScalars16,
	kUCSleep,
	kUCStats,
	kUCSum,
	kUCFill,
	kUCNoFunction,
	kUCVariable,
	kUCMethodCount
};

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

/* The service, waiting up to 10 s for the kext to be loaded and started. */
static io_service_t
service(void)
{
	for (int i = 0; i < 1000; i++) {
		io_service_t s =
		        IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceMatching("UCTestService"));
		if (s != IO_OBJECT_NULL)
			return s;
		usleep(10000);
	}
	printf("FAIL no UCTestService\n");
	exit(1);
}

static io_connect_t
open_uc(io_service_t s, uint32_t type)
{
	io_connect_t c = IO_OBJECT_NULL;
	kern_return_t kr = IOServiceOpen(s, kh_mach_task_self(), type, &c);

	if (kr != KERN_SUCCESS) {
		printf("FAIL open type %u: 0x%x\n", type, (unsigned)kr);
		exit(1);
	}
	return c;
}

static void
checks(void)
{
	io_service_t s = service(), back = IO_OBJECT_NULL;
	io_connect_t c = open_uc(s, kUCTypeNormal), bad = 99;
	uint64_t in[17] = {40, 2}, out[17];
	uint32_t nout;
	uint8_t s16[16], o16[32], *big = malloc(8192), *obig = malloc(8192);
	size_t nso;

	for (int i = 0; i < 16; i++)
		s16[i] = (uint8_t)i;
	memset(big, 3, 8192);
	/* scalar counts, exact each way */
	nout = 1;
	EXPECT_KR("add", IOConnectCallScalarMethod(c, kUCAdd, in, 2, out, &nout), KERN_SUCCESS);
	EXPECT("add result", out[0] == 42 && nout == 1);
	nout = 1;
	EXPECT_KR("add 1 in", IOConnectCallScalarMethod(c, kUCAdd, in, 1, out, &nout), kIOReturnBadArgument);
	nout = 1;
	EXPECT_KR("add 3 in", IOConnectCallScalarMethod(c, kUCAdd, in, 3, out, &nout), kIOReturnBadArgument);
	nout = 2;
	EXPECT_KR("add 2 out", IOConnectCallScalarMethod(c, kUCAdd, in, 2, out, &nout), kIOReturnBadArgument);
	nout = 0;
	EXPECT_KR("add 0 out", IOConnectCallScalarMethod(c, kUCAdd, in, 2, out, &nout), kIOReturnBadArgument);
	nout = 1;
	EXPECT_KR("add with struct", IOConnectCallMethod(c, kUCAdd, in, 2, s16, 4, out, &nout, NULL, NULL),
	          kIOReturnBadArgument);
	/* 16 scalars; 17 never leave the process */
	for (int i = 0; i < 17; i++)
		in[i] = (uint64_t)i + 100;
	nout = 16;
	EXPECT_KR("16 scalars", IOConnectCallScalarMethod(c, kUCScalars16, in, 16, out, &nout), KERN_SUCCESS);
	EXPECT("16 scalars result", nout == 16 && out[15] == 230);
	nout = 16;
	EXPECT_KR("17 scalars", IOConnectCallScalarMethod(c, kUCScalars16, in, 17, out, &nout),
	          kIOReturnBadArgument);
	nout = 15;
	EXPECT_KR("15 out", IOConnectCallScalarMethod(c, kUCScalars16, in, 16, out, &nout),
	          kIOReturnBadArgument);
	/* fixed structure sizes */
	nso = 16;
	EXPECT_KR("fixed", IOConnectCallStructMethod(c, kUCFixed, s16, 16, o16, &nso), KERN_SUCCESS);
	EXPECT("fixed result", nso == 16 && o16[0] == 15 && o16[15] == 0);
	nso = 16;
	EXPECT_KR("fixed 15 in", IOConnectCallStructMethod(c, kUCFixed, s16, 15, o16, &nso),
	          kIOReturnBadArgument);
	nso = 17;
	EXPECT_KR("fixed 17 out", IOConnectCallStructMethod(c, kUCFixed, s16, 16, o16, &nso),
	          kIOReturnBadArgument);
	nso = 16;
	EXPECT_KR("fixed no in", IOConnectCallStructMethod(c, kUCFixed, NULL, 0, o16, &nso),
	          kIOReturnBadArgument);
	/* variable sizes, up to the inband limit */
	nso = 4;
	EXPECT_KR("echo", IOConnectCallStructMethod(c, kUCEcho, "abcdefg", 7, o16, &nso), KERN_SUCCESS);
	EXPECT("echo cut to room", nso == 4 && memcmp(o16, "abcd", 4) == 0);
	nso = 32;
	EXPECT_KR("echo empty", IOConnectCallStructMethod(c, kUCEcho, NULL, 0, o16, &nso), KERN_SUCCESS);
	EXPECT("echo empty result", nso == 0);
	nso = 4096;
	EXPECT_KR("echo 4096", IOConnectCallStructMethod(c, kUCEcho, big, 4096, obig, &nso), KERN_SUCCESS);
	EXPECT("echo 4096 result", nso == 4096 && obig[4095] == 3);
	nso = 4096;
	nout = 1;
	EXPECT_KR("sum 4096", IOConnectCallMethod(c, kUCSum, NULL, 0, big, 4096, out, &nout, NULL, NULL),
	          KERN_SUCCESS);
	EXPECT("sum 4096 result", out[0] == 3 * 4096);
	/* variable scalar counts */
	nout = 3;
	EXPECT_KR("variable", IOConnectCallScalarMethod(c, kUCVariable, in, 5, out, &nout), KERN_SUCCESS);
	EXPECT("variable result", nout == 3 && out[2] == 102);
	/* selectors: unknown, and an entry without a function */
	EXPECT_KR("unknown selector", IOConnectCallScalarMethod(c, kUCMethodCount, NULL, 0, NULL, NULL),
	          kIOReturnUnsupported);
	EXPECT_KR("huge selector", IOConnectCallScalarMethod(c, 0x7fffffff, NULL, 0, NULL, NULL),
	          kIOReturnUnsupported);
	EXPECT_KR("no function", IOConnectCallScalarMethod(c, kUCNoFunction, NULL, 0, NULL, NULL),
	          kIOReturnNoCompletion);
	/* structures above 4096 bytes go by address (memory descriptors over this process's memory) */
	nout = 1;
	EXPECT_KR("sum 8192", IOConnectCallMethod(c, kUCSum, NULL, 0, big, 8192, out, &nout, NULL, NULL),
	          KERN_SUCCESS);
	EXPECT("sum 8192 result", out[0] == 3 * 8192);
	nso = 8192;
	memset(obig, 0, 8192);
	EXPECT_KR("fill 8192", IOConnectCallStructMethod(c, kUCFill, NULL, 0, obig, &nso), KERN_SUCCESS);
	EXPECT("fill 8192 result",
	       nso == 8192 && obig[4096] == ((4096 * 7 + 1) & 0xff) && obig[8191] == ((8191 * 7 + 1) & 0xff));
	nso = 4097;
	EXPECT_KR("fixed 16 out vs 4097", IOConnectCallStructMethod(c, kUCFixed, s16, 16, obig, &nso),
	          kIOReturnBadArgument);
	nout = 1;
	EXPECT_KR("sum from a bad address",
	          IOConnectCallMethod(c, kUCSum, NULL, 0, (void *)(uintptr_t)0x1000, 8192, out, &nout, NULL,
	                              NULL),
	          kIOReturnVMError);
	nso = 8192;
	EXPECT_KR("fill to a bad address",
	          IOConnectCallStructMethod(c, kUCFill, NULL, 0, (void *)(uintptr_t)0x1000, &nso),
	          kIOReturnVMError);
	/* properties go to the client's setProperties (IOUserClient's own: unsupported) */
	{
		plist_t d = plist_new_dict();
		plist_dict_set_item(d, "A", plist_new_bool(1));
		EXPECT_KR("set properties", IOConnectSetCFProperties(c, d), kIOReturnUnsupported);
		plist_free(d);
		EXPECT_KR("set properties: not a dictionary", IOConnectSetCFProperties(c, NULL),
		          kIOReturnBadArgument);
	}
	/* the service behind the connection; a bad handle */
	EXPECT_KR("get service", IOConnectGetService(c, &back), KERN_SUCCESS);
	EXPECT("same service", IOObjectIsEqualTo(back, s));
	IOObjectRelease(back);
	/* not connections: the answers of io_connect_method (the compact call falls back to it) */
	EXPECT_KR("call on a bad handle", IOConnectCallScalarMethod(bad, kUCAdd, in, 2, out, &nout),
	          MACH_SEND_INVALID_DEST);
	EXPECT_KR("call on a service handle", IOConnectCallScalarMethod(s, kUCStats, NULL, 0, NULL, NULL),
	          MIG_BAD_ARGUMENTS);
	EXPECT_KR("call on the task port",
	          IOConnectCallScalarMethod(kh_mach_task_self(), kUCStats, NULL, 0, NULL, NULL),
	          MIG_BAD_ARGUMENTS);
	/* a failed call leaves the output count alone */
	nout = 1;
	EXPECT_KR("add 1 in, count", IOConnectCallScalarMethod(c, kUCAdd, in, 1, out, &nout),
	          kIOReturnBadArgument);
	EXPECT("count untouched", nout == 1);
	/* opens refused by the client */
	{
		io_connect_t r = IO_OBJECT_NULL;
		EXPECT_KR("refused type", IOServiceOpen(s, kh_mach_task_self(), kUCTypeRefuse, &r),
		          kIOReturnBadArgument);
		EXPECT("no handle", r == IO_OBJECT_NULL);
		EXPECT_KR("open a non-service", IOServiceOpen(c, kh_mach_task_self(), 0, &r),
		          MIG_BAD_ARGUMENTS);
	}
	/* two connections in turn (the kernel caches the last one a call used), then one closed */
	{
		io_connect_t c2 = open_uc(s, kUCTypeNormal);
		uint64_t a[2] = {1, 2};
		for (int i = 0; i < 4; i++) {
			nout = 1;
			EXPECT_KR("alternate",
			          IOConnectCallScalarMethod(i & 1 ? c2 : c, kUCAdd, a, 2, out, &nout),
			          KERN_SUCCESS);
			EXPECT("alternate result", out[0] == 3);
		}
		EXPECT_KR("close the second", IOServiceClose(c2), KERN_SUCCESS);
		nout = 1;
		EXPECT_KR("the second after close", IOConnectCallScalarMethod(c2, kUCAdd, a, 2, out, &nout),
		          MACH_SEND_INVALID_DEST);
		nout = 1;
		EXPECT_KR("the first still open", IOConnectCallScalarMethod(c, kUCAdd, a, 2, out, &nout),
		          KERN_SUCCESS);
	}
	/* close: the handle is gone */
	EXPECT_KR("close", IOServiceClose(c), KERN_SUCCESS);
	EXPECT_KR("call after close", IOConnectCallScalarMethod(c, kUCStats, NULL, 0, NULL, NULL),
	          MACH_SEND_INVALID_DEST);
	IOObjectRelease(s);
	free(big);
	free(obig);
	if (failures == 0)
		printf("ok checks\n");
}

static void
stats(void)
{
	io_service_t s = service();
	io_connect_t c = open_uc(s, kUCTypeNormal);
	uint64_t v[8];
	uint32_t n = 8;

	EXPECT_KR("stats", IOConnectCallScalarMethod(c, kUCStats, NULL, 0, v, &n), KERN_SUCCESS);
	printf("stats");
	for (int i = 0; i < 8; i++)
		printf(" %llu", (unsigned long long)v[i]);
	printf("\n");
	IOServiceClose(c);
	IOObjectRelease(s);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
bench(int n)
{
	io_service_t s = service();
	io_connect_t c = open_uc(s, kUCTypeNormal);
	double nul[7], uc[7];
	uint64_t in[2] = {1, 2}, out[1];
	uint32_t nout = 1;

	kh_getpid();
	IOConnectCallScalarMethod(c, kUCAdd, in, 2, out, &nout);
	for (int r = 0; r < 7; r++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < n; i++)
			kh_getpid();
		uint64_t t1 = now_ns();
		for (int i = 0; i < n; i++) {
			nout = 1;
			if (IOConnectCallScalarMethod(c, kUCAdd, in, 2, out, &nout) != KERN_SUCCESS ||
			    out[0] != 3) {
				printf("FAIL bench call\n");
				exit(1);
			}
		}
		uint64_t t2 = now_ns();
		nul[r] = (double)(t1 - t0) / n;
		uc[r] = (double)(t2 - t1) / n;
	}
	qsort(nul, 7, sizeof(double), cmp_double);
	qsort(uc, 7, sizeof(double), cmp_double);
	printf("null_ns %.1f\nuc_scalar_ns %.1f\n", nul[3], uc[3]);
	IOServiceClose(c);
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "checks";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(what, "checks") == 0) {
		checks();
	} else if (strcmp(what, "admin") == 0) {
		io_service_t s = service();
		io_connect_t c = IO_OBJECT_NULL;
		kern_return_t kr = IOServiceOpen(s, kh_mach_task_self(), kUCTypeAdmin, &c);
		printf("admin 0x%x\n", (unsigned)kr);
		if (kr == KERN_SUCCESS)
			IOServiceClose(c);
	} else if (strcmp(what, "sleep") == 0 && argc > 2) {
		io_connect_t c = open_uc(service(), kUCTypeNormal);
		uint64_t ms = strtoull(argv[2], NULL, 0);
		printf("sleeping\n");
		EXPECT_KR("sleep", IOConnectCallScalarMethod(c, kUCSleep, &ms, 1, NULL, NULL), KERN_SUCCESS);
		printf("slept\n");
	} else if (strcmp(what, "stats") == 0) {
		stats();
	} else if (strcmp(what, "leak") == 0 && argc > 2) {
		io_service_t s = service();
		for (int i = 0; i < atoi(argv[2]); i++)
			(void)open_uc(s, kUCTypeNormal);
		printf("ok leak\n");
	} else if (strcmp(what, "bench") == 0 && argc > 2) {
		bench(atoi(argv[2]));
	} else {
		fprintf(stderr, "usage: uc_probe checks|admin|sleep MS|stats|leak N|bench N\n");
		return 2;
	}
	return failures == 0 ? 0 : 1;
}
