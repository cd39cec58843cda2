/*
 * mig.h — MIG-style routines on kernel ports (private to the kernel).
 *
 * A subsystem is a range of message ids [base, base + count) and a table
 * of routines; SUBSYSTEM_REGISTER puts it in the "kh_migsub" link section
 * and the Mach trap path finds it by id at boot. Several tables may cover
 * the same range (one per source file of a big subsystem, with NULL for the
 * ids another file handles); two routines for one id are a boot error. A message sent to a
 * kernel port runs the routine of its msgh_id on the sender's thread:
 *
 *   request as sent:   header [body, descriptors] NDR arguments...
 *   routine sees:      the destination port and its kernel object, the
 *                      sender's space and process, the ports and
 *                      out-of-line regions of the descriptors (copied in),
 *                      and the argument bytes after the NDR record
 *   routine returns:   a kern_return_t; on success it may append reply
 *                      ports (send rights), out-of-line regions and
 *                      argument bytes with the mig_reply_* calls
 *   reply as received: header [body, descriptors] NDR [RetCode] outputs...
 *                      id = request id + 100; a simple reply carries
 *                      RetCode, a complex one doesn't (a failure is always
 *                      the simple mig_reply_error_t), as MIG does.
 *
 * An id with no routine gets MIG_BAD_ID, argument bytes of the wrong size
 * MIG_BAD_ARGUMENTS (the routine checks with mig_args), a destination of
 * the wrong kernel-object type MIG_BAD_ARGUMENTS... as XNU's servers answer.
 */
#ifndef _OSFMK_IPC_MIG_H_
#define _OSFMK_IPC_MIG_H_

#include <stddef.h>
#include <stdint.h>
#include <mach/mach_types.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include "osfmk/ipc/ipc.h"

#define MIG_MAX_PORTS 16
#define MIG_MAX_OOL 8
#define MIG_MAX_REPLY_DATA \
	4608 /* a 4096-byte inband struct, 16 scalars and counts; keeps struct mig_reply in a kalloc size class */

struct proc;

struct mig_request {
	struct proc *proc;
	struct ipc_space *space;
	struct ipc_port *port; /* the destination (referenced for the call) */
	void *kobject;         /* its kernel object (the routine's kotype) */
	mach_msg_id_t id;
	/* descriptors, in message order */
	unsigned int nports;
	struct ipc_port *ports[MIG_MAX_PORTS]; /* send rights the routine may keep (set the slot NULL) */
	unsigned int nool;
	struct {
		void *data; /* kalloc'ed copy */
		uint32_t size;
	} ool[MIG_MAX_OOL];
	/* argument bytes after the NDR record */
	const void *args;
	uint32_t args_len;
};

struct mig_reply {
	unsigned int ndesc;
	struct {
		uint8_t type;          /* MACH_MSG_PORT_DESCRIPTOR or MACH_MSG_OOL_DESCRIPTOR */
		struct ipc_port *port; /* a send right, consumed */
		void *data;            /* kalloc'ed, freed after the reply */
		uint32_t size;
	} desc[MIG_MAX_PORTS + MIG_MAX_OOL];
	uint32_t data_len;
	uint8_t data[MIG_MAX_REPLY_DATA];
};

typedef kern_return_t (*mig_routine_t)(struct mig_request *req, struct mig_reply *rep);

struct mig_routine {
	mig_routine_t fn; /* NULL: a skipped id */
	uint32_t kotype;  /* the destination's kernel-object type */
	const char *name;
};

struct mig_subsystem {
	const char *name;
	mach_msg_id_t base;
	unsigned int count;
	const struct mig_routine *routines;
};

#define SUBSYSTEM_REGISTER(sym) \
	static const struct mig_subsystem *const sym##_reg __attribute__((used, section("kh_migsub"))) = &sym

/* The argument bytes as a struct of exactly `size` bytes, or NULL (answer MIG_BAD_ARGUMENTS). */
static inline const void *
mig_args(const struct mig_request *req, size_t size)
{
	return req->args_len == size ? req->args : NULL;
}

/*
 * Reading a request's argument bytes in order (the layout of every
 * kexthost MIG routine: 32/64-bit scalars; a counted array or string is a
 * 32-bit count and the bytes padded to 4). Any read past the end, or a
 * count over its maximum, marks the reader bad; a routine checks
 * mig_read_done at the end and answers MIG_BAD_ARGUMENTS.
 */
struct mig_reader {
	const uint8_t *p;
	uint32_t left;
	bool bad;
};

static inline struct mig_reader
mig_reader_begin(const struct mig_request *req)
{
	return (struct mig_reader){(const uint8_t *)req->args, req->args_len, false};
}

/* The next n bytes (in the message), or NULL (bad). */
const void *mig_read_take(struct mig_reader *a, uint32_t n);
uint32_t mig_read_u32(struct mig_reader *a);
uint64_t mig_read_u64(struct mig_reader *a);
/* A counted byte array of at most max bytes: its bytes and *count. */
const void *mig_read_bytes(struct mig_reader *a, uint32_t max, uint32_t *count);
/* A string of at most max bytes with its NUL, into buf ("" when bad). */
void mig_read_string(struct mig_reader *a, char *buf, uint32_t max);
/* Every byte was read, and well. */
static inline bool
mig_read_done(const struct mig_reader *a)
{
	return !a->bad && a->left == 0;
}

/* A string reply argument (count with the NUL, bytes padded to 4), cut to max bytes. */
kern_return_t mig_reply_string(struct mig_reply *rep, const char *s, uint32_t max);

/* Append to the reply. 0, or KERN_RESOURCE_SHORTAGE when it is full (rights/memory then released). */
kern_return_t mig_reply_port(struct mig_reply *rep, struct ipc_port *send_right);
kern_return_t mig_reply_ool(struct mig_reply *rep, void *kalloc_data, uint32_t size);
kern_return_t mig_reply_data(struct mig_reply *rep, const void *data, size_t len);

/* The routine for an id, or NULL. */
const struct mig_routine *mig_lookup(mach_msg_id_t id);
int mig_init(void);

#endif /* _OSFMK_IPC_MIG_H_ */
