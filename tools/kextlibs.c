/*
 * kextlibs — find the OSBundleLibraries a kext needs (kextlibs(8)). Offline:
 * the kernel core boots inside this tool and answers a "Find Link
 * Dependencies" request: for each symbol the kext's executable leaves
 * undefined, which KPI symbol sets (the kernel's own export tables) and
 * library kexts of the repository export it. Prints the libraries with
 * their versions to stdout (or the plist fragment with -xml) and counts of
 * problem symbols to stderr, as kextlibs does.
 *
 *   kextlibs [-xml] [-undef-symbols] [-onedef-symbols] [-multdef-symbols] [-all-symbols]
 *            [-c] [-unsupported] [-r dir] ... [-e] kext
 *
 * Exit status: 0, 1 when symbols stay undefined, 2 when some are defined in
 * several libraries, 64 usage, 71 other failures.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tools/kexttool.h"
#include "tools/offline.h"

#define KEXTLIBS_EXIT_UNDEFINEDS 1
#define KEXTLIBS_EXIT_MULTIPLES 2

enum { OPT_XML = 1000, OPT_UNDEF, OPT_ONEDEF, OPT_MULTDEF, OPT_ALL, OPT_UNSUPPORTED, OPT_NONKPI };

static int flag_xml, flag_undef, flag_onedef, flag_multdef, flag_compat, flag_unsupported;

static void
usage(int full)
{
	fprintf(stderr, "usage: %s [options] kext\n", progname);
	if (!full) {
		fprintf(stderr, "\nuse %s -help for a list of options\n", progname);
		return;
	}
	fprintf(stderr, "\n<kext>: the kext to find libraries for\n");
	fprintf(stderr, "-xml:   print XML fragment suitable for pasting\n\n");
	fprintf(stderr, "-system-extensions (-e):\n"
	                "        look in the system exensions folder (assumed if no other folders\n"
	                "        specified with repository)\n");
	fprintf(stderr, "-repository <directory> (-r):\n"
	                "        look in <directory> for library kexts\n\n");
	fprintf(stderr, "-all-symbols:\n"
	                "        list all symbols, found, not found, or found more than once\n");
	fprintf(stderr, "-onedef-symbols:\n"
	                "        list all symbols found with the library kext they were found in\n");
	fprintf(stderr, "-undef-symbols:\n"
	                "        list all symbols not found in any library\n");
	fprintf(stderr, "-multdef-symbols:\n"
	                "        list all symbols found more than once with their library kexts\n\n");
	fprintf(stderr, "-compatible-versions (-c):\n"
	                "        use library kext compatble versions rather than current versions\n");
	fprintf(stderr, "-unsupported:\n"
	                "        look in unsupported kexts for symbols\n");
}

static int
plist_bool(plist_t d, const char *key)
{
	plist_t n = d ? plist_dict_get_item(d, key) : NULL;
	uint8_t v = 0;

	if (n != NULL && plist_get_node_type(n) == PLIST_BOOLEAN)
		plist_get_bool_val(n, &v);
	return v;
}

/* Library dictionary by identifier, from the response's Libraries array. */
static plist_t
find_lib(plist_t libs, const char *id)
{
	for (uint32_t i = 0; libs && i < plist_array_get_size(libs); i++) {
		plist_t l = plist_array_get_item(libs, i);
		const char *lid = kext_plist_string(l, "CFBundleIdentifier");
		if (lid != NULL && strcmp(lid, id) == 0)
			return l;
	}
	return NULL;
}

static const char *
lib_version(plist_t lib)
{
	const char *v = kext_plist_string(lib, flag_compat ? "OSBundleCompatibleVersion" : "CFBundleVersion");

	return v ? v : "";
}

/* A library's name in symbol listings: its bundle path, or its identifier for the KPI sets. */
static const char *
lib_name(plist_t lib, const char *id)
{
	const char *p = kext_plist_string(lib, kOSBundlePathKey);

	return p ? p : id;
}

