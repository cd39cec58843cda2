/*
 * fuzz_syscall_msg.c — libFuzzer target for the system call message
 * decoder and executor (bsd/kern/kern_syscall.c): any bytes as a
 * KHRQ_T_SYSCALL payload must end in "malformed" or a well-formed reply,
 * never a crash, a hang or a leak. A decoded message must satisfy the
 * decoder's promises (counts within limits, IN bytes inside the payload);
 * an executed one must produce a reply whose out records lie inside it.
 *
 * The caller is a process whose pid does not exist, so a copy that misses
 * the carried regions goes to process_vm_* and fails with EFAULT instead of
 * scribbling on the fuzzer. Call numbers are folded onto the calls that
 * cannot block (identity calls, close, getlogin/setlogin, kill, and one
 * unknown number).
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/kern/kern_request.h"
#include "bsd/sys/proc_internal.h"
#include "bsd/sys/syscall_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOPID 0x7ffffff0 /* no such process: direct copies fail */

static proc_t fuzz_proc;

static void
fuzz_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (fuzz_proc != NULL)
		return;
	if (kernel_bootstrap(&params) != 0 || proc_attach(FUZZ_NOPID, 501, 20, -1, &fuzz_proc) != 0)
		khost_exit(KHOST_EXIT_BOOT);
}

static const uint32_t fuzz_calls[] = {
        KH_SYS_getpid, KH_SYS_getppid,  KH_SYS_getuid,   KH_SYS_geteuid, KH_SYS_getgid, KH_SYS_getegid,
        KH_SYS_close,  KH_SYS_getlogin, KH_SYS_setlogin, KH_SYS_kill,    401,
};

static char fuzz_rep[KHSC_SHM_AREA];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct khsc_decoded d;
	struct khsc_reply rh;
	const char *why;
	char *p;
	size_t rlen = 0, off;
	int err;

	fuzz_boot();
	if (size > 2 * KHSC_SHM_AREA)
		return 0;
	p = kalloc(size ? size : 1);
	if (p == NULL)
		return 0;
	memcpy(p, data, size);
	if (size >= KHSC_REQUEST_SIZE) {
		uint32_t n;
		memcpy(&n, p, sizeof(n));
		n = fuzz_calls[n % (sizeof(fuzz_calls) / sizeof(fuzz_calls[0]))];
		memcpy(p, &n, sizeof(n));
	}

	err = khsc_decode(p, size, &d, &why);
	if (err == 0) {
		size_t in = 0;
		if (d.req.nargs > KHSC_MAXARGS || d.req.nregions > KHSC_MAXREGIONS)
			panic("fuzz_syscall_msg: decoder accepted counts over the limits");
		for (unsigned int i = 0; i < d.req.nregions; i++) {
			if (d.in[i] != NULL) {
				if (d.in[i] < p || d.in[i] + d.region[i].len > p + size)
					panic("fuzz_syscall_msg: IN bytes outside the payload");
				in += d.region[i].len;
			}
		}
		if (KHSC_REQUEST_SIZE + (size_t)d.req.nregions * KHSC_REGION_SIZE + in != size)
			panic("fuzz_syscall_msg: decoder accepted a length that does not add up");
	} else if (why == NULL) {
		panic("fuzz_syscall_msg: refusal without a reason");
	}

	err = syscall_execute(fuzz_proc, p, size, fuzz_rep, sizeof(fuzz_rep), &rlen, NULL, false);
	if (err == 0) {
		if (rlen < KHSC_REPLY_SIZE || rlen > sizeof(fuzz_rep))
			panic("fuzz_syscall_msg: reply of %zu bytes", rlen);
		memcpy(&rh, fuzz_rep, sizeof(rh));
		off = KHSC_REPLY_SIZE + (size_t)rh.nout * KHSC_OUT_SIZE;
		if (off > rlen)
			panic("fuzz_syscall_msg: out records past the reply");
		for (unsigned int i = 0; i < rh.nout; i++) {
			struct khsc_out o;
			memcpy(&o, fuzz_rep + KHSC_REPLY_SIZE + i * KHSC_OUT_SIZE, sizeof(o));
			if (o.region >= d.req.nregions || !(d.region[o.region].flags & KHSC_R_OUT) ||
			    (uint64_t)o.off + o.len > d.region[o.region].len)
				panic("fuzz_syscall_msg: out record outside its region");
			if (o.data_off < off || (uint64_t)o.data_off + o.len > rlen)
				panic("fuzz_syscall_msg: out bytes outside the reply");
		}
	} else if (err != KREQ_MALFORMED && err != EMSGSIZE && err != ENOMEM && err != EINTR &&
	           err != EAGAIN) {
		panic("fuzz_syscall_msg: unexpected status %d", err);
	}
	kfree(p, size ? size : 1);
	return 0;
}
