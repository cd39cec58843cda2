/*
 * khost.h — the host boundary: the one header that declares everything the
 * hosted kernel may ask of Linux (khost_*), and the few entry points the host
 * calls in the kernel (kernel_*). Like NetBSD rump's rumpuser.h.
 *
 * Rules of the boundary:
 *  - Only files under host/ may call Linux or glibc. Kernel code is compiled
 *    freestanding against sdk/Kernel and links only to khost_* (and the vetted
 *    pure libraries listed in docs/ARCHITECTURE.md); mk/check-boundary.sh
 *    fails the build otherwise.
 *  - This header uses only types that mean the same in both environments
 *    (fixed-width integers, size_t, pointers), so both sides include it.
 *  - Every khost_* call that can fail returns 0 or a *Darwin* errno value;
 *    the host translates Linux errno values before returning them.
 *  - Times are nanoseconds: uptime on the monotonic clock, calendar on the
 *    real-time clock.
 */
#ifndef KEXTHOST_HOST_KHOST_H
#define KEXTHOST_HOST_KHOST_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses of the kernel process (sysexits-style, documented in README). */
#define KHOST_EXIT_OK 0
#define KHOST_EXIT_USAGE 64 /* bad command line */
#define KHOST_EXIT_PANIC 70 /* the kernel panicked */
#define KHOST_EXIT_BOOT 71  /* the kernel could not boot */

/* ---- process ---------------------------------------------------------- */

/* End the kernel process at once with `status` (no atexit handlers). */
__attribute__((noreturn)) void khost_exit(int status);
/* Host process id of the kernel. */
int khost_getpid(void);

/* ---- console ---------------------------------------------------------- */

/* Write bytes to the console (the kernel's stderr); retries short writes. */
void khost_console_write(const char *buf, size_t len);

/* ---- memory ----------------------------------------------------------- */

#define KHOST_PROT_NONE 0x0
#define KHOST_PROT_READ 0x1
#define KHOST_PROT_WRITE 0x2
#define KHOST_PROT_EXEC 0x4

size_t khost_page_size(void);
uint64_t khost_physmem(void);
/* Anonymous zero-filled pages; `align` is a power of two >= page size (or 0). */
int khost_vm_alloc(size_t size, size_t align, int prot, void **out);
int khost_vm_free(void *addr, size_t size);
int khost_vm_protect(void *addr, size_t size, int prot);

/* ---- files under the kernel root -------------------------------------- */

/* mkdir -p with `mode` for each created component. */
int khost_mkdir_p(const char *path, unsigned int mode);
/* Open or create `path`, size it to `size` bytes, map it shared read-write. */
int khost_file_map_shared(const char *path, size_t size, void **out);

/* File status (lstat: links are not followed). mode holds the POSIX type and permission bits. */
struct khost_stat {
	uint64_t size;
	uint64_t ino;
	uint64_t dev;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	int32_t mtime_nsec;
	int64_t mtime_sec;
};
#define KHOST_S_IFMT 0170000
#define KHOST_S_IFDIR 0040000
#define KHOST_S_IFREG 0100000
#define KHOST_S_IFLNK 0120000

int khost_stat(const char *path, struct khost_stat *st);
/*
 * Read a whole regular file of at most `max` bytes into fresh pages
 * (khost_vm_alloc); release them with khost_vm_free(*out, *len) (a zero-length
 * file still gets one page). EFBIG when larger than max.
 */
int khost_file_read(const char *path, size_t max, void **out, size_t *len);
/* Create or replace a file with `len` bytes (written to a temporary name, then renamed). */
int khost_file_write(const char *path, const void *buf, size_t len, unsigned int mode);
/* Call fn(ctx, name) for each entry of a folder except "." and ".."; fn returns non-zero to stop. */
int khost_dir_list(const char *path, int (*fn)(void *ctx, const char *name), void *ctx);

/* ---- kext memory ---------------------------------------------------------- */

/*
 * Reserve `size` bytes of inaccessible address space in the low 2 GB, near
 * the kernel's own code, so kexts and the kernel reach each other with
 * 32-bit displacements (the executable is linked non-PIE).
 */
int khost_vm_reserve_low(size_t size, void **out);
/* Make pages of a reservation accessible with `prot` (zero-filled), or return them. */
int khost_vm_commit(void *addr, size_t size, int prot);
int khost_vm_decommit(void *addr, size_t size);
/*
 * A whole regular file of at most `max` bytes, read-only, for reading a
 * kext's executable (host/kextmem.c): large files are mapped from the page
 * cache, small ones read into memory. Release with khost_file_unmap(*out,
 * *len). EFBIG when larger than max.
 */
int khost_file_map_readonly(const char *path, size_t max, const void **out, size_t *len);
int khost_file_unmap(const void *addr, size_t len);

/* ---- sockets: the request channel between user processes and the kernel ---- */

