/*
 * kext_mig.c — the kext tools' path to the kernel, as IOKitUser's: the
 * kext_request MIG routine (host_priv subsystem, id 425; kernel side
 * bsd/kern/kern_kext_mig.c) sent to mach_host_self(), which is the
 * host_priv port when the process runs as root. On top of it: the
 * transport the tools' requests take (kext_mach_transport, what
 * kext_request_send uses); KextManager.c has OSKextCopyLoadedKextInfo and
 * the KextManager calls on top of it.
 *
 * The request travels out of line as an XML plist with its NUL; the
 * response comes back out of line as XML, the kernel's log lines as an XML
 * array of strings, both in fresh memory freed with vm_deallocate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <kexthost/kh_mach.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/libkexthost.h>

#define KEXT_MIG_ID_KEXT_REQUEST 425

static const NDR_record_t kext_mig_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

kern_return_t
kh_kext_request(host_priv_t host_priv, uint32_t user_log_flags, vm_offset_t request_data,
                mach_msg_type_number_t request_dataCnt, vm_offset_t *response_data,
                mach_msg_type_number_t *response_dataCnt, vm_offset_t *log_data,
                mach_msg_type_number_t *log_dataCnt, kern_return_t *op_result)
{
	struct {
		mach_msg_header_t head;
		mach_msg_body_t body;
		mach_msg_ool_descriptor_t request_data;
		NDR_record_t ndr;
		uint32_t user_log_flags;
		mach_msg_type_number_t request_dataCnt;
	} __attribute__((packed, aligned(4))) in;
	struct {
		mach_msg_header_t head;
		mach_msg_body_t body;
		mach_msg_ool_descriptor_t response_data, log_data;
		NDR_record_t ndr;
		mach_msg_type_number_t response_dataCnt, log_dataCnt;
		kern_return_t op_result;
		uint8_t trailer[64];
	} __attribute__((packed, aligned(4))) out;
	kern_return_t kr;

	*response_data = *log_data = 0;
	*response_dataCnt = *log_dataCnt = 0;
	*op_result = KERN_FAILURE;
	memset(&in, 0, sizeof(in));
	in.head.msgh_bits = MACH_MSGH_BITS_COMPLEX;
	in.head.msgh_remote_port = host_priv;
	in.head.msgh_id = KEXT_MIG_ID_KEXT_REQUEST;
	in.body.msgh_descriptor_count = 1;
	in.request_data = (mach_msg_ool_descriptor_t){.address = (uint64_t)request_data,
	                                              .copy = MACH_MSG_VIRTUAL_COPY,
	                                              .type = MACH_MSG_OOL_DESCRIPTOR,
	                                              .size = request_dataCnt};
	in.ndr = kext_mig_ndr;
	in.user_log_flags = user_log_flags;
	in.request_dataCnt = request_dataCnt;
	kr = kh_mig_call(&in.head, sizeof(in), &out.head, sizeof(out));
	if (kr != KERN_SUCCESS)
		return kr;
	/* A success reply is complex with both regions; anything else is a malformed reply. */
	if (!(out.head.msgh_bits & MACH_MSGH_BITS_COMPLEX) || out.body.msgh_descriptor_count != 2 ||
	    out.head.msgh_size != offsetof(__typeof__(out), trailer) ||
	    out.response_data.type != MACH_MSG_OOL_DESCRIPTOR ||
	    out.log_data.type != MACH_MSG_OOL_DESCRIPTOR || out.response_data.size != out.response_dataCnt ||
	    out.log_data.size != out.log_dataCnt) {
		if (out.head.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
			kh_vm_deallocate(kh_mach_task_self(), out.response_data.address,
			                 out.response_data.size);
			kh_vm_deallocate(kh_mach_task_self(), out.log_data.address, out.log_data.size);
		}
		return MIG_TYPE_ERROR;
	}
	*response_data = (vm_offset_t)out.response_data.address;
	*response_dataCnt = out.response_dataCnt;
	*log_data = (vm_offset_t)out.log_data.address;
	*log_dataCnt = out.log_dataCnt;
	*op_result = out.op_result;
	return KERN_SUCCESS;
}

/* ---- the tools' transport ------------------------------------------------------- */

