/*
 * kextload — load kexts into the running kernel (kextload(8)): by path or
 * by bundle identifier (-b), with extra dependency candidates (-d) and
 * repositories (-r). Each load is one "Load" kext request, sent with the
 * kext_request Mach routine to the kernel at $KEXTHOST_SOCKET; the kernel
 * validates, authenticates, resolves, links and starts. Messages and exit statuses are kextload's.
 *
 *   kextload [-h] [-v [0-6]] [-q] [-b bundle_id] ... [-d kext] ... [-r dir] ... [--] [kext] ...
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "tools/kexttool.h"

struct kextload_args {
	const char **ids, **deps, **repos;
	int nids, ndeps, nrepos;
};

static void
usage(int full)
{
	fprintf(stderr, "usage: %s [options] [--] [kext] ...\n\n", progname);
	if (!full) {
		fprintf(stderr, "use %s -help for an explanation of each option\n", progname);
		return;
	}
	fprintf(stderr, "kext: a kext bundle to load or examine\n\n");
	fprintf(stderr, "-bundle-id <bundle_id> (-b):\n"
	                "        load/use the kext whose CFBundleIdentifier is <bundle_id>\n");
	fprintf(stderr, "-dependency <kext> (-d):\n"
	                "        consider <kext> as a candidate dependency\n");
	fprintf(stderr, "-repository <directory> (-r):\n"
	                "        look in <directory> for kexts\n\n");
	fprintf(stderr, "-quiet (-q):\n"
	                "        quiet mode: print no informational or error messages\n");
	fprintf(stderr, "-verbose [ 0-6 | 0x<flags> ] (-v):\n"
	                "        verbose mode; print info about analysis & loading\n\n");
	fprintf(stderr, "-help (-h): print this message and exit\n\n");
	fprintf(stderr, "--: end of options\n");
}

static void
push(const char ***arr, int *n, const char *v)
{
	const char **na = realloc(*arr, sizeof(**arr) * (size_t)(*n + 1));

	if (na == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(EX_OSERR);
	}
	na[(*n)++] = v;
	*arr = na;
}

static int
exit_status_for(int32_t ret)
{
	return ret == kOSKextReturnNotPrivileged ? EX_NOPERM : EX_OSERR;
}

/* Load one kext; `name` is what messages call it (the absolute path, or the identifier). */
static int
load_one(const struct kextload_args *a, const char *path, const char *bundle_id, const char *name)
{
	struct kext_reply r;
	plist_t req = kext_request_create(kKextRequestPredicateLoad);
	int err, status = EX_OK;

	if (req == NULL)
		return EX_OSERR;
	if (path != NULL)
		kext_request_set_string(req, kKextRequestArgumentBundlePathKey, path);
	else
		kext_request_set_string(req, kKextRequestArgumentBundleIdentifierKey, bundle_id);
	for (int i = 0; i < a->ndeps; i++)
		kext_request_append_string(req, kKextRequestArgumentDependencyPathsKey, a->deps[i]);
	for (int i = 0; i < a->nrepos; i++)
		kext_request_append_string(req, kKextRequestArgumentRepositoryPathsKey, a->repos[i]);

	if (tool_verbosity > 1)
		tool_info("Requesting load of %s.", name);
	err = kext_request_send(req, &r);
	plist_free(req);
	if (err != 0) {
		tool_no_kernel(err);
		return EX_OSERR;
	}
	tool_print_kernel_output(&r);
	if (r.status != 0) {
		status = EX_OSERR;
	} else if (r.result != kOSReturnSuccess) {
		if (tool_verbosity > 0 && kext_has_failures(r.response)) {
			fprintf(stderr, "Diagnostics for %s:\n", name);
			kext_print_diagnostics(stderr, r.response, 0);
		}
		tool_error(
		        "%s failed to load - %s; check the system/kernel logs for errors or try kextutil(8).",
		        name, kext_return_string(r.result));
		status = exit_status_for(r.result);
	} else {
		tool_info("%s loaded successfully (or already loaded).", name);
	}
	kext_reply_free(&r);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"help", no_argument, NULL, 'h'},
	        {"bundle-id", required_argument, NULL, 'b'},
	        {"dependency", required_argument, NULL, 'd'},
	        {"repository", required_argument, NULL, 'r'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"verbose", no_argument, NULL, 'v'},
	        {NULL, 0, NULL, 0},
	};
	struct kextload_args a = {0};
	int c, result = EX_OK;

	tool_init(argv[0]);
	while ((c = getopt_long_only(argc, argv, "hb:d:r:qv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(1);
			return EX_OK;
		case 'b':
			push(&a.ids, &a.nids, optarg);
			break;
		case 'd':
		case 'r': {
			char *abs = kext_absolute_path(optarg);
			if (abs == NULL) {
				fprintf(stderr, "%s: out of memory\n", progname);
				return EX_OSERR;
			}
			if (c == 'd')
				push(&a.deps, &a.ndeps, abs);
			else
				push(&a.repos, &a.nrepos, abs);
			break;
		}
		case 'q':
			tool_verbosity = 0;
			break;
		case 'v':
			tool_take_verbose_level(argc, argv);
			break;
		default:
			tool_error("Use kextutil(8) for development loading of kexts.");
			usage(0);
			return EX_USAGE;
		}
	}
	if (optind >= argc && a.nids == 0) {
		tool_error("No kernel extensions specified; name kernel extension bundles\n"
		           "    following options, or use -bundle-id (-b).");
		usage(0);
		return EX_USAGE;
	}
	for (int i = 0; i < a.nids; i++) {
		int st = load_one(&a, NULL, a.ids[i], a.ids[i]);
		if (result == EX_OK)
			result = st; /* keep trying the others */
	}
	for (int i = optind; i < argc; i++) {
		char *abs = kext_absolute_path(argv[i]);
		int st = abs ? load_one(&a, abs, NULL, abs) : EX_OSERR;
		free(abs);
		if (result == EX_OK)
			result = st;
	}
	return result;
}
