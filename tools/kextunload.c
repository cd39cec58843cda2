/*
 * kextunload — unload kexts from the running kernel (kextunload(8)): by
 * bundle identifier (-b, -m), by path (the bundle's CFBundleIdentifier), or
 * the kext defining a class (-c; with no I/O Kit yet, that kext is
 * unloaded). Each is one "Unload" kext request over $KEXTHOST_SOCKET; the
 * kernel checks the caller's uid. Exit statuses are kextunload's:
 * 1 a named kext could not be read, 2 not privileged, 3 some unload failed.
 *
 *   kextunload [-h] [-v [0-6]] [-q] [-p] [-c class_name] ... [-b bundle_id] ... [kext] ...
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "tools/kexttool.h"

#define KEXTUNLOAD_EXIT_NOT_FOUND 1
#define KEXTUNLOAD_EXIT_NOT_PRIVILEGED 2
#define KEXTUNLOAD_EXIT_PARTIAL 3

static int personalities_only;

static void
usage(int full)
{
	fprintf(stderr,
	        "usage: %s [-h] [-v [0-6]]\n"
	        "        [-p] [-c class_name] ... [-b bundle_id] ... [kext] ...\n",
	        progname);
	if (!full)
		return;
	fprintf(stderr, "kext: unload the named kext and all personalities for it\n\n");
	fprintf(stderr, "-bundle-id <bundle_id> (-b):\n"
	                "        unload the kext and personalities for CFBundleIdentifier <bundle_id>\n");
	fprintf(stderr, "-class <class_name> (-c):\n"
	                "        terminate all instances of IOService class <class_name> but do not\n"
	                "        unload its kext or remove its personalities\n"
	                "        (kexthost: no I/O Kit yet; unloads the kext that defines the class)\n\n");
	fprintf(stderr, "-personalities-only (-p):\n"
	                "        terminate services and remove personalities only; do not unload kexts\n"
	                "        (applies only to unload by bundle-id or kext)\n");
	fprintf(stderr, "-quiet (-q):\n"
	                "        quiet mode: print no informational or error messages\n");
	fprintf(stderr, "-verbose [ 0-6 | 0x<flags> ] (-v):\n"
	                "        verbose mode; print info about analysis & loading\n\n");
	fprintf(stderr, "-help (-h): print this message and exit\n\n");
	fprintf(stderr, "--: end of options\n");
}

/* Whether bundle_id is loaded (for -p, which has nothing to terminate yet). */
static int
is_loaded(const char *bundle_id, int *err)
{
	struct kext_reply r;
	plist_t req = kext_request_create(kKextRequestPredicateGetLoaded);
	int loaded = 0;

	kext_request_append_string(req, kKextRequestArgumentBundleIdentifierKey, bundle_id);
	*err = kext_request_send(req, &r);
	plist_free(req);
	if (*err != 0)
		return 0;
	if (r.result == kOSReturnSuccess && r.response != NULL && plist_dict_get_item(r.response, bundle_id))
		loaded = 1;
	kext_reply_free(&r);
	return loaded;
}

/* One unload; *fatal is set when further requests are pointless (no privilege, no kernel). */
static int
unload_one(const char *key, const char *value, int *fatal)
{
	struct kext_reply r;
	plist_t req;
	int err, status = EX_OK;

	if (personalities_only && strcmp(key, kKextRequestArgumentClassNameKey) != 0) {
		int loaded = is_loaded(value, &err);
		if (err != 0) {
			tool_no_kernel(err);
			*fatal = 1;
			return EX_OSERR;
		}
		if (!loaded) {
			tool_error("Terminate for %s failed - %s.", value,
			           kext_return_string(kOSKextReturnNotFound));
			tool_error("Check the system/kernel logs for error messages from the I/O Kit.");
			return KEXTUNLOAD_EXIT_PARTIAL;
		}
		tool_info("%s: services terminated and personalities removed (kext not unloaded).", value);
		return EX_OK;
	}
	req = kext_request_create(kKextRequestPredicateUnload);
	kext_request_set_string(req, key, value);
	kext_request_set_bool(req, kKextRequestArgumentTerminateIOServicesKey, 1);
	err = kext_request_send(req, &r);
	plist_free(req);
	if (err != 0) {
		tool_no_kernel(err);
		*fatal = 1;
		return EX_OSERR;
	}
	tool_print_kernel_output(&r);
	if (r.status != 0) {
		status = KEXTUNLOAD_EXIT_PARTIAL;
	} else if (r.result == kOSKextReturnNotPrivileged) {
		tool_error("You must be running as root to unload kexts.");
		status = KEXTUNLOAD_EXIT_NOT_PRIVILEGED;
		*fatal = 1;
	} else if (r.result != kOSReturnSuccess) {
		if (strcmp(key, kKextRequestArgumentClassNameKey) == 0)
			tool_error("Failed to terminate class %s - %s.", value, kext_return_string(r.result));
		else
			tool_error("Failed to unload %s - %s.", value, kext_return_string(r.result));
		status = KEXTUNLOAD_EXIT_PARTIAL;
	} else if (strcmp(key, kKextRequestArgumentClassNameKey) == 0) {
		tool_info("All instances of class %s terminated.", value);
	} else {
		tool_info("%s unloaded and personalities removed.", value);
	}
	kext_reply_free(&r);
	return status;
}

