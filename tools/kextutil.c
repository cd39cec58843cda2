/*
 * kextutil — test, diagnose and load kexts (kextutil(8)), for developers.
 *
 *   kextutil [options] [--] kext ...
 *
 * For each kext it asks the kernel to validate it ("Validate": Info.plist
 * checks, authentication unless -z, dependency resolution unless -Z, a
 * trial link), prints "Diagnostics for <kext>:" with the grouped problems,
 * or "<kext> appears to be loadable (including linkage for on-disk
 * libraries).", then loads it unless -n. With -n the tool works offline: it
 * boots the kernel core in its own process and asks it, so the diagnostics
 * are the running kernel's code. Without -n it talks to the running kernel
 * over $KEXTHOST_SOCKET. -s DIR writes a symbol file per kext and per loaded
 * dependency: its debug object, the ELF object with its sections at their
 * load addresses and its DWARF relocated (gdb: add-symbol-file FILE), for the
 * kext as loaded, or at the addresses given with -a id@address or (-A) the
 * running kernel's. -a and -A imply -n.
 *
 * Exit statuses are kextutil's: 1 not found, 4 kext bad, 6 load failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tools/kexttool.h"
#include "tools/offline.h"

#define KEXTUTIL_EXIT_NOT_FOUND 1
#define KEXTUTIL_EXIT_KEXT_BAD 4
#define KEXTUTIL_EXIT_LOAD_FAILED 6

struct kext_address {
	const char *id;
	uint64_t addr;
};

static struct {
	int no_load, tests, no_auth, no_resolve, kernel_addresses;
	const char *symbols_dir;
	const char **deps, **repos, **ids;
	int ndeps, nrepos, nids;
	struct kext_address *addrs; /* -a id@address */
	int naddrs;
} opt;

static kext_transport_fn transport;

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
	                "        use <kext> as a dependency of the kext being loaded\n");
	fprintf(stderr, "-repository <directory> (-r):\n"
	                "        use the kexts in <directory> as candidate dependencies\n\n");
	fprintf(stderr, "-no-load (-n):\n"
	                "        neither load the kext nor send personalities to the kernel\n"
	                "        (works offline: the kernel core runs inside this tool)\n");
	fprintf(stderr, "-symbols <directory> (-s):\n"
	                "        write symbol files into <directory>\n");
	fprintf(stderr, "-address <bundle_id@address> (-a):\n"
	                "        <bundle_id@address> - use <address> as the load address for <bundle_id>\n"
	                "        when generating symbols (implies -n)\n");
	fprintf(stderr, "-use-load-addresses (-A):\n"
	                "        use the load addresses of the loaded kexts from the running kernel\n"
	                "        when generating symbols (implies -n)\n");
	fprintf(stderr, "-print-diagnostics (-t):\n"
	                "        perform all possible tests and print a report on the kext\n");
	fprintf(stderr, "-no-authentication (-z):\n"
	                "        don't authenticate kexts (for use during development)\n");
	fprintf(stderr, "-no-resolve-dependencies (-Z):\n"
	                "        don't try to resolve dependencies\n");
	fprintf(stderr, "-load-only (-l), -match-only (-m): accepted; there are no personalities yet\n\n");
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

	if (na == NULL)
		exit(EX_OSERR);
	na[(*n)++] = v;
	*arr = na;
}

static void
add_common_args(plist_t req)
{
	for (int i = 0; i < opt.ndeps; i++)
		kext_request_append_string(req, kKextRequestArgumentDependencyPathsKey, opt.deps[i]);
	for (int i = 0; i < opt.nrepos; i++)
		kext_request_append_string(req, kKextRequestArgumentRepositoryPathsKey, opt.repos[i]);
	if (opt.no_auth)
		kext_request_set_bool(req, kKextRequestArgumentSkipAuthenticationKey, 1);
}

