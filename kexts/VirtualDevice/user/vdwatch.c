/*
 * vdwatch — the plug-and-play exercise, user side: watch VirtualDevice
 * drivers come and go, as a Mac program watches hot-plugged hardware.
 *
 * It arms two matching notifications on the driver class
 * (IOServiceAddMatchingNotification with kIOFirstMatchNotification and
 * kIOTerminatedNotification) and, on every driver that appears, an
 * interest notification (IOServiceAddInterestNotification,
 * kIOGeneralInterest: kIOMessageServiceIsTerminated, the driver's own
 * state-change message, ...). Each event is printed as it arrives, stamped
 * with the seconds since vdwatch started. With --call-every it also opens
 * each driver (IOServiceOpen) and calls a method (kVDGetInfo) every MS ms,
 * so a removal shows as the clean error the user client gives from then on
 * (kIOReturnNotAttached, or kIOReturnNoDevice when the device went by
 * surprise); it closes the connection after the first failure. A call can
 * fail before the terminated notification is printed: a surprise-removed
 * device is gone before its drivers hear of it, and the notification may
 * still be on its way.
 *
 *   vdwatch [--class NAME] [--count N] [--timeout MS] [--call-every MS]
 *
 *   --class NAME      the class to watch (default VirtualDeviceDriver)
 *   --count N         exit 0 after N events (first-match, terminated and
 *                     interest lines; open/call/close lines are actions, not events)
 *   --timeout MS      give up after MS ms (default 10000): exit 1 when --count
 *                     was given and not reached, else 0
 *   --call-every MS   open each driver and call kVDGetInfo every MS ms
 *   SIGINT / SIGTERM  stop watching, print the summary, exit 0
 *
 * Output, one line an event or action (the test and the demo read it):
 *   vdwatch: watching CLASS
 *   [  S.mmm] first-match  0xID NAME on PROVIDER[@LOCATION]
 *   [  S.mmm] terminated   0xID
 *   [  S.mmm] interest     0xID kIOMessage... (or 0xMESSAGE)
 *   [  S.mmm] open         0xID ok | failed 0xKR (NAME)
 *   [  S.mmm] call         0xID kVDGetInfo ok (state S, N clients) | failed 0xKR (NAME)
 *             (the first success of a connection, and its failure)
 *   [  S.mmm] close        0xID
 *   vdwatch: N events
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_mach.h>
#include "../VirtualDeviceShared.h"

#define MAX_WATCHED 256

/* One driver seen by first-match, until its interest notification says it is terminated. */
struct watched {
	bool used;
	uint64_t id;
	io_service_t service;
	io_object_t interest;
	io_connect_t connect; /* IO_OBJECT_NULL when not (or no longer) open */
	bool said_ok;         /* the first successful call is printed, later ones are not */
};

static struct watched watched[MAX_WATCHED];
static struct timespec start;
static unsigned long events, want_events;
static uint32_t call_every_ms;
static volatile sig_atomic_t interrupted; /* SIGINT/SIGTERM: finish cleanly */

static const char *
kr_name(kern_return_t kr)
{
	static const struct {
		kern_return_t kr;
		const char *name;
	} names[] = {
	        {KERN_SUCCESS, "kIOReturnSuccess"},
	        {kIOReturnNotAttached, "kIOReturnNotAttached"},
	        {kIOReturnNoDevice, "kIOReturnNoDevice"},
	        {kIOReturnOffline, "kIOReturnOffline"},
	        {kIOReturnAborted, "kIOReturnAborted"},
	        {kIOReturnNotReady, "kIOReturnNotReady"},
	        {kIOReturnNotOpen, "kIOReturnNotOpen"},
	        {kIOReturnBadArgument, "kIOReturnBadArgument"},
	        {kIOReturnNotFound, "kIOReturnNotFound"},
	        {kIOReturnUnsupported, "kIOReturnUnsupported"},
	        {kIOReturnExclusiveAccess, "kIOReturnExclusiveAccess"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].kr == kr)
			return names[i].name;
	return "?";
}

static const char *
message_name(uint32_t type)
{
	switch (type) {
	case kIOMessageServiceIsTerminated:
		return "kIOMessageServiceIsTerminated";
	case kIOMessageServiceIsSuspended:
		return "kIOMessageServiceIsSuspended";
	case kIOMessageServiceIsResumed:
		return "kIOMessageServiceIsResumed";
	case kIOMessageServiceIsRequestingClose:
		return "kIOMessageServiceIsRequestingClose";
	case kIOMessageServiceWasClosed:
		return "kIOMessageServiceWasClosed";
	case kIOMessageServiceBusyStateChange:
		return "kIOMessageServiceBusyStateChange";
	case kIOMessageServicePropertyChange:
		return "kIOMessageServicePropertyChange";
	case kVDMessageStateChanged:
		return "kVDMessageStateChanged";
	}
	return NULL;
}

