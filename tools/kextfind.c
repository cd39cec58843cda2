/*
 * kextfind — find kexts by their properties (kextfind(8)), with a small
 * query language evaluated here over the repository the kernel core
 * reports ("Get Repository Kexts", offline: the core boots inside the tool).
 *
 *   kextfind [-i] [-s] [-f | -F] [folder ...] [query] [-report [-no-header] column ...]
 *
 * query   := or-expr;  or-expr := and-expr { (-or | -o) and-expr }
 * and-expr:= unary { [-and | -a] unary };  unary := (-not | !) unary | ( query ) | predicate
 * predicates: -bundle-id [-s] ID (-b), -library (-lib), -loaded, -valid (-v), -invalid (-nv),
 *             -executable (-x), -no-executable (-nx), -version [-eq|-ne|-lt|-le|-gt|-ge] V (-V),
 *             -defines-symbol SYM (-dsym), -references-symbol SYM (-rsym)
 * commands (always true): -print (-p: path), -print0, -bundle-name (print the bundle's name)
 * With no command in the query, matching kexts are printed (-print).
 * -report columns: -bundle-id, -bundle-name, -version, -path, -library, -loaded, -valid, -executable.
 * -loaded asks the running kernel when $KEXTHOST_SOCKET is set; offline nothing is loaded.
 *
 * Exit status: 0, 64 for a malformed query, 71 when the kexts can't be read.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "tools/kexttool.h"
#include "tools/offline.h"

static int opt_ci, opt_substring, opt_relative, opt_nopaths;
static const char **folders;
static int nfolders;
static plist_t loaded_info; /* from the running kernel, or NULL */

/* ---- query tree ------------------------------------------------------------------ */

enum node_kind { N_AND, N_OR, N_NOT, N_PRED, N_CMD };
enum pred {
	P_BUNDLE_ID,
	P_LIBRARY,
	P_LOADED,
	P_VALID,
	P_INVALID,
	P_EXEC,
	P_NOEXEC,
	P_VERSION,
	P_DEFSYM,
	P_REFSYM
};
enum cmd { C_PRINT, C_PRINT0, C_NAME };
enum vop { V_EQ, V_NE, V_LT, V_LE, V_GT, V_GE };

struct node {
	enum node_kind kind;
	int what; /* pred or cmd */
	int substring;
	enum vop op;
	const char *arg;
	struct node *a, *b;
};

static char **qargv;
static int qargc, qpos, have_command;

static struct node *
node_new(enum node_kind k)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		exit(EX_OSERR);
	n->kind = k;
	return n;
}

static void
query_error(const char *fmt, const char *arg)
{
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(EX_USAGE);
}

static const char *
take_arg(const char *pred)
{
	if (qpos >= qargc)
		query_error("%s requires an argument.", pred);
	return qargv[qpos++];
}

static struct node *parse_or(void);

static int
is(const char *s, const char *a, const char *b)
{
	return strcmp(s, a) == 0 || (b != NULL && strcmp(s, b) == 0);
}

static struct node *
parse_unary(void)
{
	const char *t;
	struct node *n;

	if (qpos >= qargc)
		query_error("%s", "Query ends where a predicate was expected.");
	t = qargv[qpos++];
	if (is(t, "-not", "!")) {
		n = node_new(N_NOT);
		n->a = parse_unary();
		return n;
	}
	if (strcmp(t, "(") == 0) {
		n = parse_or();
		if (qpos >= qargc || strcmp(qargv[qpos], ")") != 0)
			query_error("%s", "Missing ')' in query.");
		qpos++;
		return n;
	}
	n = node_new(N_PRED);
	if (is(t, "-bundle-id", "-b")) {
		n->what = P_BUNDLE_ID;
		if (qpos < qargc && is(qargv[qpos], "-substring", "-s")) {
			n->substring = 1;
			qpos++;
		}
		n->arg = take_arg(t);
	} else if (is(t, "-library", "-lib")) {
		n->what = P_LIBRARY;
	} else if (is(t, "-loaded", NULL)) {
		n->what = P_LOADED;
	} else if (is(t, "-valid", "-v")) {
		n->what = P_VALID;
	} else if (is(t, "-invalid", "-nv")) {
		n->what = P_INVALID;
	} else if (is(t, "-executable", "-x")) {
		n->what = P_EXEC;
	} else if (is(t, "-no-executable", "-nx")) {
		n->what = P_NOEXEC;
	} else if (is(t, "-version", "-V")) {
		static const char *const ops[] = {"-eq", "-ne", "-lt", "-le", "-gt", "-ge"};
		n->what = P_VERSION;
		n->op = V_EQ;
		for (unsigned int i = 0; qpos < qargc && i < 6; i++) {
			if (strcmp(qargv[qpos], ops[i]) == 0) {
				n->op = (enum vop)i;
				qpos++;
				break;
			}
		}
		n->arg = take_arg(t);
	} else if (is(t, "-defines-symbol", "-dsym")) {
		n->what = P_DEFSYM;
		n->arg = take_arg(t);
	} else if (is(t, "-references-symbol", "-rsym")) {
		n->what = P_REFSYM;
		n->arg = take_arg(t);
	} else if (is(t, "-print", "-p")) {
		n->kind = N_CMD;
		n->what = C_PRINT;
		have_command = 1;
	} else if (is(t, "-print0", NULL)) {
		n->kind = N_CMD;
		n->what = C_PRINT0;
		have_command = 1;
	} else if (is(t, "-bundle-name", "-B")) {
		n->kind = N_CMD;
		n->what = C_NAME;
		have_command = 1;
	} else {
		query_error("Unknown query predicate '%s'.", t);
	}
	return n;
}

