/*
 * string.c — the kernel's NUL-terminated string functions (string.h) and
 * copystr (sys/systm.h). Plain byte loops: these are not hot paths, and
 * loop-idiom recognition is off so that strlen's loop never becomes a call
 * to strlen.
 */
#define KEXTHOST_STRING_IMPL 1
#include <string.h>
#include <stdint.h>
#include <sys/errno.h>
#include <sys/systm.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

static inline int
str_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0') {
		p++;
	}
	return (size_t)(p - s);
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

int
strcmp(const char *s1, const char *s2)
{
	while (*s1 != '\0' && *s1 == *s2) {
		s1++;
		s2++;
	}
	return (int)(unsigned char)*s1 - (int)(unsigned char)*s2;
}

int
strncmp(const char *s1, const char *s2, size_t n)
{
	for (; n > 0; n--, s1++, s2++) {
		if (*s1 != *s2) {
			return (int)(unsigned char)*s1 - (int)(unsigned char)*s2;
		}
		if (*s1 == '\0') {
			break;
		}
	}
	return 0;
}

int
strcasecmp(const char *s1, const char *s2)
{
	const unsigned char *a = (const unsigned char *)s1, *b = (const unsigned char *)s2;

	while (*a != '\0' && str_tolower(*a) == str_tolower(*b)) {
		a++;
		b++;
	}
	return str_tolower(*a) - str_tolower(*b);
}

int
strncasecmp(const char *s1, const char *s2, size_t n)
{
	const unsigned char *a = (const unsigned char *)s1, *b = (const unsigned char *)s2;

	for (; n > 0; n--, a++, b++) {
		int ca = str_tolower(*a), cb = str_tolower(*b);
		if (ca != cb) {
			return ca - cb;
		}
		if (ca == '\0') {
			break;
		}
	}
	return 0;
}

char *
strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++) != '\0') {
	}
	return dst;
}

char *
strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++) {
		dst[i] = src[i];
	}
	for (; i < n; i++) {
		dst[i] = '\0';
	}
	return dst;
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size != 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);
	size_t slen = strlen(src);

	if (dlen == size) {
		/* No NUL within size: nothing can be appended. */
		return size + slen;
	}
	size_t room = size - dlen - 1;
	size_t n = slen < room ? slen : room;
	memcpy(dst + dlen, src, n);
	dst[dlen + n] = '\0';
	return dlen + slen;
}

char *
strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

char *
strncat(char *dst, const char *src, size_t n)
{
	char *d = dst + strlen(dst);

	while (n-- > 0 && *src != '\0') {
		*d++ = *src++;
	}
	*d = '\0';
	return dst;
}

char *
strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch) {
			return (char *)(uintptr_t)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

char *
strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *found = NULL;

	for (;; s++) {
		if (*s == ch) {
			found = s;
		}
		if (*s == '\0') {
			return (char *)(uintptr_t)found;
		}
	}
}

char *
strstr(const char *big, const char *little)
{
	size_t n = strlen(little);

	if (n == 0) {
		return (char *)(uintptr_t)big;
	}
	for (; *big != '\0'; big++) {
		if (*big == *little && strncmp(big, little, n) == 0) {
			return (char *)(uintptr_t)big;
		}
	}
	return NULL;
}

char *
strnstr(const char *big, const char *little, size_t len)
{
	size_t n = strlen(little);

	if (n == 0) {
		return (char *)(uintptr_t)big;
	}
	for (; len >= n && *big != '\0'; big++, len--) {
		if (*big == *little && strncmp(big, little, n) == 0) {
			return (char *)(uintptr_t)big;
		}
	}
	return NULL;
}

char *
strsep(char **stringp, const char *delim)
{
	char *start = *stringp;

	if (start == NULL) {
		return NULL;
	}
	for (char *p = start;; p++) {
		char c = *p;
		for (const char *d = delim;; d++) {
			if (*d == c) {
				if (c == '\0') {
					*stringp = NULL;
				} else {
					*p = '\0';
					*stringp = p + 1;
				}
				return start;
			}
			if (*d == '\0') {
				break;
			}
		}
	}
}

/* Does s1 begin with s2? */
int
strprefix(const char *s1, const char *s2)
{
	while (*s2 != '\0') {
		if (*s1++ != *s2++) {
			return 0;
		}
	}
	return 1;
}

/*
 * Copy a NUL-terminated string of at most len bytes (NUL included). *done
 * gets the number of bytes copied, counting the NUL when it fit.
 */
int
copystr(const void *kfaddr, void *kdaddr, size_t len, size_t *done)
{
	const char *src = kfaddr;
	char *dst = kdaddr;
	size_t n;
	int err = ENAMETOOLONG;

	for (n = 0; n < len; n++) {
		dst[n] = src[n];
		if (src[n] == '\0') {
			n++;
			err = 0;
			break;
		}
	}
	if (done != NULL) {
		*done = n;
	}
	return err;
}