/* Messages of the kext system (kxld's errors among them), printed as the user-space kxld printed them. */
static void
print_messages(const struct kext_reply *r)
{
	plist_t msgs = r->response ? plist_dict_get_item(r->response, kKextRequestResponseMessagesKey) : NULL;

	if (tool_verbosity == 0)
		return;
	if (tool_verbosity > 1) {
		tool_print_log(stderr, r->log);
		return;
	}
	for (uint32_t i = 0;
	     msgs != NULL && plist_get_node_type(msgs) == PLIST_ARRAY && i < plist_array_get_size(msgs);
	     i++) {
		plist_t m = plist_array_get_item(msgs, i);
		if (plist_get_node_type(m) == PLIST_STRING)
			fprintf(stderr, "%s\n", plist_get_string_ptr(m, NULL));
	}
}

static int
perform(plist_t req, struct kext_reply *r)
{
	int err = kext_request_perform(req, transport, NULL, r);

	if (err != 0) {
		if (opt.no_load)
			tool_error("Internal error talking to the in-process kernel - %s.", strerror(err));
		else
			tool_no_kernel(err);
		return -1;
	}
	if (r->status != 0) {
		tool_error("The kernel refused the request: %s.", khrq_status_string(r->status));
		kext_reply_free(r);
		return -1;
	}
	return 0;
}

/* ---- symbol files ---------------------------------------------------------------- */

/*
 * A symbol file is the kext's debug object: its ELF object with every loaded
 * section's sh_addr at its load address and the DWARF relocated (the same
 * bytes gdb's JIT interface gets). Who builds it:
 *   kextutil -s DIR kext         the running kernel, for the kext it loaded;
 *   kextutil -n -s DIR -a id@addr ...   this tool's kernel, laid out at addr;
 *   kextutil -A -s DIR kext      this tool's kernel, laid out at the load
 *                                addresses the running kernel reports;
 *   kextutil -n -s DIR kext      this tool's kernel, at its trial-link addresses.
 * The kext's loaded dependencies with an executable get a file too.
 */

/* Load address for an id given with -a, or 0. */
static uint64_t
address_for(const char *bundle_id)
{
	for (int i = opt.naddrs - 1; i >= 0; i--) { /* the last one given wins */
		if (strcmp(opt.addrs[i].id, bundle_id) == 0)
			return opt.addrs[i].addr;
	}
	return 0;
}

static int
write_bytes(const char *path, const char *bytes, uint64_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (f == NULL)
		return errno;
	if (len > 0 && fwrite(bytes, 1, (size_t)len, f) != len)
		err = EIO;
	if (fclose(f) != 0 && err == 0)
		err = EIO;
	return err;
}

/* Ask a kernel for a kext's debug object (laid out at address when not 0); write DIR/<bundle id>.sym. */
static int
save_symbols(const char *bundle_id, uint64_t address)
{
	struct kext_reply r;
	plist_t req = kext_request_create(kKextRequestPredicateGetSymbols);
	char path[4096];
	const char *bytes;
	uint64_t len = 0;
	int err;

	kext_request_set_string(req, kKextRequestArgumentBundleIdentifierKey, bundle_id);
	kext_request_set_bool(req, kKextRequestArgumentDebugObjectKey, 1);
	if (address != 0)
		kext_request_set_uint(req, kKextRequestArgumentLinkAddressKey, address);
	err = perform(req, &r);
	plist_free(req);
	if (err != 0)
		return EX_OSERR;
	if (r.result != kOSReturnSuccess || r.response == NULL ||
	    plist_get_node_type(r.response) != PLIST_DATA) {
		if (tool_verbosity > 0)
			tool_print_log(stderr, r.log); /* kxld's reasons */
		tool_error("Can't get the symbols of %s - %s.", bundle_id, kext_return_string(r.result));
		kext_reply_free(&r);
		return EX_OSERR;
	}
	bytes = plist_get_data_ptr(r.response, &len);
	snprintf(path, sizeof(path), "%s/%s.sym", opt.symbols_dir, bundle_id);
	err = write_bytes(path, bytes, len);
	kext_reply_free(&r);
	if (err != 0) {
		tool_error("Can't write %s - %s.", path, strerror(err));
		return EX_CANTCREAT;
	}
	if (tool_verbosity > 0)
		tool_info("Wrote symbol file %s.", path);
	return EX_OK;
}

