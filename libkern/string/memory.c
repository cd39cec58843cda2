/*
 * memory.c — the kernel's memory block functions: memcpy, memmove, memset,
 * memcmp, memchr and their BSD spellings (bcopy, bzero, bcmp, ovbcopy).
 *
 * Kernel code is built with -mgeneral-regs-only, so the widest unit is a
 * 64-bit register. Short blocks use overlapping word moves (no per-byte
 * loop); long blocks use `rep movsq`/`rep stosq`. The compiler turns struct
 * copies and __builtin_memcpy into calls to these functions, so nothing in
 * this file may itself be turned back into such a call: loop-idiom
 * recognition is disabled for the file.
 */
#define KEXTHOST_STRING_IMPL 1
#include <string.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

/* Unaligned, alias-anything views of memory. */
typedef uint64_t __attribute__((__may_alias__, __aligned__(1))) mem_u64;
typedef uint32_t __attribute__((__may_alias__, __aligned__(1))) mem_u32;
typedef uint16_t __attribute__((__may_alias__, __aligned__(1))) mem_u16;

/* From this many bytes on, the string instructions beat a register loop. */
#define MEM_REP_THRESHOLD 1024

static inline uint64_t
mem_ld64(const unsigned char *p)
{
	return *(const mem_u64 *)p;
}

static inline void
mem_st64(unsigned char *p, uint64_t v)
{
	*(mem_u64 *)p = v;
}

/*
 * Copy 0..16 bytes. All loads happen before any store, so this is also
 * correct for overlapping blocks (memmove relies on that).
 */
static inline void
mem_copy_small(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= 8) {
		uint64_t a = mem_ld64(s), b = mem_ld64(s + n - 8);
		mem_st64(d, a);
		mem_st64(d + n - 8, b);
	} else if (n >= 4) {
		uint32_t a = *(const mem_u32 *)s, b = *(const mem_u32 *)(s + n - 4);
		*(mem_u32 *)d = a;
		*(mem_u32 *)(d + n - 4) = b;
	} else if (n >= 2) {
		uint16_t a = *(const mem_u16 *)s, b = *(const mem_u16 *)(s + n - 2);
		*(mem_u16 *)d = a;
		*(mem_u16 *)(d + n - 2) = b;
	} else if (n == 1) {
		*d = *s;
	}
}

/* Forward copy of n > 16 bytes, safe when dst <= src even if they overlap. */
static void
mem_copy_fwd(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= MEM_REP_THRESHOLD) {
		/*
		 * `rep movsq` runs much faster with an aligned destination: copy
		 * one unaligned word, step to the boundary, and finish with an
		 * overlapping last word (all loads of a step precede its stores,
		 * which keeps this safe for dst < src).
		 */
		size_t head = (size_t)(-(uintptr_t)d & 7);
		uint64_t first = mem_ld64(s);
		mem_st64(d, first);
		d += head;
		s += head;
		n -= head;
		size_t words = n >> 3;
		unsigned char *dend = d + n;
		const unsigned char *send = s + n;
		uint64_t last = mem_ld64(send - 8);
		__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
		mem_st64(dend - 8, last);
		return;
	}
	while (n >= 32) {
		uint64_t a = mem_ld64(s), b = mem_ld64(s + 8), c = mem_ld64(s + 16), e = mem_ld64(s + 24);
		mem_st64(d, a);
		mem_st64(d + 8, b);
		mem_st64(d + 16, c);
		mem_st64(d + 24, e);
		d += 32;
		s += 32;
		n -= 32;
	}
	while (n >= 8) {
		mem_st64(d, mem_ld64(s));
		d += 8;
		s += 8;
		n -= 8;
	}
	while (n--) {
		*d++ = *s++;
	}
}

/* Backward copy of n bytes, safe when dst > src even if they overlap. */
static void
mem_copy_bwd(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	while (n >= 8) {
		d -= 8;
		s -= 8;
		mem_st64(d, mem_ld64(s));
		n -= 8;
	}
	while (n--) {
		*--d = *--s;
	}
}

void *
memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n <= 16) {
		mem_copy_small(d, s, n);
	} else if (n <= 32) {
		uint64_t a = mem_ld64(s), b = mem_ld64(s + 8);
		uint64_t c = mem_ld64(s + n - 16), e = mem_ld64(s + n - 8);
		mem_st64(d, a);
		mem_st64(d + 8, b);
		mem_st64(d + n - 16, c);
		mem_st64(d + n - 8, e);
	} else {
		mem_copy_fwd(d, s, n);
	}
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n <= 16) {
		mem_copy_small(d, s, n);
	} else if ((uintptr_t)d - (uintptr_t)s >= n) {
		/* dst before src, or no overlap: copying forward is safe. */
		mem_copy_fwd(d, s, n);
	} else {
		mem_copy_bwd(d, s, n);
	}
	return dst;
}

void
bcopy(const void *src, void *dst, size_t n)
{
	memmove(dst, src, n);
}

void
ovbcopy(const char *from, char *to, size_t n)
{
	memmove(to, from, n);
}

void *
memset(void *b, int c, size_t n)
{
	unsigned char *d = b;
	uint64_t v = (unsigned char)c * 0x0101010101010101ULL;

	if (n >= 16) {
		unsigned char *end = d + n;
		if (n >= MEM_REP_THRESHOLD) {
			/* Align the destination for `rep stosq`; the ends are single stores. */
			mem_st64(d, v);
			d += -(uintptr_t)d & 7;
			size_t words = (size_t)(end - d) >> 3;
			__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
			mem_st64(end - 8, v);
			return b;
		}
		while (end - d >= 32) {
			mem_st64(d, v);
			mem_st64(d + 8, v);
			mem_st64(d + 16, v);
			mem_st64(d + 24, v);
			d += 32;
		}
		while (end - d > 8) {
			mem_st64(d, v);
			d += 8;
		}
		mem_st64(end - 8, v);
	} else if (n >= 8) {
		mem_st64(d, v);
		mem_st64(d + n - 8, v);
	} else if (n >= 4) {
		*(mem_u32 *)d = (uint32_t)v;
		*(mem_u32 *)(d + n - 4) = (uint32_t)v;
	} else {
		while (n--) {
			*d++ = (unsigned char)c;
		}
	}
	return b;
}

void
bzero(void *s, size_t n)
{
	memset(s, 0, n);
}

int
memcmp(const void *s1, const void *s2, size_t n)
{
	const unsigned char *a = s1, *b = s2;

	/* Skip equal words, then find the first differing byte. */
	while (n >= 8 && mem_ld64(a) == mem_ld64(b)) {
		a += 8;
		b += 8;
		n -= 8;
	}
	for (; n > 0; n--, a++, b++) {
		if (*a != *b) {
			return (int)*a - (int)*b;
		}
	}
	return 0;
}

int
bcmp(const void *s1, const void *s2, size_t n)
{
	return memcmp(s1, s2, n) != 0;
}

void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char ch = (unsigned char)c;

	for (; n > 0; n--, p++) {
		if (*p == ch) {
			return (void *)(uintptr_t)p;
		}
	}
	return NULL;
}
