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
 *   devctl remove ID [--surprise]
 *        terminate the nub (its drivers stop first). --surprise: the device
 *        is gone before the drivers hear of it (IOVirtualDeviceGone is set on
 *        the nub, its interrupt lines go dead, in-flight I/O fails).
 *   devctl interrupt ID [INDEX] raise interrupt line INDEX (default 0)
 *   devctl list                 ID, name, location and line count per device,
 *                               then its properties, one "    KEY = VALUE" a line
 *   devctl script FILE|-        run the commands of FILE (or stdin), one a line:
 *        add [--as LABEL] ARGS...   (LABEL names the new ID in later lines)
 *        remove ID|LABEL [--surprise]
 *        interrupt ID|LABEL [INDEX]
 *        list
 *        sleep-ms N                 pause N milliseconds
 *        wait-quiet [MS]            until the registry is quiet (default 10 s)
 *        echo TEXT...
 *        '#' starts a comment; blank lines are skipped. The first failing
 *        line stops the script: "devctl: FILE:LINE: ..." and status 1.
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
#include <time.h>
#include <IOKit/IOKitLib.h>
#include <kexthost/kh_iokit.h>

#define DEVCTL_MAX_ARGS 64
#define DEVCTL_MAX_LABELS 256

/* In a script: where we are, for messages; a failure returns to the script loop. */
static const char *script_file;
static unsigned int script_line;
static struct {
	char name[64];
	uint64_t id;
} labels[DEVCTL_MAX_LABELS];
static unsigned int nlabels;

static void
usage(void)
{
	if (script_file != NULL) {
		fprintf(stderr, "devctl: %s:%u: bad command\n", script_file, script_line);
		exit(64);
	}
	fprintf(stderr, "usage: devctl add --name NAME [--location LOC] [--prop KEY=VALUE ...] "
	                "[--sprop KEY=VALUE ...] [--interrupts N] [--level]\n"
	                "       devctl remove ID [--surprise]\n"
	                "       devctl interrupt ID [INDEX]\n"
	                "       devctl list\n"
	                "       devctl script FILE|-\n");
	exit(64);
}

/* "devctl: " and, in a script, where: before an error message. */
static void
errprefix(void)
{
	if (script_file != NULL)
		fprintf(stderr, "devctl: %s:%u: ", script_file, script_line);
	else
		fprintf(stderr, "devctl: ");
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
		errprefix();
		fprintf(stderr, "%s: %s\n", what, strerror(err != 0 ? err : kh_iokit_errno(status)));
		exit(1);
	}
	if (plist_get_node_type(reply) != PLIST_DICT) {
		errprefix();
		fprintf(stderr, "%s: malformed reply\n", what);
		exit(1);
	}
	ret = (int32_t)reply_uint(reply, KHIO_KEY_RESULT);
	if (ret != 0) {
		name = kh_ioreturn_name(ret);
		errprefix();
		fprintf(stderr, "%s: %s (0x%08x)\n", what, name ? name : "error", (uint32_t)ret);
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
	const char *name = NULL, *label = NULL;
	uint64_t n, id;

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
		if (strcmp(a, "--as") == 0 && script_file != NULL) {
			label = v;
		} else if (strcmp(a, "--name") == 0) {
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
	if (label != NULL &&
	    (nlabels == DEVCTL_MAX_LABELS || strlen(label) >= sizeof(labels[0].name) || parse_u64(label, &n)))
		usage(); /* too many, too long, or a number */
	reply = call(req, "add");
	id = reply_uint(reply, KHIO_KEY_ID);
	printf("0x%" PRIx64 "\n", id);
	plist_free(reply);
	if (label != NULL) {
		strcpy(labels[nlabels].name, label);
		labels[nlabels++].id = id;
	}
	return 0;
}

/* A device ID: a number, or in a script a label an add gave (the latest wins). */
static int
parse_id(const char *s, uint64_t *id)
{
	if (parse_u64(s, id))
		return 1;
	for (unsigned int i = nlabels; script_file != NULL && i-- > 0;) {
		if (strcmp(labels[i].name, s) == 0) {
			*id = labels[i].id;
			return 1;
		}
	}
	return 0;
}

static int
cmd_id(const char *op, int argc, char **argv)
{
	plist_t req = request(op);
	uint64_t id, index = 0;
	char what[64];
	int isInterrupt = strcmp(op, "interrupt") == 0;
	int surprise = !isInterrupt && argc == 2 && strcmp(argv[1], "--surprise") == 0;

	if (argc < 1 || argc > 2 || !parse_id(argv[0], &id) ||
	    (argc == 2 && !surprise && (!isInterrupt || !parse_u64(argv[1], &index) || index > 0x7fffffff)))
		usage();
	plist_dict_set_item(req, KHIO_KEY_ID, plist_new_uint(id));
	if (isInterrupt && argc == 2)
		plist_dict_set_item(req, KHIO_KEY_DEV_INDEX, plist_new_uint(index));
	if (surprise)
		plist_dict_set_item(req, KHIO_KEY_DEV_SURPRISE, plist_new_bool(1));
	snprintf(what, sizeof(what), "%s 0x%" PRIx64, op, id);
	plist_free(call(req, what));
	return 0;
}

/* "    KEY = VALUE" for each property a device was given (and the ones the kernel added). */
static void
print_props(plist_t props)
{
	plist_dict_iter it = NULL;
	char *key = NULL;
	plist_t v = NULL;

	if (props == NULL || plist_get_node_type(props) != PLIST_DICT)
		return;
	plist_dict_new_iter(props, &it);
	for (plist_dict_next_item(props, it, &key, &v); key != NULL;
	     plist_dict_next_item(props, it, &key, &v)) {
		uint64_t u;
		uint8_t b;

		printf("    %s = ", key);
		switch (plist_get_node_type(v)) {
		case PLIST_STRING:
			printf("\"%s\"\n", plist_get_string_ptr(v, NULL));
			break;
		case PLIST_UINT:
			plist_get_uint_val(v, &u);
			printf("0x%" PRIx64 "\n", u);
			break;
		case PLIST_BOOLEAN:
			plist_get_bool_val(v, &b);
			printf("%s\n", b ? "Yes" : "No");
			break;
		default:
			printf("<%s>\n", plist_get_node_type(v) == PLIST_DATA ? "data" : "...");
			break;
		}
		free(key);
		key = NULL;
	}
	free(it);
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
		print_props(plist_dict_get_item(d, KHIO_KEY_DEV_PROPERTIES));
	}
	plist_free(reply);
	return 0;
}

