/*
 * kxld_link.c — linking one kext object into the kext region:
 *
 *   1. read and validate the object (kxld_object.c);
 *   2. resolve symbols: imports through the caller's resolver (which decides
 *      what this kext may see), weak imports as XNU does, bindings of
 *      kalloc/kfree to per-image trampolines; refuse TLS and common symbols;
 *   3. scan relocation types: refuse TLS and dynamic ones, bound the GOT;
 *      plan a far-call stub for each import out of 32-bit reach of the
 *      whole region;
 *   4. lay out three page-aligned segments (text+stubs+trampolines RX,
 *      rodata R, data+arrays+GOT+bss RW), allocate them in the region, copy;
 *   5. check and apply each relocation (kxld_x86_64.c computes and checks
 *      each value), filling GOT slots on first use;
 *   6. protect W^X and build the image's symbol table (kxld_image.c);
 *   7. keep a debug object and register it with debuggers (kxld_debug.c).
 *
 * kxld_link_debug_object() runs steps 1-4, takes a given base instead of
 * mapping, and builds only the debug object (symbol files, kextutil -s).
 *
 * Every failure leaves nothing mapped and nothing allocated.
 */
#include <sys/systm.h>
#include <libkern/libkern.h>
#include <string.h>
#include "host/khost.h"
#include "libkern/kxld/kxld_internal.h"

struct kxld_linker {
	const struct kxld_link_params *p;
	struct kxld_diag diag;
	struct kxld_object obj;
	uint32_t ngot, got_cap, nstubs, ntramp;
	bool need_got_base;
	uintptr_t region_lo, region_hi;
	/* Layout. */
	uintptr_t base;
	size_t size, align;
	size_t seg_off[KXLD_SEG_COUNT], seg_size[KXLD_SEG_COUNT];
	size_t stubs_off, tramp_off, got_off; /* offsets in the image */
	size_t init_off, init_size, fini_off, fini_size, meta_off, meta_size;
	struct kxld_linkedit_plan plan;
	size_t linkedit_off;
	bool mapped;
	uint32_t *placed; /* section indices in layout order (increasing offsets) */
	size_t nplaced;
};

/* Layout ranks within a segment: normal sections first, bss last. */
enum { KXLD_RANK_NORMAL, KXLD_RANK_INIT, KXLD_RANK_FINI, KXLD_RANK_META, KXLD_RANK_BSS, KXLD_RANK_COUNT };

static int
kxld_rank(const struct kxld_sect *s)
{
	if (s->type == SHT_NOBITS)
		return KXLD_RANK_BSS;
	if (s->type == SHT_INIT_ARRAY)
		return KXLD_RANK_INIT;
	if (s->type == SHT_FINI_ARRAY)
		return KXLD_RANK_FINI;
	if (strcmp(s->name, KXLD_OSMETACLASS_SECTION) == 0)
		return KXLD_RANK_META;
	return KXLD_RANK_NORMAL;
}

/* .init_array.NNNNN runs before .init_array (priority 65535), lowest number first. */
static unsigned long
kxld_priority(const char *name)
{
	const char *dot = strrchr(name, '.');
	unsigned long v = 0;

	if (dot == NULL || dot == name || dot[1] < '0' || dot[1] > '9')
		return 65535;
	for (const char *c = dot + 1; *c; c++) {
		if (*c < '0' || *c > '9')
			return 65535;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > 65535)
			return 65535;
	}
	return v;
}

/* ---- step 2: symbols ---------------------------------------------------------------- */

static bool
kxld_sym_is_tls(const struct kxld_object *o, const struct kxld_sym *s)
{
	if (s->type == STT_TLS)
		return true;
	return s->shndx != SHN_UNDEF && s->shndx < o->nsects && (o->sects[s->shndx].flags & SHF_TLS) &&
	       o->sects[s->shndx].seg != KXLD_SEG_NONE;
}

/* Print a header once, then one tab-indented name per offender. */
static void
kxld_list(struct kxld_linker *lk, bool *started, const char *header, const char *name)
{
	if (!*started) {
		*started = true;
		kxld_log(&lk->diag, "%s", header);
	}
	kxld_log(&lk->diag, "\t%s", name);
}

