/*
 * kxld_internal.h — what the files of the kext linker share: the parsed
 * object (sections and symbols read through libelf), the image, the
 * diagnostics helper, the kext region allocator, the import bindings, and
 * the interface to the one architecture-specific file (kxld_x86_64.c).
 *
 * Internal names use the prefix kxld_ (files) and struct kxld_*; nothing here
 * is visible to kexts.
 */
#ifndef _LIBKERN_KXLD_KXLD_INTERNAL_H_
#define _LIBKERN_KXLD_KXLD_INTERNAL_H_

#include <sys/types.h>
#include <sys/errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <libelf.h>
#include <gelf.h>
#include "libkern/kxld/kxld.h"

/* ---- diagnostics ------------------------------------------------------------ */

struct kxld_diag {
	const char *kext_id;
	OSArray *list; /* may be NULL */
	unsigned int count;
};

/* Append "kxld[<id>]: <message>" to the list and the kernel log. */
void kxld_log(struct kxld_diag *d, const char *fmt, ...) __printflike(2, 3);

/* kxld's own wording (XNU kxld_util.h), adapted from Mach-O to ELF. */
#define KXLD_MSG_TRUNCATED "The ELF file has been truncated. Make sure the ELF header structures are correct."
#define KXLD_MSG_MALFORMED "The ELF file is malformed: "
#define KXLD_MSG_NO_KMOD_INFO "The kext is missing its kmod_info structure."
#define KXLD_MSG_OVERFLOW                                                                                 \
	"A relocation entry has overflowed. The kext may be too far from one of its dependencies. Check " \
	"your kext's load address."
#define KXLD_MSG_UNRESOLVED "The following symbols are unresolved for this kext:"
#define KXLD_MSG_DUPLICATE "The following symbols were defined more than once:"
#define KXLD_MSG_COMMON                                                                                   \
	"Common symbols are not supported in kernel extensions. Use -fno-common to build your kext. The " \
	"following are common symbols:"
#define KXLD_MSG_WEAK_UNTESTED                                                                     \
	"This kext has weak references but does not test for them. Test for weak references with " \
	"OSKextSymbolIsResolved(). (found in <libkern/OSKextLib.h>)"
#define KXLD_MSG_TLS \
	"Kernel code has no thread-local storage (build the kext without __thread or _Thread_local)."
#define KXLD_MSG_TLS_SYMS KXLD_MSG_TLS " The following symbols are thread-local:"

#define KXLD_WEAK_TEST_SYMBOL "gOSKextUnresolved"
#define KXLD_KMOD_INFO_SYMBOL "kmod_info"
#define KXLD_GOT_SYMBOL "_GLOBAL_OFFSET_TABLE_"
#define KXLD_OSMETACLASS_SECTION "osmetaclass"

/* ---- scratch memory for one link (kxld_util.c) ------------------------------------- */

struct kxld_scratch;
struct kxld_scratch *kxld_scratch_get(void); /* may return NULL: the calls below then use kalloc */
void kxld_scratch_put(struct kxld_scratch *s);
void *kxld_scratch_zalloc(struct kxld_scratch *s, size_t n); /* zeroed */
void kxld_scratch_free(struct kxld_scratch *s, void *p, size_t n);

/* ---- the parsed object ------------------------------------------------------- */

/* Where a section goes. Segments are laid out in this order, each page-aligned. */
enum kxld_segkind {
	KXLD_SEG_NONE = -1, /* not loaded (debug info, notes, .eh_frame, discarded COMDAT) */
	KXLD_SEG_TEXT = 0,  /* RX: code, far-call stubs, import trampolines */
	KXLD_SEG_RODATA,    /* R */
	KXLD_SEG_DATA,      /* RW: data, init/fini arrays, GOT, then bss */
	KXLD_SEG_COUNT,
};

struct kxld_sect {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t size;
	uint64_t align;
	uint32_t link, info;
	const uint8_t *data; /* contents in the object; NULL for SHT_NOBITS */
	int seg;             /* enum kxld_segkind */
	uintptr_t addr;      /* load address once laid out */
	uint8_t *write;      /* where the linker writes it (== addr: the region is mapped once) */
};

/* Symbol state after resolution. */
#define KXLD_SYMF_RESOLVED 0x01 /* addr is valid */
#define KXLD_SYMF_UNDEF 0x02    /* imported */
#define KXLD_SYMF_NEED_GOT 0x04
#define KXLD_SYMF_NEED_STUB 0x08
#define KXLD_SYMF_BOUND 0x10    /* import redirected to a per-image trampoline */
#define KXLD_SYMF_UNLOADED 0x20 /* defined in a section that is not loaded */