/* Every loaded kext's info (Get Loaded Kext Info) from a kernel, or NULL. */
static plist_t
loaded_info(kext_transport_fn via)
{
	plist_t req = kext_request_create(kKextRequestPredicateGetLoaded), info = NULL;
	struct kext_reply r;

	if (kext_request_perform(req, via, NULL, &r) == 0) {
		if (r.result == kOSReturnSuccess && r.response != NULL &&
		    plist_get_node_type(r.response) == PLIST_DICT) {
			info = r.response;
			r.response = NULL;
		}
		kext_reply_free(&r);
	}
	plist_free(req);
	return info;
}

/* The id of the loaded kext with this load tag, or NULL. */
static const char *
id_for_tag(plist_t all, uint64_t tag)
{
	plist_dict_iter it = NULL;
	const char *found = NULL;
	char *key = NULL;
	plist_t v = NULL;

	plist_dict_new_iter(all, &it);
	for (plist_dict_next_item(all, it, &key, &v); key != NULL && found == NULL;
	     plist_dict_next_item(all, it, &key, &v)) {
		int have = 0;
		if (kext_plist_uint(v, kOSBundleLoadTagKey, &have) == tag && have)
			found = kext_plist_string(v, "CFBundleIdentifier");
		free(key);
		key = NULL;
	}
	free(key);
	free(it);
	return found;
}

/* Append bundle_id's dependencies with an executable (recursively, each once) to ids[*n..]. */
static void
collect_dependencies(plist_t all, const char *bundle_id, const char **ids, int *n, int cap)
{
	plist_t deps = plist_dict_get_item(plist_dict_get_item(all, bundle_id), kOSBundleDependenciesKey);

	for (uint32_t i = 0;
	     deps != NULL && plist_get_node_type(deps) == PLIST_ARRAY && i < plist_array_get_size(deps);
	     i++) {
		uint64_t tag = 0;
		const char *id;
		int seen = 0;

		if (plist_get_node_type(plist_array_get_item(deps, i)) != PLIST_UINT)
			continue;
		plist_get_uint_val(plist_array_get_item(deps, i), &tag);
		id = id_for_tag(all, tag);
		if (id == NULL ||
		    kext_plist_uint(plist_dict_get_item(all, id), kOSBundleLoadAddressKey, NULL) == 0)
			continue; /* KPI sets and other kernel components: symbols are the kernel's */
		for (int k = 0; k < *n; k++)
			seen |= strcmp(ids[k], id) == 0;
		if (seen || *n >= cap)
			continue;
		ids[(*n)++] = id;
		collect_dependencies(all, id, ids, n, cap);
	}
}

#define KEXTUTIL_MAX_SYMBOL_FILES 64

/* Symbol files for a kext and its dependencies (see the comment above save_symbols). */
static int
save_all_symbols(const char *bundle_id)
{
	/* Dependencies as the kernel that linked them knows them; load addresses from the running one (-A). */
	plist_t linked = loaded_info(transport), running = NULL;
	const char *ids[KEXTUTIL_MAX_SYMBOL_FILES];
	int n = 1, status = EX_OK;

	ids[0] = bundle_id;
	if (linked != NULL)
		collect_dependencies(linked, bundle_id, ids, &n, KEXTUTIL_MAX_SYMBOL_FILES);
	if (opt.kernel_addresses) {
		running = loaded_info(kext_mach_transport);
		if (running == NULL) {
			tool_error("Can't get the loaded kexts' addresses from the kernel.");
			plist_free(linked);
			return EX_OSERR;
		}
	}
	for (int i = 0; i < n && status == EX_OK; i++) {
		uint64_t addr = address_for(ids[i]);

		if (running != NULL) {
			addr = kext_plist_uint(plist_dict_get_item(running, ids[i]), kOSBundleLoadAddressKey,
			                       NULL);
			if (addr == 0) {
				tool_error("%s is not loaded in the kernel; no load address for its symbols.",
				           ids[i]);
				status = KEXTUTIL_EXIT_LOAD_FAILED;
				break;
			}
		}
		status = save_symbols(ids[i], addr);
	}
	plist_free(linked);
	plist_free(running);
	return status;
}