static int
kxld_resolve_symbols(struct kxld_linker *lk)
{
	struct kxld_object *o = &lk->obj;
	bool tls = false, common = false, unresolved = false;
	size_t nweak = 0;
	int err = 0;

	for (size_t i = 1; i < o->nsyms; i++) {
		struct kxld_sym *s = &o->syms[i];

		if (s->type == STT_FILE)
			continue;
		if (kxld_sym_is_tls(o, s)) {
			/* Named thread-local symbols; their sections are reported below when none is named. */
			if (s->type != STT_SECTION && s->name[0] != 0)
				kxld_list(lk, &tls, KXLD_MSG_TLS_SYMS, s->name);
			continue;
		}
		if (s->shndx == SHN_COMMON) {
			kxld_list(lk, &common, KXLD_MSG_COMMON, s->name);
			continue;
		}
		if (s->shndx == SHN_ABS) {
			s->addr = (uintptr_t)s->value;
			s->flags |= KXLD_SYMF_RESOLVED;
			continue;
		}
		if (s->shndx != SHN_UNDEF) {
			if (o->sects[s->shndx].seg == KXLD_SEG_NONE)
				s->flags |= KXLD_SYMF_UNLOADED;
			continue; /* its address comes with the layout */
		}
		if (s->name[0] == 0)
			continue;
		s->flags |= KXLD_SYMF_UNDEF;
		if (strcmp(s->name, KXLD_GOT_SYMBOL) == 0) {
			lk->need_got_base = true; /* resolved to our GOT after layout */
			continue;
		}
		if (lk->p->resolve(lk->p->resolve_ctx, s->name, &s->addr) == 0) {
			s->flags |= KXLD_SYMF_RESOLVED;
			if (lk->p->alloc_name != NULL && (s->binding = kxld_binding_find(s->name)) >= 0) {
				s->flags |= KXLD_SYMF_BOUND;
				s->target = s->addr;
				lk->ntramp++;
			}
		} else if (s->bind == STB_WEAK) {
			nweak++;
		} else {
			kxld_list(lk, &unresolved, KXLD_MSG_UNRESOLVED, s->name);
		}
	}
	/* A thread-local section no symbol names (hand-made objects). */
	for (size_t i = 1; i < o->nsects && !tls; i++) {
		if ((o->sects[i].flags & SHF_TLS) && o->sects[i].seg != KXLD_SEG_NONE)
			kxld_list(lk, &tls,
			          KXLD_MSG_TLS " The following sections are thread-local:", o->sects[i].name);
	}
	if (tls || common || unresolved)
		err = unresolved && !tls && !common ? ENOENT : ENOEXEC;

	if (err == 0 && nweak > 0) {
		/* XNU: unresolved weak imports are bound to gOSKextUnresolved's value, if the kext tests for them. */
		const struct kxld_sym *test = NULL;
		uintptr_t weak_addr;

		for (size_t i = 1; i < o->nsyms && test == NULL; i++) {
			if ((o->syms[i].flags & KXLD_SYMF_RESOLVED) && (o->syms[i].flags & KXLD_SYMF_UNDEF) &&
			    strcmp(o->syms[i].name, KXLD_WEAK_TEST_SYMBOL) == 0)
				test = &o->syms[i];
		}
		if (test == NULL || test->addr == 0) {
			kxld_log(&lk->diag, KXLD_MSG_WEAK_UNTESTED);
			return ENOEXEC;
		}
		weak_addr = *(const uintptr_t *)test->addr;
		for (size_t i = 1; i < o->nsyms; i++) {
			struct kxld_sym *s = &o->syms[i];
			if ((s->flags & (KXLD_SYMF_UNDEF | KXLD_SYMF_RESOLVED)) == KXLD_SYMF_UNDEF &&
			    s->bind == STB_WEAK && strcmp(s->name, KXLD_GOT_SYMBOL) != 0) {
				s->addr = weak_addr;
				s->flags |= KXLD_SYMF_RESOLVED;
			}
		}
	}
	return err;
}

