/*
 * pnpstorm — a plug-and-play storm against the VirtualDevice sample
 * (tests/pnp_storm.sh): plug threads add and remove IOVirtualDevice nubs
 * on SLOTS slots (half the removals orderly, half by surprise) until CYCLES
 * add/remove pairs are done, while I/O threads find VirtualDeviceDriver
 * services, open them, call methods and close. A call on a device being
 * removed may fail, but only with one of the clean answers (not attached,
 * no device, offline, aborted, not ready, not open); anything else fails
 * the run. Prints a summary line; exits 0 when all went as it should.
 *
 *   pnpstorm CYCLES SLOTS IOTHREADS [--sleep-every N]
 *
 * --sleep-every N: every N add/remove cycles the plug thread that
 * completed the Nth puts the system to sleep (IOPMSleepSystem, as `pmset
 * sleepnow`) and wakes it (the root domain user client's wake selector, as
 * `pmset wake`) while the other threads go on adding, removing and calling
 * drivers. Needs root. At the end the root domain must be on and its
 * sleep and wake counts must have grown by the cycles done.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <IOKit/IOKitLib.h>
#include <IOKit/pwr_mgt/IOPMLib.h>
#include <kexthost/kh_iokit.h>
#include <kexthost/kh_mach.h>
#include "../VirtualDeviceShared.h"

#define PLUG_THREADS 4
#define MAX_SLOTS 256

static unsigned int cycles, nslots, sleep_every;
static unsigned int cycles_done;                       /* atomic */
static volatile int stopping;                          /* I/O threads end */
static uint64_t calls_ok, calls_refused, opens_failed; /* atomic */
static volatile int failed;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER; /* one sleep/wake cycle at a time */
static unsigned int sleep_cycles;                              /* under sleep_lock */

static int
clean_error(kern_return_t r)
{
	return r == kIOReturnNotAttached || r == kIOReturnNoDevice || r == kIOReturnOffline ||
	       r == kIOReturnAborted || r == kIOReturnNotReady || r == kIOReturnNotOpen;
}

static int
bus_call(const char *op, uint64_t id, int surprise, uint64_t *newID, unsigned int slot)
{
	plist_t req = plist_new_dict(), reply = NULL, v;
	uint32_t status = 0;
	uint64_t ret = 0;
	int err;
	char loc[16];

	plist_dict_set_item(req, KHIO_KEY_OPERATION, plist_new_string(op));
	if (strcmp(op, "add") == 0) {
		plist_t props = plist_new_dict();

		snprintf(loc, sizeof(loc), "s%u", slot);
		plist_dict_set_item(props, "VendorID", plist_new_uint(0x1234));
		plist_dict_set_item(props, "ProductID", plist_new_uint(1));
		plist_dict_set_item(req, KHIO_KEY_DEV_NAME, plist_new_string("storm"));
		plist_dict_set_item(req, KHIO_KEY_DEV_LOCATION, plist_new_string(loc));
		plist_dict_set_item(req, KHIO_KEY_DEV_INTERRUPTS, plist_new_uint(1));
		plist_dict_set_item(req, KHIO_KEY_DEV_PROPERTIES, props);
	} else {
		plist_dict_set_item(req, KHIO_KEY_ID, plist_new_uint(id));
		if (surprise)
			plist_dict_set_item(req, KHIO_KEY_DEV_SURPRISE, plist_new_bool(1));
	}
	err = kh_iokit_call(KHRQ_T_IODEVICE, req, &reply, &status);
	plist_free(req);
	if (err == 0 && status == 0 && (v = plist_dict_get_item(reply, KHIO_KEY_RESULT)) != NULL)
		plist_get_uint_val(v, &ret);
	if (err == 0 && status == 0 && ret == 0 && newID != NULL &&
	    (v = plist_dict_get_item(reply, KHIO_KEY_ID)) != NULL)
		plist_get_uint_val(v, newID);
	if (reply != NULL)
		plist_free(reply);
	if (err != 0 || status != 0 || ret != 0) {
		fprintf(stderr, "pnpstorm: %s: err %d status %u IOReturn 0x%" PRIx64 "\n", op, err, status,
		        ret);
		return -1;
	}
	return 0;
}