/* Record "id@hexaddress" (-a). 0, or -1 when malformed. */
static int
parse_address(const char *arg)
{
	const char *at = strrchr(arg, '@');
	struct kext_address *na;
	char *end = NULL;
	uint64_t addr;

	if (at == NULL || at == arg || at[1] == '\0')
		return -1;
	errno = 0;
	addr = strtoull(at + 1, &end, 16);
	if (addr == 0 || errno != 0 || *end != '\0')
		return -1;
	na = realloc(opt.addrs, sizeof(*na) * (size_t)(opt.naddrs + 1));
	if (na == NULL)
		exit(EX_OSERR);
	opt.addrs = na;
	na[opt.naddrs].id = strndup(arg, (size_t)(at - arg));
	if (na[opt.naddrs].id == NULL)
		exit(EX_OSERR);
	na[opt.naddrs++].addr = addr;
	return 0;
}

/* ---- one kext ------------------------------------------------------------------- */

/* Load (or, offline with -s, link and map without starting) the kext. */
static int
load_kext(const char *path, int no_start, int32_t *result, struct kext_reply *out)
{
	plist_t req = kext_request_create(kKextRequestPredicateLoad);

	kext_request_set_string(req, kKextRequestArgumentBundlePathKey, path);
	add_common_args(req);
	if (no_start)
		kext_request_set_uint(req, kKextRequestArgumentStartExcludeKey, kOSKextExcludeKext);
	if (perform(req, out) != 0) {
		plist_free(req);
		return -1;
	}
	plist_free(req);
	*result = out->result;
	return 0;
}

