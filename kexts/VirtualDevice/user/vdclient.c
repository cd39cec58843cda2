/*
 * vdclient — the workshop's exercise 3, user side: passing data between a
 * user program and the VirtualDevice driver with IOKitLib, as on a Mac.
 *
 * It finds the driver by matching (IOServiceGetMatchingService with
 * IOServiceMatching("VirtualDeviceDriver")), opens it (IOServiceOpen: the
 * kernel makes a VirtualDeviceUserClient), then moves data through the
 * user client's methods (VirtualDeviceShared.h lists them): scalars both
 * ways (the registers), a structure in and out (the device's buffer), a
 * large structure (more than 4096 bytes: the kernel reaches this process's
 * buffer through a memory descriptor), shared memory (the driver's counters
 * page mapped with IOConnectMapMemory64), an async operation completed
 * later by the driver (IOConnectCallAsyncScalarMethod + a notification
 * port) and a state-change notification (IOServiceAddInterestNotification),
 * and closes (IOServiceClose).
 *
 *   vdclient [run]              the whole exercise, step by step
 *   vdclient info               what the device reports (kVDGetInfo)
 *   vdclient reg get R          a register
 *   vdclient reg set R V        set a register (prints the old value)
 *   vdclient write TEXT         TEXT into the device's buffer (struct in)
 *   vdclient read [N]           up to N bytes of the buffer (struct out)
 *   vdclient large N            N bytes in and back out (memory descriptors above 4096)
 *   vdclient state run|stop     start or stop the device (a state change)
 *   vdclient sleep MS           a call that takes MS ms in the driver
 *   vdclient counters [MS]      map the shared counters, print them, watch MS ms for an update
 *   vdclient async MS           an operation the driver completes MS ms later
 *   vdclient watch [MS]         wait (MS ms, default 10 s) for a state change
 *   vdclient checks             the user client's argument checks
 *
 * Exit status: 0 success, 1 a failed call (named with its IOReturn), 64 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_mach.h>
#include "../VirtualDeviceShared.h"

static int failures;

static const char *
kr_name(kern_return_t kr)
{
	static const struct {
		kern_return_t kr;
		const char *name;
	} names[] = {
	        {KERN_SUCCESS, "kIOReturnSuccess"},
	        {kIOReturnBadArgument, "kIOReturnBadArgument"},
	        {kIOReturnUnsupported, "kIOReturnUnsupported"},
	        {kIOReturnNoSpace, "kIOReturnNoSpace"},
	        {kIOReturnBusy, "kIOReturnBusy"},
	        {kIOReturnAborted, "kIOReturnAborted"},
	        {kIOReturnOffline, "kIOReturnOffline"},
	        {kIOReturnNotReady, "kIOReturnNotReady"},
	        {kIOReturnNotFound, "kIOReturnNotFound"},
	        {kIOReturnNoDevice, "kIOReturnNoDevice"},
	        {kIOReturnVMError, "kIOReturnVMError"},
	        {kIOReturnNotPrivileged, "kIOReturnNotPrivileged"},
	        {kIOReturnTimeout, "kIOReturnTimeout"},
	        {kIOReturnUnderrun, "kIOReturnUnderrun"},
	        {kIOReturnNotAttached, "kIOReturnNotAttached"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].kr == kr)
			return names[i].name;
	return "?";
}

/* Report a failed call; true when kr is success. */
static bool
check(const char *what, kern_return_t kr)
{
	if (kr == KERN_SUCCESS)
		return true;
	printf("%s failed: 0x%x (%s)\n", what, (unsigned)kr, kr_name(kr));
	failures++;
	return false;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vdclient [run | info | reg get R | reg set R V | write TEXT | read [N] |\n"
	                "                 large N | state run|stop | sleep MS | counters [MS] | async MS |\n"
	                "                 watch [MS] | checks]\n");
	exit(64);
}

static uint64_t
number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0')
		usage();
	return v;
}

/* ---- finding and opening the driver ----------------------------------------------------- */

/* The driver's service (waiting up to 5 s for it to be matched and registered), or exit 1. */
static io_service_t
find_driver(void)
{
	for (int i = 0; i < 500; i++) {
		/* IOServiceGetMatchingService consumes the matching dictionary. */
		io_service_t s = IOServiceGetMatchingService(
		        kIOMasterPortDefault, IOServiceMatching(kVirtualDeviceDriverClassName));
		if (s != IO_OBJECT_NULL)
			return s;
		usleep(10000);
	}
	printf("no %s found (is the device published? devctl add ...)\n", kVirtualDeviceDriverClassName);
	exit(1);
}

