/*
 * kextreq_probe — the kext tools' Mach path from a real user process, for
 * tests/iotools.sh:
 *   compare PREDICATE ID   sends the same request (Load or Unload of bundle
 *                          ID) over the request channel (KHRQ_T_KEXT_REQUEST)
 *                          and over kext_request, and prints each path's
 *                          result and messages ("socket ..." / "mach ...")
 *                          so the script can check that they agree;
 *   port                   mach_host_self() serves the mach_host routines
 *                          (host_priv for root, the plain host port for
 *                          others: which one shows in compare's answers);
 *   malformed              kext_request's argument checks: a count that
 *                          disagrees with the region, no data, a port that
 *                          isn't a host port;
 *   info                   OSKextCopyLoadedKextInfo answers for anyone.
 * Prints "ok <case>" when a case passed, "FAIL <what>" otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <kexthost/libkexthost.h>
#include <kexthost/kh_mach.h>
#include <IOKit/kext/OSKext.h>

static int failures;

#define EXPECT(what, cond)                         \
	do {                                       \
		if (!(cond)) {                     \
			printf("FAIL %s\n", what); \
			failures++;                \
		}                                  \
	} while (0)

static void
print_reply(const char *path, const struct kext_reply *r)
{
	plist_t msgs = r->response ? plist_dict_get_item(r->response, kKextRequestResponseMessagesKey) : NULL;

	printf("%s status %u result 0x%x\n", path, r->status, (unsigned int)r->result);
	for (uint32_t i = 0; msgs != NULL && i < plist_array_get_size(msgs); i++) {
		plist_t m = plist_array_get_item(msgs, i);
		if (plist_get_node_type(m) == PLIST_STRING)
			printf("%s message %s\n", path, plist_get_string_ptr(m, NULL));
	}
}

static int
case_compare(const char *predicate, const char *id)
{
	plist_t req = kext_request_create(predicate);
	struct kext_reply r;

	kext_request_set_string(req, kKextRequestArgumentBundleIdentifierKey, id);
	EXPECT("socket transport", kext_request_perform(req, kext_socket_transport, NULL, &r) == 0);
	print_reply("socket", &r);
	kext_reply_free(&r);
	EXPECT("mach transport", kext_request_perform(req, kext_mach_transport, NULL, &r) == 0);
	print_reply("mach", &r);
	kext_reply_free(&r);
	plist_free(req);
	return failures == 0;
}

static int
case_port(void)
{
	mach_port_t host = kh_mach_host_self();
	mach_port_type_t type;
	kernel_version_t v;

	EXPECT("host self", MACH_PORT_VALID(host));
	EXPECT("host is a send right", kh_mach_port_type(kh_mach_task_self(), host, &type) == KERN_SUCCESS &&
	                                       type == MACH_PORT_TYPE_SEND);
	/* Both kinds of host port serve the mach_host routines. */
	EXPECT("host_kernel_version",
	       kh_host_kernel_version(host, v) == KERN_SUCCESS && strstr(v, "Darwin") != NULL);
	kh_mach_port_deallocate(kh_mach_task_self(), host);
	return failures == 0;
}