struct khost_peer {
	int32_t pid;
	uint32_t uid;
	uint32_t gid;
};

/* Listen on a Unix-domain SOCK_SEQPACKET socket at path (a stale socket file is replaced). */
int khost_unix_listen(const char *path, int *fd);
/* Accept one connection; the peer's credentials come from SO_PEERCRED, never from the client. */
int khost_unix_accept(int lfd, int *fd, struct khost_peer *peer);
/* Send or receive one whole message; *len 0 on receive means the peer closed. */
int khost_sock_send(int fd, const void *buf, size_t len);
int khost_sock_recv(int fd, void *buf, size_t cap, size_t *len);
/* Wake threads blocked in accept/recv on fd (used at shutdown); the owning thread closes it. */
int khost_sock_shutdown(int fd);
int khost_close(int fd);

/* ---- client processes: their memory, signals, names (host/procmem.c; "sys" area) ---- */

/*
 * Copy between the kernel and another host process's memory
 * (process_vm_readv/writev): all len bytes or EFAULT (unmapped or protected
 * address, wrap-around, or no ptrace-level access to the process); ESRCH when
 * the process is gone. Never faults the kernel. pid may be the kernel's own.
 */
int khost_proc_read(int pid, uint64_t uaddr, void *buf, size_t len);
int khost_proc_write(int pid, uint64_t uaddr, const void *buf, size_t len);
/* Like khost_proc_read, but stops early at an unreadable page: *done gets the bytes read (EFAULT if 0). */
int khost_proc_read_partial(int pid, uint64_t uaddr, void *buf, size_t len, size_t *done);
/* Send Darwin signal `signum` (0: existence check) to a host process. EINVAL for an unknown signal. */
int khost_proc_signal(int pid, int signum);
/* The process's command name (/proc/pid/comm) and parent pid. */
int khost_proc_comm(int pid, char *buf, size_t size);
int khost_proc_ppid(int pid, int *ppid);
/*
 * Hang-up watcher: one epoll set reporting connections whose peer went away.
 * wait fills up to max cookies of hung-up fds (*n, 0 on timeout).
 */
int khost_hupwatch_create(int *wfd);
int khost_hupwatch_add(int wfd, int fd, uint64_t cookie);
int khost_hupwatch_del(int wfd, int fd);
int khost_hupwatch_wait(int wfd, uint64_t *cookies, int max, int timeout_ms, int *n);
/*
 * The shared-memory call channel (host/shmring.c): map a client's ring, a
 * regular file of exactly `size` bytes open as fd in process pid (through
 * /proc/pid/fd); futexes shared between processes.
 */
int khost_shm_map_peer(int pid, int fd, size_t size, void **out);
int khost_shm_unmap(void *addr, size_t size);
int khost_futex_wait_shared(volatile uint32_t *addr, uint32_t expected, uint64_t deadline_ns);
int khost_futex_wake_shared(volatile uint32_t *addr, int count);
/*
 * Shareable kernel memory (host/shmmem.c; I/O Kit memory descriptors): a
 * sealed memfd of `size` bytes (a multiple of the page size), zero-filled,
 * mapped read-write into the kernel at *addr, aligned to `align` (0 or a
 * power of two; the page size at least). khost_shm_map_fd maps it
 * again (another view, KHOST_PROT_* bits); khost_shm_reopen gives a new
 * descriptor of the same file, read-only if asked (what a client gets);
 * khost_sock_send_fd sends one message carrying fd (SCM_RIGHTS). Unmap with
 * khost_shm_unmap, close with khost_close.
 */
int khost_shm_create(size_t size, size_t align, int *fd, void **addr);
int khost_shm_map_fd(int fd, size_t size, uint64_t offset, int prot, void **addr);
int khost_shm_reopen(int fd, int readonly, int *out);
int khost_sock_send_fd(int sock, const void *buf, size_t len, int fd);

/*
 * Notification descriptors (host/notifyfd.c): a copy of the eventfd open as
 * fd in process pid (pidfd_getfd: the same ptrace-level access as
 * process_vm_readv), for the kernel to signal when it queues a message for
 * that process. EINVAL when fd is no eventfd. Close with khost_close.
 */
int khost_eventfd_from_peer(int pid, int fd, int *out);
/* Add 1 to an eventfd's counter without blocking (a full counter is already signalled). */
int khost_eventfd_signal(int fd);

/* ---- threads ---------------------------------------------------------- */

typedef struct khost_thread *khost_thread_t;

/*
 * Start a host thread running fn(arg) on a fresh stack of `stack_size`
 * usable bytes with an inaccessible guard page below it. Finished threads are
 * reaped (joined, stack unmapped) by later calls and by khost_thread_reap().
 */
