/*
 * k_offline.h — the kernel-side half of the offline kext tools (kextutil -n,
 * kextlibs, kextfind), which boot the kernel core inside the tool's own
 * process. Only basic C types cross between the tool's host code and the
 * kernel objects (as bench/k_*.h do).
 */
#ifndef _TOOLS_K_OFFLINE_H_
#define _TOOLS_K_OFFLINE_H_

#include <stddef.h>
#include <stdint.h>

/* Point the kext repository at `extensions` (a folder; NULL keeps the default). 0 or an errno. */
int k_offline_setup(const char *extensions);
/*
 * Run one KHRQ_T_KEXT_REQUEST through the kernel's request dispatcher, as
 * if it had come over the socket from this peer. *reply (kernel memory, may
 * be NULL when *reply_len is 0) must be returned with k_offline_free.
 */
void k_offline_request(int32_t pid, uint32_t uid, uint32_t gid, const void *req, size_t len, void **reply,
                       size_t *reply_len, uint32_t *status);
void k_offline_free(void *reply, size_t len);

#endif /* _TOOLS_K_OFFLINE_H_ */
