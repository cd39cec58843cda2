/*
 * kern_mach_notify.c — KHRQ_T_MACH_NOTIFY_FD (<kexthost/mach_trap.h>): a
 * client process hands the kernel the eventfd to signal when a message is
 * queued on one of its receive rights. The descriptor belongs to the
 * process's port space from then on (closed with it; a second request
 * replaces it).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/kern/kern_request.h"
#include "osfmk/ipc/ipc.h"
#include "sdk/User/kexthost/mach_trap.h"

int
mach_notify_fd_request_handle(const struct kreq_peer *peer, const void *payload, size_t len,
                              struct kreq_buf *reply)
{
	struct khmt_notify_setup s;
	proc_t p = peer->proc;
	int fd, err;

	if (p == NULL)
		return EPERM; /* only connected processes have port spaces */
	if (len != sizeof(s))
		return KREQ_MALFORMED;
	memcpy(&s, payload, sizeof(s));
	if (s.fd < 0 || s.reserved != 0)
		return EINVAL;
	err = proc_call_begin(p);
	if (err != 0)
		return err;
	err = khost_eventfd_from_peer(p->p_pid, s.fd, &fd);
	if (err == 0) {
		if (p->p_task.t_space != NULL)
			ipc_space_set_notify_fd(p->p_task.t_space, fd);
		else
			(void)khost_close(fd);
	}
	proc_call_end(p);
	return err;
}
