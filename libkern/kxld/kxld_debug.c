/*
 * kxld_debug.c — a linked kext's debug object, and its registration with
 * debuggers through GDB's JIT interface.
 *
 * The debug object is the kext's relocatable ELF object, slimmed and
 * placed:
 *   - every section kxld loaded has sh_addr = its load address, so a debugger
 *     that reads the object (symbols are section-relative in ET_REL) sees
 *     each symbol at its run-time address;
 *   - the relocations of the DWARF sections (.rela.debug_*) are applied with
 *     the final symbol values, so a reader that does not relocate (libdw's
 *     dwarf_begin_elf) finds run-time addresses in .debug_info, .debug_line,
 *     .debug_aranges ... The relocation sections stay: a reader that does
 *     relocate (gdb through BFD, libdwfl) computes the same values (RELA
 *     relocations overwrite their field, so applying them twice is harmless);
 *   - in the slim object a kext keeps while it is loaded (the one on GDB's
 *     JIT list), the loaded sections carry no bytes (SHT_NOBITS: a debugger
 *     reads code and data from the process, where they are relocated) and
 *     their relocation sections are empty, except the unwind tables
 *     (.eh_frame and its relocations), which a debugger needs to walk
 *     through kext frames. So it costs what the symbols and the DWARF cost,
 *     not what the code does (a large kext built without -g loads 1.7x
 *     faster than with a full copy). Symbol files (kextutil -s) are full:
 *     every byte of the file, for tools that disassemble them offline.
 * Section numbers, names and the symbol table stay as in the file.
 *
 *   debug object layout: ELF header | kept sections' bytes, each at its
 *   alignment, in section order | section header table (8-aligned)
 *
 * GDB's JIT interface (gdb manual, "JIT Compilation Interface"): the process
 * exports a descriptor `__jit_debug_descriptor` {version 1, action, relevant
 * entry, first entry} heading a doubly-linked list of {next, prev, object
 * address, object size} entries, and an empty function
 * `__jit_debug_register_code` on which gdb keeps a breakpoint. To add or
 * remove an object the process edits the list, sets the action and the
 * relevant entry, and calls the function; a debugger that attaches later
 * reads the whole list. gdb and lldb look both symbols up by name, so they
 * are plain globals of the kexthost executable (mk/rename-syms.sh renames
 * only names a host library also defines). One mutex serializes list edits
 * and the notification.
 */
#include <sys/systm.h>
#include <libkern/libkern.h>
#include <kern/locks.h>
#include <string.h>
#include "libkern/kxld/kxld_internal.h"

/* ---- the debug object ------------------------------------------------------------ */

/* The relocated field's value for entry r, or false when the entry is left to the reader. */
static bool
kxld_debug_reloc_value(const struct kxld_object *o, const Elf64_Rela *r, struct kxld_rval *v)
{
	uint64_t symi = ELF64_R_SYM(r->r_info);
	const struct kxld_sym *s;

	bzero(v, sizeof(*v));
	v->A = r->r_addend;
	v->P = (uintptr_t)r->r_offset; /* debug sections are not loaded: address 0 */
	if (symi == 0)
		return true;
	if (symi >= o->nsyms)
		return false;
	s = &o->syms[symi];
	if (s->flags & KXLD_SYMF_RESOLVED) {
		v->S = s->addr;
	} else if (s->shndx != SHN_UNDEF && s->shndx < o->nsects) {
		v->S = (uintptr_t)s->value; /* in an unloaded section (another debug section): address 0 */
	} else {
		return false; /* an unresolved weak import: its value is unknown */
	}
	v->Z = s->size;
	return true;
}

/* Apply one .rela.debug_* section to its target's bytes (dst). Returns the entries left alone. */
static size_t
kxld_debug_relocate(struct kxld_object *o, size_t ri, uint8_t *dst)
{
	const struct kxld_sect *rs = &o->sects[ri];
	const struct kxld_sect *t = &o->sects[rs->info];
	const Elf64_Rela *rela;
	size_t n, skipped = 0;

	if (kxld_object_relocs(o, ri, &rela, &n) != 0)
		return 1;
	for (size_t k = 0; k < n; k++) {
		uint32_t type = (uint32_t)ELF64_R_TYPE(rela[k].r_info);
		const struct kxld_rinfo *info = kxld_arch_reloc_lookup(type);
		struct kxld_rval v;

		/* Absolute data relocations only: DWARF needs nothing else. */
		if (info == NULL || !info->supported || info->tls || info->needs != 0 ||
		    rela[k].r_offset > t->size || info->width > t->size - rela[k].r_offset ||
		    !kxld_debug_reloc_value(o, &rela[k], &v)) {
			skipped++;
			continue;
		}
		if (kxld_arch_reloc_apply(type, dst + rela[k].r_offset, &v) != 0)
			skipped++;
	}
	return skipped;
}

