/*
 * kext.c — kext requests on the user side: build the request dictionary
 * (XNU's kext_request shape), move it to a kernel through a transport (the
 * kext_request Mach routine as the online tools send it, kext_mig.c; the
 * request channel's KHRQ_T_KEXT_REQUEST message; or an in-process kernel
 * for the offline tools), decode the reply,
 * and print what the kext tools print: kextutil's grouped diagnostics, the
 * kernel's messages as "(kernel) ..." lines, mach_error_string's wording for
 * OSReturn codes.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kexthost/libkexthost.h>

/* ---- building requests ------------------------------------------------------ */

plist_t
kext_request_create(const char *predicate)
{
	plist_t req = plist_new_dict();

	if (req == NULL)
		return NULL;
	plist_dict_set_item(req, kKextRequestPredicateKey, plist_new_string(predicate));
	plist_dict_set_item(req, kKextRequestArgumentsKey, plist_new_dict());
	return req;
}

plist_t
kext_request_arguments(plist_t request)
{
	return plist_dict_get_item(request, kKextRequestArgumentsKey);
}

void
kext_request_set_string(plist_t request, const char *key, const char *value)
{
	plist_dict_set_item(kext_request_arguments(request), key, plist_new_string(value));
}

void
kext_request_set_bool(plist_t request, const char *key, int value)
{
	plist_dict_set_item(kext_request_arguments(request), key, plist_new_bool(value ? 1 : 0));
}

void
kext_request_set_uint(plist_t request, const char *key, uint64_t value)
{
	plist_dict_set_item(kext_request_arguments(request), key, plist_new_uint(value));
}

void
kext_request_append_string(plist_t request, const char *key, const char *value)
{
	plist_t args = kext_request_arguments(request);
	plist_t arr = plist_dict_get_item(args, key);

	if (arr == NULL || plist_get_node_type(arr) != PLIST_ARRAY) {
		arr = plist_new_array();
		plist_dict_set_item(args, key, arr);
	}
	plist_array_append_item(arr, plist_new_string(value));
}

/* ---- replies ------------------------------------------------------------------- */

int
kext_reply_decode(const void *payload, size_t len, uint32_t status, struct kext_reply *out)
{
	struct khrq_kext_reply h;
	const char *p = payload;

	memset(out, 0, sizeof(*out));
	out->status = status;
	if (status != 0) {
		out->result = -1;
		out->log = strdup("");
		return out->log ? 0 : ENOMEM;
	}
	if (len < KHRQ_KEXT_REPLY_SIZE)
		return EPROTO;
	memcpy(&h, p, sizeof(h));
	if ((uint64_t)h.xml_len + h.log_len != len - KHRQ_KEXT_REPLY_SIZE)
		return EPROTO;
	out->result = h.result;
	p += KHRQ_KEXT_REPLY_SIZE;
	if (h.xml_len != 0) {
		plist_from_xml(p, h.xml_len, &out->response);
		if (out->response == NULL)
			return EPROTO;
	}
	p += h.xml_len;
	out->log = malloc((size_t)h.log_len + 1);
	if (out->log == NULL) {
		kext_reply_free(out);
		return ENOMEM;
	}
	memcpy(out->log, p, h.log_len);
	out->log[h.log_len] = '\0';
	return 0;
}

void
kext_reply_free(struct kext_reply *r)
{
	if (r->response != NULL)
		plist_free(r->response);
	free(r->log);
	r->response = NULL;
	r->log = NULL;
}

int
kext_request_perform(plist_t request, kext_transport_fn transport, void *ctx, struct kext_reply *out)
{
	char *xml = NULL;
	uint32_t xml_len = 0, status = 0;
	void *reply = NULL;
	size_t reply_len = 0;
	int err;

	memset(out, 0, sizeof(*out));
	plist_to_xml(request, &xml, &xml_len);
	if (xml == NULL)
		return ENOMEM;
	err = transport(ctx, xml, xml_len, &reply, &reply_len, &status);
	plist_to_xml_free(xml);
	if (err != 0)
		return err;
	err = kext_reply_decode(reply, reply_len, status, out);
	free(reply);
	return err;
}

int
kext_socket_transport(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len,
                      uint32_t *status)
{
	int fd, err;

	err = khrq_connect(khrq_socket_path(), &fd);
	if (err != 0)
		return err;
	err = khrq_call(fd, KHRQ_T_KEXT_REQUEST, req, len, reply, reply_len, status);
	khrq_close(fd);
	return err;
}

int
kext_request_send(plist_t request, struct kext_reply *out)
{
	if (khrq_socket_path() == NULL) {
		memset(out, 0, sizeof(*out));
		return ENOENT;
	}
	return kext_request_perform(request, kext_mach_transport, NULL, out);
}

/* ---- output helpers ------------------------------------------------------------ */

/* mach_error_string's texts for the libkern kext subsystem (err_libkern.sub). */
static const char *const kext_error_texts[] = {
        NULL,
        "(libkern/kext) internal error",
        "(libkern/kext) allocation failure",
        "(libkern/kext) resource shortage",
        "(libkern/kext) not privileged",
        "(libkern/kext) invalid argument",
        "(libkern/kext) not found",
        "(libkern/kext) bad data (mkext/other)",
        "(libkern/kext) XML (un)serialization error",
        "(libkern/kext) function/version unsupported",
        "(libkern/kext) function disabled",
        "(libkern/kext) malformed kext (bundle layout/missing plist)",
        "(libkern/kext) validation failure (plist/executable)",
        "(libkern/kext) authentication failure (file ownership/permissions)",
        "(libkern/kext) dependency resolution failure",
        "(libkern/kext) requested architecture/executable not found",
        "(libkern/kext) cache error",
        "(libkern/kext) operation deferred (queued to user space)",
        "(libkern/kext) operation/kext not allowed at current boot level",
        "(libkern/kext) not loadable (reason unspecified)",
        "(libkern/kext) different version/uuid already loaded",
        "(libkern/kext) dependency load failed",
        "(libkern/kext) link error",
        "(libkern/kext) kext (kmod) start/stop routine failed",
        "(libkern/kext) kext is in use or retained (cannot unload)",
        "(libkern/kext) kext request timed out",
        "(libkern/kext) kext is stopping and cannot issue requests",
};

