/*
 * fault.c — hardware faults become kernel panics.
 *
 * In a real kernel a fault in kernel mode lands in the trap handler, which
 * panics with the trap type and the registers. Here the CPU's fault reaches
 * the process as a signal: SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, and
 * SIGABRT for a host-side abort(). The handlers turn the ucontext into a
 * struct khost_trap_state (Linux's x86-64 signal frame carries the real trap
 * number, error code and CR2) and call kernel_fault(), which never returns.
 *
 * Handlers run on an alternate signal stack, one per thread (every thread
 * made by khost_thread_create, and the thread that calls khost_fault_init),
 * so that a kernel stack overflow — a fault in the guard page below the
 * stack — can still be reported. SA_NODEFER lets a fault inside the report
 * re-enter the handler, where the kernel's nested-panic check ends the
 * process instead of the host killing it silently.
 *
 * khost_panic_deadline arms a last resort: if a report does not finish in
 * time (say the fault hit while the thread held a lock the report needs),
 * SIGALRM ends the process with KHOST_EXIT_PANIC anyway.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

#define FAULT_ALTSTACK_SIZE (256 * 1024) /* the report's symbolication (libdw) needs room */
/* A fault this far below a stack's bottom is an overflow (a large frame can skip the guard page). */
#define FAULT_OVERFLOW_REACH (64 * 1024)

#ifdef KEXTHOST_FUZZ
/* A panic ends in abort() under libFuzzer (khost_exit): libFuzzer's handler reports it and saves the
 * input; ours would take the abort for a new fault and panic again, forever. */
static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
#else
static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT};
#endif
static __thread void *fault_altstack;

int
khost_fault_altstack_init(void)
{
	stack_t ss;

	if (fault_altstack != NULL)
		return 0;
	void *p = mmap(NULL, FAULT_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return khost_errno_to_darwin(errno);
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = p;
	ss.ss_size = FAULT_ALTSTACK_SIZE;
	if (sigaltstack(&ss, NULL) != 0) {
		int err = khost_errno_to_darwin(errno);
		munmap(p, FAULT_ALTSTACK_SIZE);
		return err;
	}
	fault_altstack = p;
	return 0;
}

void *
khost_fault_altstack(size_t *size)
{
	*size = FAULT_ALTSTACK_SIZE;
	return fault_altstack;
}

void
khost_fault_altstack_fini(void)
{
	stack_t ss;

	if (fault_altstack == NULL)
		return;
	memset(&ss, 0, sizeof(ss));
	ss.ss_flags = SS_DISABLE;
	if (sigaltstack(&ss, NULL) == 0)
		munmap(fault_altstack, FAULT_ALTSTACK_SIZE);
	fault_altstack = NULL;
}

static void
fault_fill(struct khost_trap_state *ts, int sig, const siginfo_t *si, const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	uintptr_t lo = 0, hi = 0;

	memset(ts, 0, sizeof(*ts));
	ts->rax = (uint64_t)g[REG_RAX];
	ts->rbx = (uint64_t)g[REG_RBX];
	ts->rcx = (uint64_t)g[REG_RCX];
	ts->rdx = (uint64_t)g[REG_RDX];
	ts->rsp = (uint64_t)g[REG_RSP];
	ts->rbp = (uint64_t)g[REG_RBP];
	ts->rsi = (uint64_t)g[REG_RSI];
	ts->rdi = (uint64_t)g[REG_RDI];
	ts->r8 = (uint64_t)g[REG_R8];
	ts->r9 = (uint64_t)g[REG_R9];
	ts->r10 = (uint64_t)g[REG_R10];
	ts->r11 = (uint64_t)g[REG_R11];
	ts->r12 = (uint64_t)g[REG_R12];
	ts->r13 = (uint64_t)g[REG_R13];
	ts->r14 = (uint64_t)g[REG_R14];
	ts->r15 = (uint64_t)g[REG_R15];
	ts->rip = (uint64_t)g[REG_RIP];
	ts->rflags = (uint64_t)g[REG_EFL];
	ts->cs = (uint64_t)(g[REG_CSGSFS] & 0xffff);
	ts->cr2 = (uint64_t)g[REG_CR2];
	ts->err = (uint64_t)g[REG_ERR];
	ts->trapno = (uint32_t)g[REG_TRAPNO];
	ts->signo = sig;
	ts->code = si->si_code;
	ts->addr = (uint64_t)(uintptr_t)si->si_addr;
	if (sig == SIGABRT || si->si_code <= 0)
		ts->flags |= KHOST_TRAP_SOFTWARE; /* sent, not raised by the CPU: no trap number */
	/*
	 * A fault in this thread's guard page, or a little further below the
	 * stack while the stack pointer is at its bottom (a large frame), is a
	 * stack overflow.
	 */
	khost_thread_stack(&lo, &hi);
	if ((sig == SIGSEGV || sig == SIGBUS) && lo != 0 && ts->addr < lo &&
	    (ts->addr + khost_page_size() >= lo ||
	     (ts->addr + FAULT_OVERFLOW_REACH >= lo && ts->rsp < lo + 4096))) {
		ts->flags |= KHOST_TRAP_STACK_OVERFLOW;
		ts->stack_lo = lo;
		ts->stack_hi = hi;
	}
}

static void
fault_handler(int sig, siginfo_t *si, void *ucv)
{
	struct khost_trap_state ts;

	fault_fill(&ts, sig, si, (const ucontext_t *)ucv);
	kernel_fault(&ts);
}

int
khost_fault_init(void)
{
	struct sigaction sa;
	uintptr_t lo, hi;
	int err;

	/* Learn this thread's stack bounds now, not inside a signal handler. */
	khost_thread_stack(&lo, &hi);
	err = khost_fault_altstack_init();
	if (err != 0)
		return err;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++) {
		if (sigaction(fault_signals[i], &sa, NULL) != 0)
			return khost_errno_to_darwin(errno);
	}
	return 0;
}

static void
fault_deadline_expired(int sig)
{
	static const char msg[] = "\npanic: the panic report did not finish in time; stopping\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(KHOST_EXIT_PANIC);
}

void
khost_panic_deadline(unsigned int seconds)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fault_deadline_expired;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	alarm(seconds);
}
