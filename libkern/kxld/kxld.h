/*
 * kxld.h — the kext linker (kernel-private API). A kext's executable is an
 * ELF64 x86-64 relocatable object (`ld -r` output). kxld_link() maps its
 * allocated sections into the kext region (low 2 GB, near the kernel's code),
 * resolves its undefined symbols through a caller-supplied resolver (the kext
 * system decides which symbols a kext may see), applies its relocations with
 * per-image GOT slots and far-call stubs, and protects the pages W^X: text
 * and stubs RX, read-only data R, data/bss/GOT RW.
 *
 * Errors: every function returns 0 or a Darwin errno; kxld_link() also
 * appends OSString messages in kxld's wording, each prefixed "kxld[<id>]: "
 * (one message per line; an unresolved-symbol list is the header line then
 * one "\t<name>" line per symbol), to `diagnostics` when it is not NULL,
 * and writes the same lines to the kernel log (as XNU's kxld does), so
 * callers need not print them again.
 *
 *   EINVAL   bad arguments
 *   ENOEXEC  malformed or unsupported object (not ELF64 x86-64 ET_REL,
 *            truncated, bad indices/offsets, TLS, common symbols,
 *            unknown relocation types, weak references without a test)
 *   ENOENT   unresolved symbols
 *   EEXIST   symbols defined more than once
 *   ERANGE   a relocation overflowed (value does not fit its field)
 *   ENOMEM   no memory, or the kext region is full
 *
 * Constructors: kxld_link() does NOT run .init_array; the kext system calls
 * kxld_image_run_constructors() after registering the kext's classes and
 * before start(), and kxld_image_run_destructors() after stop() (as XNU's
 * OSRuntimeInitializeCPP / OSRuntimeFinalizeCPP do).
 *
 * Weak references (STB_WEAK undefined): resolved normally when the resolver
 * knows the name. Otherwise, as in XNU, the kext must reference
 * gOSKextUnresolved (OSKextSymbolIsResolved() does); the symbol is then bound
 * to the value of gOSKextUnresolved, else the link fails with kxld's "This
 * kext has weak references but does not test for them" message.
 */
#ifndef _LIBKERN_KXLD_KXLD_H_
#define _LIBKERN_KXLD_KXLD_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kern/kalloc.h>
#include <libkern/c/OSMetaClass.h>

__BEGIN_DECLS

struct kxld_image;

/*
 * Resolve `name` (an ELF symbol name, no leading underscore) to an address.
 * Return 0 and set *addr, or ENOENT when the kext may not see the name.
 */
typedef int (*kxld_resolve_fn)(void *ctx, const char *name, uintptr_t *addr);

struct kxld_link_params {
	const char *kext_id; /* bundle identifier, for messages ("kxld[<id>]: ...") */
	const void *object;  /* the ELF relocatable object (not modified, may be freed after) */
	size_t object_size;
	kxld_resolve_fn resolve;
	void *resolve_ctx;
	/*
	 * Optional owner of the kext's kalloc memory: when set, the kext's
	 * imports of kalloc/kalloc_noblock/kfree (see kxld_alloc_bindings in
	 * kxld_bind.c) are bound to per-image trampolines that call
	 * kalloc_tag_name/kfree_tag_name with this name. The image does not
	 * take a reference; keep the name alive until kxld_unlink().
	 */
	kern_allocation_name_t alloc_name;
	/*
	 * Build no debug object and register nothing with debuggers (trial
	 * links, benchmarks). By default kxld_link() keeps a debug object (see
	 * kxld_image_debug_object) and registers it with GDB's JIT interface
	 * before returning, so a debugger knows the kext before its constructors
	 * and start() run; kxld_unlink() unregisters it.
	 */
	bool no_debug_object;
};

/* Link and map an object. On success *out is the image; on failure *out is NULL. */
int kxld_link(const struct kxld_link_params *p, struct kxld_image **out, OSArray *diagnostics);
/* Unmap an image and free it (its memory returns to the kext region). NULL is ignored. */
void kxld_unlink(struct kxld_image *img);

/* ---- image accessors (valid until kxld_unlink) ---------------------------- */

const char *kxld_image_kext_id(const struct kxld_image *img);
uintptr_t kxld_image_address(const struct kxld_image *img); /* first byte of the mapping */
size_t kxld_image_size(const struct kxld_image *img);       /* bytes mapped, page multiple */
size_t kxld_image_wired_size(const struct kxld_image *img); /* all of it: kext memory is wired */
/* Address of the global symbol `kmod_info`, 0 when the object has none. */
uintptr_t kxld_image_kmod_info(const struct kxld_image *img);
/* Bounds of the "osmetaclass" section: an array of const OSMetaClass * (both NULL if none). */
void kxld_image_osmetaclass(const struct kxld_image *img, const OSMetaClass *const **start,
                            const OSMetaClass *const **end);
