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
 * over $KEXTHOST_SOCKET. -s DIR writes a symbol file per kext: an ELF object
 * whose absolute symbols are the kext's symbols at their linked addresses
 * (load it in gdb with add-symbol-file).
 *
 * Exit statuses are kextutil's: 1 not found, 4 kext bad, 6 load failed.
 */
#include <elf.h>
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

static struct {
	int no_load, tests, no_auth, no_resolve;
	const char *symbols_dir;
	const char **deps, **repos, **ids;
	int ndeps, nrepos, nids;
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

/* Write an ELF64 relocatable file whose symbols are absolute (SHN_ABS) at the kext's addresses. */
static int
write_symbol_file(const char *path, plist_t syms)
{
	uint32_t n = plist_array_get_size(syms);
	Elf64_Sym *symtab = calloc((size_t)n + 1, sizeof(*symtab));
	size_t strsz = 1, off;
	char *strtab;
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab";
	Elf64_Ehdr eh;
	Elf64_Shdr sh[4];
	FILE *f;
	uint32_t nsyms = 1, nlocal = 1;

	for (uint32_t i = 0; i < n; i++) {
		const char *name = kext_plist_string(plist_array_get_item(syms, i), "Name");
		strsz += name ? strlen(name) + 1 : 0;
	}
	strtab = calloc(1, strsz);
	if (symtab == NULL || strtab == NULL)
		return ENOMEM;
	/* Locals first, as ELF requires; then globals. */
	off = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < n; i++) {
			plist_t e = plist_array_get_item(syms, i);
			const char *name = kext_plist_string(e, "Name");
			uint64_t flags = kext_plist_uint(e, "Flags", NULL);
			int global = (flags & 0x4) != 0; /* KXLD_SYM_GLOBAL */
			Elf64_Sym *s;

			if (name == NULL || global != pass)
				continue;
			s = &symtab[nsyms++];
			s->st_name = (Elf64_Word)off;
			memcpy(strtab + off, name, strlen(name) + 1);
			off += strlen(name) + 1;
			s->st_info = ELF64_ST_INFO(global ? STB_GLOBAL : STB_LOCAL,
			                           (flags & 0x1) ? STT_FUNC
			                                         : ((flags & 0x2) ? STT_OBJECT : STT_NOTYPE));
			s->st_shndx = SHN_ABS;
			s->st_value = kext_plist_uint(e, "Address", NULL);
			s->st_size = kext_plist_uint(e, "Size", NULL);
		}
		if (pass == 0)
			nlocal = nsyms;
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 4;
	eh.e_shstrndx = 3;
	memset(sh, 0, sizeof(sh));
	off = sizeof(eh);
	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_SYMTAB;
	sh[1].sh_offset = off;
	sh[1].sh_size = sizeof(Elf64_Sym) * nsyms;
	sh[1].sh_link = 2;
	sh[1].sh_info = nlocal;
	sh[1].sh_addralign = 8;
	sh[1].sh_entsize = sizeof(Elf64_Sym);
	off += sh[1].sh_size;
	sh[2].sh_name = 9;
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = off;
	sh[2].sh_size = strsz;
	sh[2].sh_addralign = 1;
	off += strsz;
	sh[3].sh_name = 17;
	sh[3].sh_type = SHT_STRTAB;
	sh[3].sh_offset = off;
	sh[3].sh_size = sizeof(shstr);
	sh[3].sh_addralign = 1;
	off += sizeof(shstr);
	off = (off + 7) & ~(size_t)7;
	eh.e_shoff = off;

	f = fopen(path, "wb");
	if (f == NULL) {
		int err = errno;
		free(symtab);
		free(strtab);
		return err;
	}
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(symtab, sizeof(Elf64_Sym), nsyms, f);
	fwrite(strtab, 1, strsz, f);
	fwrite(shstr, 1, sizeof(shstr), f);
	for (size_t pad = sizeof(eh) + sizeof(Elf64_Sym) * nsyms + strsz + sizeof(shstr); pad < off; pad++)
		fputc(0, f);
	fwrite(sh, sizeof(sh), 1, f);
	free(symtab);
	free(strtab);
	return fclose(f) == 0 ? 0 : EIO;
}

/* Ask the kernel for a loaded kext's symbols and write DIR/<bundle id>.sym. */
static int
save_symbols(const char *bundle_id)
{
	struct kext_reply r;
	plist_t req = kext_request_create(kKextRequestPredicateGetSymbols);
	char path[4096];
	int err;

	kext_request_set_string(req, kKextRequestArgumentBundleIdentifierKey, bundle_id);
	err = perform(req, &r);
	plist_free(req);
	if (err != 0)
		return EX_OSERR;
	if (r.result != kOSReturnSuccess || r.response == NULL ||
	    plist_get_node_type(r.response) != PLIST_ARRAY) {
		print_messages(&r);
		tool_error("Can't get the symbols of %s - %s.", bundle_id, kext_return_string(r.result));
		kext_reply_free(&r);
		return EX_OSERR;
	}
	snprintf(path, sizeof(path), "%s/%s.sym", opt.symbols_dir, bundle_id);
	err = write_symbol_file(path, r.response);
	kext_reply_free(&r);
	if (err != 0) {
		tool_error("Can't write %s - %s.", path, strerror(err));
		return EX_CANTCREAT;
	}
	if (tool_verbosity > 0)
		tool_info("Wrote symbol file %s.", path);
	return EX_OK;
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
		status = save_symbols(id_copy);
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
	while ((c = getopt_long_only(argc, argv, "hb:d:r:ns:tzZlmceqv", longopts, NULL)) != -1) {
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
