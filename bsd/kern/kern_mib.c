/*
 * kern_mib.c — the kernel's own sysctl oids: the top-level nodes, the kern.*
 * and hw.* values a Darwin program expects (kern.ostype, kern.osrelease,
 * kern.version, kern.hostname, kern.boottime, hw.ncpu, hw.memsize, ...),
 * debug.* and kexthost's own tunables under kern.kexthost. The numbers of the
 * fixed oids are Darwin's (<sys/sysctl.h> KERN_*, HW_*), so programs that
 * build mibs by hand get the same answers as on a Mac.
 *
 * sysctl_kernel_oids lists every oid here and in kern_sysctl.c in
 * registration order (parents before children); kern_sysctl.c registers them
 * on the first use of the tree.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <sys/time.h>
#include <kern/clock.h>
#include <libkern/version.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/thread_internal.h"
#include "bsd/kern/kern_sysctl.h"

#define MIB_RO (CTLFLAG_RD | CTLFLAG_KERN | CTLFLAG_LOCKED)

/* ---- top-level nodes ------------------------------------------------------------ */

SYSCTL_NODE(, CTL_KERN, kern, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "High kernel, proc, limits &c");
SYSCTL_NODE(, CTL_VM, vm, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "Virtual memory");
SYSCTL_NODE(, CTL_VFS, vfs, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "File system");
SYSCTL_NODE(, CTL_NET, net, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "Network, (see socket.h)");
SYSCTL_NODE(, CTL_DEBUG, debug, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "Debugging");
SYSCTL_NODE(, CTL_HW, hw, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "hardware");
SYSCTL_NODE(, CTL_MACHDEP, machdep, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "machine dependent");
SYSCTL_NODE(, CTL_USER, user, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "user-level");

/* ---- kern ------------------------------------------------------------------------ */

static char mib_hostname[MAXHOSTNAMELEN] = "kexthost";

SYSCTL_STRING(_kern, KERN_OSTYPE, ostype, MIB_RO, (void *)(uintptr_t)ostype, 0, "");
SYSCTL_STRING(_kern, KERN_OSRELEASE, osrelease, MIB_RO, (void *)(uintptr_t)osrelease, 0, "");
SYSCTL_INT(_kern, KERN_OSREV, osrevision, MIB_RO, NULL, BSD, "");
SYSCTL_STRING(_kern, KERN_VERSION, version, MIB_RO, (void *)(uintptr_t)version, 0, "");
/* Not CTLFLAG_LOCKED: the legacy sysctl lock serialises readers and writers of the buffer. */
SYSCTL_STRING(_kern, KERN_HOSTNAME, hostname, CTLFLAG_RW | CTLFLAG_KERN, mib_hostname, sizeof(mib_hostname),
              "");

static int mib_boottime SYSCTL_HANDLER_ARGS
{
	/* Darwin's 64-bit user struct timeval: 8-byte seconds, 4-byte microseconds, padded to 16. */
	struct {
		int64_t tv_sec;
		int32_t tv_usec;
		int32_t pad;
	} tv = {0};
	clock_sec_t s;
	clock_usec_t us;

	clock_get_boottime_microtime(&s, &us);
	tv.tv_sec = (int64_t)s;
	tv.tv_usec = (int32_t)us;
	return SYSCTL_OUT(req, &tv, sizeof(tv));
}
SYSCTL_PROC(_kern, KERN_BOOTTIME, boottime, CTLTYPE_STRUCT | MIB_RO, 0, 0, mib_boottime, "S,timeval", "");

/* 1 when booted with -x (safe boot: only kexts the boot needs load). */
static int mib_safeboot SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, PE_parse_boot_argn("-x", NULL, 0) ? 1 : 0, sizeof(int), NULL, NULL);
}
SYSCTL_PROC(_kern, KERN_SAFEBOOT, safeboot, CTLTYPE_INT | MIB_RO, 0, 0, mib_safeboot, "I", "");

/* kexthost's own knobs and facts. */
SYSCTL_NODE(_kern, OID_AUTO, kexthost, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "kexthost");

static int mib_stack_size SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, (long long)thread_kernel_stack_size(), sizeof(int), NULL, NULL);
}
SYSCTL_PROC(_kern_kexthost, OID_AUTO, kernel_stack_size, CTLTYPE_INT | MIB_RO, 0, 0, mib_stack_size, "I",
            "usable bytes of a kernel thread's stack (kernel_stack_pages boot-arg)");

static int mib_host_pid SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, (long long)khost_getpid(), sizeof(int), NULL, NULL);
}
SYSCTL_PROC(_kern_kexthost, OID_AUTO, host_pid, CTLTYPE_INT | MIB_RO, 0, 0, mib_host_pid, "I",
            "Linux pid of the kernel process");
SYSCTL_INT(_kern_kexthost, OID_AUTO, hz, MIB_RO, &hz, 0, "timeout() ticks per second");

static int mib_boot_args SYSCTL_HANDLER_ARGS
{
	const char *a = PE_boot_args();

	return SYSCTL_OUT(req, a, strlen(a) + 1);
}
SYSCTL_PROC(_kern_kexthost, OID_AUTO, boot_args, CTLTYPE_STRING | MIB_RO, 0, 0, mib_boot_args, "A",
            "the boot-args string");

/* ---- hw -------------------------------------------------------------------------- */