int khost_thread_create(void (*fn)(void *), void *arg, size_t stack_size, khost_thread_t *out);
/* Join every finished thread and release its stack. */
void khost_thread_reap(void);
/* Host thread id (gettid) of the caller. */
uint64_t khost_thread_id(void);
/* Bounds [lo, hi) of the caller's stack. */
void khost_thread_stack(uintptr_t *lo, uintptr_t *hi);
void khost_thread_yield(void);
int khost_cpu_number(void);
int khost_ncpus(void);

/* ---- futexes: the only blocking primitive --------------------------------- */

/*
 * Sleep while *addr == expected, until woken or the monotonic clock reaches
 * deadline_ns (0: no deadline). Returns 0 (woken, or value changed),
 * ETIMEDOUT or EINTR (Darwin values). Spurious returns are possible.
 */
int khost_futex_wait(volatile uint32_t *addr, uint32_t expected, uint64_t deadline_ns);
/* Wake up to `count` sleepers on addr; returns how many were woken. */
int khost_futex_wake(volatile uint32_t *addr, int count);

/* ---- time and entropy -------------------------------------------------- */

uint64_t khost_uptime_ns(void);
void khost_calendar(int64_t *sec, int32_t *nsec);
void khost_random(void *buf, size_t len);

/* ---- symbols: code address -> function, file:line (host/symbolize.c, libdwfl) ---- */

struct khost_symbol {
	char func[128];       /* function (symbol) name, "" when unknown */
	uint64_t func_offset; /* addr - the function's start */
	char file[96];        /* source file's base name, "" without DWARF line info */
	int line;             /* 0 when unknown */
};
/*
 * Look addr up in an ELF relocatable object whose allocated sections' sh_addr
 * are their load addresses (a kext's debug object). 0, ENOENT (no symbol nor
 * line), ENOEXEC (not ELF), EINVAL, ENOMEM.
 */
int khost_symbolize(const void *elf, size_t size, uint64_t addr, struct khost_symbol *out);
/* The same in the kernel executable itself; EBUSY instead of waiting for another lookup. */
int khost_symbolize_kernel(uint64_t addr, struct khost_symbol *out);
/* Bounds [lo, hi) of the kernel executable's code. */
void khost_kernel_text(uintptr_t *lo, uintptr_t *hi);
/* Open the kernel executable's symbols now (at boot), so a later panic need not. */
void khost_symbolize_init(void);

/* ---- faults (host/fault.c) ----------------------------------------------- */

/* What the CPU reported when kernel code faulted (x86-64; Linux's signal frame). */
struct khost_trap_state {
	uint64_t rax, rbx, rcx, rdx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, cs, cr2, err;
	uint64_t addr;               /* the signal's fault address (si_addr) */
	uint64_t stack_lo, stack_hi; /* the thread's stack, for KHOST_TRAP_STACK_OVERFLOW */
	uint32_t trapno;             /* the CPU's trap number (T_PAGE_FAULT 14, ...) */
	uint32_t flags;              /* KHOST_TRAP_* */
	int signo;                   /* the host signal (Linux numbering, for the message only) */
	int code;                    /* si_code */
};
#define KHOST_TRAP_STACK_OVERFLOW 0x1 /* the fault address is in or just below the thread's guard page */
#define KHOST_TRAP_SOFTWARE 0x2       /* a signal sent by software (abort, kill), not a CPU trap */

/*
 * Install the fault handlers (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
 * SIGABRT) and give the calling thread an alternate signal stack. Threads
 * made by khost_thread_create get their own alternate stack.
 */
int khost_fault_init(void);
int khost_fault_altstack_init(void);
void khost_fault_altstack_fini(void);
/* End the process with KHOST_EXIT_PANIC if it is still running after `seconds`. */
void khost_panic_deadline(unsigned int seconds);

/* ---- entry points: implemented by the kernel, called by the host ---------- */

struct kernel_boot_params {
	const char *root;      /* kernel root folder, or NULL for none (tests) */
	const char *boot_args; /* the boot-args string, or NULL */
	unsigned int flags;    /* KERNEL_BOOT_* */
};
#define KERNEL_BOOT_QUIET 0x1 /* do not mirror the log to the console even with -v */
#define KERNEL_BOOT_NO_SELFCHECK 0x2
#define KERNEL_BOOT_AFTER_PANIC 0x4 /* a reboot after a panic: kexts loaded by request load again */

/* Bring the kernel up; returns 0 or a Darwin errno. Panics on a self-check failure. */
int kernel_bootstrap(const struct kernel_boot_params *params);
/* The host received SIGHUP. */
void kernel_hangup(void);
/* Orderly shutdown: stop kernel threads, flush the log. Safe to call once. */
void kernel_shutdown(void);
/* Kernel code faulted (host/fault.c's signal handlers): panic with a trap report. */
__attribute__((noreturn)) void kernel_fault(const struct khost_trap_state *ts);
/* "Darwin Kernel Version ..." */
const char *kernel_version_string(void);

#endif /* KEXTHOST_HOST_KHOST_H */
