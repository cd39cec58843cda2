/*
 * kextbuild — build a kext bundle from C sources in one command, as Xcode's
 * kext target does:
 *
 *   kextbuild -o Foo.kext --plist Info.plist [--start SYM --stop SYM] [--plist-cpp]
 *             [--resources DIR] [--cc CC] [-v] [CFLAGS...] SOURCES...
 *
 * 1. Compile each .c/.S source with the kernel environment's flags (only the
 *    SDK headers, freestanding, no builtins, no common symbols, no red zone,
 *    general registers only, no stack protector, -DKERNEL, and -g: DWARF for
 *    debuggers and backtraces) plus the caller's
 *    CFLAGS (-O2, -fno-pic, -DFOO, -Idir, ...). .o files are taken as they are.
 * 2. Read the Info.plist (XML or binary; with --plist-cpp it is run through
 *    the C preprocessor first, with the -D/-U/-I flags given, as Xcode's
 *    INFOPLIST_PREPROCESS does) for CFBundleIdentifier, CFBundleVersion and
 *    CFBundleExecutable.
 * 3. When the objects define no kmod_info (and --no-kmod-info is not given), generate one with
 *    KMOD_EXPLICIT_DECL(CFBundleIdentifier, CFBundleVersion, start, stop),
 *    start/stop being --start/--stop or none (MODULE_START/MODULE_STOP).
 * 4. Link everything with `ld -r --build-id` (the build id becomes the kext's
 *    UUID) into Contents/MacOS/<CFBundleExecutable>, write
 *    Contents/Info.plist, copy --resources into Contents/Resources, and
 *    replace the output bundle in one rename.
 *
 * The SDK is $KEXTHOST_SDK, else <this program>/../../sdk/Kernel (the build
 * tree; ../../../ for build/asan-style trees), else <this program>/../share/kexthost/sdk/Kernel. Every failure
 * names the file and the step; the exit status is 1 (64 for usage errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <plist/plist.h>

#define KB_MAX_ARGS 4096

static const char *prog = "kextbuild";
static int verbose;
/* The scratch folder, removed by die() too. */
static char tmp[PATH_MAX];

static void remove_tree(const char *path);

struct strv {
	char **v;
	int n, cap;
};

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (tmp[0] != '\0') {
		char t[PATH_MAX];
		memcpy(t, tmp, sizeof(t));
		tmp[0] = '\0'; /* no second attempt if removing fails */
		remove_tree(t);
	}
	exit(1);
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: %s -o Foo.kext --plist Info.plist [--start SYM --stop SYM] [--plist-cpp]\n"
	        "                 [--resources DIR] [--cc CC] [-v] [CFLAGS...] SOURCES...\n"
	        "\n"
	        "Builds a kext bundle: compiles SOURCES (.c, .S; .o taken as is) against the kernel SDK\n"
	        "with the kernel environment's flags, generates kmod_info from the Info.plist when the\n"
	        "sources have none, links with ld -r, and assembles Foo.kext/Contents/{Info.plist,MacOS/}.\n"
	        "\n"
	        "  -o PATH          the bundle to create (replaced if it exists)\n"
	        "  --plist FILE     the Info.plist (XML or binary)\n"
	        "  --plist-cpp      run the Info.plist through the C preprocessor first\n"
	        "  --start SYM      the kext's start function (kmod_start_func_t), when kextbuild\n"
	        "  --stop SYM       generates kmod_info; without them start/stop are none\n"
	        "  --resources DIR  copy DIR's contents into Contents/Resources\n"
	        "  --cc CC          compiler (default: $CC, else cc)\n"
	        "  --no-kmod-info   never generate kmod_info (to test the loader's diagnostics)\n"
	        "  -v               print the commands\n"
	        "Other arguments starting with '-' are compiler flags (-O2, -fno-pic, -DNAME, -Idir; -g is\n"
	        "the default, -g0 turns debug information off).\n"
	        "The SDK comes from $KEXTHOST_SDK or the kexthost tree this program belongs to.\n",
	        prog);
}

static void
push(struct strv *s, const char *v)
{
	if (s->n + 2 > s->cap) {
		int cap = s->cap ? s->cap * 2 : 32;
		char **nv = realloc(s->v, sizeof(*nv) * (size_t)cap);
		if (nv == NULL)
			die("out of memory");
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n] = strdup(v);
	if (s->v[s->n] == NULL)
		die("out of memory");
	s->n++;
	s->v[s->n] = NULL;
}

