/*
 * kxld_image.c — a linked kext image: its record (built once the object is
 * mapped and relocated), the accessors the kext system uses (kmod_info,
 * class records, constructors, UUID, exported symbols for dependents), and
 * unlinking.
 *
 * The record's tables (symbols, export hash, sections, a copy of the names,
 * so the object's bytes may be freed after kxld_link()) live in the image's
 * own memory, a "linkedit" area at the end of its data segment sized by
 * kxld_image_plan() before layout; only the small struct is kalloc'd. Exported symbols (defined, global or weak,
 * default or protected visibility, never kmod_info — XNU keeps it private
 * too) sit in an open-addressing hash table for kxld_image_lookup(); while
 * filling it, two strong definitions of one name are reported in kxld's
 * "defined more than once" wording.
 */
#include <sys/systm.h>
#include <libkern/libkern.h>
#include <string.h>
#include "host/khost.h"
#include "libkern/kxld/kxld_internal.h"

/*
 * djb2 (xor variant), one shift-add per byte, then a multiplicative finish:
 * names that differ only in their last characters (f1, f2, ...) must not
 * land in neighbouring buckets, or linear probing builds long runs.
 */
static inline uint32_t
kxld_hash_name(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = ((h << 5) + h) ^ (uint8_t)*s;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static void
kxld_image_free_record(struct kxld_image *img)
{
	/* The tables live in the image's own memory (its linkedit area). */
	kfree(img, sizeof(*img));
}

/* Symbols the image keeps: named definitions in loaded sections (or absolute). */
static inline bool
kxld_sym_listed(const struct kxld_object *o, const struct kxld_sym *s)
{
	if (s->name[0] == 0 || s->type == STT_SECTION || s->type == STT_FILE || s->shndx == SHN_UNDEF ||
	    s->shndx == SHN_COMMON || (s->flags & KXLD_SYMF_UNLOADED))
		return false;
	return s->shndx == SHN_ABS || (s->shndx < o->nsects && o->sects[s->shndx].seg != KXLD_SEG_NONE);
}

/* Insert exported and hidden globals; report strong duplicates. 0 or EEXIST. */
static int
kxld_image_hash(struct kxld_image *img, struct kxld_diag *d)
{
	uint32_t mask = img->hash_size - 1;
	bool dup = false;

	for (uint32_t i = 0; i < img->nsyms; i++) {
		struct kxld_isym *s = &img->syms[i];
		const char *name = img->strtab + s->name;

		if (!(s->flags & KXLD_SYM_GLOBAL))
			continue;
		s->hash = kxld_hash_name(name);
		for (uint32_t h = s->hash & mask;; h = (h + 1) & mask) {
			uint32_t slot = img->hash[h];
			struct kxld_isym *o;

			if (slot == 0) {
				img->hash[h] = i + 1;
				break;
			}
			o = &img->syms[slot - 1];
			if (o->hash != s->hash || strcmp(img->strtab + o->name, name) != 0)
				continue;
			if ((o->flags & KXLD_SYM_WEAKDEF) && !(s->flags & KXLD_SYM_WEAKDEF)) {
				img->hash[h] = i + 1; /* a strong definition beats a weak one */
			} else if (!(o->flags & KXLD_SYM_WEAKDEF) && !(s->flags & KXLD_SYM_WEAKDEF)) {
				if (!dup)
					kxld_log(d, KXLD_MSG_DUPLICATE);
				dup = true;
				kxld_log(d, "\t%s: %p - %p", name, (void *)o->addr, (void *)s->addr);
			}
			break;
		}
	}
	return dup ? EEXIST : 0;
}

static void
kxld_image_add_sect(struct kxld_image *img, size_t *name_off, const char *name, uintptr_t addr, uint64_t size,
                    int prot)
{
	struct kxld_isect *is = &img->sects[img->nsects++];
	size_t len = strlen(name) + 1;

	memcpy(img->strtab + *name_off, name, len);
	is->name = (uint32_t)*name_off;
	*name_off += len;
	is->addr = addr;
	is->size = size;
	is->prot = prot;
}

static int
kxld_seg_prot(int seg)
{
	switch (seg) {
	case KXLD_SEG_TEXT:
		return KXLD_PROT_READ | KXLD_PROT_EXEC;
	case KXLD_SEG_RODATA:
		return KXLD_PROT_READ;
	default:
		return KXLD_PROT_READ | KXLD_PROT_WRITE;
	}
}

static size_t
kxld_align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

void
kxld_image_plan(const struct kxld_object *o, const char *kext_id, struct kxld_linkedit_plan *pl)
{
	size_t names = sizeof("__kxld_stubs") + sizeof("__kxld_got");

	bzero(pl, sizeof(*pl));
	pl->nsects = 2;
	for (size_t i = 1; i < o->nsects; i++) {
		if (o->sects[i].seg != KXLD_SEG_NONE) {
			names += strlen(o->sects[i].name) + 1;
			pl->nsects++;
		}
	}
	for (size_t i = 1; i < o->nsyms; i++) {
		if (kxld_sym_listed(o, &o->syms[i])) {
			pl->nsyms++;
			if (o->syms[i].bind == STB_GLOBAL || o->syms[i].bind == STB_WEAK)
				pl->nglobal++;
		}
	}
	pl->hash_size = 8;
	while (pl->hash_size < pl->nglobal * 2)
		pl->hash_size <<= 1;
	pl->strtab_size = o->strtab_size + names;
	pl->off_syms = 0;
	pl->off_hash = kxld_align16(pl->off_syms + (size_t)pl->nsyms * sizeof(struct kxld_isym));
	pl->off_sects = kxld_align16(pl->off_hash + (size_t)pl->hash_size * sizeof(uint32_t));
	pl->off_strtab = kxld_align16(pl->off_sects + (size_t)pl->nsects * sizeof(struct kxld_isect));
	pl->off_id = pl->off_strtab + pl->strtab_size;
	pl->total = kxld_align16(pl->off_id + strlen(kext_id) + 1);
}

int
kxld_image_build(const struct kxld_linker_view *v, struct kxld_image **out)
{
	const struct kxld_object *o = v->obj;
	const struct kxld_linkedit_plan *pl = v->plan;
	uint8_t *le = (uint8_t *)v->linkedit;
	struct kxld_image *img;
	size_t name_off;
	uint32_t nsyms = 0;
	int err;

	img = kalloc(sizeof(*img));
	if (img == NULL)
		return ENOMEM;
	bzero(img, sizeof(*img));
	/* The linkedit area is zero: fresh pages, or zeroed by the linker. */
	img->syms = (struct kxld_isym *)(le + pl->off_syms);
	img->hash = (uint32_t *)(le + pl->off_hash);
	img->hash_size = pl->hash_size;
	img->sects = (struct kxld_isect *)(le + pl->off_sects);
	img->strtab = (char *)(le + pl->off_strtab);
	img->strtab_size = pl->strtab_size;
	img->kext_id = (char *)(le + pl->off_id);
	img->kext_id_size = strlen(v->p->kext_id) + 1;
	memcpy(img->kext_id, v->p->kext_id, img->kext_id_size);
	img->base = v->base;
	img->size = v->size;
	for (int seg = 0; seg < KXLD_SEG_COUNT; seg++) {
		img->seg_addr[seg] = v->seg_addr[seg];
		img->seg_size[seg] = v->seg_size[seg];
	}
	img->init_array = v->init_addr;
	img->ninit = v->init_size / sizeof(void *);
	img->fini_array = v->fini_addr;
	img->nfini = v->fini_size / sizeof(void *);
	if (v->meta_size > 0) {
		img->metaclass_start = v->meta_addr;
		img->metaclass_end = v->meta_addr + v->meta_size;
	}
	kxld_object_compute_uuid(o, img->uuid);

	/* Names: a copy of the symbol string table, then the loaded sections' names. */
	if (o->strtab_size > 0)
		memcpy(img->strtab, o->strtab, o->strtab_size);
	for (size_t i = 1; i < o->nsyms; i++) {
		const struct kxld_sym *s = &o->syms[i];
		struct kxld_isym *is;

		if (!kxld_sym_listed(o, s))
			continue;
		is = &img->syms[nsyms++];
		is->name = (uint32_t)(s->name - o->strtab);
		is->addr = s->addr;
		is->size = s->size;
		is->flags = 0;
		is->hash = 0;
		if (s->type == STT_FUNC)
			is->flags |= KXLD_SYM_FUNCTION;
		else if (s->type == STT_OBJECT)
			is->flags |= KXLD_SYM_OBJECT;
		if (s->bind == STB_GLOBAL || s->bind == STB_WEAK) {
			bool kmod = strcmp(s->name, KXLD_KMOD_INFO_SYMBOL) == 0;

			is->flags |= KXLD_SYM_GLOBAL;
			if (s->bind == STB_WEAK)
				is->flags |= KXLD_SYM_WEAKDEF;
			if (s->vis != STV_HIDDEN && s->vis != STV_INTERNAL && !kmod)
				is->flags |= KXLD_SYM_EXPORTED;
			if (kmod)
				img->kmod_info = s->addr;
		}
	}
	img->nsyms = nsyms;

	/* Sections: the loaded ones in object order, then the linker's own. */
	name_off = o->strtab_size;
	img->nsects = 0;
	for (size_t i = 1; i < o->nsects; i++) {
		const struct kxld_sect *s = &o->sects[i];
		if (s->seg != KXLD_SEG_NONE)
			kxld_image_add_sect(img, &name_off, s->name, s->addr, s->size, kxld_seg_prot(s->seg));
	}
	kxld_image_add_sect(img, &name_off, "__kxld_stubs", v->stubs_addr, v->stubs_size,
	                    KXLD_PROT_READ | KXLD_PROT_EXEC);
	kxld_image_add_sect(img, &name_off, "__kxld_got", v->got_addr, v->got_size,
	                    KXLD_PROT_READ | KXLD_PROT_WRITE);

	err = kxld_image_hash(img, v->diag);
	if (err != 0) {
		kxld_image_free_record(img);
		return err;
	}
	kxld_region_add_image(img);
	*out = img;
	return 0;
}

void
kxld_unlink(struct kxld_image *img)
{
	if (img == NULL)
		return;
	if (img->debug_obj != NULL) {
		kxld_jit_unregister(&img->jit);
		kxld_debug_free(img->debug_obj, img->debug_size);
		img->debug_obj = NULL;
	}
	kxld_region_remove_image(img);
	kxld_region_free(img->base, img->size);
	kxld_image_free_record(img);
}

/* ---- accessors ------------------------------------------------------------------------ */

const char *
kxld_image_kext_id(const struct kxld_image *img)
{
	return img->kext_id;
}

uintptr_t
kxld_image_address(const struct kxld_image *img)
{
	return img->base;
}

size_t
kxld_image_size(const struct kxld_image *img)
{
	return img->size;
}

size_t
kxld_image_wired_size(const struct kxld_image *img)
{
	return img->size;
}

uintptr_t
kxld_image_kmod_info(const struct kxld_image *img)
{
	return img->kmod_info;
}

void
kxld_image_osmetaclass(const struct kxld_image *img, const OSMetaClass *const **start,
                       const OSMetaClass *const **end)
{
	*start = (const OSMetaClass *const *)img->metaclass_start;
	*end = (const OSMetaClass *const *)img->metaclass_end;
}

void
kxld_image_init_array(const struct kxld_image *img, kxld_ctor_fn const **fns, size_t *count)
{
	*fns = img->ninit ? (kxld_ctor_fn const *)img->init_array : NULL;
	*count = img->ninit;
}

void
kxld_image_fini_array(const struct kxld_image *img, kxld_ctor_fn const **fns, size_t *count)
{
	*fns = img->nfini ? (kxld_ctor_fn const *)img->fini_array : NULL;
	*count = img->nfini;
}

void
kxld_image_run_constructors(const struct kxld_image *img)
{
	kxld_ctor_fn const *fns = (kxld_ctor_fn const *)img->init_array;

	for (size_t i = 0; i < img->ninit; i++) {
		/* 0 and -1 are placeholders some toolchains leave in the arrays. */
		if (fns[i] != NULL && (uintptr_t)fns[i] != (uintptr_t)-1)
			fns[i]();
	}
}

void
kxld_image_run_destructors(const struct kxld_image *img)
{
	kxld_ctor_fn const *fns = (kxld_ctor_fn const *)img->fini_array;

	for (size_t i = img->nfini; i-- > 0;) {
		if (fns[i] != NULL && (uintptr_t)fns[i] != (uintptr_t)-1)
			fns[i]();
	}
}

void
kxld_image_uuid(const struct kxld_image *img, uint8_t uuid[16])
{
	memcpy(uuid, img->uuid, 16);
}

int
kxld_image_lookup(const struct kxld_image *img, const char *name, uintptr_t *addr)
{
	uint32_t mask = img->hash_size - 1, hash = kxld_hash_name(name);

	for (uint32_t h = hash & mask;; h = (h + 1) & mask) {
		uint32_t slot = img->hash[h];
		const struct kxld_isym *s;

		if (slot == 0)
			return ENOENT;
		s = &img->syms[slot - 1];
		if (s->hash == hash && strcmp(img->strtab + s->name, name) == 0) {
			if (!(s->flags & KXLD_SYM_EXPORTED))
				return ENOENT;
			*addr = s->addr;
			return 0;
		}
	}
}

void
kxld_image_symbols(const struct kxld_image *img, kxld_image_sym_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < img->nsyms; i++) {
		const struct kxld_isym *s = &img->syms[i];
		if (fn(ctx, img->strtab + s->name, s->addr, (size_t)s->size, s->flags & ~KXLD_SYM_WEAKDEF) !=
		    0)
			break;
	}
}

void
kxld_image_sections(const struct kxld_image *img, kxld_image_sect_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < img->nsects; i++) {
		const struct kxld_isect *s = &img->sects[i];
		if (fn(ctx, img->strtab + s->name, s->addr, (size_t)s->size, s->prot) != 0)
			break;
	}
}

int
kxld_image_debug_object(const struct kxld_image *img, const void **obj, size_t *size)
{
	*obj = img->debug_obj;
	*size = img->debug_size;
	return img->debug_obj != NULL ? 0 : ENOENT;
}