static int
cmd_sleep_ms(int argc, char **argv)
{
	uint64_t ms;
	struct timespec ts;

	if (argc != 1 || !parse_u64(argv[0], &ms) || ms > 3600000)
		usage();
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
	return 0;
}

static int
cmd_wait_quiet(int argc, char **argv)
{
	uint64_t ms = 10000;
	mach_timespec_t t;
	kern_return_t kr;

	if (argc > 1 || (argc == 1 && (!parse_u64(argv[0], &ms) || ms > 3600000)))
		usage();
	t.tv_sec = (unsigned int)(ms / 1000);
	t.tv_nsec = (int)(ms % 1000) * 1000000;
	kr = IOKitWaitQuiet(kIOMasterPortDefault, &t);
	if (kr != KERN_SUCCESS) {
		const char *name = kh_ioreturn_name((int32_t)kr);

		errprefix();
		fprintf(stderr, "wait-quiet: %s (0x%08x)\n", name ? name : "error", (uint32_t)kr);
		exit(1);
	}
	return 0;
}

static int dispatch(int argc, char **argv);

/* Split line into words (blank-separated; '#' at a word's start ends the line). */
static int
split(char *line, char **argv)
{
	int argc = 0;

	for (char *p = strtok(line, " \t\r\n"); p != NULL; p = strtok(NULL, " \t\r\n")) {
		if (*p == '#')
			break;
		if (argc == DEVCTL_MAX_ARGS)
			usage();
		argv[argc++] = p;
	}
	return argc;
}

static int
cmd_script(int argc, char **argv)
{
	FILE *f;
	char *line = NULL, *args[DEVCTL_MAX_ARGS];
	size_t cap = 0;

	if (argc != 1 || script_file != NULL)
		usage();
	f = strcmp(argv[0], "-") == 0 ? stdin : fopen(argv[0], "r");
	if (f == NULL) {
		fprintf(stderr, "devctl: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	script_file = strcmp(argv[0], "-") == 0 ? "<stdin>" : argv[0];
	while (getline(&line, &cap, f) >= 0) {
		int n;

		script_line++;
		if ((n = split(line, args)) == 0)
			continue;
		if (strcmp(args[0], "echo") == 0) {
			for (int i = 1; i < n; i++)
				printf("%s%s", args[i], i + 1 < n ? " " : "\n");
			if (n == 1)
				printf("\n");
			fflush(stdout);
			continue;
		}
		if (strcmp(args[0], "script") == 0)
			usage();         /* no nesting */
		(void)dispatch(n, args); /* a failure exits with the line in the message */
		fflush(stdout);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

static int
dispatch(int argc, char **argv)
{
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "add") == 0)
		return cmd_add(argc - 1, argv + 1);
	if (strcmp(argv[0], "remove") == 0 || strcmp(argv[0], "interrupt") == 0)
		return cmd_id(argv[0], argc - 1, argv + 1);
	if (strcmp(argv[0], "list") == 0 && argc == 1)
		return cmd_list();
	if (strcmp(argv[0], "sleep-ms") == 0)
		return cmd_sleep_ms(argc - 1, argv + 1);
	if (strcmp(argv[0], "wait-quiet") == 0)
		return cmd_wait_quiet(argc - 1, argv + 1);
	if (strcmp(argv[0], "script") == 0)
		return cmd_script(argc - 1, argv + 1);
	usage();
	return 64;
}

int
main(int argc, char **argv)
{
	return dispatch(argc - 1, argv + 1);
}