static io_connect_t
open_driver(io_service_t service)
{
	io_connect_t connect = IO_OBJECT_NULL;

	if (!check("IOServiceOpen",
	           IOServiceOpen(service, kh_mach_task_self(), kVDUserClientTypeDefault, &connect)))
		exit(1);
	return connect;
}

/* ---- the methods ---------------------------------------------------------------------------- */

static kern_return_t
get_info(io_connect_t c, struct VDInfo *info)
{
	size_t size = sizeof(*info);
	kern_return_t kr = IOConnectCallStructMethod(c, kVDGetInfo, NULL, 0, info, &size);

	if (kr == KERN_SUCCESS && size != sizeof(*info))
		kr = kIOReturnUnderrun;
	return kr;
}

static int
do_info(io_connect_t c)
{
	struct VDInfo info;

	if (!check("kVDGetInfo", get_info(c, &info)))
		return 1;
	printf("info: state %s, %u registers, buffer %u of %u bytes, %u clients, %u sleeping, "
	       "%" PRIu64 " died, id 0x%" PRIx64 "\n",
	       info.state == kVDStateRunning ? "running" : "stopped", info.registerCount, info.bufferLength,
	       info.bufferSize, info.clients, info.sleepers, info.clientsDied, info.registryID);
	return 0;
}

static int
do_reg_get(io_connect_t c, uint64_t reg)
{
	uint64_t out = 0;
	uint32_t n = 1;

	if (!check("kVDGetRegister", IOConnectCallScalarMethod(c, kVDGetRegister, &reg, 1, &out, &n)))
		return 1;
	printf("reg %" PRIu64 " = 0x%" PRIx64 "\n", reg, out);
	return 0;
}

static int
do_reg_set(io_connect_t c, uint64_t reg, uint64_t value)
{
	uint64_t in[2] = {reg, value}, out = 0;
	uint32_t n = 1;

	if (!check("kVDSetRegister", IOConnectCallScalarMethod(c, kVDSetRegister, in, 2, &out, &n)))
		return 1;
	printf("reg %" PRIu64 " = 0x%" PRIx64 " (was 0x%" PRIx64 ")\n", reg, value, out);
	return 0;
}

static int
do_write(io_connect_t c, const char *text)
{
	size_t len = strlen(text);

	if (!check("kVDWriteBuffer", IOConnectCallStructMethod(c, kVDWriteBuffer, text, len, NULL, NULL)))
		return 1;
	printf("wrote %zu bytes\n", len);
	return 0;
}

static int
do_read(io_connect_t c, size_t room)
{
	char *buf = malloc(room + 1);
	size_t n = room;
	int rc = 1;

	if (buf == NULL)
		return 1;
	if (check("kVDReadBuffer", IOConnectCallStructMethod(c, kVDReadBuffer, NULL, 0, buf, &n))) {
		buf[n] = '\0';
		printf("read %zu bytes: \"%.*s\"\n", n, (int)(n > 64 ? 64 : n), buf);
		rc = 0;
	}
	free(buf);
	return rc;
}

/* N bytes of a pattern in, then back out, compared; above 4096 bytes both go through descriptors. */
static int
do_large(io_connect_t c, size_t len)
{
	uint8_t *in = malloc(len ? len : 1), *out = malloc(len ? len : 1);
	size_t n = len;
	uint64_t sum = 0;
	int rc = 1;

	if (in == NULL || out == NULL)
		goto out;
	for (size_t i = 0; i < len; i++) {
		in[i] = (uint8_t)((i * 131 + 7) >> 3);
		sum += in[i];
	}
	memset(out, 0, len);
	if (!check("kVDWriteBuffer (large)",
	           IOConnectCallStructMethod(c, kVDWriteBuffer, in, len, NULL, NULL)))
		goto out;
	if (!check("kVDReadBuffer (large)", IOConnectCallStructMethod(c, kVDReadBuffer, NULL, 0, out, &n)))
		goto out;
	if (n != len || memcmp(in, out, len) != 0) {
		printf("large: %zu bytes came back as %zu different bytes\n", len, n);
		failures++;
		goto out;
	}
	printf("large: %zu bytes %s and back, checksum %" PRIu64 "\n", len,
	       len > 4096 ? "through memory descriptors" : "inline", sum);
	rc = 0;
out:
	free(in);
	free(out);
	return rc;
}

