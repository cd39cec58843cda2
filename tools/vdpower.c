/*
 * vdpower.c — the workshop's power exercise, user side: register for
 * system power (IORegisterForSystemPower) and print each message as it
 * arrives, answering the ones that wait (kIOMessageCanSystemSleep,
 * kIOMessageSystemWillSleep) with IOAllowPowerChange — or, with --veto,
 * refusing idle sleep with IOCancelPowerChange.
 *
 *   vdpower [--veto] [--count N] [--timeout-ms MS]
 *
 * Prints "ready" once registered, then one line per message
 * ("SystemWillSleep", ...), and exits after N messages (default: forever)
 * or when nothing arrives for MS milliseconds (status 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <IOKit/IOKitLib.h>
#include <IOKit/pwr_mgt/IOPMLib.h>

static io_connect_t root_port;
static int veto, seen;

static const char *
name_of(uint32_t type)
{
	switch (type) {
	case kIOMessageCanSystemSleep:
		return "CanSystemSleep";
	case kIOMessageSystemWillSleep:
		return "SystemWillSleep";
	case kIOMessageSystemWillNotSleep:
		return "SystemWillNotSleep";
	case kIOMessageSystemWillPowerOn:
		return "SystemWillPowerOn";
	case kIOMessageSystemHasPoweredOn:
		return "SystemHasPoweredOn";
	default:
		return "other";
	}
}

static void
callback(void *refcon, io_service_t service, uint32_t type, void *arg)
{
	printf("%s\n", name_of(type));
	fflush(stdout);
	seen++;
	if (type == kIOMessageCanSystemSleep && veto)
		(void)IOCancelPowerChange(root_port, (intptr_t)arg);
	else if (type == kIOMessageCanSystemSleep || type == kIOMessageSystemWillSleep)
		(void)IOAllowPowerChange(root_port, (intptr_t)arg);
}

int
main(int argc, char **argv)
{
	IONotificationPortRef port;
	io_object_t notifier;
	int count = 0, timeoutMs = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--veto") == 0)
			veto = 1;
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc)
			timeoutMs = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: vdpower [--veto] [--count N] [--timeout-ms MS]\n");
			return 64;
		}
	}
	root_port = IORegisterForSystemPower(NULL, &port, callback, &notifier);
	if (root_port == IO_OBJECT_NULL) {
		fprintf(stderr, "vdpower: IORegisterForSystemPower failed\n");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (count == 0 || seen < count) {
		int n = IONotificationPortDispatchPending(port, timeoutMs > 0 ? (uint32_t)timeoutMs : 1000);

		if (n < 0)
			break;
		if (n == 0 && timeoutMs > 0)
			return 2;
	}
	(void)IODeregisterForSystemPower(&notifier);
	IONotificationPortDestroy(port);
	IOServiceClose(root_port);
	return 0;
}
