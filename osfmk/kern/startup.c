/*
 * startup.c — kernel_bootstrap() and kernel_shutdown(): bring the subsystems
 * up in dependency order, run the boot self-checks, and take them down again.
 * The host (host/main.c, or a test fixture) calls these once per process.
 */
#include "osfmk/ipc/ipc.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"
#include <sys/systm.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/debug_internal.h"
#include "bsd/kern/subr_log.h"
#include "libkern/kxld/kxld.h"
#include "libkern/kext/OSKext.h"
#include "bsd/kern/kern_request.h"
#include "bsd/kern/kern_sysctl.h"
#include "bsd/miscfs/devfs/devfs_internal.h"
#include "iokit/Kernel/IOKitCore.h"
#include "osfmk/kern/debug_internal.h"
#include "osfmk/kern/watchdog.h"

int kernel_ready;
static int kernel_booted;
static int kernel_down;

struct startup_check {
	const char *name;
	int (*fn)(void);
};

static const struct startup_check startup_checks[] = {
        {"zalloc", zalloc_selfcheck},
        {"libkern.string", libkern_string_selfcheck},
        {"locks", lck_selfcheck},
        {"sched", sched_selfcheck},
        {"thread_call", thread_call_selfcheck},
        {"libkern.objects", libkern_selfcheck},
        {"sysctl", sysctl_selfcheck},
        {"devfs", dev_selfcheck},
};

/* Run every self-check, report each; a failure panics (the kernel is not sound). */
static void
startup_selfcheck(void)
{
	uint64_t t0 = khost_uptime_ns();
	unsigned int n = sizeof(startup_checks) / sizeof(startup_checks[0]);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t s = khost_uptime_ns();
		int err = startup_checks[i].fn();
		uint64_t us = (khost_uptime_ns() - s) / 1000;

		if (err != 0)
			panic("self-check %s failed (%d)", startup_checks[i].name, err);
		printf("self-check: %-16s ok (%llu us)\n", startup_checks[i].name, (unsigned long long)us);
	}
	printf("self-check: all %u passed in %llu us\n", n,
	       (unsigned long long)((khost_uptime_ns() - t0) / 1000));
}

int
kernel_bootstrap(const struct kernel_boot_params *params)
{
	int err, fault_err;

	if (kernel_booted)
		return EBUSY;
	kernel_booted = 1;

	PE_init_bootargs(params->boot_args);
	debug_args_init();
	/* Faults in kernel code panic with a report from here on; reports go under the root too. */
	panic_set_root(params->root);
	fault_err = khost_fault_init();
	if (params->flags & KERNEL_BOOT_QUIET)
		log_set_quiet(1);
	err = log_init(params->root);
	if (err != 0) /* the log still works, in memory: keep booting */
		printf("kexthost: cannot map the message buffer under %s (errno %d); logging in memory\n",
		       params->root, err);
	printf("%s\n", kernel_version_string());
	if (fault_err != 0)
		printf("kexthost: cannot install the fault handlers (errno %d)\n", fault_err);
	khost_symbolize_init();
	printf("kexthost: boot-args \"%s\", %d CPUs, pid %d\n", PE_boot_args(), khost_ncpus(),
	       khost_getpid());

	zone_bootstrap();
	kalloc_init();
	lck_mod_init();
	thread_bootstrap();
	clock_init();
	random_init();
	thread_call_initialize();
	watchdog_init();
	/* Mach ports and the MIG subsystems (the Mach trap path of the request channel). */
	if (ipc_init() != 0 || mig_init() != 0 || iokit_mach_port_init() != 0)
		panic("kexthost: cannot start Mach IPC");
	libkern_init();
	err = kxld_init();
	if (err != 0)
		printf("kexthost: cannot reserve the kext region (errno %d); kexts will not load\n", err);
	/* sysctl and devfs (each also starts on first use), the kext system, then the request
	 * channel: before "ready", so clients find the socket. */
	sysctl_init();
	dev_init();
	err = OSKext_init(params->root);
	if (err != 0)
		printf("kexthost: kext system unavailable (errno %d)\n", err);
	err = StartIOKit();
	if (err != 0)
		printf("kexthost: I/O Kit unavailable (errno %d)\n", err);
	/* Before clients come: what was loaded by request before a panic loads again. */
	OSKext_reloadAfterPanic((params->flags & KERNEL_BOOT_AFTER_PANIC) != 0);
	err = kern_request_init(params->root);
	if (err != 0)
		printf("kexthost: request channel unavailable (errno %d)\n", err);

	if (!(params->flags & KERNEL_BOOT_NO_SELFCHECK))
		startup_selfcheck();
	kernel_ready = 1;
	printf("kexthost: kernel ready\n");
	return 0;
}

void
kernel_hangup(void)
{
	/* "touch the folder and HUP kextd": rescan the kext repository. */
	printf("kexthost: SIGHUP received: rescanning extensions\n");
	OSKext_rescan();
}

void
kernel_shutdown(void)
{
	if (!kernel_booted || kernel_down)
		return;
	kernel_down = 1;
	kernel_ready = 0;
	printf("kexthost: shutting down\n");
	kern_request_shutdown(); /* no new requests, then stop and unload the kexts */
	IOKit_shutdown();        /* drivers terminate before their kexts unload */
	OSKext_shutdown();
	watchdog_shutdown();
	thread_call_shutdown();
	printf("kexthost: shutdown complete\n");
	log_shutdown();
}
