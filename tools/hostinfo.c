/*
 * hostinfo — Darwin's hostinfo(1) for the hosted kernel, through the Mach
 * trap path: host_self_trap, then the mach_host MIG routines
 * host_kernel_version and host_info(HOST_BASIC_INFO), as Apple's tool does.
 * The lines about the default processor set and the load average are not
 * printed (processor sets and the Mach factor don't exist here).
 */
#include <stdio.h>
#include <kexthost/kh_mach.h>

int
main(void)
{
	mach_port_t host = kh_mach_host_self();
	kernel_version_t version;
	integer_t info[16];
	mach_msg_type_number_t count = 12;
	kern_return_t kr;

	if (host == MACH_PORT_NULL) {
		fprintf(stderr, "hostinfo: no kernel (is KEXTHOST_SOCKET set? run under `kexthost run`)\n");
		return 1;
	}
	kr = kh_host_kernel_version(host, version);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "hostinfo: host_kernel_version: %#x\n", kr);
		return 1;
	}
	printf("Mach kernel version:\n\t %s\n", version);
	kr = kh_host_info(host, HOST_BASIC_INFO, info, &count);
	if (kr != KERN_SUCCESS || count < 12) {
		fprintf(stderr, "hostinfo: host_info: %#x\n", kr);
		return 1;
	}
	/* HOST_BASIC_INFO: max_cpus, avail_cpus, memory_size, cpu_type, cpu_subtype, cpu_threadtype,
	 * physical_cpu, physical_cpu_max, logical_cpu, logical_cpu_max, max_mem (64-bit) */
	uint64_t max_mem = (uint64_t)(uint32_t)info[10] | (uint64_t)(uint32_t)info[11] << 32;
	printf("Kernel configured for up to %d processors.\n", info[0]);
	printf("%d processors are physically available.\n", info[6]);
	printf("%d processors are logically available.\n", info[8]);
	printf("Processor type: x86_64 (Intel x86-64)\n");
	printf("Processors active:");
	for (int i = 0; i < info[1]; i++)
		printf(" %d", i);
	printf("\n");
	printf("Primary memory available: %.2f gigabytes\n", (double)max_mem / (1024.0 * 1024.0 * 1024.0));
	kh_mach_port_deallocate(kh_mach_task_self(), host);
	return 0;
}
