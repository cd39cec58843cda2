/*
 * panics.c — saved panic reports, offline: `kexthost panics` lists them and
 * `kexthost symbolicate` re-symbolicates one (host code; the kernel need
 * not run).
 *
 * symbolicate reads the report's "Kext load layout" block (written by
 * osfmk/kern/debug_report.c):
 *
 *     <bundle-id>(<version>)[<UUID>]@0x<start>->0x<end>
 *     	<section>	0x<address>	0x<size>      (object order)
 *
 * finds each kext's bundle (a *.kext folder under <root>/Extensions, or a
 * --kext BUNDLE given on the command line, whose Info.plist has that
 * CFBundleIdentifier), copies its executable, sets each allocated section's
 * sh_addr to its recorded address (sections matched in order by name and
 * size) and looks the backtrace's addresses up in that relocated object's
 * DWARF (khost_symbolize). Addresses outside kexts are looked up in this
 * kexthost executable, which is right when it is the one that panicked.
 * Every other line of the report is printed unchanged.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <plist/plist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "host/khost.h"
#include "host/panics.h"

#define PX_MAX_KEXTS 32
#define PX_MAX_SECTS 64
#define PX_MAX_OBJECT (256u << 20)

struct px_sect {
	char name[64];
	uint64_t addr, size;
};

struct px_kext {
	char id[128];
	uint64_t start, end;
	struct px_sect sects[PX_MAX_SECTS];
	unsigned nsects;
	char *obj; /* relocated copy of the executable, or NULL */
	size_t objsize;
};

/* ---- reading files ---------------------------------------------------------- */