struct kxld_sym {
	const char *name; /* "" for unnamed */
	uint64_t value;
	uint64_t size;
	uint32_t shndx; /* resolved through SHT_SYMTAB_SHNDX when SHN_XINDEX */
	uint8_t bind, type, vis;
	uint8_t flags;
	uintptr_t addr;   /* final address (S) */
	uintptr_t target; /* for bound imports: what the trampoline calls */
	uint32_t got;     /* GOT slot index + 1, or 0 */
	uint32_t stub;    /* far-call stub index + 1, or 0 */
	int binding;      /* kxld_bindings index for bound imports, else -1 */
};

struct kxld_object {
	struct kxld_diag *diag;
	struct kxld_scratch *tmp; /* the tables below live here */
	Elf *elf;
	const uint8_t *bytes;
	size_t size;
	size_t nsects;
	struct kxld_sect *sects;
	size_t nsyms;
	struct kxld_sym *syms;
	size_t symtab; /* section index of SHT_SYMTAB (0: none) */
	const char *strtab;
	size_t strtab_size;
	const uint8_t *build_id; /* .note.gnu.build-id descriptor, or NULL */
	size_t build_id_len;
};

/* Parse and validate (header, sections, symbols; no relocations). 0 or ENOEXEC/ENOMEM. */
int kxld_object_open(struct kxld_object *o, const void *bytes, size_t size, struct kxld_diag *d);
void kxld_object_close(struct kxld_object *o);
/* Relocation entries of SHT_RELA section `i` (validated count). 0 or ENOEXEC. */
int kxld_object_relocs(struct kxld_object *o, size_t i, const Elf64_Rela **rela, size_t *count);
void kxld_object_compute_uuid(const struct kxld_object *o, uint8_t uuid[16]);

/* ---- the image ---------------------------------------------------------------- */

#define KXLD_SYM_WEAKDEF 0x100 /* internal: a weak definition (never reported to callers) */

struct kxld_isym {
	uint32_t name;  /* offset in image->strtab */
	uint32_t flags; /* KXLD_SYM_* */
	uint32_t hash;  /* of the name, for the export table */
	uintptr_t addr;
	uint64_t size;
};

struct kxld_isect {
	uint32_t name; /* offset in image->strtab */
	int prot;
	uintptr_t addr;
	uint64_t size;
};

/* One entry of GDB's JIT list (struct jit_code_entry in the gdb manual: this layout exactly). */
struct kxld_jit_entry {
	struct kxld_jit_entry *next_entry;
	struct kxld_jit_entry *prev_entry;
	const void *symfile_addr;
	uint64_t symfile_size;
};

struct kxld_image {
	struct kxld_image *next; /* region's list of images (under the region lock) */
	uint8_t *debug_obj;      /* kxld_debug.c; NULL when none was built */
	size_t debug_size;
	struct kxld_jit_entry jit; /* registered while debug_obj is set */
	char *kext_id;
	size_t kext_id_size;
	uintptr_t base;
	size_t size;
	uintptr_t seg_addr[KXLD_SEG_COUNT];
	size_t seg_size[KXLD_SEG_COUNT]; /* page-rounded */
	uintptr_t kmod_info;
	uintptr_t metaclass_start, metaclass_end;
	uintptr_t init_array, fini_array;
	size_t ninit, nfini;
	uint8_t uuid[16];
	char *strtab; /* names of symbols and sections */
	size_t strtab_size;
	struct kxld_isym *syms;
	uint32_t nsyms;
	uint32_t *hash; /* open addressing over syms (exported only); index + 1, 0 = empty */
	uint32_t hash_size;
	struct kxld_isect *sects;
	uint32_t nsects;
};

/* Sizes and offsets of an image's tables in its linkedit area (kxld_image_plan). */
struct kxld_linkedit_plan {
	uint32_t nsyms, nglobal, hash_size, nsects;
	size_t strtab_size;
	size_t off_syms, off_hash, off_sects, off_strtab, off_id, total;
};
void kxld_image_plan(const struct kxld_object *o, const char *kext_id, struct kxld_linkedit_plan *plan);

/* What the linker hands to kxld_image_build() once the object is mapped and relocated. */
struct kxld_linker_view {
	const struct kxld_link_params *p;
	struct kxld_diag *diag;
	struct kxld_object *obj;
	uintptr_t base;
	size_t size;
	uintptr_t seg_addr[KXLD_SEG_COUNT];
	size_t seg_size[KXLD_SEG_COUNT];
	const struct kxld_linkedit_plan *plan;
	uintptr_t linkedit; /* zero-filled, plan->total bytes */
	uintptr_t init_addr, fini_addr, meta_addr, stubs_addr, got_addr;
	size_t init_size, fini_size, meta_size, stubs_size, got_size;
};
/* Build the image record (symbols, exports, duplicates check, kmod_info, UUID). 0, EEXIST or ENOMEM. */
int kxld_image_build(const struct kxld_linker_view *v, struct kxld_image **out);

/* ---- the debug object and GDB's JIT interface (kxld_debug.c) ---------------------- */