static bool
kxld_is_debug_section(const struct kxld_sect *s)
{
	return s->seg == KXLD_SEG_NONE && !(s->flags & (SHF_ALLOC | SHF_COMPRESSED)) && s->data != NULL &&
	       strncmp(s->name, ".debug_", 7) == 0;
}

/* Unwind tables stay in a slim object: a debugger unwinds through the kext with them. */
static bool
kxld_debug_is_unwind(const struct kxld_sect *s)
{
	return s->type == SHT_X86_64_UNWIND || strcmp(s->name, ".eh_frame") == 0;
}

/*
 * Whether the debug object keeps a section's bytes. A slim one keeps neither
 * the loaded sections (but their unwind tables) nor their relocations.
 */
static bool
kxld_debug_keeps(const struct kxld_object *o, size_t i, bool slim)
{
	const struct kxld_sect *s = &o->sects[i];
	const struct kxld_sect *target;

	if (s->data == NULL || s->size == 0)
		return false;
	if (!slim)
		return true;
	if (s->flags & SHF_ALLOC)
		return kxld_debug_is_unwind(s);
	if ((s->type == SHT_RELA || s->type == SHT_REL) && s->info != 0 && s->info < o->nsects) {
		target = &o->sects[s->info];
		return !(target->flags & SHF_ALLOC) || kxld_debug_is_unwind(target);
	}
	return true;
}

int
kxld_debug_build(struct kxld_object *o, struct kxld_diag *d, bool slim, uint8_t **out, size_t *out_size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o->bytes;
	size_t total = sizeof(Elf64_Ehdr), shoff, skipped = 0;
	uint64_t *offs;
	Elf64_Shdr *sh;
	uint8_t *obj;

	*out = NULL;
	*out_size = 0;
	offs = kalloc(o->nsects * sizeof(*offs));
	if (offs == NULL)
		return ENOMEM;
	/* Lay the kept sections out; kxld_object_open vetted every size and alignment against the file. */
	for (size_t i = 1; i < o->nsects; i++) {
		/*
		 * The kept sections are symbols, strings, DWARF and their relocations: 8-byte alignment
		 * serves every reader; capping it keeps a hostile sh_addralign from inflating the copy.
		 */
		uint64_t a = o->sects[i].align > 1 ? (o->sects[i].align < 8 ? o->sects[i].align : 8) : 1;

		offs[i] = 0;
		if (!kxld_debug_keeps(o, i, slim))
			continue;
		total = (size_t)((total + a - 1) & ~(a - 1));
		offs[i] = total;
		total += (size_t)o->sects[i].size;
	}
	shoff = (total + 7) & ~(size_t)7;
	total = shoff + o->nsects * sizeof(Elf64_Shdr);
	obj = kalloc(total);
	if (obj == NULL) {
		kfree(offs, o->nsects * sizeof(*offs));
		return ENOMEM;
	}
	bzero(obj, total);
	memcpy(obj, eh, sizeof(*eh));
	((Elf64_Ehdr *)(void *)obj)->e_shoff = shoff;
	/* kxld_object_open checked the header table: 8-aligned, nsects entries inside the file. */
	sh = (Elf64_Shdr *)(void *)(obj + shoff);
	memcpy(sh, o->bytes + eh->e_shoff, o->nsects * sizeof(Elf64_Shdr));
	for (size_t i = 1; i < o->nsects; i++) {
		const struct kxld_sect *s = &o->sects[i];

		if (s->seg != KXLD_SEG_NONE)
			sh[i].sh_addr = s->addr;
		if (offs[i] != 0) {
			sh[i].sh_offset = offs[i];
			memcpy(obj + offs[i], s->data, (size_t)s->size);
		} else if ((s->flags & SHF_ALLOC) || sh[i].sh_type == SHT_NOBITS) {
			sh[i].sh_type = SHT_NOBITS; /* in memory, not here */
			sh[i].sh_offset = shoff;
		} else {
			/* No bytes here: a loaded section's relocations (done), or one kxld did not read. */
			sh[i].sh_offset = shoff;
			sh[i].sh_size = 0;
		}
	}
	for (size_t i = 1; i < o->nsects; i++) {
		const struct kxld_sect *rs = &o->sects[i];

		if (rs->type == SHT_RELA && rs->info != 0 && rs->info < o->nsects &&
		    kxld_is_debug_section(&o->sects[rs->info]) && offs[rs->info] != 0)
			skipped += kxld_debug_relocate(o, i, obj + offs[rs->info]);
	}
	kfree(offs, o->nsects * sizeof(*offs));
	/* Not an error: a debugger relocates what is left. Logged, not added to the diagnostics. */
	if (skipped != 0)
		printf("kxld[%s]: %zu relocation(s) of the debug information were left to the debugger.\n",
		       d->kext_id, skipped);
	*out = obj;
	*out_size = total;
	return 0;
}

