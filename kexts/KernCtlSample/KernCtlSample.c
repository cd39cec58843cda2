/*
 * KernCtlSample — the workshop's kernel control exercise: a kext that
 * registers a kernel control and answers the commands a user program sends
 * over a PF_SYSTEM socket (tools/kctlclient is that program).
 *
 * Protocol (datagrams, one command per send, one reply per command):
 *   "PING"         → "PONG"
 *   "UPPER <text>" → the text in upper case
 *   "COUNT"        → how many commands this connection sent so far
 *   "NOTICE <text>" → a KUNC notice to the notification agent (tools/kuncd); "OK" or "ERR <kr>"
 *   "ALERT <text>"  → a KUNC alert (Yes / No / Later, 10 s); "ANSWER <button>" or "ERR <kr>"
 *   "EXEC <path>"   → KUNCExecute(path); "OK" or "ERR <kr>"
 *   anything else  → "ERR unknown command"
 * Socket option 1 (SYSPROTO_CONTROL level) sets / gets an int "verbose" flag:
 * when set, each command is logged. Every command also posts a kernel event
 * (vendor "com.example.kext.KernCtlSample", class 1, subclass 1, code 1)
 * carrying the command's length, for `kctlclient --events` listeners.
 *
 * The control is open to every user; its twin "com.example.kext.KernCtlSample.admin" is
 * CTL_FLAG_PRIVILEGED and refuses non-root clients (EPERM), and
 * "com.example.kext.KernCtlSample.stream" speaks the same protocol over
 * SOCK_STREAM (CTL_FLAG_REG_SOCK_STREAM; each reply ends a record). Stop
 * fails (the kext stays loaded) while a client is connected, because
 * ctl_deregister says EBUSY.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <libkern/libkern.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kern_control.h>
#include <sys/kern_event.h>
#include <sys/kpi_mbuf.h>
#include <UserNotification/KUNCUserNotifications.h>
#include <string.h>

#define KCS_NAME "com.example.kext.KernCtlSample"
#define KCS_ADMIN_NAME "com.example.kext.KernCtlSample.admin"
#define KCS_STREAM_NAME "com.example.kext.KernCtlSample.stream"
#define KCS_OPT_VERBOSE 1
#define KCS_MAXUNITS 64

kern_return_t KernCtlSample_start(kmod_info_t *ki, void *d);
kern_return_t KernCtlSample_stop(kmod_info_t *ki, void *d);

static kern_ctl_ref kcs_ref, kcs_admin_ref, kcs_stream_ref;
static u_int32_t kcs_vendor;

struct kcs_unit {
	int inuse;
	int verbose;
	unsigned int count;
};
static struct kcs_unit kcs_units[KCS_MAXUNITS];

static errno_t
kcs_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	for (int i = 0; i < KCS_MAXUNITS; i++) {
		if (!__atomic_exchange_n(&kcs_units[i].inuse, 1, __ATOMIC_ACQ_REL)) {
			kcs_units[i].verbose = 0;
			kcs_units[i].count = 0;
			*unitinfo = &kcs_units[i];
			printf("KernCtlSample: client connected on unit %u\n", sac->sc_unit);
			return 0;
		}
	}
	return ENOBUFS;
}

static errno_t
kcs_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	struct kcs_unit *u = unitinfo;

	if (u != NULL)
		__atomic_store_n(&u->inuse, 0, __ATOMIC_RELEASE);
	printf("KernCtlSample: unit %u disconnected\n", unit);
	return 0;
}

static void
kcs_reply(kern_ctl_ref ref, u_int32_t unit, const char *s, size_t len)
{
	errno_t err = ctl_enqueuedata(ref, unit, (void *)(uintptr_t)s, len, CTL_DATA_EOR);

	if (err != 0)
		printf("KernCtlSample: reply to unit %u dropped (%d)\n", unit, err);
}

static errno_t
kcs_send(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, mbuf_t m, int flags)
{
	struct kcs_unit *u = unitinfo;
	char cmd[256], out[300];
	size_t len = mbuf_pkthdr_len(m);
	struct kev_msg ev;
	u_int32_t evlen;

	if (len >= sizeof(cmd))
		len = sizeof(cmd) - 1;
	mbuf_copydata(m, 0, len, cmd);
	mbuf_freem(m);
	cmd[len] = '\0';
	u->count++;
	if (u->verbose)
		printf("KernCtlSample: unit %u command \"%s\"\n", unit, cmd);

	if (strcmp(cmd, "PING") == 0) {
		kcs_reply(ref, unit, "PONG", 4);
	} else if (strncmp(cmd, "UPPER ", 6) == 0) {
		size_t n = len - 6;

		for (size_t i = 0; i < n; i++) {
			char c = cmd[6 + i];
			out[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
		}
		kcs_reply(ref, unit, out, n);
	} else if (strcmp(cmd, "COUNT") == 0) {
		int n = snprintf(out, sizeof(out), "%u", u->count);
		kcs_reply(ref, unit, out, (size_t)n);
	} else if (strncmp(cmd, "NOTICE ", 7) == 0) {
		kern_return_t kr = KUNCUserNotificationDisplayNotice(0, kKUNCNoteAlertLevel, NULL, NULL, NULL,
		                                                     "KernCtlSample", cmd + 7, "OK");
		int n = kr == KERN_SUCCESS ? snprintf(out, sizeof(out), "OK")
		                           : snprintf(out, sizeof(out), "ERR %#x", kr);
		kcs_reply(ref, unit, out, (size_t)n);
	} else if (strncmp(cmd, "ALERT ", 6) == 0) {
		/* Blocks this client's call until the agent answers (or 10 s pass). */
		unsigned resp = 0;
		kern_return_t kr = KUNCUserNotificationDisplayAlert(10, kKUNCCautionAlertLevel, NULL, NULL,
		                                                    NULL, "KernCtlSample", cmd + 6, "Yes",
		                                                    "No", "Later", &resp);
		int n = kr == KERN_SUCCESS ? snprintf(out, sizeof(out), "ANSWER %u", resp)
		                           : snprintf(out, sizeof(out), "ERR %#x", kr);
		kcs_reply(ref, unit, out, (size_t)n);
	} else if (strncmp(cmd, "EXEC ", 5) == 0) {
		kern_return_t kr = KUNCExecute(cmd + 5, kOpenAppAsRoot, kOpenApplicationPath);
		int n = kr == KERN_SUCCESS ? snprintf(out, sizeof(out), "OK")
		                           : snprintf(out, sizeof(out), "ERR %#x", kr);
		kcs_reply(ref, unit, out, (size_t)n);
	} else {
		kcs_reply(ref, unit, "ERR unknown command", 19);
	}

	memset(&ev, 0, sizeof(ev));
	ev.vendor_code = kcs_vendor;
	ev.kev_class = 1;
	ev.kev_subclass = 1;
	ev.event_code = 1;
	evlen = (u_int32_t)len;
	ev.dv[0].data_length = sizeof(evlen);
	ev.dv[0].data_ptr = &evlen;
	(void)kev_msg_post(&ev);
	return 0;
}

