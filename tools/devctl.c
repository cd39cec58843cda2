/*
 * devctl.c — drive the hosted kernel's virtual bus (KHRQ_T_IODEVICE,
 * <kexthost/iokit_request.h>): publish a device nub with properties and
 * interrupt lines, raise its interrupts, remove it, list the devices.
 *
 *   devctl add --name NAME [--location LOC] [--prop KEY=VALUE ...]
 *              [--sprop KEY=VALUE ...] [--interrupts N] [--level]
 *        prints the new nub's registry ID (0x...). --prop values are typed:
 *        true/false/yes/no become booleans, decimal or 0x-hex numbers
 *        integers, anything else a string; --sprop keeps the value a string.
 *        --level makes the lines level-triggered (default: edge).
 *   devctl remove ID            terminate the nub (its drivers stop first)
 *   devctl interrupt ID [INDEX] raise interrupt line INDEX (default 0)
 *   devctl list                 ID, name, location and line count per device
 *
 * add, remove and interrupt need root. Exit status: 0 on success, 1 when
 * the kernel refused (the IOReturn or errno is printed), 64 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <kexthost/kh_iokit.h>

static void
usage(void)
{
	fprintf(stderr, "usage: devctl add --name NAME [--location LOC] [--prop KEY=VALUE ...] "
	                "[--sprop KEY=VALUE ...] [--interrupts N] [--level]\n"
	                "       devctl remove ID\n"
	                "       devctl interrupt ID [INDEX]\n"
	                "       devctl list\n");
	exit(64);
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s == '\0' || *s == '-')
		return 0;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno == 0 && *end == '\0';
}

/* KEY=VALUE into props, typed unless asString. */
static void
add_prop(plist_t props, const char *arg, int asString)
{
	const char *eq = strchr(arg, '=');
	char key[256];
	const char *val;
	uint64_t n;

	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
		fprintf(stderr, "devctl: bad property \"%s\" (want KEY=VALUE)\n", arg);
		exit(64);
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	val = eq + 1;
	if (asString)
		plist_dict_set_item(props, key, plist_new_string(val));
	else if (strcasecmp(val, "true") == 0 || strcasecmp(val, "yes") == 0)
		plist_dict_set_item(props, key, plist_new_bool(1));
	else if (strcasecmp(val, "false") == 0 || strcasecmp(val, "no") == 0)
		plist_dict_set_item(props, key, plist_new_bool(0));
	else if (parse_u64(val, &n))
		plist_dict_set_item(props, key, plist_new_uint(n));
	else
		plist_dict_set_item(props, key, plist_new_string(val));
}

static uint64_t
reply_uint(plist_t d, const char *key)
{
	plist_t v = d != NULL ? plist_dict_get_item(d, key) : NULL;
	uint64_t u = 0;

	if (v != NULL && plist_get_node_type(v) == PLIST_UINT)
		plist_get_uint_val(v, &u);
	return u;
}

/* Send req; on success *reply is the reply dictionary with IOReturn 0. Exits on any failure. */
static plist_t
call(plist_t req, const char *what)
{
	plist_t reply = NULL;
	uint32_t status = 0;
	int err = kh_iokit_call(KHRQ_T_IODEVICE, req, &reply, &status);
	int32_t ret;
	const char *name;

	plist_free(req);
	if (err == ENOENT) {
		fprintf(stderr, "devctl: no kernel ($KEXTHOST_SOCKET is not set)\n");
		exit(1);
	}
	if (err != 0 || status != 0) {
		fprintf(stderr, "devctl: %s: %s\n", what, strerror(err != 0 ? err : kh_iokit_errno(status)));
		exit(1);
	}
	if (plist_get_node_type(reply) != PLIST_DICT) {
		fprintf(stderr, "devctl: %s: malformed reply\n", what);
		exit(1);
	}
	ret = (int32_t)reply_uint(reply, KHIO_KEY_RESULT);
	if (ret != 0) {
		name = kh_ioreturn_name(ret);
		fprintf(stderr, "devctl: %s: %s (0x%08x)\n", what, name ? name : "error", (uint32_t)ret);
		exit(1);
	}
	return reply;
}

