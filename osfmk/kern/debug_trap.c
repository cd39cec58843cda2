/*
 * debug_trap.c — kernel_fault(): what XNU's panic_trap (osfmk/i386/trap.c)
 * does for a trap taken in kernel mode, for a fault host/fault.c caught.
 *
 *     panic(cpu N caller 0x<rip>): Kernel trap at 0x<rip>, type 14=page fault, registers:
 *     CR0: ..., CR2: 0x<fault address>, CR3: ..., CR4: ...
 *     RAX: ... (the general registers, RFL, RIP, CS, SS)
 *     Fault CR2: 0x..., Error code: 0x..., Fault CPU: 0x<n>, PL: 0, VF: 0
 *
 * then the backtrace of the faulting thread from the faulting instruction
 * (RIP, then the frame-pointer chain from RBP) and the rest of a panic
 * report. CR0, CR3 and CR4 are not visible to a Linux process: they read 0.
 * A fault in or just below a thread's guard page is a kernel stack
 * overflow; XNU reports those as a double fault, and so does this, with a
 * "Kernel stack overflow" line naming the stack. A signal sent by software
 * (abort) has no trap number and is reported by name.
 */
#include <sys/systm.h>
#include <kern/debug.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include "host/khost.h"
#include "libkern/kxld/kxld.h"
#include "osfmk/kern/debug_internal.h"

#define TRAP_MAX_FRAMES 32

/* The x86 trap names, indexed by trap number, as XNU's TRAP_NAMES spells them. */
static const char *const trap_names[] = {
        "divide error",        "debug trap",         "NMI",
        "breakpoint",          "overflow",           "bounds check",
        "invalid opcode",      "no coprocessor",     "double fault",
        "coprocessor overrun", "invalid TSS",        "segment not present",
        "stack bounds",        "general protection", "page fault",
        "(reserved)",          "coprocessor error",  "watchpoint",
        "machine check",       "SSE floating point",
};
#define T_DOUBLE_FAULT 8

const char *
trap_name(unsigned int trapno)
{
	return trapno < sizeof(trap_names) / sizeof(trap_names[0]) ? trap_names[trapno] : "Unknown";
}

static size_t
trap_format_registers(char *buf, size_t size, const struct khost_trap_state *ts, int cpu)
{
	return (size_t)scnprintf(
	        buf, size,
	        "CR0: 0x%016llx, CR2: 0x%016llx, CR3: 0x%016llx, CR4: 0x%016llx\n"
	        "RAX: 0x%016llx, RBX: 0x%016llx, RCX: 0x%016llx, RDX: 0x%016llx\n"
	        "RSP: 0x%016llx, RBP: 0x%016llx, RSI: 0x%016llx, RDI: 0x%016llx\n"
	        "R8:  0x%016llx, R9:  0x%016llx, R10: 0x%016llx, R11: 0x%016llx\n"
	        "R12: 0x%016llx, R13: 0x%016llx, R14: 0x%016llx, R15: 0x%016llx\n"
	        "RFL: 0x%016llx, RIP: 0x%016llx, CS:  0x%016llx, SS:  0x%016llx\n"
	        "Fault CR2: 0x%016llx, Error code: 0x%016llx, Fault CPU: 0x%x, PL: 0, VF: 0\n",
	        0ULL, (unsigned long long)ts->cr2, 0ULL, 0ULL, (unsigned long long)ts->rax,
	        (unsigned long long)ts->rbx, (unsigned long long)ts->rcx, (unsigned long long)ts->rdx,
	        (unsigned long long)ts->rsp, (unsigned long long)ts->rbp, (unsigned long long)ts->rsi,
	        (unsigned long long)ts->rdi, (unsigned long long)ts->r8, (unsigned long long)ts->r9,
	        (unsigned long long)ts->r10, (unsigned long long)ts->r11, (unsigned long long)ts->r12,
	        (unsigned long long)ts->r13, (unsigned long long)ts->r14, (unsigned long long)ts->r15,
	        (unsigned long long)ts->rflags, (unsigned long long)ts->rip, (unsigned long long)ts->cs, 0ULL,
	        (unsigned long long)ts->cr2, (unsigned long long)ts->err, (unsigned)cpu);
}

