/*
 * kxld_x86_64.c — everything the kext linker knows about x86-64: which
 * relocation types exist and what each needs (a GOT slot, a far-call stub,
 * the GOT base, the symbol size), how to compute and store each one with
 * its overflow check (System V x86-64 psABI, section 4.4), the far-call
 * stub, and the import trampoline that adds an argument.
 *
 * Notation (psABI): S symbol, A addend, P place, L branch target (S or the
 * symbol's stub), G address of the symbol's GOT slot (the psABI's G is an
 * offset: G - GOT here), GOT the GOT base, Z the symbol size.
 *
 * GOTPCRELX/REX_GOTPCRELX are not relaxed: the instruction keeps loading the
 * address from the GOT slot, which is always correct. Absolute 32-bit forms
 * (R_X86_64_32/32S, -fno-pic or -mcmodel=kernel code) work because the kext
 * region and the kernel are in the low 2 GB; a value that does not fit is
 * reported, never truncated. TLS relocations are refused: kernel code has no
 * thread-local storage. An aarch64 port provides this file's functions for
 * CALL26/JUMP26 (veneers as stubs), ADR_PREL_PG_HI21/ADD_ABS_LO12_NC and the
 * GOT page forms.
 */
#include <sys/types.h>
#include <string.h>
#include "libkern/kxld/kxld_internal.h"

#define RI(type, w, needs, tls, ok) [type] = {#type, w, needs, tls, ok}

const struct kxld_rinfo kxld_arch_relocs[] = {
        RI(R_X86_64_NONE, 0, 0, false, true),
        RI(R_X86_64_64, 8, 0, false, true),
        RI(R_X86_64_PC32, 4, KXLD_RNEED_BRANCH, false, true),
        RI(R_X86_64_GOT32, 4, KXLD_RNEED_GOT | KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_PLT32, 4, KXLD_RNEED_BRANCH, false, true),
        RI(R_X86_64_COPY, 0, 0, false, false),
        RI(R_X86_64_GLOB_DAT, 8, 0, false, false),
        RI(R_X86_64_JUMP_SLOT, 8, 0, false, false),
        RI(R_X86_64_RELATIVE, 8, 0, false, false),
        RI(R_X86_64_GOTPCREL, 4, KXLD_RNEED_GOT, false, true),
        RI(R_X86_64_32, 4, 0, false, true),
        RI(R_X86_64_32S, 4, 0, false, true),
        RI(R_X86_64_16, 2, 0, false, true),
        RI(R_X86_64_PC16, 2, 0, false, true),
        RI(R_X86_64_8, 1, 0, false, true),
        RI(R_X86_64_PC8, 1, 0, false, true),
        RI(R_X86_64_DTPMOD64, 8, 0, true, false),
        RI(R_X86_64_DTPOFF64, 8, 0, true, false),
        RI(R_X86_64_TPOFF64, 8, 0, true, false),
        RI(R_X86_64_TLSGD, 4, 0, true, false),
        RI(R_X86_64_TLSLD, 4, 0, true, false),
        RI(R_X86_64_DTPOFF32, 4, 0, true, false),
        RI(R_X86_64_GOTTPOFF, 4, 0, true, false),
        RI(R_X86_64_TPOFF32, 4, 0, true, false),
        RI(R_X86_64_PC64, 8, 0, false, true),
        RI(R_X86_64_GOTOFF64, 8, KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_GOTPC32, 4, KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_GOT64, 8, KXLD_RNEED_GOT | KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_GOTPCREL64, 8, KXLD_RNEED_GOT, false, true),
        RI(R_X86_64_GOTPC64, 8, KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_GOTPLT64, 8, KXLD_RNEED_GOT | KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_PLTOFF64, 8, KXLD_RNEED_BRANCH | KXLD_RNEED_GOTBASE, false, true),
        RI(R_X86_64_SIZE32, 4, KXLD_RNEED_SIZE, false, true),
        RI(R_X86_64_SIZE64, 8, KXLD_RNEED_SIZE, false, true),
        RI(R_X86_64_GOTPC32_TLSDESC, 4, 0, true, false),
        RI(R_X86_64_TLSDESC_CALL, 0, 0, true, false),
        RI(R_X86_64_TLSDESC, 16, 0, true, false),
        RI(R_X86_64_IRELATIVE, 8, 0, false, false),
        RI(R_X86_64_RELATIVE64, 8, 0, false, false),
        RI(R_X86_64_GOTPCRELX, 4, KXLD_RNEED_GOT, false, true),
        RI(R_X86_64_REX_GOTPCRELX, 4, KXLD_RNEED_GOT, false, true),
};

bool
kxld_arch_machine_ok(unsigned int e_machine)
{
	return e_machine == EM_X86_64;
}

const uint32_t kxld_arch_nrelocs = sizeof(kxld_arch_relocs) / sizeof(kxld_arch_relocs[0]);

bool
kxld_arch_reloc_info(uint32_t type, struct kxld_rinfo *ri)
{
	const struct kxld_rinfo *p = kxld_arch_reloc_lookup(type);

	if (p == NULL)
		return false;
	*ri = *p;
	return true;
}

bool
kxld_arch_reach32(uintptr_t lo, uintptr_t hi, uintptr_t target)
{
	/* Keep 64 KiB of slack for addends such as a call's -4 or a field offset. */
	const int64_t lim = ((int64_t)1 << 31) - 65536;
	int64_t d1 = (int64_t)(target - lo), d2 = (int64_t)(target - hi);

	return d1 > -lim && d1 < lim && d2 > -lim && d2 < lim;
}

