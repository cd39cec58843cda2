/*
 * kexthost/libkexthost.h — the user-side library of the kernel request
 * channel (lib/libkexthost, a static library for host programs): connect to
 * the running kernel, exchange framed messages (<kexthost/request.h>), and
 * build, send and decode kext requests (<kexthost/kext_request.h>).
 *
 * Functions return 0 or a (Linux) errno value; nothing here prints unless
 * its name says so. Property lists are libplist nodes: link -lplist-2.0.
 */
#ifndef _KEXTHOST_LIBKEXTHOST_H_
#define _KEXTHOST_LIBKEXTHOST_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <plist/plist.h>
#include <kexthost/request.h>
#include <kexthost/kext_request.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the channel ---------------------------------------------------------- */

/* $KEXTHOST_SOCKET, or NULL when unset or empty. */
const char *khrq_socket_path(void);
/* Connect to the kernel's socket at path. */
int khrq_connect(const char *path, int *fd);
/*
 * Send one request of `type` and wait for its reply. On success *reply is a
 * malloc'd payload of *reply_len bytes (NULL when empty; free it) and
 * *status the reply header's status (0, or a Darwin errno from the kernel).
 * EPROTO: the reply was malformed; ECONNRESET: the kernel closed the
 * connection (a malformed request, or shutdown).
 */
int khrq_call(int fd, uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
              uint32_t *status);
/* khrq_call whose reply may carry one descriptor (SCM_RIGHTS): *rfd gets it, or -1. */
int khrq_call_fd(int fd, uint32_t type, const void *payload, size_t len, void **reply, size_t *reply_len,
                 uint32_t *status, int *rfd);
void khrq_close(int fd);
/* Text for a reply header status (a Darwin errno). */
const char *khrq_status_string(uint32_t status);

/* Low-level framing, for tests that need to send broken messages. */
int khrq_send_raw(int fd, const void *buf, size_t len);

/* ---- kext requests ------------------------------------------------------- */

/* A new request dictionary {predicate, arguments: {}}; free with plist_free. */
plist_t kext_request_create(const char *predicate);
/* Its arguments dictionary (owned by the request). */
plist_t kext_request_arguments(plist_t request);
/* Helpers to fill arguments. */
void kext_request_set_string(plist_t request, const char *key, const char *value);
void kext_request_set_bool(plist_t request, const char *key, int value);
void kext_request_set_uint(plist_t request, const char *key, uint64_t value);
/* Append a string to the array argument `key` (created when absent). */
void kext_request_append_string(plist_t request, const char *key, const char *value);

struct kext_reply {
	int32_t result;   /* OSReturn */
	plist_t response; /* response object, or NULL */
	char *log;        /* kernel log lines, NUL-terminated ("" when none) */
	uint32_t status;  /* reply header status: 0, or a Darwin errno */
};

/*
 * Moves a request's bytes to a kernel and back: over the socket
 * (kext_request_send) or in process (the offline tools pass their own).
 * Returns 0 or an errno; on success *reply is malloc'd.
 */
typedef int (*kext_transport_fn)(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len,
                                 uint32_t *status);

/* Encode, transport, decode. On success fill *out (kext_reply_free it). */
int kext_request_perform(plist_t request, kext_transport_fn transport, void *ctx, struct kext_reply *out);
/* The socket transport: one connection to $KEXTHOST_SOCKET per request. */
int kext_socket_transport(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len,
                          uint32_t *status);
/*
 * The Mach transport (lib/libkexthost/kext_mig.c): the kext_request MIG
 * routine to mach_host_self(), host_priv when the process runs as root.
 * The reply comes back in the KHRQ_T_KEXT_REQUEST reply layout.
 */
int kext_mach_transport(void *ctx, const void *req, size_t len, void **reply, size_t *reply_len,
                        uint32_t *status);
/* kext_request_perform over the Mach transport, as the online kext tools send (ENOENT: $KEXTHOST_SOCKET unset). */
int kext_request_send(plist_t request, struct kext_reply *out);
/* Decode a KHRQ_T_KEXT_REQUEST reply payload. EPROTO when malformed. */
int kext_reply_decode(const void *payload, size_t len, uint32_t status, struct kext_reply *out);
void kext_reply_free(struct kext_reply *r);

/* ---- output helpers --------------------------------------------------------- */

/* "(libkern/kext) not found" for an OSReturn, as mach_error_string would say. */
const char *kext_return_string(int32_t ret);
/* Print the response's "Messages" as "(kernel) <line>" lines to f. */
void kext_print_messages(FILE *f, plist_t response);
/*
 * Print the response's Diagnostics the way kextutil does, groups in the
 * order Validation, Authentication, Dependency Resolution, Warnings. With
 * warnings_only, only the Warnings group. Returns the number of groups
 * printed (0: nothing to say).
 */
int kext_print_diagnostics(FILE *f, plist_t response, int warnings_only);
/* Whether the response's Diagnostics has any group other than Warnings. */
int kext_has_failures(plist_t response);

/* A dictionary entry's string value (NULL when absent or not a string); valid while dict lives. */
const char *kext_plist_string(plist_t dict, const char *key);
/* A dictionary entry's unsigned integer; 0 when absent (then *found = 0). */
uint64_t kext_plist_uint(plist_t dict, const char *key, int *found);

/* Make path absolute (the kernel's working folder is not the caller's). Returns a malloc'd string. */
char *kext_absolute_path(const char *path);

#ifdef __cplusplus
}
#endif

#endif /* _KEXTHOST_LIBKEXTHOST_H_ */