static void
pushv(struct strv *s, const struct strv *from)
{
	for (int i = 0; i < from->n; i++)
		push(s, from->v[i]);
}

/* Run argv; stdout to out_fd when >= 0. Returns the exit status (127 when it could not start). */
static int
run(char **argv, int out_fd)
{
	pid_t pid;
	int st;

	if (verbose) {
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (out_fd >= 0)
			dup2(out_fd, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: can't run %s: %s\n", prog, argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		die("%s: can't read: %s", path, strerror(errno));
	if (n > 16 * 1024 * 1024)
		die("%s: file too large", path);
	buf = malloc((size_t)n + 1);
	if (buf == NULL)
		die("out of memory");
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("%s: read error", path);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (write(fd, buf, len) != (ssize_t)len || close(fd) != 0)
		die("%s: write error", path);
	chmod(path, mode);
}

static void
mkdir_or_die(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
	chmod(path, 0755);
}

/* Path of the SDK's Kernel headers. */
static char *
find_sdk(void)
{
	const char *env = getenv("KEXTHOST_SDK");
	static const char *const rel[] = {"/../../sdk/Kernel", "/../../../sdk/Kernel",
	                                  "/../share/kexthost/sdk/Kernel"};
	char exe[PATH_MAX], path[PATH_MAX + 64];
	struct stat st;
	ssize_t n;

	if (env != NULL && *env != '\0') {
		if (stat(env, &st) != 0 || !S_ISDIR(st.st_mode))
			die("KEXTHOST_SDK=%s is not a folder", env);
		return strdup(env);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		for (unsigned int i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", exe, rel[i]);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				char *r = realpath(path, NULL);
				return r ? r : strdup(path);
			}
		}
	}
	die("can't find the kernel SDK (sdk/Kernel next to this program's build tree); set KEXTHOST_SDK");
	return NULL;
}

/* A string value from the plist dictionary or die naming the key. */
static const char *
plist_str(plist_t dict, const char *key, const char *plist_path, int required)
{
	plist_t n = plist_dict_get_item(dict, key);

	if (n == NULL) {
		if (required)
			die("%s: Info.plist has no %s", plist_path, key);
		return NULL;
	}
	if (plist_get_node_type(n) != PLIST_STRING)
		die("%s: %s must be a string", plist_path, key);
	return plist_get_string_ptr(n, NULL);
}

/* Characters KMOD_EXPLICIT_DECL can stringify, and that bundle identifiers use. */
static int
valid_identifier(const char *s)
{
	if (*s == '\0' || strlen(s) > 63)
		return 0;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '-' || *s == '_'))
			return 0;
	}
	return 1;
}

static int
valid_c_symbol(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	}
	return 1;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Whether the relocatable object defines the global symbol kmod_info (asks nm). */
static int
defines_kmod_info(const char *obj, const char *tmp)
{
	char out[PATH_MAX + 16], *buf, *line;
	size_t len;
	int fd, st, found = 0;
	char *argv[] = {"nm", "-P", "-g", "--defined-only", (char *)obj, NULL};

	snprintf(out, sizeof(out), "%s/nm.txt", tmp);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("%s: %s", out, strerror(errno));
	st = run(argv, fd);
	close(fd);
	if (st != 0)
		die("nm failed on %s", obj);
	buf = read_file(out, &len);
	for (line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (strncmp(line, "kmod_info ", 10) == 0)
			found = 1;
	}
	free(buf);
	return found;
}

