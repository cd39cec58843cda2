/*
 * debug_report.c — the parts of a panic report that name code: one frame
 * (debug_format_frame), the "Kernel Extensions in backtrace:" block, the
 * loaded kexts, the kext load layout that `kexthost symbolicate` reads back,
 * and the panic log file under the kernel root.
 *
 * Under each kext in the backtrace, its libraries with an executable:
 *
 *                 dependency: <bundle-id>(<version>)[<UUID>]@0x<start>
 *
 * A frame inside a kext reads `<bundle-id> + 0x<offset>`, then, from the
 * kext's debug object (DWARF, kxld_image_debug_object) or else its symbol
 * table, ` (function + 0x<off>)` and ` file.c:line`. A frame in the kernel
 * executable reads `function + 0x<off> file.c:line` from the executable's
 * own DWARF (khost_symbolize_kernel). Nothing here blocks: the kext region
 * is only try-locked (walked unlocked during a panic), the kernel symbols
 * are only try-locked, so a report never waits on a lock the reporting
 * thread may already hold.
 *
 * The layout block, one kext per line then one line per section:
 *
 *     Kext load layout (kexthost symbolicate):
 *     <bundle-id>(<version>)[<UUID>]@0x<start>->0x<end>
 *     	<section name>	0x<address>	0x<size>
 *
 * Section lines are in the object's section order (kxld_image_sections),
 * so an offline tool can set each allocated section's sh_addr and read the
 * kext's DWARF as it was loaded.
 */
#include <sys/systm.h>
#include <kern/debug.h>
#include <libkern/libkern.h>
#include <mach/kmod.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "libkern/kxld/kxld.h"
#include "osfmk/kern/debug_internal.h"

#define REPORT_MAX_KEXTS 8
#define REPORT_MAX_DEPS 16 /* dependency lines under one kext */

static char panic_root[256];
static uint32_t panic_log_seq;

void
panic_set_root(const char *root)
{
	if (root != NULL)
		strlcpy(panic_root, root, sizeof(panic_root));
	else
		panic_root[0] = '\0';
}

/* ---- one frame ------------------------------------------------------------------ */

struct frame_ctx {
	uintptr_t pc;     /* what is printed */
	uintptr_t lookup; /* what is looked up (pc - 1 for a return address) */
	char *buf;
	size_t size, len;
	bool found;
	/* the kext symbol table's best guess */
	const char *best;
	uintptr_t best_addr;
};

static int
frame_sym_fn(void *ctx, const char *name, uintptr_t addr, size_t size, unsigned int flags)
{
	struct frame_ctx *fc = ctx;

	if (!(flags & KXLD_SYM_FUNCTION) || addr > fc->lookup)
		return 0;
	if (size != 0 && fc->lookup - addr >= size)
		return 0;
	if (fc->best == NULL || addr > fc->best_addr) {
		fc->best = name;
		fc->best_addr = addr;
	}
	return 0;
}

static void frame_append(struct frame_ctx *fc, const char *fmt, ...) __printflike(2, 3);

static void
frame_append(struct frame_ctx *fc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fc->len += (size_t)vscnprintf(fc->buf + fc->len, fc->size - fc->len, fmt, ap);
	va_end(ap);
}

static void
frame_append_symbol(struct frame_ctx *fc, const struct khost_symbol *s, int parens)
{
	uintptr_t off = s->func_offset + (fc->pc - fc->lookup);

	if (s->func[0] != '\0') {
		frame_append(fc, parens ? " (%s + 0x%lx)" : " %s + 0x%lx", s->func, (unsigned long)off);
	}
	if (s->file[0] != '\0' && s->line > 0) {
		frame_append(fc, " %s:%d", s->file, s->line);
	}
}

static int
frame_image_fn(void *ctx, struct kxld_image *img)
{
	struct frame_ctx *fc = ctx;
	uintptr_t base = kxld_image_address(img);
	struct khost_symbol sym;
	const void *obj = NULL;
	size_t objsize = 0;

	if (fc->lookup < base || fc->lookup - base >= kxld_image_size(img))
		return 0;
	fc->found = true;
	frame_append(fc, " %s + 0x%lx", kxld_image_kext_id(img), (unsigned long)(fc->pc - base));
	if (kxld_image_debug_object(img, &obj, &objsize) == 0 &&
	    khost_symbolize(obj, objsize, fc->lookup, &sym) == 0 && sym.func[0] != '\0') {
		frame_append_symbol(fc, &sym, 1);
		return 1;
	}
	kxld_image_symbols(img, frame_sym_fn, fc);
	if (fc->best != NULL) {
		frame_append(fc, " (%s + 0x%lx)", fc->best, (unsigned long)(fc->pc - fc->best_addr));
	}
	return 1;
}