static int
at_binary_end(void)
{
	return qpos >= qargc || strcmp(qargv[qpos], ")") == 0 || is(qargv[qpos], "-or", "-o");
}

static struct node *
parse_and(void)
{
	struct node *n = parse_unary();

	while (!at_binary_end()) {
		struct node *a = node_new(N_AND);
		if (is(qargv[qpos], "-and", "-a"))
			qpos++;
		a->a = n;
		a->b = parse_unary();
		n = a;
	}
	return n;
}

static struct node *
parse_or(void)
{
	struct node *n = parse_and();

	while (qpos < qargc && is(qargv[qpos], "-or", "-o")) {
		struct node *o = node_new(N_OR);
		qpos++;
		o->a = n;
		o->b = parse_and();
		n = o;
	}
	return n;
}

/* ---- versions (Apple's format, ordering 1.0d1 < 1.0a1 < 1.0b1 < 1.0fc1 < 1.0) ---------------------- */

static int
parse_version(const char *s, long long *out)
{
	long parts[3] = {0, 0, 0}, level = 0;
	int stage = 5, np = 0;

	while (np < 3) {
		char *end;
		long v;
		if (*s < '0' || *s > '9')
			return -1;
		v = strtol(s, &end, 10);
		if (v > 9999 || (np > 0 && v > 99))
			return -1;
		parts[np++] = v;
		s = end;
		if (*s != '.')
			break;
		s++;
	}
	if (*s != '\0') {
		if (strncmp(s, "fc", 2) == 0) {
			stage = 4;
			s += 2;
		} else if (*s == 'd' || *s == 'a' || *s == 'b' || *s == 'f') {
			stage = *s == 'd' ? 1 : *s == 'a' ? 2 : *s == 'b' ? 3 : 4;
			s++;
		} else {
			return -1;
		}
		if (*s < '0' || *s > '9')
			return -1;
		level = strtol(s, (char **)&s, 10);
		if (*s != '\0' || level > 255)
			return -1;
	}
	*out = ((((long long)parts[0] * 100 + parts[1]) * 100 + parts[2]) * 10 + stage) * 1000 + level;
	return 0;
}

/* ---- evaluation ------------------------------------------------------------------ */

static const char *
kext_path(plist_t k)
{
	const char *p = kext_plist_string(k, kOSBundlePathKey);

	return p ? p : "";
}

static const char *
display_path(plist_t k)
{
	const char *p = kext_path(k);

	if (opt_nopaths) {
		const char *slash = strrchr(p, '/');
		return slash ? slash + 1 : p;
	}
	if (opt_relative) {
		for (int i = 0; i < nfolders; i++) {
			size_t n = strlen(folders[i]);
			if (strncmp(p, folders[i], n) == 0 && p[n] == '/')
				return p + n + 1;
		}
		const char *slash = strrchr(p, '/');
		return slash ? slash + 1 : p;
	}
	return p;
}

static int
bool_key(plist_t k, const char *key)
{
	plist_t n = plist_dict_get_item(k, key);
	uint8_t v = 0;

	if (n != NULL && plist_get_node_type(n) == PLIST_BOOLEAN)
		plist_get_bool_val(n, &v);
	return v;
}

static int
is_loaded(plist_t k)
{
	const char *id = kext_plist_string(k, "CFBundleIdentifier");
	const char *vers = kext_plist_string(k, "CFBundleVersion");
	plist_t info;

	if (loaded_info == NULL)
		return bool_key(k, "OSBundleLoaded");
	info = id ? plist_dict_get_item(loaded_info, id) : NULL;
	if (info == NULL)
		return 0;
	const char *lv = kext_plist_string(info, "CFBundleVersion");
	return vers == NULL || lv == NULL || strcmp(vers, lv) == 0;
}

