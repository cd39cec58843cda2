/*
 * ionotify_probe — I/O Kit notifications in a real user process, for
 * tests/ionotify.sh (root: devctl changes the virtual bus). Prints
 * "ok <case>" when the case passed, "FAIL <what>" for each failed check.
 *   match     first-match and terminated notifications as devctl adds and
 *             removes a nub; the descriptor polls readable; a released
 *             notification stays quiet
 *   interest  an interest notification on a nub hears its termination, one
 *             on NotifyTestService hears messageClients (type and argument)
 *   async     async completions with 0, 1, 2 and 3 arguments, one completed
 *             by a later call, too many arguments refused; the notification
 *             port of a connection; a blocking receive on another thread
 *             while this one keeps calling the kernel
 *   leak      registers notifications and exits without releasing them
 * DEVCTL names the devctl program.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_mach.h>

enum { kNTAsyncNow, kNTAsyncLater, kNTCompletePending, kNTMessage, kNTPortState };

static int failures;

#define EXPECT(what, cond)                         \
	do {                                       \
		if (!(cond)) {                     \
			printf("FAIL %s\n", what); \
			failures++;                \
		}                                  \
	} while (0)

/* Run devctl with the arguments; its first output line in out (may be NULL). */
static int
devctl(const char *args, char *out, size_t size)
{
	char cmd[512];
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s", getenv("DEVCTL") ? getenv("DEVCTL") : "devctl", args);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	if (out != NULL && (fgets(out, (int)size, f) == NULL))
		out[0] = '\0';
	if (out != NULL)
		out[strcspn(out, "\n")] = '\0';
	st = pclose(f);
	return st;
}

/* Drain an iterator; names of what it held, space-separated, into names. */
static int
drain(io_iterator_t it, char *names, size_t size)
{
	io_object_t o;
	io_name_t n;
	int count = 0;

	if (names != NULL)
		names[0] = '\0';
	while ((o = IOIteratorNext(it)) != IO_OBJECT_NULL) {
		if (names != NULL && IORegistryEntryGetName(o, n) == KERN_SUCCESS) {
			strncat(names, n, size - strlen(names) - 2);
			strncat(names, " ", size - strlen(names) - 1);
		}
		IOObjectRelease(o);
		count++;
	}
	return count;
}

struct seen {
	int calls;
	int services;
	char names[256];
};

static void
matched(void *refcon, io_iterator_t it)
{
	struct seen *s = refcon;

	s->calls++;
	s->services += drain(it, s->names, sizeof(s->names));
}