/* kext_request built by hand with a region of size bytes and a count of count. */
static kern_return_t
raw_request(mach_port_t host, uint32_t size, uint32_t count)
{
	static const char xml[] =
	        "<dict><key>Kext Request Predicate</key><string>Get Loaded Kext Info</string></dict>";
	struct {
		mach_msg_header_t head;
		mach_msg_body_t body;
		mach_msg_ool_descriptor_t data;
		NDR_record_t ndr;
		uint32_t flags, count;
		uint8_t reply[8192];
	} __attribute__((packed, aligned(4))) m;
	mach_msg_ool_descriptor_t d[2];
	kern_return_t kr;

	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS_COMPLEX;
	m.head.msgh_remote_port = host;
	m.head.msgh_id = 425;
	m.body.msgh_descriptor_count = 1;
	m.data = (mach_msg_ool_descriptor_t){.address = (uint64_t)(uintptr_t)xml,
	                                     .copy = MACH_MSG_VIRTUAL_COPY,
	                                     .type = MACH_MSG_OOL_DESCRIPTOR,
	                                     .size = size < sizeof(xml) ? size : (uint32_t)sizeof(xml)};
	m.ndr.int_rep = NDR_INT_LITTLE_ENDIAN;
	m.count = count;
	kr = kh_mig_call(&m.head, offsetof(__typeof__(m), reply), &m.head, sizeof(m));
	if (kr == KERN_SUCCESS && (m.head.msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
		memcpy(d, &m.data, sizeof(d)); /* the reply's two regions */
		kh_vm_deallocate(kh_mach_task_self(), d[0].address, d[0].size);
		kh_vm_deallocate(kh_mach_task_self(), d[1].address, d[1].size);
	}
	return kr;
}

static int
case_malformed(void)
{
	static const char req[] =
	        "<dict><key>Kext Request Predicate</key><string>Get Loaded Kext Info</string></dict>";
	mach_port_t host = kh_mach_host_self();
	vm_offset_t resp, log;
	mach_msg_type_number_t resp_len, log_len;
	kern_return_t result;

	/* A well-formed one answers, with the response out of line. */
	EXPECT("good request", kh_kext_request(host, 0, (vm_offset_t)req, sizeof(req), &resp, &resp_len, &log,
	                                       &log_len, &result) == KERN_SUCCESS &&
	                               result == 0 && resp != 0 && resp_len > 0);
	if (resp != 0)
		kh_vm_deallocate(kh_mach_task_self(), resp, resp_len);
	if (log != 0)
		kh_vm_deallocate(kh_mach_task_self(), log, log_len);
	/* MIG checks the count against the region; an empty request is XNU's "no data". */
	EXPECT("count mismatch", raw_request(host, sizeof(req), sizeof(req) + 8) == MIG_TYPE_ERROR);
	EXPECT("count matches", raw_request(host, sizeof(req), sizeof(req)) == KERN_SUCCESS);
	EXPECT("no data",
	       kh_kext_request(host, 0, 0, 0, &resp, &resp_len, &log, &log_len, &result) == KERN_FAILURE);
	/* Not a host port: the task port. */
	EXPECT("task port", kh_kext_request(kh_mach_task_self(), 0, (vm_offset_t)req, sizeof(req), &resp,
	                                    &resp_len, &log, &log_len, &result) == MIG_BAD_ARGUMENTS);
	/* Garbage is parsed and refused by the kext system, not the transport. */
	EXPECT("garbage", kh_kext_request(host, 0, (vm_offset_t) "<bad>", 6, &resp, &resp_len, &log, &log_len,
	                                  &result) == KERN_SUCCESS &&
	                          result != 0);
	if (log != 0)
		kh_vm_deallocate(kh_mach_task_self(), log, log_len);
	kh_mach_port_deallocate(kh_mach_task_self(), host);
	return failures == 0;
}

static int
case_info(void)
{
	plist_t ids = plist_new_array(), info;

	plist_array_append_item(ids, plist_new_string("com.apple.kpi.bsd"));
	info = OSKextCopyLoadedKextInfo(ids, NULL);
	EXPECT("loaded info", info != NULL && plist_dict_get_item(info, "com.apple.kpi.bsd") != NULL &&
	                              plist_dict_get_size(info) == 1);
	plist_free(info);
	plist_free(ids);
	return failures == 0;
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	int ok;

	if (strcmp(c, "compare") == 0 && argc == 4)
		ok = case_compare(argv[2], argv[3]);
	else if (strcmp(c, "port") == 0)
		ok = case_port();
	else if (strcmp(c, "malformed") == 0)
		ok = case_malformed();
	else if (strcmp(c, "info") == 0)
		ok = case_info();
	else {
		fprintf(stderr, "usage: kextreq_probe compare PREDICATE ID | port | malformed | info\n");
		return 64;
	}
	if (ok)
		printf("ok %s\n", c);
	return ok ? 0 : 1;
}