void
kxld_debug_free(uint8_t *obj, size_t size)
{
	if (obj != NULL)
		kfree(obj, size);
}

/* ---- GDB's JIT interface ---------------------------------------------------------------- */

enum { JIT_NOACTION = 0, JIT_REGISTER_FN = 1, JIT_UNREGISTER_FN = 2 };

struct jit_descriptor {
	uint32_t version;
	uint32_t action_flag;
	struct kxld_jit_entry *relevant_entry;
	struct kxld_jit_entry *first_entry;
};

/* The names and layout gdb and lldb expect (not static: they are found by name). */
void __jit_debug_register_code(void);
extern struct jit_descriptor __jit_debug_descriptor;
struct jit_descriptor __jit_debug_descriptor = {.version = 1};

/* The debugger's breakpoint: must stay a real, separate call. */
void __attribute__((noinline, used)) __jit_debug_register_code(void)
{
	__asm__ volatile("" ::: "memory");
}

static lck_grp_t *kxld_jit_grp;
static lck_mtx_t *kxld_jit_lock;

int
kxld_jit_init(void)
{
	kxld_jit_grp = lck_grp_alloc_init("kxld.jit", LCK_GRP_ATTR_NULL);
	kxld_jit_lock = kxld_jit_grp ? lck_mtx_alloc_init(kxld_jit_grp, LCK_ATTR_NULL) : NULL;
	return kxld_jit_lock != NULL ? 0 : ENOMEM;
}

static void
kxld_jit_notify(struct kxld_jit_entry *e, uint32_t action)
{
	lck_mtx_assert(kxld_jit_lock, LCK_MTX_ASSERT_OWNED);
	__jit_debug_descriptor.relevant_entry = e;
	__jit_debug_descriptor.action_flag = action;
	__jit_debug_register_code();
	__jit_debug_descriptor.action_flag = JIT_NOACTION;
	__jit_debug_descriptor.relevant_entry = NULL;
}

void
kxld_jit_register(struct kxld_jit_entry *e, const void *obj, size_t size)
{
	e->symfile_addr = obj;
	e->symfile_size = size;
	e->prev_entry = NULL;
	lck_mtx_lock(kxld_jit_lock);
	e->next_entry = __jit_debug_descriptor.first_entry;
	if (e->next_entry != NULL)
		e->next_entry->prev_entry = e;
	__jit_debug_descriptor.first_entry = e;
	kxld_jit_notify(e, JIT_REGISTER_FN);
	lck_mtx_unlock(kxld_jit_lock);
}

void
kxld_jit_unregister(struct kxld_jit_entry *e)
{
	lck_mtx_lock(kxld_jit_lock);
	if (e->prev_entry != NULL)
		e->prev_entry->next_entry = e->next_entry;
	else
		__jit_debug_descriptor.first_entry = e->next_entry;
	if (e->next_entry != NULL)
		e->next_entry->prev_entry = e->prev_entry;
	kxld_jit_notify(e, JIT_UNREGISTER_FN);
	e->next_entry = e->prev_entry = NULL;
	lck_mtx_unlock(kxld_jit_lock);
}