static int
poll_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void
case_match(void)
{
	IONotificationPortRef port = IONotificationPortCreate(kIOMasterPortDefault);
	io_iterator_t first = IO_OBJECT_NULL, term = IO_OBJECT_NULL, scratch;
	struct seen fm = {0}, tm = {0};
	char id[64], id2[64], args[128];
	kern_return_t kr;

	EXPECT("port", port != NULL && IONotificationPortGetMachPort(port) != MACH_PORT_NULL);
	EXPECT("descriptor", IONotificationPortGetFileDescriptor(port) >= 0);
	kr = IOServiceAddMatchingNotification(port, kIOFirstMatchNotification,
	                                      IOServiceNameMatching("ionote-m"), matched, &fm, &first);
	EXPECT("add first-match", kr == KERN_SUCCESS && first != IO_OBJECT_NULL);
	kr = IOServiceAddMatchingNotification(port, kIOTerminatedNotification,
	                                      IOServiceNameMatching("ionote-m"), matched, &tm, &term);
	EXPECT("add terminated", kr == KERN_SUCCESS && term != IO_OBJECT_NULL);
	EXPECT("nothing yet (arms)", drain(first, NULL, 0) == 0 && drain(term, NULL, 0) == 0);
	EXPECT("bad type refused", IOServiceAddMatchingNotification(port, "IOServiceNoSuchNotification",
	                                                            IOServiceMatching("IOService"), matched,
	                                                            &fm, &scratch) != KERN_SUCCESS);
	EXPECT("NULL matching refused",
	       IOServiceAddMatchingNotification(port, kIOPublishNotification, NULL, matched, &fm, &scratch) ==
	               kIOReturnBadArgument);

	EXPECT("devctl add", devctl("add --name ionote-m", id, sizeof(id)) == 0 && id[0] == '0');
	EXPECT("fd readable", poll_readable(IONotificationPortGetFileDescriptor(port), 10000));
	for (int i = 0; i < 50 && fm.calls == 0; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("first-match callback",
	       fm.calls == 1 && fm.services == 1 && strcmp(fm.names, "ionote-m ") == 0);
	EXPECT("no terminated yet", tm.calls == 0);

	snprintf(args, sizeof(args), "remove %s", id);
	EXPECT("devctl remove", devctl(args, NULL, 0) == 0);
	for (int i = 0; i < 50 && tm.calls == 0; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("terminated callback",
	       tm.calls == 1 && tm.services == 1 && strcmp(tm.names, "ionote-m ") == 0);

	/* A second nub: one more of each; then the first-match notification released stays quiet. */
	EXPECT("devctl add 2", devctl("add --name ionote-m", id2, sizeof(id2)) == 0);
	for (int i = 0; i < 50 && fm.calls < 2; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("first-match again", fm.calls == 2 && fm.services == 2);
	EXPECT("release", IOObjectRelease(first) == KERN_SUCCESS);
	snprintf(args, sizeof(args), "remove %s", id2);
	EXPECT("devctl remove 2", devctl(args, NULL, 0) == 0);
	EXPECT("devctl add 3", devctl("add --name ionote-m", id, sizeof(id)) == 0);
	for (int i = 0; i < 50 && tm.calls < 2; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("terminated again", tm.calls == 2 && tm.services == 2);
	(void)IONotificationPortDispatchPending(port, 300);
	EXPECT("released notification quiet", fm.calls == 2);
	snprintf(args, sizeof(args), "remove %s", id);
	(void)devctl(args, NULL, 0);
	IOObjectRelease(term);
	IONotificationPortDestroy(port);
	if (failures == 0)
		printf("ok match\n");
}

struct heard {
	int calls;
	io_service_t service;
	uint32_t type;
	void *arg;
};

static void
interested(void *refcon, io_service_t service, uint32_t type, void *arg)
{
	struct heard *h = refcon;

	h->calls++;
	h->service = service;
	h->type = type;
	h->arg = arg;
}

static io_connect_t
open_test_service(io_service_t *service)
{
	io_connect_t c = IO_OBJECT_NULL;

	*service = IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceMatching("NotifyTestService"));
	if (*service == IO_OBJECT_NULL || IOServiceOpen(*service, kh_mach_task_self(), 0, &c) != KERN_SUCCESS)
		return IO_OBJECT_NULL;
	return c;
}

static void
case_interest(void)
{
	IONotificationPortRef port = IONotificationPortCreate(kIOMasterPortDefault);
	struct heard nub = {0}, svc = {0};
	io_object_t n1 = IO_OBJECT_NULL, n2 = IO_OBJECT_NULL;
	io_service_t s, ts;
	io_connect_t c;
	char id[64], args[128];
	uint64_t in[2] = {0xe0000999, 0x1234};

	EXPECT("devctl add", devctl("add --name ionote-i", id, sizeof(id)) == 0);
	s = IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceNameMatching("ionote-i"));
	EXPECT("nub", s != IO_OBJECT_NULL);
	EXPECT("add interest", IOServiceAddInterestNotification(port, s, kIOGeneralInterest, interested, &nub,
	                                                        &n1) == KERN_SUCCESS &&
	                               n1 != IO_OBJECT_NULL);
	EXPECT("busy interest unsupported",
	       IOServiceAddInterestNotification(port, s, kIOBusyInterest, interested, &nub, &n2) !=
	               KERN_SUCCESS);
	snprintf(args, sizeof(args), "remove %s", id);
	EXPECT("devctl remove", devctl(args, NULL, 0) == 0);
	for (int i = 0; i < 50 && nub.calls == 0; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("terminated message",
	       nub.calls == 1 && nub.type == kIOMessageServiceIsTerminated && nub.service == s);
	IOObjectRelease(n1);
	IOObjectRelease(s);

	c = open_test_service(&ts);
	EXPECT("open NotifyTestService", c != IO_OBJECT_NULL);
	EXPECT("add interest (service)",
	       IOServiceAddInterestNotification(port, ts, kIOGeneralInterest, interested, &svc, &n2) ==
	               KERN_SUCCESS);
	EXPECT("messageClients", IOConnectCallScalarMethod(c, kNTMessage, in, 2, NULL, NULL) == KERN_SUCCESS);
	for (int i = 0; i < 50 && svc.calls == 0; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("message heard",
	       svc.calls == 1 && svc.type == 0xe0000999 && svc.arg == (void *)0x1234 && svc.service == ts);
	/* Released: the next message reaches nobody. */
	IOObjectRelease(n2);
	EXPECT("messageClients 2",
	       IOConnectCallScalarMethod(c, kNTMessage, in, 2, NULL, NULL) == KERN_SUCCESS);
	(void)IONotificationPortDispatchPending(port, 300);
	EXPECT("released: quiet", svc.calls == 1);
	IOServiceClose(c);
	IOObjectRelease(ts);
	IONotificationPortDestroy(port);
	if (failures == 0)
		printf("ok interest\n");
}

struct done {
	int calls;
	int nargs;
	IOReturn result;
	uint64_t args[16];
};

static void
done0(void *refcon, IOReturn result)
{
	struct done *d = refcon;
	d->calls++;
	d->nargs = 0;
	d->result = result;
}

static void
done1(void *refcon, IOReturn result, void *a0)
{
	struct done *d = refcon;
	d->calls++;
	d->nargs = 1;
	d->result = result;
	d->args[0] = (uint64_t)(uintptr_t)a0;
}

static void
done2(void *refcon, IOReturn result, void *a0, void *a1)
{
	struct done *d = refcon;
	d->calls++;
	d->nargs = 2;
	d->result = result;
	d->args[0] = (uint64_t)(uintptr_t)a0;
	d->args[1] = (uint64_t)(uintptr_t)a1;
}

static void
doneN(void *refcon, IOReturn result, void **args, uint32_t n)
{
	struct done *d = refcon;
	d->calls++;
	d->nargs = (int)n;
	d->result = result;
	for (uint32_t i = 0; i < n && i < 16; i++)
		d->args[i] = (uint64_t)(uintptr_t)args[i];
}

static kern_return_t
call_async(io_connect_t c, IONotificationPortRef port, uint32_t sel, void *cb, struct done *d, uint64_t *in,
           uint32_t nin, uint64_t *out, uint32_t *nout)
{
	uint64_t ref[kOSAsyncRef64Count] = {0};

	ref[kIOAsyncCalloutFuncIndex] = (uint64_t)(uintptr_t)cb;
	ref[kIOAsyncCalloutRefconIndex] = (uint64_t)(uintptr_t)d;
	return IOConnectCallAsyncScalarMethod(c, sel, IONotificationPortGetMachPort(port), ref,
	                                      kIOAsyncCalloutCount, in, nin, out, nout);
}

struct waiter {
	mach_port_t port;
	mach_msg_return_t mr;
	mach_msg_id_t id;
};

static void *
blocking_receive(void *arg)
{
	struct waiter *w = arg;
	union {
		mach_msg_header_t h;
		uint8_t b[4160];
	} m;

	w->mr = kh_mach_msg(&m.h, MACH_RCV_MSG, 0, sizeof(m), w->port, MACH_MSG_TIMEOUT_NONE, MACH_PORT_NULL);
	w->id = m.h.msgh_id;
	if (w->mr == MACH_MSG_SUCCESS)
		IODispatchCalloutFromMessage(NULL, &m.h, NULL);
	return NULL;
}

static void
case_async(void)
{
	IONotificationPortRef port = IONotificationPortCreate(kIOMasterPortDefault);
	struct done d = {0};
	io_service_t ts;
	io_connect_t c = open_test_service(&ts);
	uint64_t in, out[3];
	uint32_t nout;
	pthread_t t;
	struct waiter w;
	void *cbs[4] = {(void *)done0, (void *)done1, (void *)done2, (void *)doneN};

	EXPECT("open NotifyTestService", c != IO_OBJECT_NULL);
	for (uint32_t n = 0; n <= 3; n++) {
		memset(&d, 0, sizeof(d));
		in = n;
		nout = 1;
		EXPECT("async call",
		       call_async(c, port, kNTAsyncNow, cbs[n], &d, &in, 1, out, &nout) == KERN_SUCCESS &&
		               out[0] == kIOReturnSuccess);
		for (int i = 0; i < 50 && d.calls == 0; i++)
			(void)IONotificationPortDispatchPending(port, 200);
		EXPECT("completion", d.calls == 1 && d.nargs == (int)n && d.result == kIOReturnSuccess);
		EXPECT("arguments", n == 0 || (d.args[0] == 100 && d.args[n - 1] == 100 + n - 1));
	}
	/* 16 arguments travel; 17 don't. */
	memset(&d, 0, sizeof(d));
	in = 16;
	nout = 1;
	EXPECT("async 16", call_async(c, port, kNTAsyncNow, doneN, &d, &in, 1, out, &nout) == KERN_SUCCESS);
	for (int i = 0; i < 50 && d.calls == 0; i++)
		(void)IONotificationPortDispatchPending(port, 200);
	EXPECT("16 arguments", d.calls == 1 && d.nargs == 16 && d.args[15] == 115);
	in = 17;
	nout = 1;
	EXPECT("async 17", call_async(c, port, kNTAsyncNow, doneN, &d, &in, 1, out, &nout) == KERN_SUCCESS &&
	                           out[0] == (uint64_t)kIOReturnMessageTooLarge);
	EXPECT("no reference, refused",
	       IOConnectCallAsyncScalarMethod(c, kNTAsyncNow, IONotificationPortGetMachPort(port), NULL, 0,
	                                      &in, 1, out, &nout) == kIOReturnBadArgument);
	EXPECT("plain call of an async method refused",
	       IOConnectCallScalarMethod(c, kNTAsyncNow, &in, 1, out, &nout) == kIOReturnBadArgument);

	/* Completed later, by another call, while another thread blocks in mach_msg. */
	memset(&d, 0, sizeof(d));
	EXPECT("async later",
	       call_async(c, port, kNTAsyncLater, done1, &d, NULL, 0, NULL, NULL) == KERN_SUCCESS);
	w.port = IONotificationPortGetMachPort(port);
	w.mr = -1;
	pthread_create(&t, NULL, blocking_receive, &w);
	usleep(100 * 1000);
	/* The blocked receive doesn't hold up this thread's calls. */
	for (int i = 0; i < 20; i++) {
		nout = 3;
		EXPECT("call while blocked",
		       IOConnectCallScalarMethod(c, kNTPortState, NULL, 0, out, &nout) == KERN_SUCCESS);
	}
	EXPECT("still waiting", d.calls == 0);
	in = kIOReturnAborted;
	EXPECT("complete",
	       IOConnectCallScalarMethod(c, kNTCompletePending, &in, 1, NULL, NULL) == KERN_SUCCESS);
	pthread_join(t, NULL);
	EXPECT("blocked receive got it", w.mr == MACH_MSG_SUCCESS && w.id == kOSNotificationMessageID);
	EXPECT("later completion", d.calls == 1 && d.result == kIOReturnAborted && d.args[0] == 0xc0de);

	/* A receive with a timeout that runs out. */
	{
		union {
			mach_msg_header_t h;
			uint8_t b[4160];
		} m;
		EXPECT("timeout", kh_mach_msg(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m),
		                              IONotificationPortGetMachPort(port), 50,
		                              MACH_PORT_NULL) == MACH_RCV_TIMED_OUT);
	}

	/* The connection's notification port. */
	nout = 3;
	EXPECT("no port yet",
	       IOConnectCallScalarMethod(c, kNTPortState, NULL, 0, out, &nout) == KERN_SUCCESS &&
	               out[0] == 0);
	EXPECT("set notification port",
	       IOConnectSetNotificationPort(c, 7, IONotificationPortGetMachPort(port), 0x5151) ==
	               KERN_SUCCESS);
	nout = 3;
	EXPECT("port kept", IOConnectCallScalarMethod(c, kNTPortState, NULL, 0, out, &nout) == KERN_SUCCESS &&
	                            out[0] == 1 && out[1] == 7 && out[2] == 0x5151);
	EXPECT("bad connection",
	       IOConnectSetNotificationPort(ts, 7, IONotificationPortGetMachPort(port), 0) != KERN_SUCCESS);
	IOServiceClose(c);
	IOObjectRelease(ts);
	IONotificationPortDestroy(port);
	if (failures == 0)
		printf("ok async\n");
}

static void
case_leak(void)
{
	IONotificationPortRef port = IONotificationPortCreate(kIOMasterPortDefault);
	io_iterator_t it;
	io_object_t n;
	io_service_t ts;
	io_connect_t c = open_test_service(&ts);
	struct seen s = {0};
	struct heard h = {0};
	struct done d = {0};

	EXPECT("leak: add",
	       IOServiceAddMatchingNotification(port, kIOPublishNotification, IOServiceMatching("IOService"),
	                                        matched, &s, &it) == KERN_SUCCESS);
	EXPECT("leak: interest", IOServiceAddInterestNotification(port, ts, kIOGeneralInterest, interested,
	                                                          &h, &n) == KERN_SUCCESS);
	EXPECT("leak: async later",
	       call_async(c, port, kNTAsyncLater, done1, &d, NULL, 0, NULL, NULL) == KERN_SUCCESS);
	(void)drain(it, NULL, 0);
	if (failures == 0)
		printf("ok leak\n");
	fflush(stdout);
	_exit(failures != 0);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ionotify_probe match|interest|async|leak\n");
		return 64;
	}
	if (strcmp(argv[1], "match") == 0)
		case_match();
	else if (strcmp(argv[1], "interest") == 0)
		case_interest();
	else if (strcmp(argv[1], "async") == 0)
		case_async();
	else if (strcmp(argv[1], "leak") == 0)
		case_leak();
	else
		return 64;
	return failures != 0;
}