static int
process_kext(const char *path)
{
	struct kext_reply r;
	plist_t req, info;
	const char *bundle_id = NULL;
	char *id_copy = NULL;
	int try_link = !opt.symbols_dir || opt.no_load, status = EX_OK;
	int32_t lr;
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tool_error("Can't create %s.", path);
		return KEXTUTIL_EXIT_NOT_FOUND;
	}
	req = kext_request_create(kKextRequestPredicateValidate);
	kext_request_set_string(req, kKextRequestArgumentBundlePathKey, path);
	add_common_args(req);
	if (opt.no_resolve)
		kext_request_set_bool(req, kKextRequestArgumentNoResolveKey, 1);
	if (try_link && !opt.no_resolve)
		kext_request_set_bool(req, kKextRequestArgumentTrialLinkKey, 1);
	if (perform(req, &r) != 0) {
		plist_free(req);
		return EX_OSERR;
	}
	plist_free(req);
	info = r.response ? plist_dict_get_item(r.response, kKextRequestResponseInfoKey) : NULL;
	bundle_id = kext_plist_string(info, "CFBundleIdentifier");
	if (bundle_id != NULL)
		id_copy = strdup(bundle_id);

	if (r.result == kOSKextReturnNotFound && info == NULL) {
		print_messages(&r);
		tool_error("Can't create %s.", path);
		kext_reply_free(&r);
		free(id_copy);
		return KEXTUTIL_EXIT_NOT_FOUND;
	}
	if (kext_has_failures(r.response)) {
		if (tool_verbosity > 0) {
			fprintf(stderr, "Diagnostics for %s:\n", path);
			kext_print_diagnostics(stderr, r.response, 0);
		}
		kext_reply_free(&r);
		free(id_copy);
		return KEXTUTIL_EXIT_KEXT_BAD;
	}
	if (tool_verbosity > 0)
		kext_print_diagnostics(stderr, r.response, 1);
	if (r.result != kOSReturnSuccess) {
		/* The trial link failed: kxld's messages say why. */
		print_messages(&r);
		if (r.result == kOSKextReturnLinkError)
			tool_error("Check library declarations for your kext with kextlibs(8).");
		else
			tool_error("%s failed validation - %s.", path, kext_return_string(r.result));
		kext_reply_free(&r);
		free(id_copy);
		return KEXTUTIL_EXIT_KEXT_BAD;
	}
	if (tool_verbosity > 1)
		print_messages(&r);
	kext_reply_free(&r);
	if (tool_verbosity > 0 && (opt.tests || opt.no_load))
		tool_info("%s appears to be loadable (%sincluding linkage for on-disk libraries).", path,
		          try_link && !opt.no_resolve ? "" : "not ");
	if (opt.no_load && !opt.symbols_dir) {
		free(id_copy);
		return EX_OK;
	}

	/* Load: into the running kernel, or (offline, for -s) into this tool's kernel without starting. */
	if (load_kext(path, opt.no_load, &lr, &r) != 0) {
		free(id_copy);
		return EX_OSERR;
	}
	print_messages(&r);
	if (lr != kOSReturnSuccess) {
		if (kext_has_failures(r.response) && tool_verbosity > 0) {
			fprintf(stderr, "Diagnostics for %s:\n", path);
			kext_print_diagnostics(stderr, r.response, 0);
		}
		tool_error("Failed to load %s - %s.", path, kext_return_string(lr));
		if (lr == kOSKextReturnLinkError)
			tool_error("Check library declarations for your kext with kextlibs(8).");
		status = KEXTUTIL_EXIT_LOAD_FAILED;
	} else if (!opt.no_load) {
		tool_info("%s successfully loaded (or already loaded).", path);
	}
	kext_reply_free(&r);
	if (status == EX_OK && opt.symbols_dir != NULL && id_copy != NULL)
		status = save_all_symbols(id_copy);
	free(id_copy);
	return status;
}

