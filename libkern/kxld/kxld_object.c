/*
 * kxld_object.c — reading a kext's ELF relocatable object with libelf
 * (elfutils) and validating everything the linker will later trust: the
 * header (ELF64, little-endian, ET_REL, the architecture's machine), every
 * section header (bounds within the file, alignment, indices), the symbol
 * table (name offsets, section indices, values within their sections),
 * COMDAT groups (the first group of each signature is kept), the build-id
 * note, and on request each relocation section's entries.
 *
 * The object's bytes are never written (the header is checked before libelf
 * sees them, so libelf never needs to convert byte order in place) and are
 * only borrowed for the duration of a link. Any inconsistency gives a
 * "The ELF file is malformed: ..." message and ENOEXEC.
 */
#include <sys/systm.h>
#include <libkern/libkern.h>
#include <string.h>
#include "libkern/kxld/kxld_internal.h"

/* Limits that keep hostile objects from making us allocate absurd tables. */
#define KXLD_MAX_SECTIONS (1u << 20)
#define KXLD_MAX_SYMBOLS (1u << 22)
#define KXLD_MAX_ALIGN ((uint64_t)2 << 20)
#define KXLD_MAX_SECT_SIZE ((uint64_t)1 << 30)

static int
kxld_malformed(struct kxld_object *o, const char *what, unsigned long long a, unsigned long long b)
{
	char msg[160];

	snprintf(msg, sizeof(msg), what, a, b);
	kxld_log(o->diag, KXLD_MSG_MALFORMED "%s", msg);
	return ENOEXEC;
}

/* The name at `off` in a string table of `size` bytes whose last byte is NUL (checked once), or NULL. */
static inline const char *
kxld_strat(const char *tab, size_t size, uint64_t off)
{
	if (tab == NULL || off >= size)
		return NULL;
	return tab + off;
}

static int
kxld_check_header(struct kxld_object *o)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o->bytes;

	if (o->size < sizeof(Elf64_Ehdr)) {
		kxld_log(o->diag, KXLD_MSG_TRUNCATED);
		return ENOEXEC;
	}
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		kxld_log(o->diag, KXLD_MSG_MALFORMED "not an ELF file (bad magic number).");
		return ENOEXEC;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    !kxld_arch_machine_ok(eh->e_machine)) {
		kxld_log(o->diag,
		         "The target architecture (ELF class %u, data %u, machine 0x%x) is not supported by "
		         "kxld.",
		         eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA], eh->e_machine);
		return ENOEXEC;
	}
	if (eh->e_type != ET_REL) {
		kxld_log(o->diag,
		         "The ELF filetype 0x%x is not supported on the target architecture "
		         "(a kext executable is a relocatable object: link it with ld -r).",
		         eh->e_type);
		return ENOEXEC;
	}
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return kxld_malformed(o, "unknown ELF version %llu.", eh->e_version, 0);
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return kxld_malformed(o, "section header size %llu (expected %llu).", eh->e_shentsize,
		                      sizeof(Elf64_Shdr));
	/* The section header table must fit (e_shnum 0: the count is in the first header). */
	if (eh->e_shoff == 0 || eh->e_shoff > o->size || eh->e_shoff % 8 != 0 ||
	    (o->size - eh->e_shoff) / sizeof(Elf64_Shdr) < (eh->e_shnum ? eh->e_shnum : 1)) {
		kxld_log(o->diag, KXLD_MSG_TRUNCATED);
		return ENOEXEC;
	}
	return 0;
}

/* Where a loaded section goes, from its type and flags. */
static int
kxld_classify(const struct kxld_sect *s)
{
	if (!(s->flags & SHF_ALLOC))
		return KXLD_SEG_NONE;
	switch (s->type) {
	case SHT_PROGBITS:
	case SHT_INIT_ARRAY:
	case SHT_FINI_ARRAY:
	case SHT_PREINIT_ARRAY:
	case SHT_NOBITS:
		break;
	default:
		/* Notes, unwind tables (SHT_X86_64_UNWIND), and anything else are not needed at run time. */
		return KXLD_SEG_NONE;
	}
	/* The kernel has no unwinder: frame-pointer backtraces only. */
	if (strcmp(s->name, ".eh_frame") == 0)
		return KXLD_SEG_NONE;
	if (s->flags & SHF_EXECINSTR)
		return KXLD_SEG_TEXT;
	if ((s->flags & SHF_WRITE) || s->type == SHT_NOBITS || s->type != SHT_PROGBITS)
		return KXLD_SEG_DATA;
	return KXLD_SEG_RODATA;
}