/* The panic string's first line. */
static size_t
trap_format_message(char *buf, size_t size, const struct khost_trap_state *ts)
{
	if (ts->flags & KHOST_TRAP_STACK_OVERFLOW) {
		return (size_t)scnprintf(buf, size, "Double fault at 0x%016llx, thread:%p, registers:\n",
		                         (unsigned long long)ts->rip, (void *)current_thread());
	}
	if (ts->flags & KHOST_TRAP_SOFTWARE) {
		return (size_t)scnprintf(buf, size, "Kernel signal %d (%s) at 0x%016llx, registers:\n",
		                         ts->signo, ts->signo == 6 ? "abort" : "sent by software",
		                         (unsigned long long)ts->rip);
	}
	return (size_t)scnprintf(buf, size, "Kernel trap at 0x%016llx, type %u=%s, registers:\n",
	                         (unsigned long long)ts->rip, ts->trapno, trap_name(ts->trapno));
}

static int
trap_in_image_fn(void *ctx, struct kxld_image *img)
{
	uintptr_t a = *(uintptr_t *)ctx, base = kxld_image_address(img);

	if (a >= base && a - base < kxld_image_size(img)) {
		*(uintptr_t *)ctx = 0; /* found */
		return 1;
	}
	return 0;
}

static bool
trap_is_code(uintptr_t a)
{
	uintptr_t probe = a, lo, hi;

	khost_kernel_text(&lo, &hi);
	if (a >= lo && a < hi)
		return true;
	(void)kxld_images_apply_nowait(true, trap_in_image_fn, &probe);
	return probe == 0;
}

/*
 * A fault in a function that keeps no frame (a leaf compiled without one)
 * leaves its caller's return address at [RSP], not in RBP's chain: take it
 * when it is code right after a call instruction (e8 rel32, or ff /2 of 2
 * to 7 bytes).
 */
static uintptr_t
trap_leaf_return(const struct khost_trap_state *ts)
{
	uintptr_t lo = 0, hi = 0, ret;
	const uint8_t *c;

	khost_thread_stack(&lo, &hi);
	if (ts->rsp < lo || ts->rsp + sizeof(uintptr_t) > hi || (ts->rsp & 7) != 0)
		return 0;
	ret = *(const uintptr_t *)(uintptr_t)ts->rsp;
	if (ret < 8 || !trap_is_code(ret) || !trap_is_code(ret - 7))
		return 0;
	c = (const uint8_t *)ret;
	if (c[-5] == 0xe8)
		return ret;
	for (int k = 2; k <= 7; k++) {
		if (c[-k] == 0xff && ((c[1 - k] >> 3) & 7) == 2)
			return ret;
	}
	return 0;
}

size_t
trap_format_report(char *buf, size_t size, int cpu, const struct khost_trap_state *ts)
{
	uintptr_t frames[TRAP_MAX_FRAMES], rets[TRAP_MAX_FRAMES];
	size_t len = 0;
	unsigned n = 0;

	len += (size_t)scnprintf(buf + len, size - len, "panic(cpu %d caller 0x%lx): ", cpu,
	                         (unsigned long)ts->rip);
	len += trap_format_message(buf + len, size - len, ts);
	len += trap_format_registers(buf + len, size - len, ts, cpu);
	if (ts->flags & KHOST_TRAP_STACK_OVERFLOW) {
		len += (size_t)scnprintf(
		        buf + len, size - len,
		        "Kernel stack overflow: fault address 0x%llx is below the thread's stack "
		        "[0x%llx, 0x%llx) (its guard page)\n",
		        (unsigned long long)ts->addr, (unsigned long long)ts->stack_lo,
		        (unsigned long long)ts->stack_hi);
	}
	len += (size_t)scnprintf(buf + len, size - len, "\n");
	/* The faulting instruction, then the callers from the faulting frame's RBP. */
	frames[n] = (uintptr_t)ts->rbp;
	rets[n++] = (uintptr_t)ts->rip;
	uintptr_t leaf = trap_leaf_return(ts);
	if (leaf != 0 && (ts->rbp < ts->rsp || ((uintptr_t *)(uintptr_t)ts->rbp)[1] != leaf)) {
		frames[n] = (uintptr_t)ts->rsp;
		rets[n++] = leaf;
	}
	n += debug_backtrace_from((uintptr_t)ts->rbp, frames + n, rets + n, TRAP_MAX_FRAMES - n, 0);
	len += panic_format_backtrace(buf + len, size - len, cpu, frames, rets, n, true);
	len += panic_format_tail(buf + len, size - len);
	return len;
}

void
kernel_fault(const struct khost_trap_state *ts)
{
	size_t size, len;
	char *buf;

	if (panic_enter() != 0) {
		static char what[96];
		scnprintf(what, sizeof(what), "fault (trap %u) at 0x%llx, address 0x%llx", ts->trapno,
		          (unsigned long long)ts->rip, (unsigned long long)ts->addr);
		panic_nested(what);
	}
	buf = panic_buffer(&size);
	len = trap_format_report(buf, size, khost_cpu_number(), ts);
	panic_finish(buf, len);
}
