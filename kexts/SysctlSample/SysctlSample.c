/*
 * SysctlSample — the workshop's "creating a custom SysCTL" exercise. It adds
 * a node debug.sysctlsample with
 *
 *   debug.sysctlsample.value      an int anybody may read and write (CTLFLAG_ANYBODY)
 *   debug.sysctlsample.percent    SYSCTL_PROC: an int that root may set, checked to 0..100
 *   debug.sysctlsample.hello      SYSCTL_PROC: a string built on every read
 *                                 ("hello #N from pid P"); root may set the greeting
 *
 * A kext's oids are not registered automatically: start registers the node
 * first, then its children; stop unregisters in the reverse order (waiting
 * for handlers in progress). Try it: `sysctl debug.sysctlsample`,
 * `sysctl debug.sysctlsample.percent=42`, `sysctl debug.sysctlsample.percent=420`.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <sys/proc.h>

kern_return_t SysctlSample_start(kmod_info_t *ki, void *d);
kern_return_t SysctlSample_stop(kmod_info_t *ki, void *d);

static int sample_value = 17;
static int sample_percent = 50;
static char sample_greeting[32] = "hello";
static int sample_reads;

static int sample_percent_handler SYSCTL_HANDLER_ARGS
{
	int v = sample_percent, err;

	err = SYSCTL_OUT(req, &v, sizeof(v));
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	err = SYSCTL_IN(req, &v, sizeof(v));
	if (err != 0)
		return err;
	if (v < 0 || v > 100)
		return EINVAL;
	printf("SysctlSample: percent %d -> %d (pid %d)\n", sample_percent, v, proc_selfpid());
	sample_percent = v;
	return 0;
}

static int sample_hello_handler SYSCTL_HANDLER_ARGS
{
	char text[96];
	char newg[sizeof(sample_greeting)];
	size_t n;
	int err;

	if (req->oldptr != USER_ADDR_NULL) /* not for a size query */
		sample_reads++;
	snprintf(text, sizeof(text), "%s #%d from pid %d", sample_greeting, sample_reads, proc_selfpid());
	err = SYSCTL_OUT(req, text, strlen(text) + 1);
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	n = req->newlen;
	if (n >= sizeof(newg))
		return EINVAL;
	err = SYSCTL_IN(req, newg, n);
	if (err != 0)
		return err;
	newg[n] = '\0';
	strlcpy(sample_greeting, newg, sizeof(sample_greeting));
	return 0;
}

SYSCTL_DECL(_debug);
SYSCTL_NODE(_debug, OID_AUTO, sysctlsample, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "SysctlSample kext");
SYSCTL_INT(_debug_sysctlsample, OID_AUTO, value, CTLFLAG_RW | CTLFLAG_ANYBODY | CTLFLAG_LOCKED, &sample_value,
           0, "anybody may change it");
SYSCTL_PROC(_debug_sysctlsample, OID_AUTO, percent, CTLTYPE_INT | CTLFLAG_RW | CTLFLAG_LOCKED, 0, 0,
            sample_percent_handler, "I", "0..100, root only");
SYSCTL_PROC(_debug_sysctlsample, OID_AUTO, hello, CTLTYPE_STRING | CTLFLAG_RW, 0, 0, sample_hello_handler,
            "A", "a greeting made on every read");

static struct sysctl_oid *const sample_oids[] = {
        &sysctl__debug_sysctlsample,
        &sysctl__debug_sysctlsample_value,
        &sysctl__debug_sysctlsample_percent,
        &sysctl__debug_sysctlsample_hello,
};
#define SAMPLE_NOIDS (sizeof(sample_oids) / sizeof(sample_oids[0]))

kern_return_t
SysctlSample_start(kmod_info_t *ki, void *d)
{
	for (unsigned int i = 0; i < SAMPLE_NOIDS; i++)
		sysctl_register_oid(sample_oids[i]);
	printf("SysctlSample: debug.sysctlsample registered\n");
	return KERN_SUCCESS;
}

kern_return_t
SysctlSample_stop(kmod_info_t *ki, void *d)
{
	for (unsigned int i = SAMPLE_NOIDS; i-- > 0;)
		sysctl_unregister_oid(sample_oids[i]);
	printf("SysctlSample: debug.sysctlsample removed\n");
	return KERN_SUCCESS;
}