/* ---- step 3: relocation scan ----------------------------------------------------------- */

/*
 * Before layout only the relocation *types* are read: they say whether a GOT
 * (at most one slot per GOT-using relocation, at most one per symbol) and
 * its base are needed, and reveal TLS and dynamic relocations early. Every
 * other check (symbol index, offset, what the symbol is) happens while
 * applying, which touches each entry once more anyway.
 */
static const char *
kxld_reloc_name(uint32_t type, char *buf, size_t len)
{
	const struct kxld_rinfo *ri = kxld_arch_reloc_lookup(type);

	if (ri != NULL)
		return ri->name;
	snprintf(buf, len, "type %u", type);
	return buf;
}

static const char *
kxld_reloc_symname(const struct kxld_object *o, const Elf64_Rela *r)
{
	uint64_t symi = ELF64_R_SYM(r->r_info);

	if (symi == 0 || symi >= o->nsyms)
		return "(none)";
	return o->syms[symi].name[0] ? o->syms[symi].name : "(unnamed)";
}

/* Why a relocation type is refused. Always ENOEXEC. */
static int
kxld_reloc_refuse(struct kxld_linker *lk, const struct kxld_sect *t, const Elf64_Rela *r)
{
	uint32_t type = (uint32_t)ELF64_R_TYPE(r->r_info);
	const struct kxld_rinfo *ri = kxld_arch_reloc_lookup(type);
	char tbuf[24];

	if (ri == NULL)
		kxld_log(&lk->diag, KXLD_MSG_MALFORMED "unknown relocation %s in section %s.",
		         kxld_reloc_name(type, tbuf, sizeof(tbuf)), t->name);
	else if (ri->tls)
		kxld_log(&lk->diag, KXLD_MSG_TLS " %s against %s in section %s.", ri->name,
		         kxld_reloc_symname(&lk->obj, r), t->name);
	else
		kxld_log(&lk->diag,
		         "Relocation %s in section %s is a dynamic-linking relocation, not supported in a "
		         "kext "
		         "(link the kext with ld -r).",
		         ri->name, t->name);
	return ENOEXEC;
}

/* The relocation sections that apply to loaded sections, one at a time. */
static bool
kxld_next_rela(struct kxld_linker *lk, size_t *i, const struct kxld_sect **t, const Elf64_Rela **rela,
               size_t *n, int *err)
{
	struct kxld_object *o = &lk->obj;

	for (*i += 1; *i < o->nsects; *i += 1) {
		const struct kxld_sect *rs = &o->sects[*i];

		if (rs->type != SHT_RELA)
			continue;
		if (rs->info == 0 || rs->info >= o->nsects) {
			kxld_log(&lk->diag, KXLD_MSG_MALFORMED "relocation section %s applies to section %u.",
			         rs->name, rs->info);
			*err = ENOEXEC;
			return false;
		}
		if (o->sects[rs->info].seg == KXLD_SEG_NONE)
			continue; /* relocations of debug information and other unloaded sections */
		*err = kxld_object_relocs(o, *i, rela, n);
		if (*err != 0)
			return false;
		*t = &o->sects[rs->info];
		return true;
	}
	return false;
}

static int
kxld_scan_relocs(struct kxld_linker *lk)
{
	const struct kxld_sect *t;
	const Elf64_Rela *rela;
	size_t i = 0, n, got = 0;
	int err = 0;

	while (kxld_next_rela(lk, &i, &t, &rela, &n, &err)) {
		for (size_t k = 0; k < n; k++) {
			const struct kxld_rinfo *ri =
			        kxld_arch_reloc_lookup((uint32_t)ELF64_R_TYPE(rela[k].r_info));

			if (ri == NULL || ri->tls || !ri->supported)
				return kxld_reloc_refuse(lk, t, &rela[k]);
			if (ri->needs & KXLD_RNEED_GOT)
				got++;
			if (ri->needs & KXLD_RNEED_GOTBASE)
				lk->need_got_base = true;
		}
	}
	lk->got_cap = (uint32_t)(got < lk->obj.nsyms ? got : lk->obj.nsyms);
	return err;
}