static int
has_symbol(plist_t k, const char *key, const char *sym)
{
	plist_t a = plist_dict_get_item(k, key);

	for (uint32_t i = 0;
	     a != NULL && plist_get_node_type(a) == PLIST_ARRAY && i < plist_array_get_size(a); i++) {
		const char *s = plist_get_string_ptr(plist_array_get_item(a, i), NULL);
		if (s != NULL && strcmp(s, sym) == 0)
			return 1;
	}
	return 0;
}

static int
string_match(const char *have, const char *want, int substring)
{
	if (have == NULL)
		return 0;
	if (substring || opt_substring)
		return opt_ci ? strcasestr(have, want) != NULL : strstr(have, want) != NULL;
	return opt_ci ? strcasecmp(have, want) == 0 : strcmp(have, want) == 0;
}

static int
eval(const struct node *n, plist_t k)
{
	switch (n->kind) {
	case N_AND:
		return eval(n->a, k) && eval(n->b, k);
	case N_OR:
		return eval(n->a, k) || eval(n->b, k);
	case N_NOT:
		return !eval(n->a, k);
	case N_CMD:
		if (n->what == C_PRINT)
			printf("%s\n", display_path(k));
		else if (n->what == C_PRINT0)
			printf("%s%c", display_path(k), 0);
		else {
			const char *p = strrchr(kext_path(k), '/');
			printf("%s\n", p ? p + 1 : kext_path(k));
		}
		return 1;
	case N_PRED:
		break;
	}
	switch ((enum pred)n->what) {
	case P_BUNDLE_ID:
		return string_match(kext_plist_string(k, "CFBundleIdentifier"), n->arg, n->substring);
	case P_LIBRARY:
		return kext_plist_string(k, "OSBundleCompatibleVersion") != NULL;
	case P_LOADED:
		return is_loaded(k);
	case P_VALID:
		return bool_key(k, "OSBundleIsValid");
	case P_INVALID:
		return !bool_key(k, "OSBundleIsValid");
	case P_EXEC:
		return kext_plist_string(k, "CFBundleExecutable") != NULL;
	case P_NOEXEC:
		return kext_plist_string(k, "CFBundleExecutable") == NULL;
	case P_VERSION: {
		long long have, want;
		const char *v = kext_plist_string(k, "CFBundleVersion");
		if (v == NULL || parse_version(v, &have) != 0 || parse_version(n->arg, &want) != 0)
			return 0;
		switch (n->op) {
		case V_EQ:
			return have == want;
		case V_NE:
			return have != want;
		case V_LT:
			return have < want;
		case V_LE:
			return have <= want;
		case V_GT:
			return have > want;
		case V_GE:
			return have >= want;
		}
		return 0;
	}
	case P_DEFSYM:
		return has_symbol(k, kKextRequestResponseDefinedSymbolsKey, n->arg);
	case P_REFSYM:
		return has_symbol(k, kKextRequestResponseUndefinedSymbolsKey, n->arg);
	}
	return 0;
}

static int
uses_symbols(const struct node *n)
{
	if (n == NULL)
		return 0;
	if (n->kind == N_PRED && (n->what == P_DEFSYM || n->what == P_REFSYM))
		return 1;
	return uses_symbols(n->a) || uses_symbols(n->b);
}

/* ---- report ------------------------------------------------------------------------ */

static const char *const report_columns[][2] = {
        {"-bundle-id", "CFBundleIdentifier"},
        {"-bundle-name", "Bundle Name"},
        {"-version", "CFBundleVersion"},
        {"-path", "Path"},
        {"-library", "Library"},
        {"-loaded", "Loaded"},
        {"-valid", "Valid"},
        {"-executable", "Executable"},
};

static int
report_column(const char *arg)
{
	for (unsigned int i = 0; i < sizeof(report_columns) / sizeof(report_columns[0]); i++)
		if (strcmp(report_columns[i][0], arg) == 0)
			return (int)i;
	return -1;
}