static size_t
frame_format(uintptr_t pc, uintptr_t lookup, char *buf, size_t size)
{
	struct frame_ctx fc = {.pc = pc, .lookup = lookup, .buf = buf, .size = size};
	struct khost_symbol sym;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	frame_append(&fc, "0x%016lx", (unsigned long)pc);
	(void)kxld_images_apply_nowait(panic_active() != 0, frame_image_fn, &fc);
	if (!fc.found && khost_symbolize_kernel(lookup, &sym) == 0) {
		fc.pc = pc;
		frame_append_symbol(&fc, &sym, 0);
	}
	return fc.len;
}

size_t
debug_format_frame(uintptr_t pc, char *buf, size_t size)
{
	return frame_format(pc, pc, buf, size);
}

size_t
debug_format_return(uintptr_t ret, char *buf, size_t size)
{
	/* The call is the instruction before the return address: look that up. */
	return frame_format(ret, ret != 0 ? ret - 1 : 0, buf, size);
}

/* ---- kexts ---------------------------------------------------------------------- */

static size_t
kext_format_uuid(const uint8_t u[16], char *buf, size_t size)
{
	return (size_t)scnprintf(
	        buf, size, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", u[0], u[1],
	        u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static const char *
kext_version(struct kxld_image *img)
{
	const kmod_info_t *ki = (const kmod_info_t *)kxld_image_kmod_info(img);

	return ki != NULL ? ki->version : "?";
}

/* "<id>(<version>)[<UUID>]@0x<start>->0x<end>" */
static size_t
kext_format_line(struct kxld_image *img, char *buf, size_t size)
{
	uint8_t uuid[16];
	char ustr[40];
	uintptr_t start = kxld_image_address(img);

	kxld_image_uuid(img, uuid);
	kext_format_uuid(uuid, ustr, sizeof(ustr));
	return (size_t)scnprintf(buf, size, "%s(%s)[%s]@0x%lx->0x%lx", kxld_image_kext_id(img),
	                         kext_version(img), ustr, (unsigned long)start,
	                         (unsigned long)(start + kxld_image_size(img) - 1));
}

struct dep_find {
	const kmod_info_t *info;
	struct kxld_image *img;
};

static int
dep_find_fn(void *ctx, struct kxld_image *img)
{
	struct dep_find *f = ctx;

	if ((const kmod_info_t *)kxld_image_kmod_info(img) != f->info)
		return 0;
	f->img = img;
	return 1;
}

/*
 * One "dependency:" line per library the kext links against (its kmod_info's
 * reference list, which the loader fills), as XNU prints them under a kext in
 * the backtrace. A reference is followed only when it names the kmod_info of
 * a loaded image: a kext that scribbled over the list ends the scan with a
 * line, not with a fault inside the report.
 */
static size_t
kext_format_deps(struct kxld_image *img, char *buf, size_t size)
{
	const kmod_info_t *ki = (const kmod_info_t *)kxld_image_kmod_info(img);
	const kmod_reference_t *ref = ki != NULL ? ki->reference_list : NULL;
	size_t len = 0;

	for (unsigned n = 0; ref != NULL && n < REPORT_MAX_DEPS; ref = ref->next, n++) {
		struct dep_find f = {.info = ref->info};
		uint8_t uuid[16];
		char ustr[40];

		(void)kxld_images_apply_nowait(true, dep_find_fn, &f);
		if (f.img == NULL) {
			len += (size_t)scnprintf(
			        buf + len, size - len,
			        "            kmod dependency scan stopped: no loaded kext at %p\n",
			        (const void *)ref->info);
			break;
		}
		kxld_image_uuid(f.img, uuid);
		kext_format_uuid(uuid, ustr, sizeof(ustr));
		len += (size_t)scnprintf(buf + len, size - len, "            dependency: %s(%s)[%s]@0x%lx\n",
		                         kxld_image_kext_id(f.img), kext_version(f.img), ustr,
		                         (unsigned long)kxld_image_address(f.img));
	}
	return len;
}

struct bt_kexts {
	const uintptr_t *pcs;
	unsigned npcs;
	struct kxld_image *imgs[REPORT_MAX_KEXTS];
	unsigned n;
};

static int
bt_kexts_fn(void *ctx, struct kxld_image *img)
{
	struct bt_kexts *bk = ctx;
	uintptr_t base = kxld_image_address(img);

	for (unsigned i = 0; i < bk->npcs; i++) {
		if (bk->pcs[i] >= base && bk->pcs[i] - base < kxld_image_size(img)) {
			if (bk->n < REPORT_MAX_KEXTS)
				bk->imgs[bk->n++] = img;
			break;
		}
	}
	return 0;
}

size_t
panic_format_kexts_in_backtrace(char *buf, size_t size, const uintptr_t *pcs, unsigned n)
{
	struct bt_kexts bk = {.pcs = pcs, .npcs = n};
	size_t len = 0;

	(void)kxld_images_apply_nowait(true, bt_kexts_fn, &bk);
	if (bk.n == 0)
		return 0;
	len += (size_t)scnprintf(buf + len, size - len, "      Kernel Extensions in backtrace:\n");
	for (unsigned i = 0; i < bk.n; i++) {
		len += (size_t)scnprintf(buf + len, size - len, "         ");
		len += kext_format_line(bk.imgs[i], buf + len, size - len);
		len += (size_t)scnprintf(buf + len, size - len, "\n");
		len += kext_format_deps(bk.imgs[i], buf + len, size - len);
	}
	return len;
}

struct tail_ctx {
	char *buf;
	size_t size, len;
};

static int
loaded_fn(void *ctx, struct kxld_image *img)
{
	struct tail_ctx *tc = ctx;

	tc->len += (size_t)scnprintf(tc->buf + tc->len, tc->size - tc->len, "%s\t%s\n",
	                             kxld_image_kext_id(img), kext_version(img));
	return 0;
}

static int
layout_sect_fn(void *ctx, const char *name, uintptr_t addr, size_t size, int prot)
{
	struct tail_ctx *tc = ctx;

	(void)prot;
	tc->len += (size_t)scnprintf(tc->buf + tc->len, tc->size - tc->len, "\t%s\t0x%lx\t0x%lx\n", name,
	                             (unsigned long)addr, (unsigned long)size);
	return 0;
}

static int
layout_fn(void *ctx, struct kxld_image *img)
{
	struct tail_ctx *tc = ctx;

	tc->len += kext_format_line(img, tc->buf + tc->len, tc->size - tc->len);
	tc->len += (size_t)scnprintf(tc->buf + tc->len, tc->size - tc->len, "\n");
	kxld_image_sections(img, layout_sect_fn, tc);
	return 0;
}

size_t
panic_format_tail(char *buf, size_t size)
{
	struct tail_ctx tc = {.buf = buf, .size = size};
	const char *version = kernel_version_string();
	const char *bootargs = PE_boot_args();

	tc.len +=
	        (size_t)scnprintf(buf, size, "\nKernel version:\n%s\nBoot args: %s\n",
	                          version != NULL ? version : "(unknown)", bootargs != NULL ? bootargs : "");
	tc.len += (size_t)scnprintf(buf + tc.len, size - tc.len, "System uptime in nanoseconds: %llu\n",
	                            (unsigned long long)khost_uptime_ns());
	tc.len += (size_t)scnprintf(buf + tc.len, size - tc.len, "loaded kexts:\n");
	(void)kxld_images_apply_nowait(panic_active() != 0, loaded_fn, &tc);
	tc.len += (size_t)scnprintf(buf + tc.len, size - tc.len,
	                            "\nKext load layout (kexthost symbolicate):\n");
	(void)kxld_images_apply_nowait(panic_active() != 0, layout_fn, &tc);
	return tc.len;
}

/* ---- the panic log file ------------------------------------------------------------ */

/* Civil date from days since 1970-01-01 (UTC; the hosted kernel has no time zone). */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

size_t
panic_log_name(int64_t sec, unsigned seq, char *buf, size_t size)
{
	int y, mo, d;
	int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
	int64_t rem = sec - days * 86400;

	civil_from_days(days, &y, &mo, &d);
	if (seq == 0)
		return (size_t)scnprintf(buf, size, "Kernel-%04d-%02d-%02d-%02d%02d%02d.panic", y, mo, d,
		                         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return (size_t)scnprintf(buf, size, "Kernel-%04d-%02d-%02d-%02d%02d%02d-%u.panic", y, mo, d,
	                         (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), seq);
}

void
panic_write_log_file(const char *report, size_t len)
{
	static char path[512];
	struct khost_stat st;
	int64_t sec;
	int32_t nsec;
	size_t n;

	if (panic_root[0] == '\0')
		return;
	khost_calendar(&sec, &nsec);
	for (unsigned seq = __atomic_fetch_add(&panic_log_seq, 1, __ATOMIC_RELAXED); seq < 100; seq++) {
		n = (size_t)scnprintf(path, sizeof(path), "%s/Library/Logs/DiagnosticReports/", panic_root);
		panic_log_name(sec, seq, path + n, sizeof(path) - n);
		if (khost_stat(path, &st) != 0)
			break; /* a free name */
	}
	if (khost_file_write(path, report, len, 0644) == 0) {
		static const char saved[] = "panic log saved to ";
		khost_console_write(saved, sizeof(saved) - 1);
		khost_console_write(path, strnlen(path, sizeof(path)));
		khost_console_write("\n", 1);
	}
}