static int
kxld_store(uint8_t *place, unsigned int width, uint64_t v)
{
	memcpy(place, &v, width); /* little-endian: the low `width` bytes */
	return 0;
}

static bool
fits_signed(int64_t v, unsigned int bits)
{
	int64_t lim = (int64_t)1 << (bits - 1);
	return v >= -lim && v < lim;
}

static bool
fits_unsigned(uint64_t v, unsigned int bits)
{
	return v < ((uint64_t)1 << bits);
}

/* Is the 32-bit field at place the operand of call, jmp or jcc rel32? */
static bool
kxld_is_branch(const uint8_t *place, unsigned int before)
{
	if (before >= 1 && (place[-1] == 0xe8 || place[-1] == 0xe9))
		return true;
	return before >= 2 && place[-2] == 0x0f && (place[-1] & 0xf0) == 0x80;
}

int
kxld_arch_reloc_apply(uint32_t type, uint8_t *place, const struct kxld_rval *v)
{
	uint64_t S = v->S, P = v->P, L = v->L, G = v->G, GOT = v->GOT, Z = v->Z;
	uint64_t A = (uint64_t)v->A;
	int64_t r;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		return kxld_store(place, 8, S + A);
	case R_X86_64_PC64:
		return kxld_store(place, 8, S + A - P);
	case R_X86_64_PC32:
		r = (int64_t)(S + A - P);
		/* Older toolchains emit PC32 for calls: a far import is reached through its stub. */
		if (!fits_signed(r, 32) && L != S && kxld_is_branch(place, v->before))
			r = (int64_t)(L + A - P);
		break;
	case R_X86_64_PLT32:
		r = (int64_t)(L + A - P);
		break;
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		r = (int64_t)(G + A - P);
		break;
	case R_X86_64_GOTPCREL64:
		return kxld_store(place, 8, G + A - P);
	case R_X86_64_GOTPC32:
		r = (int64_t)(GOT + A - P);
		break;
	case R_X86_64_GOTPC64:
		return kxld_store(place, 8, GOT + A - P);
	case R_X86_64_GOTOFF64:
		return kxld_store(place, 8, S + A - GOT);
	case R_X86_64_GOT32:
		r = (int64_t)(G - GOT + A);
		break;
	case R_X86_64_GOT64:
	case R_X86_64_GOTPLT64:
		return kxld_store(place, 8, G - GOT + A);
	case R_X86_64_PLTOFF64:
		return kxld_store(place, 8, L - GOT + A);
	case R_X86_64_SIZE64:
		return kxld_store(place, 8, Z + A);
	case R_X86_64_SIZE32:
		if (!fits_unsigned(Z + A, 32))
			return ERANGE;
		return kxld_store(place, 4, Z + A);
	case R_X86_64_32:
		if (!fits_unsigned(S + A, 32))
			return ERANGE;
		return kxld_store(place, 4, S + A);
	case R_X86_64_32S:
		if (!fits_signed((int64_t)(S + A), 32))
			return ERANGE;
		return kxld_store(place, 4, S + A);
	case R_X86_64_16:
		if (!fits_unsigned(S + A, 16) && !fits_signed((int64_t)(S + A), 16))
			return ERANGE;
		return kxld_store(place, 2, S + A);
	case R_X86_64_8:
		if (!fits_unsigned(S + A, 8) && !fits_signed((int64_t)(S + A), 8))
			return ERANGE;
		return kxld_store(place, 1, S + A);
	case R_X86_64_PC16:
		if (!fits_signed((int64_t)(S + A - P), 16))
			return ERANGE;
		return kxld_store(place, 2, S + A - P);
	case R_X86_64_PC8:
		if (!fits_signed((int64_t)(S + A - P), 8))
			return ERANGE;
		return kxld_store(place, 1, S + A - P);
	default:
		return ENOEXEC;
	}
	/* The 32-bit PC-relative and GOT forms: signed 32-bit. */
	if (!fits_signed(r, 32))
		return ERANGE;
	return kxld_store(place, 4, (uint64_t)r);
}

void
kxld_arch_write_stub(uint8_t *at, uintptr_t target)
{
	/* jmp *0(%rip); .quad target; padded with int3. */
	static const uint8_t jmp[6] = {0xff, 0x25, 0x00, 0x00, 0x00, 0x00};
	uint64_t t = target;

	memset(at, 0xcc, KXLD_STUB_SIZE);
	memcpy(at, jmp, sizeof(jmp));
	memcpy(at + 6, &t, 8);
}

int
kxld_arch_write_trampoline(uint8_t *at, uintptr_t target, uintptr_t extra, unsigned int argpos)
{
	/* movabs $extra, %<argument register>; jmp *0(%rip); .quad target */
	static const uint8_t movabs[6][2] = {
	        {0x48, 0xbf}, /* %rdi */
	        {0x48, 0xbe}, /* %rsi */
	        {0x48, 0xba}, /* %rdx */
	        {0x48, 0xb9}, /* %rcx */
	        {0x49, 0xb8}, /* %r8 */
	        {0x49, 0xb9}, /* %r9 */
	};
	uint64_t x = extra;

	if (argpos >= 6)
		return EINVAL;
	memset(at, 0xcc, KXLD_TRAMPOLINE_SIZE);
	memcpy(at, movabs[argpos], 2);
	memcpy(at + 2, &x, 8);
	kxld_arch_write_stub(at + 10, target);
	return 0;
}