static int
do_state(io_connect_t c, uint64_t state)
{
	uint64_t prev = 0;
	uint32_t n = 1;

	if (!check("kVDSetState", IOConnectCallScalarMethod(c, kVDSetState, &state, 1, &prev, &n)))
		return 1;
	printf("state %s (was %s)\n", state == kVDStateRunning ? "running" : "stopped",
	       prev == kVDStateRunning ? "running" : "stopped");
	return 0;
}

static int
do_sleep(io_connect_t c, uint64_t ms)
{
	printf("sleeping %" PRIu64 " ms in the driver\n", ms);
	fflush(stdout);
	if (!check("kVDSleep", IOConnectCallScalarMethod(c, kVDSleep, &ms, 1, NULL, NULL)))
		return 1;
	printf("slept\n");
	return 0;
}

/* ---- shared memory ---------------------------------------------------------------------------- */

/* A consistent copy of the counters page (the driver's seqlock: retry while odd or changed). */
static void
snapshot(const volatile struct VDSharedCounters *page, struct VDSharedCounters *out)
{
	uint64_t before, after;

	do {
		before = __atomic_load_n(&page->sequence, __ATOMIC_ACQUIRE);
		memcpy(out, (const void *)page, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		after = __atomic_load_n(&page->sequence, __ATOMIC_RELAXED);
	} while ((before & 1) != 0 || before != after);
}

/* The permissions /proc/self/maps gives the mapping at addr ("r--s" ...), or "?". */
static void
mapping_perms(uint64_t addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long long lo, hi;
	char p[5];

	strcpy(perms, "?");
	while (f != NULL && fscanf(f, "%llx-%llx %4s%*[^\n]", &lo, &hi, p) == 3)
		if (addr >= lo && addr < hi) {
			memcpy(perms, p, 5);
			break;
		}
	if (f != NULL)
		fclose(f);
}

/*
 * Map the driver's counters page (IOConnectMapMemory64), print them, then
 * watch the page for up to watch_ms without calling the driver: its work
 * loop updates it as ticks and interrupts arrive.
 */
static int
do_counters(io_connect_t c, uint32_t watch_ms)
{
	mach_vm_address_t addr = 0;
	mach_vm_size_t size = 0;
	const volatile struct VDSharedCounters *page;
	struct VDSharedCounters a, b;
	char perms[5];

	if (!check("IOConnectMapMemory64", IOConnectMapMemory64(c, kVDMemoryCounters, kh_mach_task_self(),
	                                                        &addr, &size, kIOMapAnywhere)))
		return 1;
	page = (const volatile struct VDSharedCounters *)(uintptr_t)addr;
	mapping_perms(addr, perms);
	snapshot(page, &a);
	printf("counters: %llu bytes mapped %s, magic %s\n", (unsigned long long)size, perms,
	       a.magic == kVDCountersMagic ? "ok" : "WRONG");
	printf("counters: state %s, %" PRIu64 " interrupts, %" PRIu64 " ticks, %" PRIu64 " calls, %" PRIu64
	       " bytes in, %" PRIu64 " bytes out, %" PRIu64 " async done\n",
	       a.state == kVDStateRunning ? "running" : "stopped", a.interrupts, a.timerTicks, a.methodCalls,
	       a.bytesWritten, a.bytesRead, a.asyncCompleted);
	if (a.magic != kVDCountersMagic)
		failures++;
	for (uint32_t waited = 0; watch_ms > 0; waited += 10) {
		snapshot(page, &b);
		if (b.sequence != a.sequence) {
			printf("counters: updated by the driver while mapped: ticks %" PRIu64 " -> %" PRIu64
			       ", interrupts %" PRIu64 " -> %" PRIu64 "\n",
			       a.timerTicks, b.timerTicks, a.interrupts, b.interrupts);
			break;
		}
		if (waited >= watch_ms) {
			printf("counters: no update in %u ms\n", watch_ms);
			break;
		}
		usleep(10000);
	}
	return !check("IOConnectUnmapMemory64",
	              IOConnectUnmapMemory64(c, kVDMemoryCounters, kh_mach_task_self(), addr));
}

/* ---- notifications: the async completion and the state change -------------------------------- */

struct waiter {
	bool done;
	IOReturn result;
	uint64_t args[kVDAsyncArgCount];
	uint32_t message;
	uint64_t argument;
};

/* Poll the notification port's descriptor and dispatch until w->done or ms pass. */
static bool
wait_for(IONotificationPortRef np, struct waiter *w, uint32_t ms)
{
	struct pollfd pfd = {.fd = IONotificationPortGetFileDescriptor(np), .events = POLLIN};
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!w->done) {
		long left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = (long)ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return false;
		/* Readable: a message waits for this process; dispatch what our port holds. */
		if (poll(&pfd, 1, (int)(left > 100 ? 100 : left)) < 0 && errno != EINTR)
			return false;
		(void)IONotificationPortDispatchPending(np, 0);
	}
	return true;
}

