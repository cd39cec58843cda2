/*
 * fuzz_iodevice_request.c — libFuzzer target for the virtual bus's device
 * model request (iokit/Kernel/IOVirtualBusRequest.c) and the registry dump
 * (IORegistryDump.c): any bytes as a KHRQ_T_IODEVICE payload from root must
 * end in EINVAL or a well-formed reply, never a crash, a hang or a leak; the
 * same bytes as a KHRQ_T_IOREG_DUMP payload likewise (ENOENT allowed). Every
 * device an input published is removed before the next input, so the
 * registry does not grow.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <IOKit/IOService.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "iokit/Kernel/IOUserRequest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_booted;

static void
fuzz_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (fuzz_booted)
		return;
	if (kernel_bootstrap(&params) != 0)
		khost_exit(KHOST_EXIT_BOOT);
	fuzz_booted = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kreq_peer root = {.pid = 1, .uid = 0, .gid = 0};
	struct kreq_buf reply = {0};
	OSArray *devs;
	int err;

	fuzz_boot();
	if (size > 64 * 1024)
		return 0;
	err = iovbus_request_handle(&root, data, size, &reply);
	if (err != 0 && err != EINVAL)
		panic("fuzz_iodevice_request: unexpected status %d", err);
	if (err == 0 && reply.len == 0)
		panic("fuzz_iodevice_request: empty reply");
	kreq_buf_free(&reply);

	err = ioreg_dump_request_handle(&root, data, size, &reply);
	if (err != 0 && err != EINVAL && err != ENOENT)
		panic("fuzz_iodevice_request: dump status %d", err);
	kreq_buf_free(&reply);

	devs = IOVirtualBus_copyDevices();
	for (unsigned int i = 0; devs != NULL && i < OSArray_getCount(devs); i++)
		(void)IOVirtualBus_removeDevice(
		        IORegistryEntry_getRegistryEntryID(OSArray_getObject(devs, i)), false);
	OSSafeReleaseNULL(devs);
	return 0;
}