static uint64_t
elapsed_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - start.tv_sec) * 1000 + (uint64_t)(t.tv_nsec / 1000000) -
	       (uint64_t)(start.tv_nsec / 1000000);
}

/* The line's stamp; is_event counts it towards --count. */
static void
stamp(bool is_event)
{
	uint64_t ms = elapsed_ms();

	printf("[%4" PRIu64 ".%03" PRIu64 "] ", ms / 1000, ms % 1000);
	if (is_event)
		events++;
}

static uint64_t
entry_id(io_registry_entry_t e)
{
	uint64_t id = 0;

	(void)IORegistryEntryGetRegistryEntryID(e, &id);
	return id;
}

static struct watched *
find_watched(uint64_t id)
{
	for (int i = 0; i < MAX_WATCHED; i++)
		if (watched[i].used && watched[i].id == id)
			return &watched[i];
	return NULL;
}

static void
close_connection(struct watched *w)
{
	if (w->connect == IO_OBJECT_NULL)
		return;
	(void)IOServiceClose(w->connect);
	w->connect = IO_OBJECT_NULL;
	stamp(false);
	printf("close        0x%" PRIx64 "\n", w->id);
}

static void
forget(struct watched *w)
{
	close_connection(w);
	if (w->interest != IO_OBJECT_NULL)
		IOObjectRelease(w->interest);
	if (w->service != IO_OBJECT_NULL)
		IOObjectRelease(w->service);
	memset(w, 0, sizeof(*w));
}

static void
interest(void *refcon, io_service_t service, uint32_t type, void *argument)
{
	uint64_t id = (uint64_t)(uintptr_t)refcon;
	const char *name = message_name(type);
	struct watched *w;

	(void)service;
	stamp(true);
	if (name != NULL)
		printf("interest     0x%" PRIx64 " %s", id, name);
	else
		printf("interest     0x%" PRIx64 " 0x%08x", id, type);
	if (type == kVDMessageStateChanged)
		printf(" (%s)", (uintptr_t)argument == kVDStateRunning ? "running" : "stopped");
	printf("\n");
	/* The last message a terminated driver sends its watchers: stop watching it (keep an open connection
	 * until a call has shown the error). */
	if (type == kIOMessageServiceIsTerminated && (w = find_watched(id)) != NULL &&
	    w->interest != IO_OBJECT_NULL) {
		IOObjectRelease(w->interest);
		w->interest = IO_OBJECT_NULL;
		if (w->connect == IO_OBJECT_NULL)
			forget(w);
	}
}

static void
open_driver(struct watched *w)
{
	kern_return_t kr =
	        IOServiceOpen(w->service, kh_mach_task_self(), kVDUserClientTypeDefault, &w->connect);

	stamp(false);
	if (kr == KERN_SUCCESS) {
		printf("open         0x%" PRIx64 " ok\n", w->id);
	} else {
		w->connect = IO_OBJECT_NULL;
		printf("open         0x%" PRIx64 " failed 0x%x (%s)\n", w->id, (unsigned)kr, kr_name(kr));
	}
}

static void
first_match(void *refcon, io_iterator_t it)
{
	io_service_t s;

	(void)refcon;
	while ((s = IOIteratorNext(it)) != IO_OBJECT_NULL) {
		io_registry_entry_t parent = IO_OBJECT_NULL;
		io_name_t name = "", pname = "", ploc = "";
		struct watched *w = NULL;
		uint64_t id = entry_id(s);

		(void)IORegistryEntryGetName(s, name);
		if (IORegistryEntryGetParentEntry(s, kIOServicePlane, &parent) == KERN_SUCCESS) {
			(void)IORegistryEntryGetName(parent, pname);
			(void)IORegistryEntryGetLocationInPlane(parent, kIOServicePlane, ploc);
			IOObjectRelease(parent);
		}
		for (int i = 0; w == NULL && i < MAX_WATCHED; i++)
			if (!watched[i].used)
				w = &watched[i];
		/* Interest first, then the line: once it is printed, the service's messages will come. */
		if (w != NULL) {
			*w = (struct watched){.used = true, .id = id, .service = s};
			if (IOServiceAddInterestNotification(refcon, s, kIOGeneralInterest, interest,
			                                     (void *)(uintptr_t)id,
			                                     &w->interest) != KERN_SUCCESS)
				w->interest = IO_OBJECT_NULL;
		}
		stamp(true);
		printf("first-match  0x%" PRIx64 " %s on %s%s%s\n", id, name, pname,
		       ploc[0] != '\0' ? "@" : "", ploc);
		if (w == NULL) {
			IOObjectRelease(s); /* too many at once: printed, not watched */
			continue;
		}
		if (call_every_ms > 0)
			open_driver(w);
	}
}