/* The root domain's state (3 on) and its sleep and wake counts (pmset -g's selector). */
static int
root_domain_state(uint64_t out[3])
{
	io_connect_t fb = IOPMFindPowerManagement(kIOMasterPortDefault);
	uint32_t n = 3;
	kern_return_t kr;

	if (fb == IO_OBJECT_NULL)
		return -1;
	kr = IOConnectCallScalarMethod(fb, kPMGetStateKexthost, NULL, 0, out, &n);
	IOServiceClose(fb);
	return kr == KERN_SUCCESS && n == 3 ? 0 : -1;
}

/* Every sleep_every cycles: a full system sleep (the tree goes down leaf first), then wake. */
static void
maybe_sleep_wake(unsigned int done)
{
	io_connect_t fb;
	IOReturn r;
	uint64_t out = 0;
	uint32_t n = 1;

	if (sleep_every == 0 || done % sleep_every != 0)
		return;
	pthread_mutex_lock(&sleep_lock);
	if ((fb = IOPMFindPowerManagement(kIOMasterPortDefault)) == IO_OBJECT_NULL) {
		fprintf(stderr, "pnpstorm: can't open the root power domain\n");
		failed = 1;
		goto out;
	}
	if ((r = IOPMSleepSystem(fb)) != kIOReturnSuccess) {
		fprintf(stderr, "pnpstorm: sleep after %u cycles: 0x%08x\n", done, (unsigned)r);
		failed = 1;
	} else if ((r = IOConnectCallScalarMethod(fb, kPMWakeSystemKexthost, NULL, 0, &out, &n)) !=
	                   KERN_SUCCESS ||
	           out != kIOReturnSuccess) {
		fprintf(stderr, "pnpstorm: wake after %u cycles: 0x%08x / 0x%08x\n", done, (unsigned)r,
		        (unsigned)out);
		failed = 1;
	} else {
		sleep_cycles++;
	}
	IOServiceClose(fb);
out:
	pthread_mutex_unlock(&sleep_lock);
}

static void *
plug_thread(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg;
	uint64_t ids[MAX_SLOTS] = {0};
	unsigned int rnd = t * 2654435761u + 1;

	while (!failed) {
		for (unsigned int s = t; s < nslots && !failed; s += PLUG_THREADS) {
			if (ids[s] == 0) {
				if (__atomic_load_n(&cycles_done, __ATOMIC_RELAXED) >= cycles)
					continue;
				if (bus_call("add", 0, 0, &ids[s], s) != 0)
					failed = 1;
				continue;
			}
			rnd = rnd * 1103515245u + 12345;
			if (bus_call("remove", ids[s], (rnd >> 16) & 1, NULL, s) != 0)
				failed = 1;
			ids[s] = 0;
			maybe_sleep_wake(__atomic_add_fetch(&cycles_done, 1, __ATOMIC_RELAXED));
		}
		if (__atomic_load_n(&cycles_done, __ATOMIC_RELAXED) >= cycles) {
			int any = 0;

			for (unsigned int s = t; s < nslots; s += PLUG_THREADS)
				any |= ids[s] != 0;
			if (!any)
				break;
		}
	}
	return NULL;
}

static void
use_device(io_service_t s)
{
	io_connect_t c = IO_OBJECT_NULL;
	kern_return_t r = IOServiceOpen(s, kh_mach_task_self(), kVDUserClientTypeDefault, &c);

	if (r != KERN_SUCCESS) {
		__atomic_add_fetch(&opens_failed, 1, __ATOMIC_RELAXED);
		return;
	}
	for (int i = 0; i < 8; i++) {
		uint64_t in[2] = {(uint64_t)(i % kVDRegisterCount), (uint64_t)i}, out = 0;
		uint32_t n = 1;

		r = IOConnectCallScalarMethod(c, (i & 1) ? kVDGetRegister : kVDSetRegister, in,
		                              (i & 1) ? 1 : 2, &out, &n);
		if (r == KERN_SUCCESS) {
			__atomic_add_fetch(&calls_ok, 1, __ATOMIC_RELAXED);
		} else if (clean_error(r)) {
			__atomic_add_fetch(&calls_refused, 1, __ATOMIC_RELAXED);
			break;
		} else {
			fprintf(stderr, "pnpstorm: method call: 0x%08x (%s)\n", (unsigned)r,
			        kh_ioreturn_name((int32_t)r) ? kh_ioreturn_name((int32_t)r) : "?");
			failed = 1;
			break;
		}
	}
	IOServiceClose(c);
}

