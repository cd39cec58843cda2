/*
 * pmset.c — system power from the command line, as Apple's pmset(1) for the
 * parts kexthost has, through IOPMLib (the root domain's user client):
 *
 *   pmset sleepnow    sleep now: every driver drops to its lowest state, leaf first
 *                     (prints "Sleeping now..." as Apple's)
 *   pmset wake        kexthost: wake the system (a Mac wakes on a hardware event)
 *   pmset idlesleep   kexthost: idle sleep, which clients may veto (kIOMessageCanSystemSleep)
 *   pmset -g          the root domain's state and the sleep/wake counts
 *
 * sleepnow, wake and idlesleep need root (the kernel checks: kIOReturnNotPrivileged).
 * Exit status: 0 success, 1 refused or failed, 64 bad usage.
 */
#include <stdio.h>
#include <string.h>
#include <IOKit/IOKitLib.h>
#include <IOKit/pwr_mgt/IOPMLib.h>

static const char *const state_names[] = {"Off", "Restart", "Sleep", "On"};

static int
usage(void)
{
	fprintf(stderr, "usage: pmset sleepnow | wake | idlesleep | -g\n");
	return 64;
}

static IOReturn
call_out1(io_connect_t fb, uint32_t selector)
{
	uint64_t out = 0;
	uint32_t n = 1;
	kern_return_t kr = IOConnectCallScalarMethod(fb, selector, NULL, 0, &out, &n);

	return kr != KERN_SUCCESS ? kr : (IOReturn)out;
}

int
main(int argc, char **argv)
{
	io_connect_t fb;
	IOReturn ret;
	int status = 0;

	if (argc != 2)
		return usage();
	if ((fb = IOPMFindPowerManagement(kIOMasterPortDefault)) == IO_OBJECT_NULL) {
		fprintf(stderr, "pmset: can't open the root power domain (is the kernel running?)\n");
		return 1;
	}
	if (strcmp(argv[1], "sleepnow") == 0) {
		ret = IOPMSleepSystem(fb);
		if (ret == kIOReturnSuccess)
			printf("Sleeping now...\n");
		else
			printf("Unable to sleep system: error 0x%0x\n", ret), status = 1;
	} else if (strcmp(argv[1], "idlesleep") == 0) {
		ret = call_out1(fb, kPMIdleSleepKexthost);
		if (ret == kIOReturnSuccess)
			printf("Sleeping now...\n");
		else
			printf("Unable to sleep system: %s (0x%0x)\n",
			       ret == kIOReturnAborted ? "vetoed by a client" : "error", ret),
			        status = 1;
	} else if (strcmp(argv[1], "wake") == 0) {
		ret = call_out1(fb, kPMWakeSystemKexthost);
		if (ret == kIOReturnSuccess)
			printf("Waking now...\n");
		else
			printf("Unable to wake system: error 0x%0x\n", ret), status = 1;
	} else if (strcmp(argv[1], "-g") == 0) {
		uint64_t out[3] = {0, 0, 0};
		uint32_t n = 3;

		ret = IOConnectCallScalarMethod(fb, kPMGetStateKexthost, NULL, 0, out, &n);
		if (ret != KERN_SUCCESS) {
			printf("pmset: can't read the root domain (0x%x)\n", ret);
			status = 1;
		} else {
			printf("System-wide power state:\n");
			printf(" IOPMrootDomain  %s (%llu)\n", out[0] < 4 ? state_names[out[0]] : "?",
			       (unsigned long long)out[0]);
			printf(" sleeps          %llu\n", (unsigned long long)out[1]);
			printf(" wakes           %llu\n", (unsigned long long)out[2]);
		}
	} else {
		IOServiceClose(fb);
		return usage();
	}
	IOServiceClose(fb);
	return status;
}