static void
remove_tree(const char *path)
{
	char *argv[] = {"rm", "-rf", (char *)path, NULL};

	run(argv, -1);
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *plist_path = NULL, *start = NULL, *stop = NULL, *resources = NULL;
	const char *cc = getenv("CC");
	int plist_cpp = 0, no_kmod_info = 0;
	struct strv cflags = {0}, cppflags = {0}, srcs = {0}, objs = {0};
	char path[PATH_MAX * 2], *sdk, *plist_bytes;
	size_t plist_len;
	plist_t info = NULL;
	const char *bundle_id, *version, *exe_name;
	struct stat st;

	if (cc == NULL || *cc == '\0')
		cc = "cc";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
#define NEXT_ARG()                                                          \
	do {                                                                \
		if (i + 1 >= argc) {                                        \
			fprintf(stderr, "%s: %s needs a value\n", prog, a); \
			usage(stderr);                                      \
			return 64;                                          \
		}                                                           \
		i++;                                                        \
	} while (0)
		if (strcmp(a, "-o") == 0) {
			NEXT_ARG();
			out = argv[i];
		} else if (strcmp(a, "--plist") == 0) {
			NEXT_ARG();
			plist_path = argv[i];
		} else if (strcmp(a, "--start") == 0) {
			NEXT_ARG();
			start = argv[i];
		} else if (strcmp(a, "--stop") == 0) {
			NEXT_ARG();
			stop = argv[i];
		} else if (strcmp(a, "--resources") == 0) {
			NEXT_ARG();
			resources = argv[i];
		} else if (strcmp(a, "--cc") == 0) {
			NEXT_ARG();
			cc = argv[i];
		} else if (strcmp(a, "--plist-cpp") == 0) {
			plist_cpp = 1;
		} else if (strcmp(a, "--no-kmod-info") == 0) {
			no_kmod_info = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			verbose = 1;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "-I") == 0 || strcmp(a, "-D") == 0 || strcmp(a, "-U") == 0 ||
		           strcmp(a, "-include") == 0) {
			NEXT_ARG();
			push(&cflags, a);
			push(&cflags, argv[i]);
			if (a[1] != 'i') {
				push(&cppflags, a);
				push(&cppflags, argv[i]);
			}
		} else if (a[0] == '-') {
			push(&cflags, a);
			if (strncmp(a, "-D", 2) == 0 || strncmp(a, "-U", 2) == 0 || strncmp(a, "-I", 2) == 0)
				push(&cppflags, a);
		} else {
			push(&srcs, a);
		}
