/*
 * mig_reader.c — reading a MIG request's arguments and writing string
 * replies, shared by every routine file (see mig.h for the layout).
 */
#include <sys/systm.h>
#include "osfmk/ipc/mig.h"

const void *
mig_read_take(struct mig_reader *a, uint32_t n)
{
	const void *at = a->p;

	if (a->bad || a->left < n) {
		a->bad = true;
		return NULL;
	}
	a->p += n;
	a->left -= n;
	return at;
}

uint32_t
mig_read_u32(struct mig_reader *a)
{
	const void *at = mig_read_take(a, 4);
	uint32_t v = 0;

	if (at != NULL)
		memcpy(&v, at, 4);
	return v;
}

uint64_t
mig_read_u64(struct mig_reader *a)
{
	const void *at = mig_read_take(a, 8);
	uint64_t v = 0;

	if (at != NULL)
		memcpy(&v, at, 8);
	return v;
}

const void *
mig_read_bytes(struct mig_reader *a, uint32_t max, uint32_t *count)
{
	uint32_t n = mig_read_u32(a);

	*count = 0;
	if (a->bad || n > max) {
		a->bad = true;
		return NULL;
	}
	*count = n;
	return mig_read_take(a, (n + 3u) & ~3u);
}

void
mig_read_string(struct mig_reader *a, char *buf, uint32_t max)
{
	uint32_t n;
	const char *s = mig_read_bytes(a, max, &n);

	buf[0] = '\0';
	if (s == NULL || n == 0 || s[n - 1] != '\0') {
		a->bad = true;
		return;
	}
	memcpy(buf, s, n);
}

kern_return_t
mig_reply_string(struct mig_reply *rep, const char *s, uint32_t max)
{
	static const uint8_t pad[4];
	uint32_t n = (uint32_t)strlen(s) + 1;

	if (n > max)
		n = max;
	if (mig_reply_data(rep, &n, 4) != KERN_SUCCESS || mig_reply_data(rep, s, n - 1) != KERN_SUCCESS ||
	    mig_reply_data(rep, pad, 1 + ((4 - n % 4) % 4)) != KERN_SUCCESS)
		return KERN_RESOURCE_SHORTAGE;
	return KERN_SUCCESS;
}
