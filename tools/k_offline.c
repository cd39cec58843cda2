/*
 * k_offline.c — kernel-side half of the offline kext tools: hands requests
 * to the same dispatcher the socket server uses (bsd/kern/kern_request.c),
 * so kextutil -n, kextlibs and kextfind get the running kernel's answers
 * and diagnostics without a running kernel.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include "libkern/kext/OSKext.h"
#include "bsd/kern/kern_request.h"
#include "tools/k_offline.h"

int
k_offline_setup(const char *extensions)
{
	if (extensions != NULL)
		OSKext_setExtensionsPath(extensions);
	return 0;
}

void
k_offline_request(int32_t pid, uint32_t uid, uint32_t gid, const void *req, size_t len, void **reply,
                  size_t *reply_len, uint32_t *status)
{
	struct kreq_peer peer = {.pid = pid, .uid = uid, .gid = gid};
	struct kreq_buf buf = {0};
	char *copy = NULL;

	*reply = NULL;
	*reply_len = 0;
	kern_request_dispatch(&peer, KHRQ_T_KEXT_REQUEST, req, len, &buf, status);
	if (*status == 0 && buf.len != 0) {
		copy = kalloc(buf.len);
		if (copy == NULL) {
			*status = ENOMEM;
		} else {
			memcpy(copy, buf.data, buf.len);
			*reply = copy;
			*reply_len = buf.len;
		}
	}
	kreq_buf_free(&buf);
}

void
k_offline_free(void *reply, size_t len)
{
	if (reply != NULL)
		kfree(reply, len);
}