static void
async_done(void *refcon, IOReturn result, void **args, uint32_t numArgs)
{
	struct waiter *w = refcon;

	w->result = result;
	for (uint32_t i = 0; i < numArgs && i < kVDAsyncArgCount; i++)
		w->args[i] = (uint64_t)(uintptr_t)args[i];
	w->done = true;
}

/* Start an operation the driver completes ms later from its work loop; wait for the completion. */
static int
do_async(io_connect_t c, uint64_t ms)
{
	IONotificationPortRef np = IONotificationPortCreate(kIOMasterPortDefault);
	uint64_t ref[kOSAsyncRef64Count] = {0}, ticket = 0;
	uint32_t n = 1;
	struct waiter w = {0};
	int rc = 1;

	if (np == NULL) {
		printf("IONotificationPortCreate failed\n");
		return 1;
	}
	ref[kIOAsyncCalloutFuncIndex] = (uint64_t)(uintptr_t)async_done;
	ref[kIOAsyncCalloutRefconIndex] = (uint64_t)(uintptr_t)&w;
	if (!check("kVDStartOperation",
	           IOConnectCallAsyncScalarMethod(c, kVDStartOperation, IONotificationPortGetMachPort(np),
	                                          ref, kOSAsyncRef64Count, &ms, 1, &ticket, &n)))
		goto out;
	printf("async: operation %" PRIu64 " started, the driver completes it in %" PRIu64 " ms\n", ticket,
	       ms);
	if (!wait_for(np, &w, (uint32_t)ms + 10000)) {
		printf("async: no completion\n");
		failures++;
		goto out;
	}
	printf("async: operation %" PRIu64 " completed: 0x%x (%s), %" PRIu64 " interrupts, reg 0 = 0x%" PRIx64
	       "\n",
	       w.args[kVDAsyncArgTicket], (unsigned)w.result, kr_name(w.result),
	       w.args[kVDAsyncArgInterrupts], w.args[kVDAsyncArgRegister0]);
	rc = w.result != kIOReturnSuccess || w.args[kVDAsyncArgTicket] != ticket;
out:
	IONotificationPortDestroy(np);
	return rc;
}

static void
interest(void *refcon, io_service_t service, uint32_t messageType, void *messageArgument)
{
	struct waiter *w = refcon;

	/* Other messages (e.g. kIOMessageServiceIsTerminated) end the wait too. */
	w->message = messageType;
	w->argument = (uint64_t)(uintptr_t)messageArgument;
	w->done = true;
}

/* An interest notification on the driver; change is run between arming it and waiting (may be NULL). */
static int
watch(io_service_t service, uint32_t ms, int (*change)(void *), void *arg)
{
	IONotificationPortRef np = IONotificationPortCreate(kIOMasterPortDefault);
	io_object_t notification = IO_OBJECT_NULL;
	struct waiter w = {0};
	int rc = 1;

	if (np == NULL) {
		printf("IONotificationPortCreate failed\n");
		return 1;
	}
	if (!check("IOServiceAddInterestNotification",
	           IOServiceAddInterestNotification(np, service, kIOGeneralInterest, interest, &w,
	                                            &notification)))
		goto out;
	printf("watching for state changes\n");
	fflush(stdout);
	if (change != NULL && change(arg) != 0)
		goto out;
	if (!wait_for(np, &w, ms)) {
		printf("notification: none in %u ms\n", ms);
		goto out;
	}
	if (w.message == kVDMessageStateChanged) {
		printf("notification: state changed to %s\n",
		       w.argument == kVDStateRunning ? "running" : "stopped");
		rc = 0;
	} else if (w.message == kIOMessageServiceIsTerminated) {
		printf("notification: the device was terminated\n");
	} else {
		printf("notification: message 0x%x\n", w.message);
	}
out:
	if (notification != IO_OBJECT_NULL)
		IOObjectRelease(notification);
	IONotificationPortDestroy(np);
	return rc;
}