/* Path of the repository kext with this identifier (asks the kernel), malloc'd, or NULL. */
static char *
path_for_identifier(const char *bundle_id)
{
	struct kext_reply r;
	plist_t req = kext_request_create(kKextRequestPredicateGetRepository);
	char *path = NULL;

	for (int i = 0; i < opt.nrepos; i++)
		kext_request_append_string(req, kKextRequestArgumentRepositoryPathsKey, opt.repos[i]);
	if (perform(req, &r) == 0) {
		for (uint32_t i = 0; r.response && plist_get_node_type(r.response) == PLIST_ARRAY &&
		                     i < plist_array_get_size(r.response);
		     i++) {
			plist_t k = plist_array_get_item(r.response, i);
			const char *id = kext_plist_string(k, "CFBundleIdentifier");
			const char *p = kext_plist_string(k, kOSBundlePathKey);
			if (id != NULL && p != NULL && strcmp(id, bundle_id) == 0) {
				path = strdup(p);
				break;
			}
		}
		kext_reply_free(&r);
	}
	plist_free(req);
	return path;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"help", no_argument, NULL, 'h'},
	        {"bundle-id", required_argument, NULL, 'b'},
	        {"dependency", required_argument, NULL, 'd'},
	        {"repository", required_argument, NULL, 'r'},
	        {"no-load", no_argument, NULL, 'n'},
	        {"symbols", required_argument, NULL, 's'},
	        {"address", required_argument, NULL, 'a'},
	        {"use-load-addresses", no_argument, NULL, 'A'},
	        {"print-diagnostics", no_argument, NULL, 't'},
	        {"no-authentication", no_argument, NULL, 'z'},
	        {"no-resolve-dependencies", no_argument, NULL, 'Z'},
	        {"load-only", no_argument, NULL, 'l'},
	        {"match-only", no_argument, NULL, 'm'},
	        {"no-caches", no_argument, NULL, 'c'},
	        {"no-system-extensions", no_argument, NULL, 'e'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"verbose", no_argument, NULL, 'v'},
	        {NULL, 0, NULL, 0},
	};
	int c, result = EX_OK;
	struct stat st;

	tool_init(argv[0]);
	while ((c = getopt_long_only(argc, argv, "hb:d:r:ns:a:AtzZlmceqv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(1);
			return EX_OK;
		case 'b':
			push(&opt.ids, &opt.nids, optarg);
			break;
		case 'd':
		case 'r': {
			char *abs = kext_absolute_path(optarg);
			if (abs == NULL)
				return EX_OSERR;
			if (c == 'd')
				push(&opt.deps, &opt.ndeps, abs);
			else
				push(&opt.repos, &opt.nrepos, abs);
			break;
		}
		case 'n':
			opt.no_load = 1;
			break;
		case 's':
			opt.symbols_dir = optarg;
			break;
		case 'a':
			opt.no_load = 1; /* -a implies -n */
			if (parse_address(optarg) != 0) {
				tool_error("Address format is <bundle-id@address>, with nonzero hexadecimal "
				           "address.");
				usage(0);
				return EX_USAGE;
			}
			break;
		case 'A':
			opt.no_load = 1; /* -A implies -n */
			opt.kernel_addresses = 1;
			break;
		case 't':
			opt.tests = 1;
			break;
		case 'z':
			opt.no_auth = 1;
			break;
		case 'Z':
			opt.no_resolve = 1;
			break;
		case 'l':
		case 'm':
		case 'c':
		case 'e':
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
	if (optind >= argc && opt.nids == 0) {
		tool_error("No kernel extensions specified; name kernel extension bundles\n"
		           "    following options, or use -bundle-id (-b).");
		usage(0);
		return EX_USAGE;
	}
	if (opt.naddrs > 0 && opt.kernel_addresses) {
		tool_error("Don't use -address (-a) when loading, or with -use-load-addresses (-A).");
		usage(0);
		return EX_USAGE;
	}
	if (opt.kernel_addresses && khrq_socket_path() == NULL) {
		tool_no_kernel(ENOENT);
		return EX_OSERR;
	}
	if (opt.no_resolve && !opt.no_load) {
		tool_error("-no-resolve-dependencies (-Z) requires -no-load (-n).");
		usage(0);
		return EX_USAGE;
	}
	if (opt.symbols_dir != NULL && (stat(opt.symbols_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
		tool_error("%s: not a folder.", opt.symbols_dir);
		return EX_USAGE;
	}
	if (opt.no_load) {
		offline_boot(NULL);
		transport = offline_transport;
	} else {
		transport = kext_mach_transport;
		if (khrq_socket_path() == NULL) {
			tool_no_kernel(ENOENT);
			return EX_OSERR;
		}
	}
	for (int i = 0; i < opt.nids; i++) {
		char *p = path_for_identifier(opt.ids[i]);
		int st2;
		if (p == NULL) {
			tool_error("Can't find extension with identifier %s.", opt.ids[i]);
			st2 = KEXTUTIL_EXIT_NOT_FOUND;
		} else {
			st2 = process_kext(p);
			free(p);
		}
		if (result == EX_OK)
			result = st2;
	}
	for (int i = optind; i < argc; i++) {
		char *abs = kext_absolute_path(argv[i]);
		int st2 = abs ? process_kext(abs) : EX_OSERR;
		free(abs);
		if (result == EX_OK)
			result = st2;
	}
	return result;
}