#undef NEXT_ARG
	}
	if (out == NULL || plist_path == NULL) {
		fprintf(stderr, "%s: -o and --plist are required\n", prog);
		usage(stderr);
		return 64;
	}
	if (!has_suffix(out, ".kext"))
		die("%s: the bundle's name must end in .kext", out);
	if ((start != NULL && !valid_c_symbol(start)) || (stop != NULL && !valid_c_symbol(stop)))
		die("--start/--stop need C function names");
	for (int i = 0; i < srcs.n; i++) {
		if (stat(srcs.v[i], &st) != 0)
			die("%s: %s", srcs.v[i], strerror(errno));
		if (!has_suffix(srcs.v[i], ".c") && !has_suffix(srcs.v[i], ".S") &&
		    !has_suffix(srcs.v[i], ".s") && !has_suffix(srcs.v[i], ".o"))
			die("%s: don't know how to build this (sources are .c, .S or .o)", srcs.v[i]);
	}
	sdk = find_sdk();

	snprintf(tmp, sizeof(tmp), "%s.kextbuild.XXXXXX", out);
	if (mkdtemp(tmp) == NULL)
		die("%s: can't create a temporary folder: %s", tmp, strerror(errno));

	/* The Info.plist, preprocessed if asked. */
	if (plist_cpp) {
		struct strv cpp = {0};
		int fd;
		snprintf(path, sizeof(path), "%s/Info.plist.cpp", tmp);
		push(&cpp, "cpp");
		push(&cpp, "-P");
		push(&cpp, "-traditional-cpp");
		push(&cpp, "-undef");
		push(&cpp, "-nostdinc");
		pushv(&cpp, &cppflags);
		push(&cpp, plist_path);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("%s: %s", path, strerror(errno));
		if (run(cpp.v, fd) != 0) {
			die("%s: the C preprocessor failed on the Info.plist", plist_path);
		}
		close(fd);
		plist_bytes = read_file(path, &plist_len);
	} else {
		plist_bytes = read_file(plist_path, &plist_len);
	}
	if (plist_len == 0 || plist_len > UINT32_MAX)
		die("%s: empty Info.plist", plist_path);
	plist_from_memory(plist_bytes, (uint32_t)plist_len, &info);
	if (info == NULL || plist_get_node_type(info) != PLIST_DICT) {
		die("%s: not a property list dictionary (XML or binary)%s", plist_path,
		    plist_cpp ? " after preprocessing" : "");
	}
	bundle_id = plist_str(info, "CFBundleIdentifier", plist_path, 1);
	version = plist_str(info, "CFBundleVersion", plist_path, 1);
	exe_name = plist_str(info, "CFBundleExecutable", plist_path, 0);
	if (!valid_identifier(bundle_id)) {
		die("%s: CFBundleIdentifier \"%s\" must be 1-63 characters of letters, digits, '.', '-', '_'",
		    plist_path, bundle_id);
	}
	if (strlen(version) > 63 || strchr(version, '"') != NULL || strchr(version, '\\') != NULL) {
		die("%s: CFBundleVersion \"%s\" can't go into kmod_info", plist_path, version);
	}
	if (srcs.n > 0 && exe_name == NULL) {
		die("%s: sources were given but the Info.plist has no CFBundleExecutable", plist_path);
	}
	if (exe_name != NULL &&
	    (strchr(exe_name, '/') != NULL || exe_name[0] == '\0' || exe_name[0] == '.')) {
		die("%s: CFBundleExecutable \"%s\" must be a plain file name", plist_path, exe_name);
	}
	if (exe_name != NULL && srcs.n == 0) {
		die("%s: the Info.plist names CFBundleExecutable \"%s\" but no sources were given",
		    plist_path, exe_name);
	}

	/* Compile. */
	for (int i = 0; i < srcs.n; i++) {
		struct strv cmd = {0};
		if (has_suffix(srcs.v[i], ".o")) {
			push(&objs, srcs.v[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%d.o", tmp, i);
		push(&cmd, cc);
		push(&cmd, "-nostdinc");
		push(&cmd, "-isystem");
		push(&cmd, sdk);
		push(&cmd, "-ffreestanding");
		push(&cmd, "-fno-builtin");
		push(&cmd, "-fno-common");
		push(&cmd, "-mno-red-zone");
		push(&cmd, "-mgeneral-regs-only");
		push(&cmd, "-fno-stack-protector");
		/* Probe every page of a large stack frame, so it faults in the guard page (a
		 * kernel stack overflow report) instead of writing past it into other memory. */
		push(&cmd, "-fstack-clash-protection");
		/* Frame pointers, as Apple's kernel ABI keeps them: panic backtraces walk them. */
		push(&cmd, "-fno-omit-frame-pointer");
		push(&cmd, "-DKERNEL");
		push(&cmd, "-DKEXTHOST");
		push(&cmd, "-Wall");
		/* Debug information by default, as Xcode's kexts carry (in their dSYM): the
		 * kext's debug object and gdb's view of it come from it. -g0 turns it off. */
		push(&cmd, "-g");
		pushv(&cmd, &cflags);
		push(&cmd, "-c");
		push(&cmd, srcs.v[i]);
		push(&cmd, "-o");
		push(&cmd, path);
		if (run(cmd.v, -1) != 0) {
			die("%s: compilation failed", srcs.v[i]);
		}
		push(&objs, path);
	}

	if (exe_name != NULL) {
		struct strv ld = {0};
		char combined[PATH_MAX + 32], final[PATH_MAX + 32];

		/* Join the objects first so kmod_info is looked for in all of them. */
		snprintf(combined, sizeof(combined), "%s/combined.o", tmp);
		push(&ld, "ld");
		push(&ld, "-r");
		push(&ld, "-o");
		push(&ld, combined);
		pushv(&ld, &objs);
		if (run(ld.v, -1) != 0) {
			die("ld -r failed");
		}
		snprintf(final, sizeof(final), "%s/%s", tmp, exe_name);
		if (!no_kmod_info && !defines_kmod_info(combined, tmp)) {
			/* As Xcode does with MODULE_NAME/MODULE_VERSION/MODULE_START/MODULE_STOP. */
			char src[PATH_MAX + 32], obj[PATH_MAX + 32], text[1024];
			struct strv cmd = {0};
			int n = snprintf(text, sizeof(text),
			                 "/* generated by kextbuild from %s */\n"
			                 "#include <mach/kmod.h>\n"
			                 "%s%s%s"
			                 "%s%s%s"
			                 "__attribute__((visibility(\"default\"))) KMOD_EXPLICIT_DECL(%s, "
			                 "\"%s\", %s, %s)\n",
			                 plist_path, start ? "extern kmod_start_func_t " : "",
			                 start ? start : "", start ? ";\n" : "",
			                 stop ? "extern kmod_stop_func_t " : "", stop ? stop : "",
			                 stop ? ";\n" : "", bundle_id, version, start ? start : "0",
			                 stop ? stop : "0");
			if (n < 0 || (size_t)n >= sizeof(text))
				die("kmod_info source too long");
			snprintf(src, sizeof(src), "%s/kmod_info.c", tmp);
			snprintf(obj, sizeof(obj), "%s/kmod_info.o", tmp);
			write_file(src, text, (size_t)n, 0644);
			push(&cmd, cc);
			push(&cmd, "-nostdinc");
			push(&cmd, "-isystem");
			push(&cmd, sdk);
			push(&cmd, "-ffreestanding");
			push(&cmd, "-fno-common");
			push(&cmd, "-DKERNEL");
			push(&cmd, "-c");
			push(&cmd, src);
			push(&cmd, "-o");
			push(&cmd, obj);
			if (run(cmd.v, -1) != 0) {
				die("can't compile the generated kmod_info");
			}
			push(&objs, obj);
		} else if (start != NULL || stop != NULL) {
			fprintf(stderr, "%s: warning: the sources define kmod_info; --start/--stop ignored\n",
			        prog);
		}
		/* The build id is the kext's UUID; fall back to kxld's content hash if ld can't make one. */
		{
			struct strv ld2 = {0};
			push(&ld2, "ld");
			push(&ld2, "-r");
			push(&ld2, "--build-id");
			push(&ld2, "-o");
			push(&ld2, final);
			pushv(&ld2, &objs);
			if (run(ld2.v, -1) != 0) {
				struct strv ld3 = {0};
				push(&ld3, "ld");
				push(&ld3, "-r");
				push(&ld3, "-o");
				push(&ld3, final);
				pushv(&ld3, &objs);
				if (run(ld3.v, -1) != 0) {
					die("ld -r failed");
				}
			}
		}
		chmod(final, 0644);
	}

	/* Assemble the bundle in the temporary folder, then move it into place. */
	{
		char bundle[PATH_MAX + 32], contents[PATH_MAX + 64], file[PATH_MAX * 2 + 64];
		snprintf(bundle, sizeof(bundle), "%s/bundle.kext", tmp);
		snprintf(contents, sizeof(contents), "%s/Contents", bundle);
		mkdir_or_die(bundle);
		mkdir_or_die(contents);
		snprintf(file, sizeof(file), "%s/Info.plist", contents);
		write_file(file, plist_bytes, plist_len, 0644);
		if (exe_name != NULL) {
			char macos[PATH_MAX + 96], from[PATH_MAX + 64];
			snprintf(macos, sizeof(macos), "%s/MacOS", contents);
			mkdir_or_die(macos);
			snprintf(from, sizeof(from), "%s/%s", tmp, exe_name);
			snprintf(file, sizeof(file), "%s/%s", macos, exe_name);
			if (rename(from, file) != 0)
				die("%s: %s", file, strerror(errno));
		}
		if (resources != NULL) {
			char res[PATH_MAX + 96], src[PATH_MAX + 8];
			struct strv cp = {0};
			if (stat(resources, &st) != 0 || !S_ISDIR(st.st_mode))
				die("%s: not a folder", resources);
			snprintf(res, sizeof(res), "%s/Resources", contents);
			mkdir_or_die(res);
			snprintf(src, sizeof(src), "%s/.", resources);
			push(&cp, "cp");
			push(&cp, "-R");
			push(&cp, src);
			push(&cp, res);
			if (run(cp.v, -1) != 0)
				die("%s: copying resources failed", resources);
			/* Nothing in a kext may be writable by group or other. */
			struct strv ch = {0};
			push(&ch, "chmod");
			push(&ch, "-R");
			push(&ch, "go-w");
			push(&ch, res);
			run(ch.v, -1);
		}
		if (lstat(out, &st) == 0)
			remove_tree(out);
		if (rename(bundle, out) != 0)
			die("%s: %s", out, strerror(errno));
	}
	remove_tree(tmp);
	tmp[0] = '\0';
	plist_free(info);
	if (verbose)
		fprintf(stderr, "%s: built %s (%s %s)\n", prog, out, bundle_id, version);
	return 0;
}