/* Append bytes to a malloc'ed buffer. */
static int
kext_mig_append(char **buf, size_t *len, const void *p, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);

	if (nb == NULL)
		return ENOMEM;
	memcpy(nb + *len, p, n);
	*len += n;
	*buf = nb;
	return 0;
}

/* The XML array of log lines back to "line\n..." text appended to buf. */
static int
kext_mig_log_text(const char *xml, uint32_t len, char **buf, size_t *blen)
{
	plist_t lines = NULL;
	int err = 0;

	if (len == 0)
		return 0;
	if (xml[len - 1] != '\0')
		return EPROTO;
	plist_from_xml(xml, len - 1, &lines);
	if (lines == NULL || plist_get_node_type(lines) != PLIST_ARRAY) {
		plist_free(lines);
		return EPROTO;
	}
	for (uint32_t i = 0; i < plist_array_get_size(lines) && err == 0; i++) {
		plist_t s = plist_array_get_item(lines, i);
		const char *t = plist_get_node_type(s) == PLIST_STRING ? plist_get_string_ptr(s, NULL) : NULL;

		if (t != NULL && (err = kext_mig_append(buf, blen, t, strlen(t))) == 0)
			err = kext_mig_append(buf, blen, "\n", 1);
	}
	plist_free(lines);
	return err;
}

/* Why the process has no host port: the connection's errno (ENOENT without $KEXTHOST_SOCKET). */
static int
kext_mig_no_kernel(void)
{
	void *r = NULL;
	size_t rlen = 0;
	uint32_t status = 0;
	int err;

	if (khrq_socket_path() == NULL)
		return ENOENT;
	err = kh_request(KHRQ_T_PING, "", 0, &r, &rlen, &status);
	free(r);
	return err != 0 ? err : ECONNREFUSED;
}

int
kext_mach_transport(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len, uint32_t *status)
{
	struct khrq_kext_reply h = {0};
	mach_port_t host;
	vm_offset_t resp = 0, log = 0;
	mach_msg_type_number_t resp_len = 0, log_len = 0;
	kern_return_t kr, result;
	char *buf = NULL, *xmlcopy;
	size_t blen = 0, xlen;
	int err;

	(void)ctx;
	*reply = NULL;
	*reply_len = 0;
	*status = 0;
	if (khrq_socket_path() == NULL)
		return ENOENT;
	if (len >= UINT32_MAX)
		return EMSGSIZE;
	/* The request goes with its NUL, as IOCFSerialize's XML does. */
	if ((xmlcopy = malloc(len + 1)) == NULL)
		return ENOMEM;
	memcpy(xmlcopy, req, len);
	xmlcopy[len] = '\0';
	host = kh_mach_host_self();
	if (host == MACH_PORT_NULL) {
		free(xmlcopy);
		return kext_mig_no_kernel();
	}
	kr = kh_kext_request(host, 0, (vm_offset_t)xmlcopy, (mach_msg_type_number_t)len + 1, &resp, &resp_len,
	                     &log, &log_len, &result);
	kh_mach_port_deallocate(kh_mach_task_self(), host);
	free(xmlcopy);
	if (kr != KERN_SUCCESS)
		return kr == MACH_SEND_INVALID_DEST ? kext_mig_no_kernel() : EPROTO;
	/* The reply in the request channel's layout, so one decoder serves every transport. */
	xlen = resp_len > 0 && ((const char *)resp)[resp_len - 1] == '\0' ? resp_len - 1 : resp_len;
	h.result = result;
	h.xml_len = (uint32_t)xlen;
	err = kext_mig_append(&buf, &blen, &h, sizeof(h));
	if (err == 0 && xlen > 0)
		err = kext_mig_append(&buf, &blen, (const void *)resp, xlen);
	if (err == 0)
		err = kext_mig_log_text((const char *)log, log_len, &buf, &blen);
	if (err == 0) {
		h.log_len = (uint32_t)(blen - sizeof(h) - xlen);
		memcpy(buf, &h, sizeof(h));
		*reply = buf;
		*reply_len = blen;
	} else {
		free(buf);
	}
	if (resp != 0)
		kh_vm_deallocate(kh_mach_task_self(), resp, resp_len);
	if (log != 0)
		kh_vm_deallocate(kh_mach_task_self(), log, log_len);
	return err;
}