static void
print_libs(plist_t libs)
{
	uint32_t n = libs ? plist_array_get_size(libs) : 0;

	if (flag_xml) {
		if (n) {
			printf("\t<key>OSBundleLibraries</key>\n");
			printf("\t<dict>\n");
		}
	} else {
		fprintf(stderr, "For all architectures:\n");
		if (!n)
			printf("    No libraries found.\n");
	}
	for (uint32_t i = 0; i < n; i++) {
		plist_t l = plist_array_get_item(libs, i);
		const char *id = kext_plist_string(l, "CFBundleIdentifier");
		if (id == NULL)
			continue;
		if (flag_xml) {
			printf("\t\t<key>%s</key>\n", id);
			printf("\t\t<string>%s</string>\n", lib_version(l));
		} else {
			printf("    %s = %s\n", id, lib_version(l));
		}
	}
	if (n && flag_xml)
		printf("\t</dict>\n");
	fflush(stdout);
	fprintf(stderr, "\n");
}

static int
print_problems(plist_t resp)
{
	plist_t libs = plist_dict_get_item(resp, kKextRequestResponseLibrariesKey);
	plist_t undef = plist_dict_get_item(resp, kKextRequestResponseUndefinedSymbolsKey);
	plist_t onedef = plist_dict_get_item(resp, kKextRequestResponseResolvedSymbolsKey);
	plist_t multdef = plist_dict_get_item(resp, kKextRequestResponseMultiplyDefinedKey);
	uint32_t nundef = undef ? plist_array_get_size(undef) : 0;
	uint32_t nonedef = onedef ? plist_dict_get_size(onedef) : 0;
	uint32_t nmult = multdef ? plist_dict_get_size(multdef) : 0;
	plist_dict_iter it = NULL;
	char *key;
	plist_t val;
	int result = EX_OK;

	if (!flag_onedef && !nundef && !nmult)
		return EX_OK;
	fprintf(stderr, "For x86_64:\n");
	if (flag_onedef) {
		fprintf(stderr, "    %u symbol%s found in one library kext each%s\n", nonedef,
		        nonedef > 1 ? "s" : "", nonedef ? ":" : ".");
		plist_dict_new_iter(onedef, &it);
		for (;;) {
			key = NULL;
			plist_dict_next_item(onedef, it, &key, &val);
			if (key == NULL)
				break;
			const char *id = plist_get_string_ptr(val, NULL);
			plist_t l = find_lib(libs, id);
			fprintf(stderr, "    %s in %s (%s%s)\n", key, lib_name(l, id),
			        flag_compat ? "compatible version " : "", lib_version(l));
			free(key);
		}
		free(it);
	}
	if (nundef) {
		fprintf(stderr, "    %u symbol%s not found in any library kext%s\n", nundef,
		        nundef > 1 ? "s" : "", flag_undef ? ":" : ".");
		for (uint32_t i = 0; flag_undef && i < nundef; i++)
			fprintf(stderr, "\t%s\n", plist_get_string_ptr(plist_array_get_item(undef, i), NULL));
		result = KEXTLIBS_EXIT_UNDEFINEDS;
	}
	if (nmult) {
		if (flag_multdef)
			fprintf(stderr, "    %u symbol%s found in more than one library kext:\n", nmult,
			        nmult > 1 ? "s" : "");
		else
			fprintf(stderr, "    Multiple symbols found among libraries:\n");
		it = NULL;
		plist_dict_new_iter(multdef, &it);
		for (;;) {
			key = NULL;
			plist_dict_next_item(multdef, it, &key, &val);
			if (key == NULL)
				break;
			if (flag_multdef)
				fprintf(stderr, "    %s: in\n", key);
			for (uint32_t i = 0; i < plist_array_get_size(val); i++) {
				const char *id = plist_get_string_ptr(plist_array_get_item(val, i), NULL);
				plist_t l = find_lib(libs, id);
				if (flag_multdef)
					fprintf(stderr, "        %s (%s%s)\n", lib_name(l, id),
					        flag_compat ? "compatible version " : "", lib_version(l));
				else
					fprintf(stderr, "\t%s\n", id);
			}
			free(key);
		}
		free(it);
		result = KEXTLIBS_EXIT_MULTIPLES;
	}
	fprintf(stderr, "\n");
	return result;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"help", no_argument, NULL, 'h'},
	        {"repository", required_argument, NULL, 'r'},
	        {"system-extensions", no_argument, NULL, 'e'},
	        {"compatible-versions", no_argument, NULL, 'c'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"verbose", no_argument, NULL, 'v'},
	        {"xml", no_argument, NULL, OPT_XML},
	        {"undef-symbols", no_argument, NULL, OPT_UNDEF},
	        {"onedef-symbols", no_argument, NULL, OPT_ONEDEF},
	        {"multdef-symbols", no_argument, NULL, OPT_MULTDEF},
	        {"all-symbols", no_argument, NULL, OPT_ALL},
	        {"unsupported", no_argument, NULL, OPT_UNSUPPORTED},
	        {"non-kpi", no_argument, NULL, OPT_NONKPI},
	        {NULL, 0, NULL, 0},
	};
	struct kext_reply r;
	plist_t req;
	char *kext;
	int c, err, result = EX_OK;
	struct stat st;

	tool_init(argv[0]);
	req = kext_request_create(kKextRequestPredicateFindLibraries);
	while ((c = getopt_long_only(argc, argv, "hr:ecqv", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(1);
			return EX_OK;
		case 'r': {
			char *abs = kext_absolute_path(optarg);
			if (abs == NULL || stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "%s: not a folder.\n", optarg);
				return EX_USAGE;
			}
			kext_request_append_string(req, kKextRequestArgumentRepositoryPathsKey, abs);
			free(abs);
			break;
		}
		case 'e':
			break; /* the kernel root's Extensions folder is always searched */
		case 'c':
			flag_compat = 1;
			break;
		case 'q':
			tool_verbosity = 0;
			break;
		case 'v':
			tool_take_verbose_level(argc, argv);
			break;
		case OPT_XML:
			flag_xml = 1;
			break;
		case OPT_UNDEF:
			flag_undef = 1;
			break;
		case OPT_ONEDEF:
			flag_onedef = 1;
			break;
		case OPT_MULTDEF:
			flag_multdef = 1;
			break;
		case OPT_ALL:
			flag_undef = flag_onedef = flag_multdef = 1;
			break;
		case OPT_UNSUPPORTED:
			flag_unsupported = 1;
			break;
		case OPT_NONKPI:
			fprintf(stderr,
			        "Notice: -non-kpi ignored; kexthost has no com.apple.kernel.* libraries.\n");
			break;
		default:
			usage(0);
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "No kext specified.");
		usage(0);
		return EX_USAGE;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "Too many arguments starting at '%s'.\n", argv[optind + 1]);
		usage(0);
		return EX_USAGE;
	}
	if (stat(argv[optind], &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: not a kext bundle (no such folder).\n", argv[optind]);
		return EX_NOINPUT;
	}
	kext = kext_absolute_path(argv[optind]);
	if (kext == NULL)
		return EX_OSERR;
	kext_request_set_string(req, kKextRequestArgumentBundlePathKey, kext);
	if (flag_unsupported)
		kext_request_set_bool(req, kKextRequestArgumentAllowUnsupportedKey, 1);

	offline_boot(NULL);
	err = kext_request_perform(req, offline_transport, NULL, &r);
	plist_free(req);
	if (err != 0 || r.status != 0) {
		fprintf(stderr, "Internal error talking to the in-process kernel.\n");
		return EX_OSERR;
	}
	if (tool_verbosity > 1)
		tool_print_log(stderr, r.log);
	if (r.result != kOSReturnSuccess || r.response == NULL ||
	    plist_get_node_type(r.response) != PLIST_DICT) {
		if (tool_verbosity <= 1)
			kext_print_messages(stderr, r.response);
		fprintf(stderr, "Can't open %s.\n", argv[optind]);
		kext_reply_free(&r);
		return EX_OSERR;
	}
	if (!plist_bool(r.response, "Has Executable")) {
		if (plist_bool(r.response, "Is Library")) {
			fprintf(stderr,
			        "%s is a library without an executable; defining its OSBundleLibraries (if "
			        "any) is up to you.\n",
			        argv[optind]);
			result = EX_OSERR;
		} else if (plist_bool(r.response, "Declares Libraries")) {
			fprintf(stderr, "%s has no executable and should not declare OSBundleLibraries.\n",
			        argv[optind]);
			result = EX_OSERR;
		} else {
			fprintf(stderr,
			        "%s has no executable and does not need to declare OSBundleLibraries.\n",
			        argv[optind]);
		}
		kext_reply_free(&r);
		return result;
	}
	print_libs(plist_dict_get_item(r.response, kKextRequestResponseLibrariesKey));
	result = print_problems(r.response);
	kext_reply_free(&r);
	free(kext);
	return result;
}
