/*
 * kextstat — list the kexts loaded in the running kernel (kextstat(8)),
 * from a "Get Loaded Kext Info" kext request over $KEXTHOST_SOCKET, in
 * kextstat's columns:
 *
 *   Index Refs Address            Size       Wired      Name (Version) UUID <Linked Against>
 *
 * one row per kext in load-tag order (the kernel itself, tag 0, is never
 * shown), dependencies listed by load tag, highest first.
 *
 *   kextstat [-a] [-k] [-l] [-s] [-b bundle_id] ...
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "tools/kexttool.h"

#define INVALID_TAG 0xffffffffu

struct row {
	plist_t info;
	uint32_t tag;
	uint64_t address;
	int has_address;
};

static int flag_no_kernel, flag_list_only, flag_arch, flag_sort;
static const char **want_ids;
static int nwant;

static void
usage(int full)
{
	fprintf(stderr, "usage: %s [-a] [-k] [-l] [-b bundle_id] ...\n", progname);
	if (!full) {
		fprintf(stderr, "\nUse %s -help (-h) for a list of options.\n", progname);
		return;
	}
	fprintf(stderr, "-no-kernel (-k): show only loadable kexts (omit kernel components).\n");
	fprintf(stderr, "-list-only (-l): print the list only, omitting the header.\n");
	fprintf(stderr, "-bundle-id (-b) <bundle_id>: print info for kexts named by identifier.\n");
	fprintf(stderr, "-arch (-a): Include architecture info in output.\n");
	fprintf(stderr, "-sort (-s): Sort by load address.\n");
}

static int
wanted(const char *id)
{
	for (int i = 0; id != NULL && i < nwant; i++)
		if (strcmp(want_ids[i], id) == 0)
			return 1;
	return 0;
}

static int
bool_value(plist_t dict, const char *key)
{
	plist_t n = plist_dict_get_item(dict, key);
	uint8_t v = 0;

	if (n != NULL && plist_get_node_type(n) == PLIST_BOOLEAN)
		plist_get_bool_val(n, &v);
	return v != 0;
}

static int
cmp_tag(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->tag == y->tag)
		return 0;
	if (x->tag == INVALID_TAG)
		return -1;
	if (y->tag == INVALID_TAG)
		return 1;
	return x->tag < y->tag ? -1 : 1;
}

static int
cmp_address(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	uint64_t ax = x->has_address ? x->address : UINT64_MAX, ay = y->has_address ? y->address : UINT64_MAX;

	if (ax == ay)
		return 0;
	if (ax == UINT64_MAX)
		return -1;
	if (ay == UINT64_MAX)
		return 1;
	return ax < ay ? -1 : 1;
}

static int
cmp_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x == y ? 0 : (x > y ? -1 : 1);
}

static void
print_row(const struct row *r)
{
	plist_t info = r->info;
	const char *id = kext_plist_string(info, "CFBundleIdentifier");
	const char *vers = kext_plist_string(info, "CFBundleVersion");
	uint64_t v;
	int found;
	plist_t uuid, deps;

	if (flag_no_kernel && bool_value(info, kOSKernelResourceKey) && !wanted(id))
		return;
	if (r->tag == 0) /* the kernel itself */
		return;
	if (r->tag == INVALID_TAG)
		printf("%5s", "??");
	else
		printf("%5d", (int)r->tag);
	v = kext_plist_uint(info, kOSBundleRetainCountKey, &found);
	if (found)
		printf(" %4d", (int)(uint32_t)v);
	else
		printf(" %4s", "??");
	if (r->has_address)
		printf(" %#-18llx", (unsigned long long)r->address);
	else
		printf(" %-18s", "????");
	v = kext_plist_uint(info, kOSBundleLoadSizeKey, &found);
	if (found)
		printf(" %#-10x", (unsigned int)(uint32_t)v);
	else
		printf(" %-10s", "????");
	v = kext_plist_uint(info, kOSBundleWiredSizeKey, &found);
	if (found)
		printf(" %#-10x", (unsigned int)(uint32_t)v);
	else
		printf(" %-10s", "????");
	if (flag_arch)
		printf(" %-18s", "x86_64");
	printf(" %s", id ? id : "????");
	printf(" (%s)", vers ? vers : "????");
	uuid = plist_dict_get_item(info, kOSBundleUUIDKey);
	if (uuid != NULL && plist_get_node_type(uuid) == PLIST_DATA) {
		uint64_t len = 0;
		const unsigned char *u = (const unsigned char *)plist_get_data_ptr(uuid, &len);
		if (len == 16) {
			printf(" %02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", u[0],
			       u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
			       u[13], u[14], u[15]);
		} else {
			printf(" no UUID");
		}
	} else {
		printf(" no UUID");
	}
	deps = plist_dict_get_item(info, kOSBundleDependenciesKey);
	if (deps != NULL && plist_get_node_type(deps) == PLIST_ARRAY && plist_array_get_size(deps) > 0) {
		uint32_t n = plist_array_get_size(deps);
		uint64_t *tags = calloc(n, sizeof(*tags));
		if (tags != NULL) {
			for (uint32_t i = 0; i < n; i++) {
				plist_t t = plist_array_get_item(deps, i);
				tags[i] = INVALID_TAG;
				if (plist_get_node_type(t) == PLIST_UINT)
					plist_get_uint_val(t, &tags[i]);
			}
			qsort(tags, n, sizeof(*tags), cmp_desc);
			printf(" <");
			for (uint32_t i = 0; i < n; i++) {
				if (tags[i] == INVALID_TAG)
					printf("%s%s", i ? " " : "", "??");
				else
					printf("%s%d", i ? " " : "", (int)tags[i]);
			}
			printf(">");
			free(tags);
		}
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"help", no_argument, NULL, 'h'},
	        {"bundle-id", required_argument, NULL, 'b'},
	        {"no-kernel", no_argument, NULL, 'k'},
	        {"list-only", no_argument, NULL, 'l'},
	        {"sort", no_argument, NULL, 's'},
	        {"arch", no_argument, NULL, 'a'},
	        {NULL, 0, NULL, 0},
	};
	struct kext_reply r;
	struct row *rows;
	plist_t req;
	plist_dict_iter it = NULL;
	uint32_t n = 0;
	int c, err;

	tool_init(argv[0]);
	want_ids = calloc((size_t)argc, sizeof(*want_ids));
	if (want_ids == NULL)
		return EX_OSERR;
	while ((c = getopt_long_only(argc, argv, "hb:klsa", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(1);
			return EX_OK;
		case 'b':
			want_ids[nwant++] = optarg;
			break;
		case 'k':
			flag_no_kernel = 1;
			break;
		case 'l':
			flag_list_only = 1;
			break;
		case 's':
			flag_sort = 1;
			break;
		case 'a':
			flag_arch = 1;
			break;
		default:
			usage(0);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Extra arguments starting at %s....\n", argv[optind]);
		usage(0);
		return EX_USAGE;
	}

	req = kext_request_create(kKextRequestPredicateGetLoaded);
	for (int i = 0; i < nwant; i++)
		kext_request_append_string(req, kKextRequestArgumentBundleIdentifierKey, want_ids[i]);
	err = kext_request_send(req, &r);
	plist_free(req);
	if (err != 0) {
		tool_no_kernel(err);
		fprintf(stderr, "Couldn't get list of loaded kexts from kernel.\n");
		return EX_OSERR;
	}
	if (r.status != 0 || r.result != kOSReturnSuccess || r.response == NULL ||
	    plist_get_node_type(r.response) != PLIST_DICT) {
		fprintf(stderr, "Couldn't get list of loaded kexts from kernel.\n");
		kext_reply_free(&r);
		return EX_OSERR;
	}

	if (!flag_list_only) {
		printf("Index Refs Address            Size       Wired      ");
		if (flag_arch)
			printf("Architecture       ");
		printf("Name (Version) UUID <Linked Against>\n");
	}
	rows = calloc(plist_dict_get_size(r.response) + 1, sizeof(*rows));
	if (rows == NULL)
		return EX_OSERR;
	plist_dict_new_iter(r.response, &it);
	for (;;) {
		char *key = NULL;
		plist_t v = NULL;
		int found;
		plist_dict_next_item(r.response, it, &key, &v);
		if (key == NULL)
			break;
		free(key);
		if (v == NULL || plist_get_node_type(v) != PLIST_DICT)
			continue;
		rows[n].info = v;
		rows[n].tag = (uint32_t)kext_plist_uint(v, kOSBundleLoadTagKey, &found);
		if (!found)
			rows[n].tag = INVALID_TAG;
		rows[n].address = kext_plist_uint(v, kOSBundleLoadAddressKey, &rows[n].has_address);
		n++;
	}
	free(it);
	qsort(rows, n, sizeof(*rows), flag_sort ? cmp_address : cmp_tag);
	for (uint32_t i = 0; i < n; i++)
		print_row(&rows[i]);
	free(rows);
	kext_reply_free(&r);
	return EX_OK;
}