const char *
kext_return_string(int32_t ret)
{
	uint32_t u = (uint32_t)ret;

	if (ret == 0)
		return "(os/kern) successful";
	if (u == (uint32_t)kOSReturnError)
		return "(libkern/common) general/unspecified error";
	if ((u & 0xffffc000u) == 0xdc008000u) {
		uint32_t code = u & 0x3fffu;
		if (code < sizeof(kext_error_texts) / sizeof(kext_error_texts[0]) && kext_error_texts[code])
			return kext_error_texts[code];
		return "(libkern/kext) unknown error code";
	}
	return "unknown error code";
}

const char *
kext_plist_string(plist_t dict, const char *key)
{
	plist_t n = dict ? plist_dict_get_item(dict, key) : NULL;

	if (n == NULL || plist_get_node_type(n) != PLIST_STRING)
		return NULL;
	return plist_get_string_ptr(n, NULL);
}

uint64_t
kext_plist_uint(plist_t dict, const char *key, int *found)
{
	plist_t n = dict ? plist_dict_get_item(dict, key) : NULL;
	uint64_t v = 0;

	if (n == NULL || plist_get_node_type(n) != PLIST_UINT) {
		if (found)
			*found = 0;
		return 0;
	}
	plist_get_uint_val(n, &v);
	if (found)
		*found = 1;
	return v;
}

void
kext_print_messages(FILE *f, plist_t response)
{
	plist_t msgs = response ? plist_dict_get_item(response, kKextRequestResponseMessagesKey) : NULL;

	if (msgs == NULL || plist_get_node_type(msgs) != PLIST_ARRAY)
		return;
	for (uint32_t i = 0; i < plist_array_get_size(msgs); i++) {
		plist_t m = plist_array_get_item(msgs, i);
		if (plist_get_node_type(m) == PLIST_STRING)
			fprintf(f, "(kernel) %s\n", plist_get_string_ptr(m, NULL));
	}
}

static const char *const kext_diag_groups[] = {
        kKextDiagnosticsValidationKey,
        kKextDiagnosticsAuthenticationKey,
        kKextDiagnosticsDependenciesKey,
        kKextDiagnosticsWarningsKey,
};

/*
 * One group: the group name, each diagnostic indented 4 spaces (with a
 * colon when details follow), each detail indented 8.
 */
static int
print_group(FILE *f, const char *name, plist_t group)
{
	plist_dict_iter it = NULL;
	char *key = NULL;
	plist_t val = NULL;

	if (group == NULL || plist_get_node_type(group) != PLIST_DICT || plist_dict_get_size(group) == 0)
		return 0;
	fprintf(f, "%s:\n", name);
	plist_dict_new_iter(group, &it);
	for (;;) {
		plist_dict_next_item(group, it, &key, &val);
		if (key == NULL)
			break;
		if (val != NULL && plist_get_node_type(val) == PLIST_ARRAY) {
			fprintf(f, "    %s:\n", key);
			for (uint32_t i = 0; i < plist_array_get_size(val); i++) {
				plist_t d = plist_array_get_item(val, i);
				if (plist_get_node_type(d) == PLIST_STRING)
					fprintf(f, "        %s\n", plist_get_string_ptr(d, NULL));
			}
		} else {
			fprintf(f, "    %s\n", key);
		}
		free(key);
		key = NULL;
	}
	free(it);
	return 1;
}

int
kext_print_diagnostics(FILE *f, plist_t response, int warnings_only)
{
	plist_t diag = response ? plist_dict_get_item(response, kKextRequestResponseDiagnosticsKey) : NULL;
	int n = 0;

	if (diag == NULL || plist_get_node_type(diag) != PLIST_DICT)
		return 0;
	for (unsigned int i = 0; i < sizeof(kext_diag_groups) / sizeof(kext_diag_groups[0]); i++) {
		if (warnings_only && strcmp(kext_diag_groups[i], kKextDiagnosticsWarningsKey) != 0)
			continue;
		n += print_group(f, kext_diag_groups[i], plist_dict_get_item(diag, kext_diag_groups[i]));
	}
	return n;
}

int
kext_has_failures(plist_t response)
{
	plist_t diag = response ? plist_dict_get_item(response, kKextRequestResponseDiagnosticsKey) : NULL;

	if (diag == NULL || plist_get_node_type(diag) != PLIST_DICT)
		return 0;
	for (unsigned int i = 0; i < 3; i++) {
		plist_t g = plist_dict_get_item(diag, kext_diag_groups[i]);
		if (g != NULL && plist_get_node_type(g) == PLIST_DICT && plist_dict_get_size(g) != 0)
			return 1;
	}
	return 0;
}

char *
kext_absolute_path(const char *path)
{
	char cwd[PATH_MAX], *out;
	size_t n;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	n = strlen(cwd) + 1 + strlen(path) + 1;
	out = malloc(n);
	if (out != NULL)
		snprintf(out, n, "%s/%s", cwd, path);
	return out;
}