/* .init_array / .fini_array as arrays of function pointers (count 0 when absent). */
typedef void (*kxld_ctor_fn)(void);
void kxld_image_init_array(const struct kxld_image *img, kxld_ctor_fn const **fns, size_t *count);
void kxld_image_fini_array(const struct kxld_image *img, kxld_ctor_fn const **fns, size_t *count);
/* Run .init_array in order / .fini_array in reverse order. */
void kxld_image_run_constructors(const struct kxld_image *img);
void kxld_image_run_destructors(const struct kxld_image *img);
/*
 * 16-byte UUID: the first 16 bytes of .note.gnu.build-id when present, else
 * a stable hash of the object's bytes (RFC 4122 variant, version 8 bits).
 */
void kxld_image_uuid(const struct kxld_image *img, uint8_t uuid[16]);
/*
 * Address of a global symbol the image defines and exports (default or
 * protected visibility; kmod_info is never exported). 0 or ENOENT.
 */
int kxld_image_lookup(const struct kxld_image *img, const char *name, uintptr_t *addr);

/* Symbols of a linked image: every defined named symbol (locals included). */
#define KXLD_SYM_FUNCTION 0x1 /* STT_FUNC */
#define KXLD_SYM_OBJECT 0x2   /* STT_OBJECT */
#define KXLD_SYM_GLOBAL 0x4   /* STB_GLOBAL or STB_WEAK */
#define KXLD_SYM_EXPORTED 0x8 /* what kxld_image_lookup finds */
/* Return non-zero from the callback to stop. */
typedef int (*kxld_image_sym_fn)(void *ctx, const char *name, uintptr_t addr, size_t size,
                                 unsigned int flags);
void kxld_image_symbols(const struct kxld_image *img, kxld_image_sym_fn fn, void *ctx);

/* Sections as mapped (name, address, size, KHOST_PROT_* style protection). */
#define KXLD_PROT_READ 0x1
#define KXLD_PROT_WRITE 0x2
#define KXLD_PROT_EXEC 0x4
typedef int (*kxld_image_sect_fn)(void *ctx, const char *name, uintptr_t addr, size_t size, int prot);
void kxld_image_sections(const struct kxld_image *img, kxld_image_sect_fn fn, void *ctx);
/*
 * The image's debug object: a copy of the kext's relocatable ELF object whose
 * allocated sections' sh_addr are their load addresses (what gdb's JIT
 * interface is given, and what symbolication reads DWARF from). 0, or ENOENT
 * when the image has none. Valid until kxld_unlink.
 */
int kxld_image_debug_object(const struct kxld_image *img, const void **obj, size_t *size);
/* The image containing addr, or NULL (for backtraces). Caller holds no lock afterwards. */
struct kxld_image *kxld_image_for_address(uintptr_t addr);

/*
 * For reports (panics, watchdog): call fn for each linked image, newest
 * first, until it returns non-zero, without ever blocking. The region lock
 * is only tried: when it is busy (perhaps held by the reporting thread
 * itself), EBUSY — or, with `force` (a panic: nothing will unlink an image
 * any more), the list is walked without it. 0 otherwise.
 */
typedef int (*kxld_images_fn)(void *ctx, struct kxld_image *img);
int kxld_images_apply_nowait(bool force, kxld_images_fn fn, void *ctx);

/* ---- offline helpers (no mapping; for kextlibs, kextfind, kextutil -n) ------ */

/*
 * The debug object kxld_link() would build if the image were mapped at
 * `address` (a multiple of the image's alignment, at least the page size),
 * without mapping anything: the same checks, resolution and layout, then
 * the copy. For symbol files of a kext at a given address (kextutil -s -a).
 * 0 and *obj (kalloc'd, free with kxld_debug_object_free), or kxld_link's
 * errors (EINVAL: a misaligned or out-of-range address).
 */
int kxld_link_debug_object(const struct kxld_link_params *p, uintptr_t address, void **obj, size_t *size,
                           OSArray *diagnostics);
void kxld_debug_object_free(void *obj, size_t size);

/*
 * Call fn for each named global symbol of an object: undefined ones (defined
 * = false; is_function unknown, false) and defined ones. Returns 0, or
 * ENOEXEC with messages in `diagnostics` (may be NULL) for a malformed object.
 */
typedef int (*kxld_object_sym_fn)(void *ctx, const char *name, bool defined, bool is_function);
int kxld_object_symbols(const void *object, size_t size, kxld_object_sym_fn fn, void *ctx,
                        OSArray *diagnostics);
/* The UUID kxld_image_uuid() would report for this object. 0 or ENOEXEC. */
int kxld_object_uuid(const void *object, size_t size, uint8_t uuid[16]);

/* ---- the kext region -------------------------------------------------------- */

/*
 * Reserve the kext region (boot-arg kext_region_mb=, default 1024). Called at
 * boot; idempotent, and kxld_link() calls it on first use. 0 or an errno.
 */
int kxld_init(void);
/* Region statistics: reserved bytes, bytes allocated to images, number of images. */
void kxld_region_stats(size_t *reserved, size_t *used, unsigned int *images);

__END_DECLS

#endif /* _LIBKERN_KXLD_KXLD_H_ */