static int mib_ncpu SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, (long long)khost_ncpus(), sizeof(int), NULL, NULL);
}
SYSCTL_PROC(_hw, HW_NCPU, ncpu, CTLTYPE_INT | MIB_RO, 0, 0, mib_ncpu, "I", "");
SYSCTL_PROC(_hw, HW_AVAILCPU, activecpu, CTLTYPE_INT | MIB_RO, 0, 0, mib_ncpu, "I", "");
SYSCTL_PROC(_hw, OID_AUTO, physicalcpu, CTLTYPE_INT | MIB_RO, 0, 0, mib_ncpu, "I", "");
SYSCTL_PROC(_hw, OID_AUTO, logicalcpu, CTLTYPE_INT | MIB_RO, 0, 0, mib_ncpu, "I", "");

static int mib_memsize SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, (long long)khost_physmem(), sizeof(long long), NULL, NULL);
}
SYSCTL_PROC(_hw, HW_MEMSIZE, memsize, CTLTYPE_QUAD | MIB_RO, 0, 0, mib_memsize, "Q", "");

static int mib_pagesize SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, (long long)khost_page_size(), sizeof(long long), NULL, NULL);
}
SYSCTL_PROC(_hw, HW_PAGESIZE, pagesize, CTLTYPE_QUAD | MIB_RO, 0, 0, mib_pagesize, "Q", "");
SYSCTL_STRING(_hw, HW_MACHINE, machine, MIB_RO, "x86_64", 0, "");
SYSCTL_STRING(_hw, HW_MODEL, model, MIB_RO, "kexthost", 0, "");
SYSCTL_INT(_hw, HW_BYTEORDER, byteorder, MIB_RO, NULL, 1234, "");
/* CPU_TYPE_X86 | CPU_ARCH_ABI64 */
SYSCTL_INT(_hw, OID_AUTO, cputype, MIB_RO, NULL, 0x01000007, "");
SYSCTL_INT(_hw, OID_AUTO, cpu64bit_capable, MIB_RO, NULL, 1, "");

/* ---- debug ----------------------------------------------------------------------- */

extern uint64_t sysctl_calls;
extern struct sysctl_oid sysctl__kern_kexthost_devfs;
extern struct sysctl_oid sysctl__kern_kdebug;
static int mib_test_int;
static int mib_test_anybody;
static char mib_test_string[64];

static int mib_sysctl_calls SYSCTL_HANDLER_ARGS
{
	return sysctl_io_number(req, (long long)__atomic_load_n(&sysctl_calls, __ATOMIC_RELAXED),
	                        sizeof(long long), NULL, NULL);
}
SYSCTL_PROC(_debug, OID_AUTO, sysctl_calls, CTLTYPE_QUAD | MIB_RO, 0, 0, mib_sysctl_calls, "Q",
            "sysctl requests dispatched");
SYSCTL_INT(_debug, OID_AUTO, test_int, CTLFLAG_RW | CTLFLAG_KERN | CTLFLAG_LOCKED, &mib_test_int, 0,
           "scratch value: root may write it");
SYSCTL_INT(_debug, OID_AUTO, test_anybody, CTLFLAG_RW | CTLFLAG_ANYBODY | CTLFLAG_KERN | CTLFLAG_LOCKED,
           &mib_test_anybody, 0, "scratch value: anybody may write it");
SYSCTL_STRING(_debug, OID_AUTO, test_string, CTLFLAG_RW | CTLFLAG_KERN, mib_test_string,
              sizeof(mib_test_string), "scratch string: root may write it");
SYSCTL_INT(_debug, OID_AUTO, test_masked, CTLFLAG_RD | CTLFLAG_MASKED | CTLFLAG_KERN | CTLFLAG_LOCKED, NULL,
           42, "not listed by sysctl -a");

/* ---- registration order ------------------------------------------------------------ */

extern struct sysctl_oid sysctl__sysctl, sysctl__sysctl_name, sysctl__sysctl_next, sysctl__sysctl_name2oid,
        sysctl__sysctl_oidfmt;

struct sysctl_oid *const sysctl_kernel_oids[] = {
        &sysctl__sysctl,
        &sysctl__sysctl_name,
        &sysctl__sysctl_next,
        &sysctl__sysctl_name2oid,
        &sysctl__sysctl_oidfmt,
        &sysctl__kern,
        &sysctl__vm,
        &sysctl__vfs,
        &sysctl__net,
        &sysctl__debug,
        &sysctl__hw,
        &sysctl__machdep,
        &sysctl__user,
        &sysctl__kern_ostype,
        &sysctl__kern_osrelease,
        &sysctl__kern_osrevision,
        &sysctl__kern_version,
        &sysctl__kern_hostname,
        &sysctl__kern_boottime,
        &sysctl__kern_kexthost,
        &sysctl__kern_kexthost_kernel_stack_size,
        &sysctl__kern_kexthost_host_pid,
        &sysctl__kern_kexthost_hz,
        &sysctl__kern_kexthost_boot_args,
        &sysctl__hw_ncpu,
        &sysctl__hw_activecpu,
        &sysctl__hw_physicalcpu,
        &sysctl__hw_logicalcpu,
        &sysctl__hw_memsize,
        &sysctl__hw_pagesize,
        &sysctl__hw_machine,
        &sysctl__hw_model,
        &sysctl__hw_byteorder,
        &sysctl__hw_cputype,
        &sysctl__hw_cpu64bit_capable,
        &sysctl__kern_kexthost_devfs,
        &sysctl__kern_kdebug,
        &sysctl__debug_sysctl_calls,
        &sysctl__debug_test_int,
        &sysctl__debug_test_anybody,
        &sysctl__debug_test_string,
        &sysctl__debug_test_masked,
        &sysctl__kern_safeboot,
};
const unsigned int sysctl_kernel_noids = sizeof(sysctl_kernel_oids) / sizeof(sysctl_kernel_oids[0]);