static void
kxld_find_build_id(struct kxld_object *o, const struct kxld_sect *s)
{
	const uint8_t *p = s->data, *end = s->data + s->size;

	/* Notes: {namesz, descsz, type} words, then name and descriptor padded to 4 bytes. */
	while ((size_t)(end - p) >= 12) {
		uint32_t namesz, descsz, type;
		size_t nlen, dlen;

		memcpy(&namesz, p, 4);
		memcpy(&descsz, p + 4, 4);
		memcpy(&type, p + 8, 4);
		nlen = ((size_t)namesz + 3) & ~(size_t)3;
		dlen = ((size_t)descsz + 3) & ~(size_t)3;
		p += 12;
		if (nlen > (size_t)(end - p) || dlen > (size_t)(end - p - nlen))
			return;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(p, "GNU", 4) == 0 && descsz > 0) {
			o->build_id = p + nlen;
			o->build_id_len = descsz;
			return;
		}
		p += nlen + dlen;
	}
}

static int
kxld_read_sections(struct kxld_object *o)
{
	size_t n = 0, shstrndx = 0;
	const char *shstr;
	size_t shstr_size;

	if (elf_getshdrnum(o->elf, &n) != 0 || elf_getshdrstrndx(o->elf, &shstrndx) != 0) {
		kxld_log(o->diag, KXLD_MSG_TRUNCATED);
		return ENOEXEC;
	}
	if (n == 0 || n > KXLD_MAX_SECTIONS)
		return kxld_malformed(o, "%llu sections.", n, 0);
	if (((const Elf64_Ehdr *)o->bytes)->e_shoff + n * sizeof(Elf64_Shdr) > o->size) {
		kxld_log(o->diag, KXLD_MSG_TRUNCATED);
		return ENOEXEC;
	}
	if (shstrndx == 0 || shstrndx >= n)
		return kxld_malformed(o, "section name table index %llu out of range.", shstrndx, 0);
	o->sects = kxld_scratch_zalloc(o->tmp, n * sizeof(struct kxld_sect));
	if (o->sects == NULL)
		return ENOMEM;
	o->nsects = n;

	{
		const Elf64_Shdr *sh =
		        (const Elf64_Shdr *)(o->bytes + ((const Elf64_Ehdr *)o->bytes)->e_shoff);
		const Elf64_Shdr *ss = &sh[shstrndx];

		if (ss->sh_type != SHT_STRTAB || ss->sh_offset > o->size ||
		    ss->sh_size > o->size - ss->sh_offset)
			return kxld_malformed(o, "bad section name table (section %llu).", shstrndx, 0);
		shstr = (const char *)o->bytes + ss->sh_offset;
		shstr_size = ss->sh_size;
		if (shstr_size == 0 || shstr[shstr_size - 1] != 0)
			return kxld_malformed(o, "section name table %llu does not end with a NUL.", shstrndx,
			                      0);
	}

	for (size_t i = 0; i < n; i++) {
		Elf_Scn *scn = elf_getscn(o->elf, i);
		Elf64_Shdr *sh = scn ? elf64_getshdr(scn) : NULL;
		struct kxld_sect *s = &o->sects[i];

		if (sh == NULL) {
			kxld_log(o->diag, KXLD_MSG_TRUNCATED);
			return ENOEXEC;
		}
		s->seg = KXLD_SEG_NONE;
		s->type = sh->sh_type;
		s->flags = sh->sh_flags;
		s->size = sh->sh_size;
		s->align = sh->sh_addralign ? sh->sh_addralign : 1;
		s->link = sh->sh_link;
		s->info = sh->sh_info;
		if (i == 0) {
			s->name = "";
			s->type = SHT_NULL;
			continue;
		}
		s->name = kxld_strat(shstr, shstr_size, sh->sh_name);
		if (s->name == NULL)
			return kxld_malformed(o, "section %llu has a bad name offset %llu.", i, sh->sh_name);
		if (s->align & (s->align - 1))
			return kxld_malformed(o, "section %llu has alignment %llu, not a power of two.", i,
			                      s->align);
		if (s->type != SHT_NOBITS && s->type != SHT_NULL) {
			if (sh->sh_offset > o->size || s->size > o->size - sh->sh_offset) {
				kxld_log(o->diag, KXLD_MSG_TRUNCATED);
				kxld_log(o->diag,
				         KXLD_MSG_MALFORMED "section %s (%zu) lies outside the file.",
				         s->name, i);
				return ENOEXEC;
			}
			s->data = o->bytes + sh->sh_offset;
		}
		s->seg = kxld_classify(s);
		if (s->seg != KXLD_SEG_NONE) {
			if (s->flags & SHF_COMPRESSED)
				return kxld_malformed(o, "loaded section %llu is compressed.", i, 0);
			if (s->align > KXLD_MAX_ALIGN || s->size > KXLD_MAX_SECT_SIZE)
				return kxld_malformed(
				        o, "section %llu is too large or too aligned (%llu bytes).", i,
				        s->size);
			if ((s->type == SHT_INIT_ARRAY || s->type == SHT_FINI_ARRAY ||
			     strcmp(s->name, KXLD_OSMETACLASS_SECTION) == 0) &&
			    s->size % sizeof(void *) != 0)
				return kxld_malformed(o, "pointer array section %llu has size %llu.", i,
				                      s->size);
		}
		if (s->type == SHT_NOTE && s->data != NULL && o->build_id == NULL &&
		    strcmp(s->name, ".note.gnu.build-id") == 0)
			kxld_find_build_id(o, s);
		if (s->type == SHT_REL)
			return kxld_malformed(
			        o, "section %llu has REL relocations (x86-64 objects use RELA).", i, 0);
		if (s->type == SHT_SYMTAB) {
			if (o->symtab != 0)
				return kxld_malformed(o, "more than one symbol table.", 0, 0);
			o->symtab = i;
		}
	}
	return 0;
}