static errno_t
kcs_setopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t len)
{
	struct kcs_unit *u = unitinfo;

	if (opt != KCS_OPT_VERBOSE)
		return ENOPROTOOPT;
	if (len != sizeof(int))
		return EINVAL;
	memcpy(&u->verbose, data, sizeof(int));
	return 0;
}

static errno_t
kcs_getopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt, void *data, size_t *len)
{
	struct kcs_unit *u = unitinfo;

	if (opt != KCS_OPT_VERBOSE)
		return ENOPROTOOPT;
	if (data != NULL) {
		if (*len < sizeof(int))
			return EINVAL;
		memcpy(data, &u->verbose, sizeof(int));
	}
	*len = sizeof(int);
	return 0;
}

static errno_t
kcs_register(const char *name, u_int32_t flags, kern_ctl_ref *ref)
{
	struct kern_ctl_reg reg;

	memset(&reg, 0, sizeof(reg));
	strlcpy(reg.ctl_name, name, sizeof(reg.ctl_name));
	reg.ctl_flags = flags;
	reg.ctl_connect = kcs_connect;
	reg.ctl_disconnect = kcs_disconnect;
	reg.ctl_send = kcs_send;
	reg.ctl_setopt = kcs_setopt;
	reg.ctl_getopt = kcs_getopt;
	return ctl_register(&reg, ref);
}

kern_return_t
KernCtlSample_start(kmod_info_t *ki, void *d)
{
	errno_t err;

	err = kev_vendor_code_find(KCS_NAME, &kcs_vendor);
	if (err == 0)
		err = kcs_register(KCS_NAME, 0, &kcs_ref);
	if (err == 0 && (err = kcs_register(KCS_ADMIN_NAME, CTL_FLAG_PRIVILEGED, &kcs_admin_ref)) != 0)
		ctl_deregister(kcs_ref);
	if (err == 0 &&
	    (err = kcs_register(KCS_STREAM_NAME, CTL_FLAG_REG_SOCK_STREAM, &kcs_stream_ref)) != 0) {
		ctl_deregister(kcs_admin_ref);
		ctl_deregister(kcs_ref);
	}
	if (err != 0) {
		printf("KernCtlSample: cannot register the controls (%d)\n", err);
		return KERN_FAILURE;
	}
	printf("KernCtlSample: controls %s, %s and %s registered (vendor code %u)\n", KCS_NAME,
	       KCS_ADMIN_NAME, KCS_STREAM_NAME, kcs_vendor);
	return KERN_SUCCESS;
}

/* A deregistered control's ref is cleared, so a stop retried after EBUSY skips it. */
static errno_t
kcs_deregister(kern_ctl_ref *ref)
{
	errno_t err = 0;

	if (*ref != NULL && (err = ctl_deregister(*ref)) == 0)
		*ref = NULL;
	return err;
}

kern_return_t
KernCtlSample_stop(kmod_info_t *ki, void *d)
{
	errno_t err = kcs_deregister(&kcs_stream_ref);

	if (err == 0)
		err = kcs_deregister(&kcs_admin_ref);
	if (err == 0)
		err = kcs_deregister(&kcs_ref);
	if (err != 0) {
		printf("KernCtlSample: cannot stop, clients connected (%d)\n", err);
		return KERN_FAILURE;
	}
	printf("KernCtlSample: controls deregistered\n");
	return KERN_SUCCESS;
}