/* CFBundleIdentifier from <kext>/Contents/Info.plist (XML or binary), malloc'd, or NULL. */
static char *
bundle_id_of(const char *kext)
{
	char path[4096];
	FILE *f;
	char *buf = NULL, *id = NULL;
	long n;
	plist_t pl = NULL;

	snprintf(path, sizeof(path), "%s/Contents/Info.plist", kext);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (16 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n)
			plist_from_memory(buf, (uint32_t)n, &pl);
	}
	fclose(f);
	free(buf);
	if (pl != NULL) {
		const char *s = kext_plist_string(pl, "CFBundleIdentifier");
		if (s != NULL)
			id = strdup(s);
		plist_free(pl);
	}
	return id;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"help", no_argument, NULL, 'h'},
	        {"bundle-id", required_argument, NULL, 'b'},
	        {"module", required_argument, NULL, 'm'},
	        {"class", required_argument, NULL, 'c'},
	        {"personalities-only", no_argument, NULL, 'p'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"verbose", no_argument, NULL, 'v'},
	        {NULL, 0, NULL, 0},
	};
	const char **ids = NULL, **classes = NULL;
	int nids = 0, nclasses = 0, c, result = EX_OK, fatal = 0;

	tool_init(argv[0]);
	ids = calloc((size_t)argc, sizeof(*ids));
	classes = calloc((size_t)argc, sizeof(*classes));
	if (ids == NULL || classes == NULL)
		return EX_OSERR;
	while ((c = getopt_long_only(argc, argv, "hb:m:c:pqv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(1);
			return EX_OK;
		case 'b':
		case 'm':
			ids[nids++] = optarg;
			break;
		case 'c':
			classes[nclasses++] = optarg;
			break;
		case 'p':
			personalities_only = 1;
			break;
		case 'q':
			tool_verbosity = 0;
			break;
		case 'v':
			tool_take_verbose_level(argc, argv);
			break;
		default:
			usage(0);
			return EX_USAGE;
		}
	}
	if (optind >= argc && nids == 0 && nclasses == 0) {
		tool_error("No kernel extensions specified.");
		usage(0);
		return EX_USAGE;
	}
	/* Same order as kextunload: classes, identifiers, then bundles named by path. */
	for (int i = 0; i < nclasses && !fatal; i++) {
		int st = unload_one(kKextRequestArgumentClassNameKey, classes[i], &fatal);
		if (result == EX_OK || fatal)
			result = st;
	}
	for (int i = 0; i < nids && !fatal; i++) {
		int st = unload_one(kKextRequestArgumentBundleIdentifierKey, ids[i], &fatal);
		if (result == EX_OK || fatal)
			result = st;
	}
	for (int i = optind; i < argc && !fatal; i++) {
		char *id = bundle_id_of(argv[i]);
		int st;
		if (id == NULL) {
			tool_error("Can't create %s.", argv[i]);
			st = KEXTUNLOAD_EXIT_NOT_FOUND;
		} else {
			st = unload_one(kKextRequestArgumentBundleIdentifierKey, id, &fatal);
			free(id);
		}
		if (result == EX_OK || fatal)
			result = st;
	}
	free(ids);
	free(classes);
	return result;
}