static int
kxld_read_symbols(struct kxld_object *o)
{
	struct kxld_sect *st, *ss;
	const uint32_t *xindex = NULL;
	size_t nxindex = 0;
	Elf_Data *data;

	if (o->symtab == 0)
		return 0; /* an object with no symbols: nothing to resolve */
	st = &o->sects[o->symtab];
	if (st->link == 0 || st->link >= o->nsects || o->sects[st->link].type != SHT_STRTAB)
		return kxld_malformed(o, "symbol table's string table index %llu is bad.", st->link, 0);
	ss = &o->sects[st->link];
	o->strtab = (const char *)ss->data;
	o->strtab_size = ss->size;
	if (o->strtab_size == 0 || o->strtab[o->strtab_size - 1] != 0)
		return kxld_malformed(o, "string table %llu does not end with a NUL.", st->link, 0);
	data = elf_getdata(elf_getscn(o->elf, o->symtab), NULL);
	if (data == NULL || data->d_type != ELF_T_SYM)
		return kxld_malformed(o, "unreadable symbol table.", 0, 0);
	if (data->d_size % sizeof(Elf64_Sym) != 0 || data->d_size / sizeof(Elf64_Sym) > KXLD_MAX_SYMBOLS)
		return kxld_malformed(o, "symbol table size %llu.", data->d_size, 0);

	for (size_t i = 1; i < o->nsects; i++) {
		if (o->sects[i].type == SHT_SYMTAB_SHNDX && o->sects[i].link == o->symtab) {
			Elf_Data *xd = elf_getdata(elf_getscn(o->elf, i), NULL);
			if (xd == NULL)
				return kxld_malformed(o, "unreadable extended section index table.", 0, 0);
			xindex = xd->d_buf;
			nxindex = xd->d_size / sizeof(uint32_t);
		}
	}

	o->nsyms = data->d_size / sizeof(Elf64_Sym);
	o->syms = kxld_scratch_zalloc(o->tmp, o->nsyms * sizeof(struct kxld_sym));
	if (o->syms == NULL)
		return ENOMEM;

	for (size_t i = 0; i < o->nsyms; i++) {
		const Elf64_Sym *es = &((const Elf64_Sym *)data->d_buf)[i];
		struct kxld_sym *sym = &o->syms[i];

		sym->binding = -1;
		sym->name = kxld_strat(o->strtab, o->strtab_size, es->st_name);
		if (sym->name == NULL)
			return kxld_malformed(o, "symbol %llu has a bad name offset %llu.", i, es->st_name);
		sym->value = es->st_value;
		sym->size = es->st_size;
		sym->bind = ELF64_ST_BIND(es->st_info);
		sym->type = ELF64_ST_TYPE(es->st_info);
		sym->vis = ELF64_ST_VISIBILITY(es->st_other);
		sym->shndx = es->st_shndx;
		if (es->st_shndx == SHN_XINDEX) {
			if (i >= nxindex)
				return kxld_malformed(o, "symbol %llu has no extended section index.", i, 0);
			sym->shndx = xindex[i];
			if (sym->shndx == SHN_UNDEF || sym->shndx >= o->nsects)
				return kxld_malformed(o, "symbol %llu has extended section index %llu.", i,
				                      sym->shndx);
		} else if (sym->shndx >= SHN_LORESERVE && sym->shndx != SHN_ABS && sym->shndx != SHN_COMMON) {
			return kxld_malformed(o, "symbol %llu has reserved section index 0x%llx.", i,
			                      sym->shndx);
		} else if (sym->shndx < SHN_LORESERVE && sym->shndx >= o->nsects) {
			return kxld_malformed(o, "symbol %llu has section index %llu out of range.", i,
			                      sym->shndx);
		}
		if (sym->type == STT_SECTION && sym->shndx < o->nsects && sym->name[0] == 0)
			sym->name = o->sects[sym->shndx].name;
		if (sym->shndx != SHN_UNDEF && sym->shndx < o->nsects && sym->type != STT_TLS &&
		    o->sects[sym->shndx].seg != KXLD_SEG_NONE && sym->value > o->sects[sym->shndx].size)
			return kxld_malformed(o, "symbol %llu lies outside its section (value 0x%llx).", i,
			                      sym->value);
	}
	return 0;
}

