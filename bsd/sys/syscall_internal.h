/*
 * syscall_internal.h — how a BSD system call is written and registered in
 * kexthost's one dispatch table (bsd/kern/kern_syscall.c), indexed by
 * Darwin's syscall numbers (KH_SYS_* in <kexthost/syscall.h>).
 *
 * A handler has Darwin's shape:
 *
 *	struct read_args {
 *		SYSARG(int, fd);
 *		SYSARG(user_addr_t, cbuf);
 *		SYSARG(user_size_t, nbyte);
 *	};
 *	static int
 *	sys_read(proc_t p, struct read_args *uap, user_ssize_t *retval)
 *	{ ... copyout(kbuf, uap->cbuf, n) ...; *retval = n; return 0; }
 *	SYSCALL_REGISTER(KH_SYS_read, sys_read, 3, 0);
 *
 * uap points to the call's arguments as 64-bit slots (SYSARG pads each
 * member to one slot; x86_64 is little-endian, so narrower types read the low
 * bits). The handler returns 0 or a Darwin errno; *retval (0 on entry) is
 * what the caller gets on success. The handler runs on a kernel thread whose
 * current_proc() is p; copyin/copyout/uiomove on user addresses reach the
 * caller's real memory, served from the bytes the message carried when the
 * client sent them (see <kexthost/syscall.h>).
 *
 * SYSCALL_REGISTER puts an entry in the "kh_sysent" link section; the table
 * is built from every such entry at boot (syscall_init), so each area keeps
 * its handlers in its own files. Two entries for one number is a boot error.
 * A number with no entry answers ENOSYS.
 *
 * A handler that sleeps must use PCATCH and give up with EINTR when
 * proc_exiting(p) (the client died).
 */
#ifndef _BSD_SYS_SYSCALL_INTERNAL_H_
#define _BSD_SYS_SYSCALL_INTERNAL_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include "sdk/User/kexthost/syscall.h"

__BEGIN_DECLS

#define SYSARG(type, name)             \
	union {                        \
		type name;             \
		uint64_t name##_slot_; \
	}

typedef int (*sy_call_t)(proc_t p, void *uap, user_ssize_t *retval);

/* Entry flags. */
#define SYF_NONE 0x0

struct sysent_reg {
	uint32_t sy_number;
	uint16_t sy_narg;
	uint16_t sy_flags;
	const char *sy_name;
	sy_call_t sy_call;
};

#define SYSCALL_REGISTER(number, fn, narg, flags)                                                          \
	static const struct sysent_reg __sysent_reg_##fn                                                   \
	        __attribute__((used, section("kh_sysent"), aligned(8))) = {(number), (narg), (flags), #fn, \
	                                                                   (sy_call_t)(void (*)(void))(fn)}

/*
 * Run one call as the dispatcher does (also used by kernel-side tests):
 * `args` holds nargs slots. Returns the handler's error (ENOSYS when none).
 */
int syscall_dispatch(proc_t p, uint32_t number, const uint64_t *args, unsigned int nargs,
                     user_ssize_t *retval);

/* The handler's name for a number ("" when none). */
const char *syscall_name(uint32_t number);

/* ---- the dispatcher's internals (kern_syscall.c, kern_copyio.c) -------- */

/* A decoded KHRQ_T_SYSCALL request (pointers into the payload). */
struct khsc_decoded {
	struct khsc_request req;
	const struct khsc_region *regions; /* req.nregions entries (unaligned-safe copies below) */
	struct khsc_region region[KHSC_MAXREGIONS];
	const char *in[KHSC_MAXREGIONS]; /* IN bytes of each region, NULL when not IN */
};

/*
 * Check and decode a request payload. 0, or EBADMSG with *why saying what
 * is wrong (a malformed message: the connection is then closed). Pure: no
 * allocation, no side effects (the fuzz target drives it).
 */
int khsc_decode(const void *payload, size_t len, struct khsc_decoded *d, const char **why);

/* The call being served on this thread: what copyin/copyout consult. */
struct khsc_call {
	proc_t p;
	const struct khsc_decoded *d;
	char *buf[KHSC_MAXREGIONS];   /* OUT regions: the kernel's copy (kalloc, region len) */
	uint32_t lo[KHSC_MAXREGIONS]; /* written part [lo, hi) of each OUT buffer */
	uint32_t hi[KHSC_MAXREGIONS];
};

/* Set / clear the calling thread's call (NULL: none; copyio then goes straight to memory). */
void khsc_call_set(struct khsc_call *c);
struct khsc_call *khsc_call_get(void);

/* Build the table (boot) / nothing to undo at shutdown. 0 or EEXIST for a duplicate number. */
int syscall_init(void);

__END_DECLS

#endif /* _BSD_SYS_SYSCALL_INTERNAL_H_ */
