/*
 * kern_kext_mig.c — kext_request, the Mach routine the kext tools use (id
 * 425 of XNU's host_priv subsystem, base 400, osfmk/mach/host_priv.defs).
 * IOKitUser's OSKext and KextManager functions send it to mach_host_self();
 * the request itself is the same predicate + arguments property list the
 * request channel's KHRQ_T_KEXT_REQUEST carries, answered by the same
 * handler (kern_request_kext.c), so both paths say the same things.
 *
 *   request  complex: 1 OOL descriptor (request_data: an XML or binary
 *            plist), NDR, user_log_flags (u32), request_dataCnt (u32, equal
 *            to the descriptor's size)
 *   reply    complex: 2 OOL descriptors (response_data: the response as an
 *            XML plist with its NUL, empty when there is none; log_data: an
 *            XML plist array of the kernel log lines the request produced,
 *            empty when there were none), NDR, response_dataCnt,
 *            log_dataCnt, op_result (the OSReturn)
 *
 * Privilege comes from the destination port, as on XNU: host_priv (the
 * host port of a task running as root, see kern_mach_trap.c) runs the
 * request as root; the plain host port runs it as the caller's own,
 * unprivileged uid, so OSKext refuses loads and unloads with the messages
 * the socket path gives ("Access Failure - must be root user ..."), and
 * listing works for anyone. user_log_flags is accepted and not used: every
 * line comes back and the tools choose what to print (XNU filters by it,
 * and pairs each line with its log spec).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kauth.h>
#include <kern/kalloc.h>
#include <libkern/c/OSContainers.h>
#include "bsd/sys/proc_internal.h"
#include "bsd/kern/kern_request.h"
#include "osfmk/ipc/mig.h"
#include "sdk/User/kexthost/request.h"

#define KEXT_MIG_ID_KEXT_REQUEST 425
/* uid of a request without host_priv whose caller claims uid 0 (XNU's nobody, -2). */
#define KEXT_MIG_UNPRIVILEGED_UID 0xfffffffeu

/* A copy of bytes plus a NUL in kalloc memory, for an out-of-line reply region. */
static kern_return_t
kext_mig_reply_text(struct mig_reply *rep, const char *text, size_t len)
{
	char *data;

	if (len == 0)
		return mig_reply_ool(rep, NULL, 0);
	if (len >= UINT32_MAX || (data = kalloc(len + 1)) == NULL)
		return KERN_RESOURCE_SHORTAGE;
	memcpy(data, text, len);
	data[len] = '\0';
	return mig_reply_ool(rep, data, (uint32_t)len + 1);
}

/* The log text ("line\n" ...) as an XML array of its lines into out. 0 or ENOMEM. */
static int
kext_mig_log_array(const char *text, size_t len, struct kreq_buf *out)
{
	OSArray *lines = OSArray_withCapacity(8);
	char *line = NULL;
	size_t linecap = 0;
	int err = 0;

	if (lines == NULL)
		return ENOMEM;
	for (size_t i = 0; i < len && err == 0;) {
		size_t n = 0;
		OSString *s;

		while (i + n < len && text[i + n] != '\n')
			n++;
		if (n + 1 > linecap) {
			if (line != NULL)
				kfree(line, linecap);
			linecap = n + 1;
			if ((line = kalloc(linecap)) == NULL) {
				linecap = 0;
				err = ENOMEM;
				break;
			}
		}
		memcpy(line, text + i, n);
		line[n] = '\0';
		s = OSString_withCString(line);
		if (s == NULL || !OSArray_setObject(lines, s))
			err = ENOMEM;
		OSSafeReleaseNULL(s);
		i += n + 1;
	}
	if (line != NULL)
		kfree(line, linecap);
	if (err == 0)
		err = kreq_object_to_xml(OSObj(lines), out);
	OSObject_release(lines);
	return err;
}

static kern_return_t
kext_mig_kext_request(struct mig_request *req, struct mig_reply *rep)
{
	const struct {
		uint32_t user_log_flags;
		uint32_t request_dataCnt;
	} *in = mig_args(req, 8);
	proc_t p = req->proc;
	struct kreq_peer peer;
	struct kreq_buf reply = {0}, log = {0};
	struct khrq_kext_reply h;
	uint32_t counts[2];
	int32_t op_result;
	kern_return_t kr;
	const char *xml;

	if (in == NULL || req->nool != 1 || req->nports != 0)
		return MIG_BAD_ARGUMENTS;
	if (req->ool[0].size != in->request_dataCnt)
		return MIG_TYPE_ERROR; /* MIG's check of a counted out-of-line array */
	if (in->request_dataCnt == 0 || req->ool[0].data == NULL) {
		printf("Invalid request from user space (no data).\n");
		return KERN_FAILURE;
	}
	peer.pid = p->p_pid;
	peer.gid = kauth_cred_getgid(p->p_ucred);
	peer.uid = kauth_cred_getuid(p->p_ucred);
	peer.proc = p;
	if (ipc_port_kotype(req->port) == IKOT_HOST_PRIV)
		peer.uid = 0;
	else if (peer.uid == 0)
		peer.uid = KEXT_MIG_UNPRIVILEGED_UID; /* root's own host port is host_priv: never here */

	if (kext_request_handle(&peer, req->ool[0].data, req->ool[0].size, &reply) != 0 ||
	    reply.len < KHRQ_KEXT_REPLY_SIZE) {
		kr = KERN_RESOURCE_SHORTAGE;
		goto out;
	}
	memcpy(&h, reply.data, sizeof(h));
	xml = reply.data + KHRQ_KEXT_REPLY_SIZE;
	if ((uint64_t)h.xml_len + h.log_len != reply.len - KHRQ_KEXT_REPLY_SIZE) {
		kr = KERN_FAILURE;
		goto out;
	}
	if (h.log_len != 0 && kext_mig_log_array(xml + h.xml_len, h.log_len, &log) != 0) {
		kr = KERN_RESOURCE_SHORTAGE;
		goto out;
	}
	kr = kext_mig_reply_text(rep, xml, h.xml_len);
	if (kr == KERN_SUCCESS)
		kr = kext_mig_reply_text(rep, log.data, log.len);
	if (kr != KERN_SUCCESS)
		goto out;
	counts[0] = h.xml_len != 0 ? h.xml_len + 1 : 0;
	counts[1] = log.len != 0 ? (uint32_t)log.len + 1 : 0;
	op_result = h.result;
	kr = mig_reply_data(rep, counts, sizeof(counts));
	if (kr == KERN_SUCCESS)
		kr = mig_reply_data(rep, &op_result, sizeof(op_result));
out:
	kreq_buf_free(&reply);
	kreq_buf_free(&log);
	return kr;
}

/* host_priv's other routines don't exist here: their ids answer MIG_BAD_ID. */
static const struct mig_routine host_priv_routines[] = {
        [KEXT_MIG_ID_KEXT_REQUEST - 400] = {kext_mig_kext_request, IKOT_HOST, "kext_request"},
};
static const struct mig_subsystem host_priv_subsystem = {
        "host_priv", 400, sizeof(host_priv_routines) / sizeof(host_priv_routines[0]), host_priv_routines};
SUBSYSTEM_REGISTER(host_priv_subsystem);