/* Keep the first COMDAT group of each signature; unload the members of the others. */
static int
kxld_read_groups(struct kxld_object *o)
{
	const char **seen = NULL;
	size_t nseen = 0, cap = 0;
	int err = 0;

	for (size_t i = 1; i < o->nsects; i++) {
		struct kxld_sect *g = &o->sects[i];
		const uint32_t *w;
		size_t nw;
		const char *sig;
		bool dup = false;

		if (g->type != SHT_GROUP)
			continue;
		if (g->link != o->symtab || o->symtab == 0 || g->info >= o->nsyms || g->size % 4 != 0 ||
		    g->size < 4 || ((uintptr_t)g->data & 3) != 0) {
			err = kxld_malformed(o, "bad section group %llu.", i, 0);
			break;
		}
		w = (const uint32_t *)g->data;
		nw = g->size / 4;
		if (!(w[0] & GRP_COMDAT))
			continue;
		sig = o->syms[g->info].name;
		for (size_t k = 0; k < nseen; k++) {
			if (strcmp(seen[k], sig) == 0) {
				dup = true;
				break;
			}
		}
		if (dup) {
			for (size_t k = 1; k < nw; k++) {
				if (w[k] == 0 || w[k] >= o->nsects) {
					err = kxld_malformed(o, "section group %llu names section %llu.", i,
					                     w[k]);
					goto out;
				}
				o->sects[w[k]].seg = KXLD_SEG_NONE;
			}
			continue;
		}
		if (nseen == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			const char **ns = kalloc(ncap * sizeof(*ns));
			if (ns == NULL) {
				err = ENOMEM;
				break;
			}
			if (seen != NULL) {
				memcpy(ns, seen, nseen * sizeof(*ns));
				kfree(seen, cap * sizeof(*seen));
			}
			seen = ns;
			cap = ncap;
		}
		seen[nseen++] = sig;
	}
out:
	if (seen != NULL)
		kfree(seen, cap * sizeof(*seen));
	return err;
}

int
kxld_object_open(struct kxld_object *o, const void *bytes, size_t size, struct kxld_diag *d)
{
	int err;

	bzero(o, sizeof(*o));
	o->diag = d;
	o->tmp = kxld_scratch_get();
	o->bytes = bytes;
	o->size = size;
	if (bytes == NULL) {
		kxld_log(d, KXLD_MSG_TRUNCATED);
		return ENOEXEC;
	}
	err = kxld_check_header(o);
	if (err != 0)
		return err;
	/* libelf only reads: the header check above guarantees native byte order. */
	o->elf = elf_memory((char *)(uintptr_t)bytes, size);
	if (o->elf == NULL || elf_kind(o->elf) != ELF_K_ELF) {
		kxld_log(d, KXLD_MSG_MALFORMED "%s.", elf_errmsg(-1));
		return ENOEXEC;
	}
	err = kxld_read_sections(o);
	if (err == 0)
		err = kxld_read_symbols(o);
	if (err == 0)
		err = kxld_read_groups(o);
	return err;
}