/* Far imports (out of 32-bit reach of the whole region) get a stub for PC-relative branches. */
static void
kxld_plan_stubs(struct kxld_linker *lk)
{
	struct kxld_object *o = &lk->obj;

	for (size_t i = 1; i < o->nsyms; i++) {
		struct kxld_sym *s = &o->syms[i];
		if ((s->flags & (KXLD_SYMF_UNDEF | KXLD_SYMF_RESOLVED | KXLD_SYMF_BOUND)) ==
		            (KXLD_SYMF_UNDEF | KXLD_SYMF_RESOLVED) &&
		    !kxld_arch_reach32(lk->region_lo, lk->region_hi, s->addr))
			s->stub = ++lk->nstubs;
	}
}

/* ---- step 4: layout ---------------------------------------------------------------- */

static size_t
kxld_round(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Place one section at the end of the segment being built. */
static void
kxld_place(struct kxld_linker *lk, struct kxld_sect *s, size_t *off)
{
	*off = kxld_round(*off, (size_t)s->align);
	s->addr = *off; /* an offset in the image until the base is known */
	lk->placed[lk->nplaced++] = (uint32_t)(s - lk->obj.sects);
	*off += (size_t)s->size;
	if (s->align > lk->align)
		lk->align = (size_t)s->align;
}

/* Place the init or fini arrays of a segment in priority order, contiguously. */
static void
kxld_place_arrays(struct kxld_linker *lk, int seg, int rank, size_t *off, size_t *start, size_t *size)
{
	struct kxld_object *o = &lk->obj;
	unsigned long last = 0;
	bool first = true;

	*start = *off;
	/* Few such sections: repeated selection of the next priority is fine. */
	for (;;) {
		unsigned long best = ~0ul;
		for (size_t i = 1; i < o->nsects; i++) {
			struct kxld_sect *s = &o->sects[i];
			unsigned long pr;
			if (s->seg != seg || kxld_rank(s) != rank)
				continue;
			pr = kxld_priority(s->name);
			if ((first || pr > last) && pr < best)
				best = pr;
		}
		if (best == ~0ul)
			break;
		for (size_t i = 1; i < o->nsects; i++) {
			struct kxld_sect *s = &o->sects[i];
			if (s->seg == seg && kxld_rank(s) == rank && kxld_priority(s->name) == best) {
				if (*size == 0)
					*start = kxld_round(*off, (size_t)s->align);
				kxld_place(lk, s, off);
				*size = *off - *start;
			}
		}
		last = best;
		first = false;
	}
}

static int
kxld_layout(struct kxld_linker *lk)
{
	struct kxld_object *o = &lk->obj;
	size_t page = khost_page_size(), off = 0;

	lk->align = page;
	lk->placed = kxld_scratch_zalloc(o->tmp, o->nsects * sizeof(uint32_t));
	if (lk->placed == NULL)
		return ENOMEM;
	for (int seg = 0; seg < KXLD_SEG_COUNT; seg++) {
		lk->seg_off[seg] = off;
		for (size_t i = 1; i < o->nsects; i++) {
			if (o->sects[i].seg == seg && kxld_rank(&o->sects[i]) == KXLD_RANK_NORMAL)
				kxld_place(lk, &o->sects[i], &off);
		}
		if (seg == KXLD_SEG_TEXT) {
			off = kxld_round(off, 16);
			lk->stubs_off = off;
			off += (size_t)lk->nstubs * KXLD_STUB_SIZE;
			lk->tramp_off = off;
			off += (size_t)lk->ntramp * KXLD_TRAMPOLINE_SIZE;
		}
		if (seg == KXLD_SEG_DATA) {
			kxld_place_arrays(lk, seg, KXLD_RANK_INIT, &off, &lk->init_off, &lk->init_size);
			kxld_place_arrays(lk, seg, KXLD_RANK_FINI, &off, &lk->fini_off, &lk->fini_size);
			off = kxld_round(off, 8);
			lk->got_off = off;
			off += (size_t)lk->got_cap * 8;
			if (lk->need_got_base && lk->got_cap == 0)
				off += 8; /* a GOT base that lies inside the image */
		}
		for (size_t i = 1; i < o->nsects; i++) {
			struct kxld_sect *s = &o->sects[i];
			if (s->seg == seg && kxld_rank(s) == KXLD_RANK_META) {
				if (lk->meta_size == 0)
					lk->meta_off = kxld_round(off, (size_t)s->align);
				kxld_place(lk, s, &off);
				lk->meta_size = off - lk->meta_off;
			}
		}
		for (size_t i = 1; i < o->nsects; i++) {
			if (o->sects[i].seg == seg && kxld_rank(&o->sects[i]) == KXLD_RANK_BSS)
				kxld_place(lk, &o->sects[i], &off);
		}
		if (seg == KXLD_SEG_DATA) {
			/* The image record's tables (kxld_image.c), after bss. */
			kxld_image_plan(o, lk->p->kext_id, &lk->plan);
			off = kxld_round(off, 16);
			lk->linkedit_off = off;
			off += lk->plan.total;
		}
		off = kxld_round(off, page);
		lk->seg_size[seg] = off - lk->seg_off[seg];
		if (off > lk->region_hi - lk->region_lo) {
			kxld_log(&lk->diag, "The kext is too large for the kext region (%zu MB).",
			         (size_t)((lk->region_hi - lk->region_lo) >> 20));
			return ENOMEM;
		}
	}
	lk->size = off; /* never 0: the data segment holds at least the image's tables */
	return 0;
}

/* ---- step 5: map, copy, relocate ------------------------------------------------------- */

static uintptr_t
kxld_got_slot(const struct kxld_linker *lk, const struct kxld_sym *s)
{
	return lk->base + lk->got_off + (size_t)(s->got - 1) * 8;
}

/*
 * Reused pages hold an earlier image: zero everything the copy will not
 * overwrite (bss, padding, the stub and GOT areas), walking the sections in
 * the order the layout placed them, i.e. by increasing offset.
 */
static void
kxld_zero_gaps(struct kxld_linker *lk)
{
	struct kxld_object *o = &lk->obj;
	size_t pos = 0;

	for (size_t k = 0; k < lk->nplaced; k++) {
		const struct kxld_sect *s = &o->sects[lk->placed[k]];
		if (s->data == NULL || s->size == 0)
			continue;
		bzero((void *)(lk->base + pos), (size_t)s->addr - pos);
		pos = (size_t)s->addr + (size_t)s->size;
	}
	bzero((void *)(lk->base + pos), lk->size - pos);
}

/*
 * Final addresses once the base is known: sections, defined symbols, the GOT
 * symbol, and bound imports (their per-image trampolines, in symbol order).
 */
static void
kxld_assign_addresses(struct kxld_linker *lk)
{
	struct kxld_object *o = &lk->obj;
	uintptr_t got_base = lk->base + lk->got_off;
	uint32_t t = 0;

	for (size_t i = 1; i < o->nsects; i++) {
		if (o->sects[i].seg != KXLD_SEG_NONE)
			o->sects[i].addr += lk->base;
	}
	for (size_t i = 1; i < o->nsyms; i++) {
		struct kxld_sym *s = &o->syms[i];

		if (s->shndx != SHN_UNDEF && s->shndx < o->nsects && !(s->flags & KXLD_SYMF_UNLOADED) &&
		    s->shndx != SHN_ABS && s->shndx != SHN_COMMON) {
			s->addr = o->sects[s->shndx].addr + (uintptr_t)s->value;
			s->flags |= KXLD_SYMF_RESOLVED;
		} else if ((s->flags & KXLD_SYMF_UNDEF) && strcmp(s->name, KXLD_GOT_SYMBOL) == 0) {
			s->addr = got_base;
			s->flags |= KXLD_SYMF_RESOLVED;
		}
		if (s->flags & KXLD_SYMF_BOUND)
			s->addr = lk->base + lk->tramp_off + (size_t)t++ * KXLD_TRAMPOLINE_SIZE;
	}
}

static int
kxld_map(struct kxld_linker *lk)
{
	struct kxld_object *o = &lk->obj;
	bool dirty = false;
	int err;

	err = kxld_region_alloc(lk->size, lk->align, &lk->base, &dirty);
	if (err != 0) {
		kxld_log(&lk->diag, "Cannot allocate %zu bytes in the kext region (error %d).", lk->size,
		         err);
		return err;
	}
	lk->mapped = true;
	if (dirty)
		kxld_zero_gaps(lk);
	kxld_assign_addresses(lk);
	for (size_t i = 1; i < o->nsects; i++) {
		struct kxld_sect *s = &o->sects[i];
		if (s->seg != KXLD_SEG_NONE && s->data != NULL && s->size > 0)
			memcpy((void *)s->addr, s->data, (size_t)s->size);
	}
	/* Trampolines and stubs. */
	for (size_t i = 1; i < o->nsyms; i++) {
		struct kxld_sym *s = &o->syms[i];
		if (s->flags & KXLD_SYMF_BOUND) {
			const struct kxld_binding *b = kxld_binding_get(s->binding);
			err = kxld_arch_write_trampoline((uint8_t *)s->addr, b->target,
			                                 (uintptr_t)lk->p->alloc_name, b->argpos);
			if (err != 0)
				return err;
		}
		if (s->stub != 0)
			kxld_arch_write_stub((uint8_t *)(lk->base + lk->stubs_off +
			                                 (size_t)(s->stub - 1) * KXLD_STUB_SIZE),
			                     s->addr);
	}
	return 0;
}

/* Check one relocation and apply it. */
static int
kxld_apply_one(struct kxld_linker *lk, const struct kxld_sect *t, const Elf64_Rela *r)
{
	struct kxld_object *o = &lk->obj;
	uint32_t type = (uint32_t)ELF64_R_TYPE(r->r_info);
	uint64_t symi = ELF64_R_SYM(r->r_info);
	const struct kxld_rinfo *ri = kxld_arch_reloc_lookup(type); /* the scan vetted the type */
	struct kxld_sym *s = NULL;
	struct kxld_rval v;
	char tbuf[24];
	int err;

	if (symi >= o->nsyms) {
		kxld_log(&lk->diag,
		         KXLD_MSG_MALFORMED "relocation in section %s refers to symbol %llu of %zu.", t->name,
		         (unsigned long long)symi, o->nsyms);
		return ENOEXEC;
	}
	if (t->type == SHT_NOBITS || r->r_offset > t->size || ri->width > t->size - r->r_offset) {
		kxld_log(&lk->diag,
		         KXLD_MSG_MALFORMED "relocation %s at offset 0x%llx lies outside section %s.",
		         ri->name, (unsigned long long)r->r_offset, t->name);
		return ENOEXEC;
	}
	/* Field by field: this loop is hot, and a struct initializer zeroes first. */
	v.S = 0;
	v.Z = 0;
	v.G = 0;
	v.A = r->r_addend;
	v.P = t->addr + (uintptr_t)r->r_offset;
	v.GOT = lk->base + lk->got_off;
	v.before = r->r_offset < 2 ? (unsigned int)r->r_offset : 2;
	if (symi != 0) {
		s = &o->syms[symi];
		if (!(s->flags & KXLD_SYMF_RESOLVED)) {
			if (s->flags & KXLD_SYMF_UNLOADED)
				kxld_log(&lk->diag,
				         "Relocation %s in section %s refers to %s in section %s, which is "
				         "not loaded.",
				         ri->name, t->name, s->name[0] ? s->name : "(unnamed)",
				         o->sects[s->shndx].name);
			else
				kxld_log(&lk->diag,
				         KXLD_MSG_MALFORMED "relocation %s in section %s refers to %s.",
				         ri->name, t->name,
				         s->name[0] ? s->name : "an unnamed undefined symbol");
			return ENOEXEC;
		}
		if ((ri->needs & KXLD_RNEED_SIZE) && (s->flags & KXLD_SYMF_UNDEF)) {
			kxld_log(&lk->diag,
			         "Relocation %s against imported symbol %s is not supported (its size is "
			         "unknown).",
			         ri->name, s->name);
			return ENOEXEC;
		}
		v.S = s->addr;
		v.Z = s->size;
		if (ri->needs & KXLD_RNEED_GOT) {
			if (s->got == 0) {
				if (lk->ngot >= lk->got_cap)
					return ENOEXEC; /* cannot happen: the scan counted every GOT relocation */
				s->got = ++lk->ngot;
				*(uintptr_t *)kxld_got_slot(lk, s) = s->addr;
			}
			v.G = kxld_got_slot(lk, s);
		}
	} else if (ri->needs & (KXLD_RNEED_GOT | KXLD_RNEED_SIZE)) {
		kxld_log(&lk->diag, KXLD_MSG_MALFORMED "relocation %s in section %s has no symbol.", ri->name,
		         t->name);
		return ENOEXEC;
	}
	v.L = s && s->stub ? lk->base + lk->stubs_off + (size_t)(s->stub - 1) * KXLD_STUB_SIZE : v.S;
	err = kxld_arch_reloc_apply(type, (uint8_t *)v.P, &v);
	if (err == ERANGE) {
		kxld_log(&lk->diag, KXLD_MSG_OVERFLOW);
		kxld_log(&lk->diag,
		         "%s against %s at %s+0x%llx: the value 0x%llx does not fit. Code built with "
		         "-fno-pic or "
		         "-mcmodel=kernel needs its targets in the low 2 GB; build the kext with -fPIC.",
		         kxld_reloc_name(type, tbuf, sizeof(tbuf)), s ? s->name : "(absolute)", t->name,
		         (unsigned long long)r->r_offset, (unsigned long long)(v.S + (uint64_t)v.A));
	} else if (err != 0) {
		kxld_log(&lk->diag, KXLD_MSG_MALFORMED "cannot apply %s in section %s.",
		         kxld_reloc_name(type, tbuf, sizeof(tbuf)), t->name);
	}
	return err;
}

static int
kxld_apply_relocs(struct kxld_linker *lk)
{
	const struct kxld_sect *t;
	const Elf64_Rela *rela;
	size_t i = 0, n;
	int err = 0;

	while (kxld_next_rela(lk, &i, &t, &rela, &n, &err)) {
		for (size_t k = 0; k < n; k++) {
			err = kxld_apply_one(lk, t, &rela[k]);
			if (err != 0)
				return err;
		}
	}
	return err;
}

/* W^X: text (with stubs and trampolines) RX, rodata R; data, GOT and bss stay RW. */
static int
kxld_protect(struct kxld_linker *lk)
{
	static const int prot[KXLD_SEG_COUNT] = {
	        [KXLD_SEG_TEXT] = KHOST_PROT_READ | KHOST_PROT_EXEC,
	        [KXLD_SEG_RODATA] = KHOST_PROT_READ,
	        [KXLD_SEG_DATA] = KHOST_PROT_READ | KHOST_PROT_WRITE,
	};

	for (int seg = 0; seg < KXLD_SEG_DATA; seg++) {
		int err;
		if (lk->seg_size[seg] == 0)
			continue;
		err = khost_vm_protect((void *)(lk->base + lk->seg_off[seg]), lk->seg_size[seg], prot[seg]);
		if (err != 0) {
			kxld_log(&lk->diag, "Cannot protect the kext's memory (error %d).", err);
			return err;
		}
	}
	return 0;
}

/* ---- the entry points ---------------------------------------------------------------- */

/* Steps 1-4, shared by kxld_link and kxld_link_debug_object. */
static int
kxld_prepare(struct kxld_linker *lk, const struct kxld_link_params *p, OSArray *diagnostics)
{
	int err;

	bzero(lk, sizeof(*lk));
	if (p == NULL || p->resolve == NULL || p->kext_id == NULL)
		return EINVAL;
	err = kxld_init();
	if (err != 0)
		return err;
	lk->p = p;
	lk->diag.kext_id = p->kext_id;
	lk->diag.list = diagnostics;
	kxld_region_bounds(&lk->region_lo, &lk->region_hi);

	err = kxld_object_open(&lk->obj, p->object, p->object_size, &lk->diag);
	if (err == 0)
		err = kxld_resolve_symbols(lk);
	if (err == 0)
		err = kxld_scan_relocs(lk);
	if (err == 0)
		kxld_plan_stubs(lk);
	if (err == 0)
		err = kxld_layout(lk);
	return err;
}

static void
kxld_finish(struct kxld_linker *lk)
{
	kxld_scratch_free(lk->obj.tmp, lk->placed, lk->obj.nsects * sizeof(uint32_t));
	kxld_object_close(&lk->obj);
}

/* Keep the image's debug object and tell debuggers. A failure only costs the debug object. */
static void
kxld_attach_debug_object(struct kxld_linker *lk, struct kxld_image *img)
{
	if (lk->p->no_debug_object)
		return;
	if (kxld_debug_build(&lk->obj, &lk->diag, true, &img->debug_obj, &img->debug_size) != 0) {
		printf("kxld[%s]: no memory for the debug object; debuggers will not see this kext.\n",
		       lk->p->kext_id);
		return;
	}
	kxld_jit_register(&img->jit, img->debug_obj, img->debug_size);
}

int
kxld_link(const struct kxld_link_params *p, struct kxld_image **out, OSArray *diagnostics)
{
	struct kxld_linker lk;
	struct kxld_linker_view view;
	int err;

	if (out == NULL)
		return EINVAL;
	*out = NULL;
	err = kxld_prepare(&lk, p, diagnostics);
	if (err == 0)
		err = kxld_map(&lk);
	if (err == 0)
		err = kxld_apply_relocs(&lk);
	if (err == 0)
		err = kxld_protect(&lk);
	if (err == 0) {
		view = (struct kxld_linker_view){
		        .p = p,
		        .diag = &lk.diag,
		        .obj = &lk.obj,
		        .base = lk.base,
		        .size = lk.size,
		        .init_addr = lk.base + lk.init_off,
		        .init_size = lk.init_size,
		        .fini_addr = lk.base + lk.fini_off,
		        .fini_size = lk.fini_size,
		        .meta_addr = lk.base + lk.meta_off,
		        .meta_size = lk.meta_size,
		        .plan = &lk.plan,
		        .linkedit = lk.base + lk.linkedit_off,
		        .stubs_addr = lk.base + lk.stubs_off,
		        .stubs_size =
		                (size_t)lk.nstubs * KXLD_STUB_SIZE + (size_t)lk.ntramp * KXLD_TRAMPOLINE_SIZE,
		        .got_addr = lk.base + lk.got_off,
		        .got_size = (size_t)lk.ngot * 8,
		};
		for (int seg = 0; seg < KXLD_SEG_COUNT; seg++) {
			view.seg_addr[seg] = lk.base + lk.seg_off[seg];
			view.seg_size[seg] = lk.seg_size[seg];
		}
		err = kxld_image_build(&view, out);
	}
	if (err == 0)
		kxld_attach_debug_object(&lk, *out);
	if (err != 0 && lk.mapped)
		kxld_region_free(lk.base, lk.size);
	kxld_finish(&lk);
	return err;
}

int
kxld_link_debug_object(const struct kxld_link_params *p, uintptr_t address, void **obj, size_t *size,
                       OSArray *diagnostics)
{
	struct kxld_linker lk;
	uint8_t *copy = NULL;
	int err;

	if (obj == NULL || size == NULL)
		return EINVAL;
	*obj = NULL;
	*size = 0;
	err = kxld_prepare(&lk, p, diagnostics);
	if (err == 0 && (address == 0 || (address & (lk.align - 1)) != 0 || address + lk.size < address)) {
		kxld_log(&lk.diag, "The address 0x%llx is not a valid load address (align 0x%zx).",
		         (unsigned long long)address, lk.align);
		err = EINVAL;
	}
	if (err == 0) {
		lk.base = address;
		kxld_assign_addresses(&lk);
		err = kxld_debug_build(&lk.obj, &lk.diag, false, &copy, size);
	}
	if (err == 0)
		*obj = copy;
	kxld_finish(&lk);
	return err;
}

void
kxld_debug_object_free(void *obj, size_t size)
{
	kxld_debug_free(obj, size);
}