static char *
px_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	struct stat st;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size <= max) {
		buf = malloc((size_t)st.st_size + 1);
		if (buf != NULL && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
			buf[st.st_size] = '\0';
			*len = (size_t)st.st_size;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* ---- the layout block ---------------------------------------------------------- */

static unsigned
px_parse_layout(const char *report, struct px_kext *kexts)
{
	const char *p = strstr(report, "\nKext load layout (kexthost symbolicate):\n");
	unsigned n = 0;

	if (p == NULL)
		return 0;
	p = strchr(p + 1, '\n') + 1;
	while (*p != '\0' && *p != '\n') {
		const char *eol = strchr(p, '\n');
		size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		char line[512];

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (line[0] == '\t' && n > 0) {
			struct px_kext *k = &kexts[n - 1];
			struct px_sect *s = &k->sects[k->nsects];
			if (k->nsects < PX_MAX_SECTS && sscanf(line, "\t%63s\t0x%" SCNx64 "\t0x%" SCNx64,
			                                       s->name, &s->addr, &s->size) == 3)
				k->nsects++;
		} else if (line[0] != '\t' && n < PX_MAX_KEXTS) {
			struct px_kext *k = &kexts[n];
			char *paren = strchr(line, '(');
			char *at = strrchr(line, '@');
			memset(k, 0, sizeof(*k));
			if (paren != NULL && at != NULL && (size_t)(paren - line) < sizeof(k->id) &&
			    sscanf(at, "@0x%" SCNx64 "->0x%" SCNx64, &k->start, &k->end) == 2) {
				memcpy(k->id, line, (size_t)(paren - line));
				n++;
			}
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return n;
}

/* ---- finding and relocating a kext's object ------------------------------------ */

/* Contents/MacOS/<CFBundleExecutable> of the bundle if its identifier is `id`. */
static int
px_bundle_executable(const char *bundle, const char *id, char *exe, size_t size)
{
	char path[PATH_MAX + 512];
	size_t len;
	char *xml;
	plist_t dict = NULL;
	int found = 0;

	snprintf(path, sizeof(path), "%s/Contents/Info.plist", bundle);
	xml = px_read_file(path, 1u << 20, &len);
	if (xml == NULL)
		return 0;
	plist_from_memory(xml, (uint32_t)len, &dict);
	free(xml);
	if (dict != NULL && plist_get_node_type(dict) == PLIST_DICT) {
		plist_t bid = plist_dict_get_item(dict, "CFBundleIdentifier");
		plist_t bexe = plist_dict_get_item(dict, "CFBundleExecutable");
		char *s = NULL, *e = NULL;
		if (bid != NULL && plist_get_node_type(bid) == PLIST_STRING)
			plist_get_string_val(bid, &s);
		if (bexe != NULL && plist_get_node_type(bexe) == PLIST_STRING)
			plist_get_string_val(bexe, &e);
		if (s != NULL && e != NULL && strcmp(s, id) == 0 && strchr(e, '/') == NULL) {
			snprintf(exe, size, "%s/Contents/MacOS/%s", bundle, e);
			found = 1;
		}
		free(s);
		free(e);
	}
	plist_free(dict);
	return found;
}

static int
px_find_executable(const char *root, const char *const *extra, unsigned nextra, const char *id, char *exe,
                   size_t size)
{
	char dir[PATH_MAX], bundle[PATH_MAX + 256];
	struct dirent *de;
	DIR *d;
	int found = 0;

	for (unsigned i = 0; i < nextra; i++)
		if (px_bundle_executable(extra[i], id, exe, size))
			return 1;
	snprintf(dir, sizeof(dir), "%s/Extensions", root);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".kext") != 0)
			continue;
		snprintf(bundle, sizeof(bundle), "%s/%s", dir, de->d_name);
		found = px_bundle_executable(bundle, id, exe, size);
	}
	closedir(d);
	return found;
}

/*
 * Set the allocated sections' sh_addr from the layout: the layout lists the
 * loaded sections in object order, so walk both in step, by name and size.
 * 0, or -1 for an object that is not a well-formed ELF64 relocatable object.
 */
static int
px_relocate(char *obj, size_t size, const struct px_kext *k)
{
	Elf64_Ehdr eh;
	unsigned j = 0;

	if (size < sizeof(eh))
		return -1;
	memcpy(&eh, obj, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_REL || eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > size ||
	    (size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum || eh.e_shstrndx >= eh.e_shnum)
		return -1;
	Elf64_Shdr strsh;
	memcpy(&strsh, obj + eh.e_shoff + (size_t)eh.e_shstrndx * sizeof(Elf64_Shdr), sizeof(strsh));
	if (strsh.sh_offset > size || strsh.sh_size > size - strsh.sh_offset)
		return -1;
	for (unsigned i = 1; i < eh.e_shnum && j < k->nsects; i++) {
		Elf64_Shdr sh;
		char *at = obj + eh.e_shoff + (size_t)i * sizeof(Elf64_Shdr);
		memcpy(&sh, at, sizeof(sh));
		if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_name >= strsh.sh_size)
			continue;
		const char *name = obj + strsh.sh_offset + sh.sh_name;
		size_t maxlen = strsh.sh_size - sh.sh_name;
		if (strnlen(name, maxlen) == maxlen)
			continue;
		if (strcmp(name, k->sects[j].name) == 0 && sh.sh_size == k->sects[j].size) {
			sh.sh_addr = k->sects[j].addr;
			memcpy(at, &sh, sizeof(sh));
			j++;
		}
	}
	return 0;
}

static void
px_load_kext(const char *root, const char *const *extra, unsigned nextra, struct px_kext *k)
{
	char exe[PATH_MAX];

	if (!px_find_executable(root, extra, nextra, k->id, exe, sizeof(exe))) {
		fprintf(stderr,
		        "kexthost: symbolicate: no bundle for %s under %s/Extensions (use --kext BUNDLE)\n",
		        k->id, root);
		return;
	}
	k->obj = px_read_file(exe, PX_MAX_OBJECT, &k->objsize);
	if (k->obj != NULL && px_relocate(k->obj, k->objsize, k) != 0) {
		fprintf(stderr, "kexthost: symbolicate: %s is not an ELF relocatable object\n", exe);
		free(k->obj);
		k->obj = NULL;
	}
}

/* ---- rewriting the backtrace ---------------------------------------------------- */

static void
px_print_symbol(FILE *out, const struct khost_symbol *s, uint64_t pc, uint64_t lookup, int parens)
{
	uint64_t off = s->func_offset + (pc - lookup);

	if (s->func[0] != '\0')
		fprintf(out, parens ? " (%s + 0x%" PRIx64 ")" : " %s + 0x%" PRIx64, s->func, off);
	if (s->file[0] != '\0' && s->line > 0)
		fprintf(out, " %s:%d", s->file, s->line);
}

static void
px_frame(FILE *out, uint64_t fp, uint64_t pc, int exact, struct px_kext *kexts, unsigned nkexts)
{
	uint64_t lookup = exact || pc == 0 ? pc : pc - 1;
	struct khost_symbol s;

	fprintf(out, "0x%016" PRIx64 " : 0x%016" PRIx64, fp, pc);
	for (unsigned i = 0; i < nkexts; i++) {
		struct px_kext *k = &kexts[i];
		if (lookup < k->start || lookup > k->end)
			continue;
		fprintf(out, " %s + 0x%" PRIx64, k->id, pc - k->start);
		if (k->obj != NULL && khost_symbolize(k->obj, k->objsize, lookup, &s) == 0)
			px_print_symbol(out, &s, pc, lookup, 1);
		fprintf(out, "\n");
		return;
	}
	if (khost_symbolize_kernel(lookup, &s) == 0)
		px_print_symbol(out, &s, pc, lookup, 0);
	fprintf(out, "\n");
}

int
panics_symbolicate(const char *report_path, const char *root, const char *const *extra, unsigned nextra,
                   FILE *out)
{
	static struct px_kext kexts[PX_MAX_KEXTS];
	size_t len = 0;
	char *report = px_read_file(report_path, 4u << 20, &len);
	unsigned nkexts, frame = 0;
	int in_bt = 0, trap;
	char *p;

	if (report == NULL) {
		fprintf(stderr, "kexthost: symbolicate: cannot read %s: %s\n", report_path, strerror(errno));
		return 1;
	}
	if (strncmp(report, "panic(", 6) != 0) {
		fprintf(stderr, "kexthost: symbolicate: %s is not a panic report\n", report_path);
		free(report);
		return 1;
	}
	trap = strstr(report, "Kernel trap at 0x") != NULL || strstr(report, "Double fault at 0x") != NULL ||
	       strstr(report, "Kernel signal ") != NULL;
	nkexts = px_parse_layout(report, kexts);
	for (unsigned i = 0; i < nkexts; i++)
		px_load_kext(root, extra, nextra, &kexts[i]);
	for (p = report; *p != '\0';) {
		char *eol = strchr(p, '\n');
		uint64_t fp, pc;
		if (eol != NULL)
			*eol = '\0';
		if (strncmp(p, "Backtrace (CPU ", 15) == 0) {
			in_bt = 1;
		} else if (in_bt && sscanf(p, "0x%" SCNx64 " : 0x%" SCNx64, &fp, &pc) == 2) {
			px_frame(out, fp, pc, trap && frame == 0, kexts, nkexts);
			frame++;
			p = eol != NULL ? eol + 1 : p + strlen(p);
			continue;
		} else {
			in_bt = 0;
		}
		fprintf(out, "%s\n", p);
		p = eol != NULL ? eol + 1 : p + strlen(p);
	}
	for (unsigned i = 0; i < nkexts; i++)
		free(kexts[i].obj);
	free(report);
	return 0;
}

/* ---- listing -------------------------------------------------------------------- */

static int
px_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
panics_list(const char *root, FILE *out)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/Library/Logs/DiagnosticReports", root);
	d = opendir(dir);
	if (d == NULL) {
		fprintf(out, "No panic reports in %s\n", dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (strncmp(de->d_name, "Kernel-", 7) != 0 || l < 7 ||
		    strcmp(de->d_name + l - 6, ".panic") != 0)
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));
			if (nn == NULL)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	if (n == 0)
		fprintf(out, "No panic reports in %s\n", dir);
	else
		qsort(names, n, sizeof(*names), px_name_cmp);
	for (size_t i = 0; i < n; i++) {
		char first[256] = "";
		int y, mo, dd, hh, mi, ss;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(path, "r");
		if (f != NULL) {
			if (fgets(first, sizeof(first), f) == NULL)
				first[0] = '\0';
			fclose(f);
		}
		first[strcspn(first, "\n")] = '\0';
		if (sscanf(names[i], "Kernel-%4d-%2d-%2d-%2d%2d%2d", &y, &mo, &dd, &hh, &mi, &ss) == 6)
			fprintf(out, "%04d-%02d-%02d %02d:%02d:%02d  %s\n    %s\n", y, mo, dd, hh, mi, ss,
			        first, path);
		else
			fprintf(out, "%s\n    %s\n", first, path);
		free(names[i]);
	}
	free(names);
	return 0;
}