void
kxld_object_close(struct kxld_object *o)
{
	if (o->elf != NULL)
		elf_end(o->elf);
	kxld_scratch_free(o->tmp, o->sects, o->nsects * sizeof(struct kxld_sect));
	kxld_scratch_free(o->tmp, o->syms, o->nsyms * sizeof(struct kxld_sym));
	kxld_scratch_put(o->tmp);
	bzero(o, sizeof(*o));
}

int
kxld_object_relocs(struct kxld_object *o, size_t i, const Elf64_Rela **rela, size_t *count)
{
	struct kxld_sect *s = &o->sects[i];
	Elf_Data *data;

	if (s->link != o->symtab || o->symtab == 0 || s->info == 0 || s->info >= o->nsects)
		return kxld_malformed(o, "relocation section %llu has bad links (%llu).", i, s->info);
	data = elf_getdata(elf_getscn(o->elf, i), NULL);
	if (data == NULL || data->d_type != ELF_T_RELA || data->d_size % sizeof(Elf64_Rela) != 0)
		return kxld_malformed(o, "unreadable relocation section %llu.", i, 0);
	*rela = data->d_buf;
	*count = data->d_size / sizeof(Elf64_Rela);
	return 0;
}

/*
 * A stable 128-bit hash of the object, for objects without a build-id:
 * two 64-bit lanes of multiply-xorshift over 8-byte words, then a final mix.
 */
static uint64_t
kxld_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static void
kxld_hash128(const uint8_t *p, size_t len, uint8_t out[16])
{
	uint64_t a = 0x6a09e667f3bcc908ull ^ len, b = 0xbb67ae8584caa73bull + len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		a = (a ^ w) * 0x9e3779b97f4a7c15ull;
		a ^= a >> 29;
		b = (b + w) * 0xc2b2ae3d27d4eb4full;
		b ^= b >> 31;
	}
	for (; i < len; i++) {
		a = (a ^ p[i]) * 0x100000001b3ull;
		b = (b + p[i]) * 0x9e3779b97f4a7c15ull;
	}
	a = kxld_mix(a ^ kxld_mix(b));
	b = kxld_mix(b ^ a);
	memcpy(out, &a, 8);
	memcpy(out + 8, &b, 8);
}

void
kxld_object_compute_uuid(const struct kxld_object *o, uint8_t uuid[16])
{
	if (o->build_id != NULL && o->build_id_len >= 16) {
		memcpy(uuid, o->build_id, 16);
		return;
	}
	if (o->build_id != NULL)
		kxld_hash128(o->build_id, o->build_id_len, uuid);
	else
		kxld_hash128(o->bytes, o->size, uuid);
	/* Mark it as an RFC 4122 variant, version 8 (custom) UUID. */
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x80);
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
}

int
kxld_object_uuid(const void *object, size_t size, uint8_t uuid[16])
{
	struct kxld_diag d = {.kext_id = "object", .list = NULL};
	struct kxld_object o;
	int err;

	err = kxld_init();
	if (err != 0)
		return err;
	err = kxld_object_open(&o, object, size, &d);
	if (err == 0)
		kxld_object_compute_uuid(&o, uuid);
	kxld_object_close(&o);
	return err;
}

int
kxld_object_symbols(const void *object, size_t size, kxld_object_sym_fn fn, void *ctx, OSArray *diagnostics)
{
	struct kxld_diag d = {.kext_id = "object", .list = diagnostics};
	struct kxld_object o;
	int err;

	if (fn == NULL)
		return EINVAL;
	err = kxld_init();
	if (err != 0)
		return err;
	err = kxld_object_open(&o, object, size, &d);
	for (size_t i = 1; err == 0 && i < o.nsyms; i++) {
		const struct kxld_sym *s = &o.syms[i];

		if (s->name[0] == 0 || (s->bind != STB_GLOBAL && s->bind != STB_WEAK) ||
		    s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (fn(ctx, s->name, s->shndx != SHN_UNDEF,
		       s->type == STT_FUNC || s->type == STT_GNU_IFUNC) != 0)
			break;
	}
	kxld_object_close(&o);
	return err;
}