/*
 * A copy of the object with loaded sections' sh_addr set to their addresses
 * and .rela.debug_* applied, from a laid-out object whose section and symbol
 * addresses are final. slim: without the loaded sections' bytes and their
 * relocations (the in-memory object debuggers get; the code is in memory),
 * else every byte of the file (symbol files). kalloc'd; free with
 * kxld_debug_free. 0 or ENOMEM.
 */
int kxld_debug_build(struct kxld_object *o, struct kxld_diag *d, bool slim, uint8_t **out, size_t *size);
void kxld_debug_free(uint8_t *obj, size_t size);
int kxld_jit_init(void); /* once, from kxld_init */
/* Add an object to / remove it from the debugger's list (the entry lives with the image). */
void kxld_jit_register(struct kxld_jit_entry *e, const void *obj, size_t size);
void kxld_jit_unregister(struct kxld_jit_entry *e);

/* ---- the kext region ------------------------------------------------------------ */

/*
 * Allocate `size` bytes (page multiple) aligned to `align` (power of two >=
 * page), accessible RW. *dirty: the pages hold an earlier image's bytes
 * (zero what you do not overwrite); otherwise they are zero-filled.
 */
int kxld_region_alloc(size_t size, size_t align, uintptr_t *out, bool *dirty);
void kxld_region_free(uintptr_t addr, size_t size);
/* Bounds of the region (after kxld_init). */
void kxld_region_bounds(uintptr_t *lo, uintptr_t *hi);
void kxld_region_add_image(struct kxld_image *img);
void kxld_region_remove_image(struct kxld_image *img);

/* ---- import bindings (kxld_bind.c) ---------------------------------------------- */

struct kxld_binding {
	const char *import;  /* the name a kext imports */
	uintptr_t target;    /* what the trampoline calls */
	unsigned int argpos; /* 0-based argument position of the extra pointer */
};
/* The binding for an import name, or -1. */
int kxld_binding_find(const char *name);
const struct kxld_binding *kxld_binding_get(int index);

/* ---- the architecture (kxld_x86_64.c) -------------------------------------------- */

/* What a relocation type needs before layout. */
#define KXLD_RNEED_GOT 0x1     /* a GOT slot for the symbol */
#define KXLD_RNEED_BRANCH 0x2  /* a PC-relative branch: a stub if the target is far */
#define KXLD_RNEED_GOTBASE 0x4 /* the GOT base address (GOTPC*, GOTOFF*) */
#define KXLD_RNEED_SIZE 0x8    /* the symbol's size (SIZE32/64) */

struct kxld_rinfo {
	const char *name;   /* R_X86_64_... */
	unsigned int width; /* bytes written at r_offset */
	unsigned int needs; /* KXLD_RNEED_* */
	bool tls;
	bool supported;
};

/* The architecture's table of relocation types, indexed by type (entries without a name are unknown). */
extern const struct kxld_rinfo kxld_arch_relocs[];
extern const uint32_t kxld_arch_nrelocs;

/* Describe a relocation type; NULL / false for a type this architecture does not know. */
static inline const struct kxld_rinfo *
kxld_arch_reloc_lookup(uint32_t type)
{
	if (type >= kxld_arch_nrelocs || kxld_arch_relocs[type].name == NULL)
		return NULL;
	return &kxld_arch_relocs[type];
}
bool kxld_arch_reloc_info(uint32_t type, struct kxld_rinfo *ri);
bool kxld_arch_machine_ok(unsigned int e_machine);

struct kxld_rval {
	uintptr_t S;         /* symbol address */
	int64_t A;           /* addend */
	uintptr_t P;         /* place address */
	uintptr_t L;         /* branch target: S, or the symbol's stub when S is out of reach */
	uintptr_t G;         /* address of the symbol's GOT slot */
	uintptr_t GOT;       /* GOT base */
	uint64_t Z;          /* symbol size */
	unsigned int before; /* bytes of the section before the place (at most 2), for opcode checks */
};
/* Compute and store one relocation at `place`. 0, or ERANGE when the value does not fit. */
int kxld_arch_reloc_apply(uint32_t type, uint8_t *place, const struct kxld_rval *v);
/* Can a 32-bit PC-relative reference from anywhere in [lo, hi) reach target? */
bool kxld_arch_reach32(uintptr_t lo, uintptr_t hi, uintptr_t target);

#define KXLD_STUB_SIZE 16
#define KXLD_TRAMPOLINE_SIZE 32
/* An indirect jump to target (far-call stub). */
void kxld_arch_write_stub(uint8_t *at, uintptr_t target);
/* Pass `extra` as argument `argpos` and tail-call target. */
int kxld_arch_write_trampoline(uint8_t *at, uintptr_t target, uintptr_t extra, unsigned int argpos);

#endif /* _LIBKERN_KXLD_KXLD_INTERNAL_H_ */
