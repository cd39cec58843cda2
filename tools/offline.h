/*
 * offline.h — host side of the offline kext tools: boot the kernel core in
 * this process (quietly, no self-checks, no kernel root of its own so a
 * running kernel's files are never touched) and pass kext requests to it.
 */
#ifndef _TOOLS_OFFLINE_H_
#define _TOOLS_OFFLINE_H_

#include <stddef.h>
#include <stdint.h>

/* The kernel root the tools look at: $KEXTHOST_ROOT, else build/root next to the tool. */
const char *offline_root(void);
/*
 * Boot the in-process kernel with <root>/Extensions (or `extensions` when
 * not NULL) as its repository. Exits the process with a message on failure.
 */
void offline_boot(const char *extensions);
/* A kext_transport_fn: the request goes to the in-process kernel's dispatcher. */
int offline_transport(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len,
                      uint32_t *status);

#endif /* _TOOLS_OFFLINE_H_ */