static void
report_row(plist_t k, const int *cols, int ncols)
{
	for (int i = 0; i < ncols; i++) {
		const char *v = "";
		const char *p;
		switch (cols[i]) {
		case 0:
			v = kext_plist_string(k, "CFBundleIdentifier");
			break;
		case 1:
			p = strrchr(kext_path(k), '/');
			v = p ? p + 1 : kext_path(k);
			break;
		case 2:
			v = kext_plist_string(k, "CFBundleVersion");
			break;
		case 3:
			v = display_path(k);
			break;
		case 4:
			v = kext_plist_string(k, "OSBundleCompatibleVersion") ? "yes" : "no";
			break;
		case 5:
			v = is_loaded(k) ? "yes" : "no";
			break;
		case 6:
			v = bool_key(k, "OSBundleIsValid") ? "yes" : "no";
			break;
		case 7:
			v = kext_plist_string(k, "CFBundleExecutable") ? "yes" : "no";
			break;
		}
		printf("%s%s", i ? "\t" : "", v ? v : "");
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	struct kext_reply r;
	struct node *query = NULL;
	plist_t req;
	int i = 1, report_at = -1, no_header = 0, cols[16], ncols = 0, err;
	struct stat st;

	tool_init(argv[0]);
	folders = calloc((size_t)argc, sizeof(*folders));
	if (folders == NULL)
		return EX_OSERR;
	/* Options, then folders, then the query. */
	for (; i < argc; i++) {
		if (is(argv[i], "-case-insensitive", "-i"))
			opt_ci = 1;
		else if (is(argv[i], "-substring", "-s"))
			opt_substring = 1;
		else if (is(argv[i], "-relative-paths", "-f"))
			opt_relative = 1;
		else if (is(argv[i], "-no-paths", "-F"))
			opt_nopaths = 1;
		else if (is(argv[i], "-system-extensions", "-e"))
			;
		else if (is(argv[i], "-quiet", "-q"))
			tool_verbosity = 0;
		else if (is(argv[i], "-help", "-h")) {
			fprintf(stderr,
			        "usage: %s [options] [directory ...] [query] [-report [-no-header] column "
			        "...]\n",
			        progname);
			return EX_OK;
		} else if (argv[i][0] != '-' && strcmp(argv[i], "!") != 0 && strcmp(argv[i], "(") != 0) {
			char *abs = kext_absolute_path(argv[i]);
			if (abs == NULL || stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "%s: no such directory.\n", argv[i]);
				return EX_USAGE;
			}
			folders[nfolders++] = abs;
		} else {
			break;
		}
	}
	for (int j = i; j < argc; j++) {
		if (strcmp(argv[j], "-report") == 0 || strcmp(argv[j], "-r") == 0) {
			report_at = j;
			break;
		}
	}
	qargv = argv + i;
	qargc = (report_at >= 0 ? report_at : argc) - i;
	qpos = 0;
	if (qargc > 0) {
		query = parse_or();
		if (qpos != qargc)
			query_error("Unexpected '%s' in query.", qargv[qpos]);
	}
	if (report_at >= 0) {
		for (int j = report_at + 1; j < argc; j++) {
			int c;
			if (strcmp(argv[j], "-no-header") == 0 || strcmp(argv[j], "-n") == 0) {
				no_header = 1;
				continue;
			}
			c = report_column(argv[j]);
			if (c < 0 || ncols >= 16)
				query_error("Unknown report column '%s'.", argv[j]);
			cols[ncols++] = c;
		}
		if (ncols == 0)
			query_error("%s", "-report needs at least one column.");
		have_command = 1;
	}

	/* The kexts: the repository (or the named folders) as the kernel core sees it. */
	offline_boot(nfolders > 0 ? folders[0] : NULL);
	req = kext_request_create(kKextRequestPredicateGetRepository);
	for (int j = 1; j < nfolders; j++)
		kext_request_append_string(req, kKextRequestArgumentRepositoryPathsKey, folders[j]);
	if (uses_symbols(query))
		kext_request_set_bool(req, kKextRequestArgumentIncludeSymbolsKey, 1);
	err = kext_request_perform(req, offline_transport, NULL, &r);
	plist_free(req);
	if (err != 0 || r.status != 0 || r.result != kOSReturnSuccess || r.response == NULL ||
	    plist_get_node_type(r.response) != PLIST_ARRAY) {
		fprintf(stderr, "Can't read kexts from the repository.\n");
		return EX_OSERR;
	}
	if (khrq_socket_path() != NULL) {
		struct kext_reply lr;
		plist_t lreq = kext_request_create(kKextRequestPredicateGetLoaded);
		if (kext_request_send(lreq, &lr) == 0) {
			if (lr.result == kOSReturnSuccess && lr.response != NULL) {
				loaded_info = lr.response;
				lr.response = NULL;
			}
			kext_reply_free(&lr);
		}
		plist_free(lreq);
	}
	if (report_at >= 0 && !no_header) {
		for (int j = 0; j < ncols; j++)
			printf("%s%s", j ? "\t" : "", report_columns[cols[j]][1]);
		printf("\n");
	}
	for (uint32_t j = 0; j < plist_array_get_size(r.response); j++) {
		plist_t k = plist_array_get_item(r.response, j);
		int match = query ? eval(query, k) : 1;
		if (!match)
			continue;
		if (report_at >= 0)
			report_row(k, cols, ncols);
		else if (!have_command)
			printf("%s\n", display_path(k));
	}
	kext_reply_free(&r);
	return EX_OK;
}