static plist_t
request(const char *op)
{
	plist_t req = plist_new_dict();

	plist_dict_set_item(req, KHIO_KEY_OPERATION, plist_new_string(op));
	return req;
}

static int
cmd_add(int argc, char **argv)
{
	plist_t req = request("add"), props = plist_new_dict(), reply;
	const char *name = NULL;
	uint64_t n;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--level") == 0) {
			plist_dict_set_item(req, KHIO_KEY_DEV_INTTYPE, plist_new_uint(1));
			continue;
		}
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--name") == 0) {
			name = v;
			plist_dict_set_item(req, KHIO_KEY_DEV_NAME, plist_new_string(v));
		} else if (strcmp(a, "--location") == 0) {
			plist_dict_set_item(req, KHIO_KEY_DEV_LOCATION, plist_new_string(v));
		} else if (strcmp(a, "--prop") == 0 || strcmp(a, "--sprop") == 0) {
			add_prop(props, v, a[2] == 's');
		} else if (strcmp(a, "--interrupts") == 0) {
			if (!parse_u64(v, &n) || n > KHIO_MAX_INTERRUPTS) {
				fprintf(stderr, "devctl: --interrupts wants 0..%d\n", KHIO_MAX_INTERRUPTS);
				exit(64);
			}
			plist_dict_set_item(req, KHIO_KEY_DEV_INTERRUPTS, plist_new_uint(n));
		} else {
			usage();
		}
	}
	if (name == NULL)
		usage();
	plist_dict_set_item(req, KHIO_KEY_DEV_PROPERTIES, props);
	reply = call(req, "add");
	printf("0x%" PRIx64 "\n", reply_uint(reply, KHIO_KEY_ID));
	plist_free(reply);
	return 0;
}

static int
cmd_id(const char *op, int argc, char **argv)
{
	plist_t req = request(op);
	uint64_t id, index = 0;
	char what[64];

	if (argc < 1 || argc > (strcmp(op, "interrupt") == 0 ? 2 : 1) || !parse_u64(argv[0], &id) ||
	    (argc == 2 && (!parse_u64(argv[1], &index) || index > 0x7fffffff)))
		usage();
	plist_dict_set_item(req, KHIO_KEY_ID, plist_new_uint(id));
	if (argc == 2)
		plist_dict_set_item(req, KHIO_KEY_DEV_INDEX, plist_new_uint(index));
	snprintf(what, sizeof(what), "%s 0x%" PRIx64, op, id);
	plist_free(call(req, what));
	return 0;
}

static int
cmd_list(void)
{
	plist_t reply = call(request("list"), "list");
	plist_t devs = plist_dict_get_item(reply, KHIO_KEY_DEVICES);
	uint32_t n =
	        devs != NULL && plist_get_node_type(devs) == PLIST_ARRAY ? plist_array_get_size(devs) : 0;

	printf("%-18s %-24s %-10s %s\n", "ID", "NAME", "LOCATION", "INTERRUPTS");
	for (uint32_t i = 0; i < n; i++) {
		plist_t d = plist_array_get_item(devs, i);
		plist_t nm = plist_dict_get_item(d, KHIO_KEY_DEV_NAME);
		plist_t loc = plist_dict_get_item(d, KHIO_KEY_DEV_LOCATION);

		printf("0x%-16" PRIx64 " %-24s %-10s %" PRIu64 "\n", reply_uint(d, KHIO_KEY_ID),
		       nm ? plist_get_string_ptr(nm, NULL) : "?", loc ? plist_get_string_ptr(loc, NULL) : "-",
		       reply_uint(d, KHIO_KEY_DEV_INTERRUPTS));
	}
	plist_free(reply);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(argc - 2, argv + 2);
	if (strcmp(argv[1], "remove") == 0 || strcmp(argv[1], "interrupt") == 0)
		return cmd_id(argv[1], argc - 2, argv + 2);
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return cmd_list();
	usage();
	return 64;
}