/* Each check: the call and the IOReturn the driver (or IOUserClient) must give. */
static int
do_checks(io_connect_t c)
{
	uint64_t in[3] = {kVDRegisterCount, 1, 2}, out[2];
	uint32_t n;
	uint8_t big[kVDBufferSize + 1];
	char buf[16];
	size_t sz;
	struct {
		const char *what;
		kern_return_t got, want;
	} t[16];
	int k = 0;

#define CASE(w, call, expected) (t[k].what = (w), t[k].got = (call), t[k].want = (expected), k++)
	n = 1;
	CASE("unknown selector", IOConnectCallScalarMethod(c, kVDMethodCount, in, 1, out, &n),
	     kIOReturnUnsupported);
	n = 1;
	CASE("register out of range", IOConnectCallScalarMethod(c, kVDGetRegister, in, 1, out, &n),
	     kIOReturnBadArgument);
	n = 1;
	CASE("too few scalars in", IOConnectCallScalarMethod(c, kVDSetRegister, in, 1, out, &n),
	     kIOReturnBadArgument);
	n = 2;
	CASE("too much scalar room", IOConnectCallScalarMethod(c, kVDGetRegister, in + 1, 1, out, &n),
	     kIOReturnBadArgument);
	CASE("empty write", IOConnectCallStructMethod(c, kVDWriteBuffer, NULL, 0, NULL, NULL),
	     kIOReturnBadArgument);
	memset(big, 0x5a, sizeof(big));
	CASE("write past the buffer",
	     IOConnectCallStructMethod(c, kVDWriteBuffer, big, sizeof(big), NULL, NULL), kIOReturnNoSpace);
	sz = sizeof(buf);
	CASE("info into a short struct", IOConnectCallStructMethod(c, kVDGetInfo, NULL, 0, buf, &sz),
	     kIOReturnBadArgument);
	in[0] = 7;
	n = 1;
	CASE("unknown state", IOConnectCallScalarMethod(c, kVDSetState, in, 1, out, &n),
	     kIOReturnBadArgument);
	in[0] = kVDMaxDelayMS + 1;
	CASE("sleep too long", IOConnectCallScalarMethod(c, kVDSleep, in, 1, NULL, NULL),
	     kIOReturnBadArgument);
	in[0] = 1;
	n = 1;
	CASE("async method called synchronously",
	     IOConnectCallScalarMethod(c, kVDStartOperation, in, 1, out, &n), kIOReturnBadArgument);
#undef CASE
	for (int i = 0; i < k; i++) {
		bool ok = t[i].got == t[i].want;
		printf("%s %s: 0x%x (%s)\n", ok ? "ok" : "FAIL", t[i].what, (unsigned)t[i].got,
		       kr_name(t[i].got));
		if (!ok)
			failures++;
	}
	return failures > 0;
}

/* ---- the whole exercise --------------------------------------------------------------------- */

struct flip {
	io_connect_t c;
	uint64_t state;
};

static int
flip_state(void *arg)
{
	struct flip *f = arg;

	return do_state(f->c, f->state);
}

static int
do_run(io_service_t service, io_connect_t c)
{
	struct flip f = {c, kVDStateStopped};
	io_name_t cls;
	uint64_t id = 0;

	(void)IOObjectGetClass(service, cls);
	(void)IORegistryEntryGetRegistryEntryID(service, &id);
	printf("1. found %s (id 0x%" PRIx64 ") by matching, opened a connection\n", cls, id);
	printf("2. scalars:\n");
	if (do_reg_set(c, 1, 0xcafe) || do_reg_get(c, 1))
		return 1;
	printf("3. struct in, struct out:\n");
	if (do_write(c, "hello, device") || do_read(c, 64))
		return 1;
	printf("4. large struct (64 KiB):\n");
	if (do_large(c, kVDBufferSize))
		return 1;
	printf("5. shared memory:\n");
	if (do_counters(c, 2000))
		return 1;
	printf("6. async method:\n");
	if (do_async(c, 200))
		return 1;
	printf("7. state change notification:\n");
	if (watch(service, 5000, flip_state, &f))
		return 1;
	f.state = kVDStateRunning;
	if (flip_state(&f))
		return 1;
	printf("8. the device:\n");
	if (do_info(c))
		return 1;
	printf("9. closing\n");
	return 0;
}