static void *
io_thread(void *arg)
{
	while (!stopping && !failed) {
		io_iterator_t it = IO_OBJECT_NULL;
		io_service_t s;

		if (IOServiceGetMatchingServices(kIOMasterPortDefault,
		                                 IOServiceMatching("VirtualDeviceDriver"),
		                                 &it) != KERN_SUCCESS)
			continue;
		while ((s = IOIteratorNext(it)) != IO_OBJECT_NULL) {
			use_device(s);
			IOObjectRelease(s);
		}
		IOObjectRelease(it);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t plug[PLUG_THREADS], io[16];
	unsigned int nio;
	mach_timespec_t t = {30, 0};
	uint64_t before[3] = {0, 0, 0}, after[3] = {0, 0, 0};

	if (argc < 4 || (cycles = (unsigned int)atoi(argv[1])) == 0 ||
	    (nslots = (unsigned int)atoi(argv[2])) == 0 || nslots > MAX_SLOTS ||
	    (nio = (unsigned int)atoi(argv[3])) > 16) {
		fprintf(stderr, "usage: pnpstorm CYCLES SLOTS(1..%d) IOTHREADS(0..16) [--sleep-every N]\n",
		        MAX_SLOTS);
		return 64;
	}
	if (argc == 6 && strcmp(argv[4], "--sleep-every") == 0) {
		if ((sleep_every = (unsigned int)atoi(argv[5])) == 0) {
			fprintf(stderr, "pnpstorm: --sleep-every needs a count > 0\n");
			return 64;
		}
		if (root_domain_state(before) != 0) {
			fprintf(stderr, "pnpstorm: can't read the root power domain\n");
			return 1;
		}
	} else if (argc != 4) {
		fprintf(stderr, "usage: pnpstorm CYCLES SLOTS IOTHREADS [--sleep-every N]\n");
		return 64;
	}
	for (unsigned int i = 0; i < nio; i++)
		pthread_create(&io[i], NULL, io_thread, NULL);
	for (unsigned int i = 0; i < PLUG_THREADS; i++)
		pthread_create(&plug[i], NULL, plug_thread, (void *)(uintptr_t)i);
	for (unsigned int i = 0; i < PLUG_THREADS; i++)
		pthread_join(plug[i], NULL);
	stopping = 1;
	for (unsigned int i = 0; i < nio; i++)
		pthread_join(io[i], NULL);
	if (IOKitWaitQuiet(kIOMasterPortDefault, &t) != KERN_SUCCESS) {
		fprintf(stderr, "pnpstorm: the registry did not go quiet\n");
		failed = 1;
	}
	if (sleep_every != 0) {
		/* Every cycle counted, and the system back on. */
		if (root_domain_state(after) != 0 || after[0] != 3 || after[1] - before[1] != sleep_cycles ||
		    after[2] - before[2] != sleep_cycles) {
			fprintf(stderr,
			        "pnpstorm: root domain state %" PRIu64 ", sleeps +%" PRIu64
			        ", wakes +%" PRIu64 ", expected on and +%u\n",
			        after[0], after[1] - before[1], after[2] - before[2], sleep_cycles);
			failed = 1;
		}
	}
	printf("pnpstorm: %u cycles on %u slots, %" PRIu64 " calls served, %" PRIu64
	       " refused cleanly, %" PRIu64 " opens refused, %u sleep/wake cycles%s\n",
	       cycles_done, nslots, calls_ok, calls_refused, opens_failed, sleep_cycles,
	       failed ? ", FAILED" : "");
	return failed ? 1 : 0;
}