static void
terminated(void *refcon, io_iterator_t it)
{
	io_service_t s;

	(void)refcon;
	while ((s = IOIteratorNext(it)) != IO_OBJECT_NULL) {
		stamp(true);
		printf("terminated   0x%" PRIx64 "\n", entry_id(s));
		IOObjectRelease(s);
	}
}

/* kVDGetInfo on every open connection; after the first failure the connection is closed. */
static void
call_all(void)
{
	for (int i = 0; i < MAX_WATCHED; i++) {
		struct watched *w = &watched[i];
		struct VDInfo info;
		size_t size = sizeof(info);
		kern_return_t kr;

		if (!w->used || w->connect == IO_OBJECT_NULL)
			continue;
		kr = IOConnectCallStructMethod(w->connect, kVDGetInfo, NULL, 0, &info, &size);
		if (kr == KERN_SUCCESS) {
			if (!w->said_ok) {
				stamp(false);
				printf("call         0x%" PRIx64 " kVDGetInfo ok (state %u, %u clients)\n",
				       w->id, info.state, info.clients);
			}
			w->said_ok = true;
		} else {
			stamp(false);
			printf("call         0x%" PRIx64 " kVDGetInfo failed 0x%x (%s)\n", w->id,
			       (unsigned)kr, kr_name(kr));
			close_connection(w);
			if (w->interest == IO_OBJECT_NULL)
				forget(w);
		}
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vdwatch [--class NAME] [--count N] [--timeout MS] [--call-every MS]\n");
	exit(64);
}

static unsigned long
number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > 100000000ul)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	const char *cls = kVirtualDeviceDriverClassName;
	uint64_t timeout_ms = 10000, next_call;
	IONotificationPortRef np;
	io_iterator_t matched = IO_OBJECT_NULL, gone = IO_OBJECT_NULL;
	struct pollfd pfd;
	kern_return_t kr;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--class") == 0)
			cls = argv[++i];
		else if (strcmp(argv[i], "--count") == 0)
			want_events = number(argv[++i]);
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout_ms = number(argv[++i]);
		else if (strcmp(argv[i], "--call-every") == 0)
			call_every_ms = (uint32_t)number(argv[++i]);
		else
			usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* each event as it happens, also into a pipe or file */
	clock_gettime(CLOCK_MONOTONIC, &start);
	if ((np = IONotificationPortCreate(kIOMasterPortDefault)) == NULL) {
		printf("vdwatch: IONotificationPortCreate failed\n");
		return 1;
	}
	/* Each consumes its matching dictionary; draining the iterator arms it (and shows what exists). */
	kr = IOServiceAddMatchingNotification(np, kIOFirstMatchNotification, IOServiceMatching(cls),
	                                      first_match, np, &matched);
	if (kr == KERN_SUCCESS)
		kr = IOServiceAddMatchingNotification(np, kIOTerminatedNotification, IOServiceMatching(cls),
		                                      terminated, np, &gone);
	if (kr != KERN_SUCCESS) {
		printf("vdwatch: IOServiceAddMatchingNotification failed 0x%x (%s)\n", (unsigned)kr,
		       kr_name(kr));
		rc = 1;
		goto out;
	}
	printf("vdwatch: watching %s\n", cls);
	first_match(np, matched);
	terminated(np, gone);
	pfd.fd = IONotificationPortGetFileDescriptor(np);
	pfd.events = POLLIN;
	next_call = call_every_ms;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while ((want_events == 0 || events < want_events) && !interrupted) {
		uint64_t now = elapsed_ms(), wait;

		if (now >= timeout_ms) {
			rc = want_events != 0;
			break;
		}
		if (call_every_ms > 0 && now >= next_call) {
			/* What has already arrived first, so the lines keep the order things happened in. */
			(void)IONotificationPortDispatchPending(np, 0);
			call_all();
			next_call = now + call_every_ms;
		}
		wait = timeout_ms - now;
		if (call_every_ms > 0 && next_call - now < wait)
			wait = next_call - now;
		if (wait > 100)
			wait = 100;
		/* Readable: a message waits for this process; run what our port holds. */
		if (pfd.fd >= 0 && poll(&pfd, 1, (int)wait) < 0 && errno != EINTR) {
			rc = 1;
			break;
		}
		(void)IONotificationPortDispatchPending(np, pfd.fd >= 0 ? 0 : (uint32_t)wait);
	}
	printf("vdwatch: %lu events%s\n", events, rc != 0 ? " (timed out)" : "");
out:
	for (int i = 0; i < MAX_WATCHED; i++)
		if (watched[i].used)
			forget(&watched[i]);
	if (matched != IO_OBJECT_NULL)
		IOObjectRelease(matched);
	if (gone != IO_OBJECT_NULL)
		IOObjectRelease(gone);
	IONotificationPortDestroy(np);
	return rc;
}