/* A parsed command line: checked before anything is opened, so bad usage leaves no trace. */
enum op {
	OP_RUN,
	OP_INFO,
	OP_REG_GET,
	OP_REG_SET,
	OP_WRITE,
	OP_READ,
	OP_LARGE,
	OP_STATE,
	OP_SLEEP,
	OP_COUNTERS,
	OP_ASYNC,
	OP_WATCH,
	OP_CHECKS
};
struct cmd {
	enum op op;
	uint64_t a, b;
	const char *text;
};

static struct cmd
parse(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "run";
	struct cmd r = {.op = OP_RUN};

	if (strcmp(c, "run") == 0 && argc <= 2)
		return r;
	if (strcmp(c, "info") == 0 && argc == 2)
		return (struct cmd){.op = OP_INFO};
	if (strcmp(c, "reg") == 0 && argc == 4 && strcmp(argv[2], "get") == 0)
		return (struct cmd){.op = OP_REG_GET, .a = number(argv[3])};
	if (strcmp(c, "reg") == 0 && argc == 5 && strcmp(argv[2], "set") == 0)
		return (struct cmd){.op = OP_REG_SET, .a = number(argv[3]), .b = number(argv[4])};
	if (strcmp(c, "write") == 0 && argc == 3)
		return (struct cmd){.op = OP_WRITE, .text = argv[2]};
	if (strcmp(c, "read") == 0 && argc <= 3)
		return (struct cmd){.op = OP_READ, .a = argc == 3 ? number(argv[2]) : 4096};
	if (strcmp(c, "large") == 0 && argc == 3 && number(argv[2]) <= 16u * kVDBufferSize)
		return (struct cmd){.op = OP_LARGE, .a = number(argv[2])};
	if (strcmp(c, "state") == 0 && argc == 3 &&
	    (strcmp(argv[2], "run") == 0 || strcmp(argv[2], "stop") == 0))
		return (struct cmd){.op = OP_STATE,
		                    .a = strcmp(argv[2], "run") == 0 ? kVDStateRunning : kVDStateStopped};
	if (strcmp(c, "sleep") == 0 && argc == 3)
		return (struct cmd){.op = OP_SLEEP, .a = number(argv[2])};
	if (strcmp(c, "counters") == 0 && argc <= 3)
		return (struct cmd){.op = OP_COUNTERS, .a = argc == 3 ? number(argv[2]) : 0};
	if (strcmp(c, "async") == 0 && argc == 3)
		return (struct cmd){.op = OP_ASYNC, .a = number(argv[2])};
	if (strcmp(c, "watch") == 0 && argc <= 3)
		return (struct cmd){.op = OP_WATCH, .a = argc == 3 ? number(argv[2]) : 10000};
	if (strcmp(c, "checks") == 0 && argc == 2)
		return (struct cmd){.op = OP_CHECKS};
	usage();
	return r;
}

int
main(int argc, char **argv)
{
	struct cmd cmd = parse(argc, argv);
	io_service_t service;
	io_connect_t c;
	int rc = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	service = find_driver();
	c = open_driver(service);
	switch (cmd.op) {
	case OP_RUN:
		rc = do_run(service, c);
		break;
	case OP_INFO:
		rc = do_info(c);
		break;
	case OP_REG_GET:
		rc = do_reg_get(c, cmd.a);
		break;
	case OP_REG_SET:
		rc = do_reg_set(c, cmd.a, cmd.b);
		break;
	case OP_WRITE:
		rc = do_write(c, cmd.text);
		break;
	case OP_READ:
		rc = do_read(c, (size_t)cmd.a);
		break;
	case OP_LARGE:
		rc = do_large(c, (size_t)cmd.a);
		break;
	case OP_STATE:
		rc = do_state(c, cmd.a);
		break;
	case OP_SLEEP:
		rc = do_sleep(c, cmd.a);
		break;
	case OP_COUNTERS:
		rc = do_counters(c, (uint32_t)cmd.a);
		break;
	case OP_ASYNC:
		rc = do_async(c, cmd.a);
		break;
	case OP_WATCH:
		rc = watch(service, (uint32_t)cmd.a, NULL, NULL);
		break;
	case OP_CHECKS:
		rc = do_checks(c);
		break;
	}
	if (!check("IOServiceClose", IOServiceClose(c)))
		rc = 1;
	IOObjectRelease(service);
	return rc != 0 || failures > 0;
}
