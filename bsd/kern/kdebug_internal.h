/*
 * kdebug_internal.h — the trace facility's records and control interface
 * inside the kernel (bsd/kern/kdebug.c). User programs see the same record
 * and control values in <kexthost/kh_kdebug.h>; the sysctl numbers
 * (KERN_KDEBUG, KERN_KD*) are in <sys/sysctl.h>.
 *
 * One event record (kd_buf, 64 bytes, Darwin's LP64 layout):
 *
 * | offset | size | field     | meaning                                       |
 * |--------|------|-----------|-----------------------------------------------|
 * | 0      | 8    | timestamp | mach_absolute_time() (ns) when recorded       |
 * | 8      | 8    | arg1      | event argument 1                              |
 * | 16     | 8    | arg2      | event argument 2                              |
 * | 24     | 8    | arg3      | event argument 3                              |
 * | 32     | 8    | arg4      | event argument 4                              |
 * | 40     | 8    | arg5      | thread ID (thread_tid) of the recording thread|
 * | 48     | 4    | debugid   | class, subclass, code, function (sys/kdebug.h)|
 * | 52     | 4    | cpuid     | CPU the event was recorded on                 |
 * | 56     | 8    | unused    | 0 in records handed out (in the ring: commit) |
 */
#ifndef _BSD_KERN_KDEBUG_INTERNAL_H_
#define _BSD_KERN_KDEBUG_INTERNAL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/kdebug.h>

typedef struct {
	uint64_t timestamp;
	uintptr_t arg1;
	uintptr_t arg2;
	uintptr_t arg3;
	uintptr_t arg4;
	uintptr_t arg5;
	uint32_t debugid;
	uint32_t cpuid;
	uintptr_t unused;
} kd_buf;

/* KERN_KDGETBUF's answer. */
typedef struct {
	int nkdbufs;        /* events the buffers hold (all CPUs) */
	int nolog;          /* 1 while tracing is off */
	unsigned int flags; /* KDBG_* below */
	int nkdthreads;     /* thread map entries (0 while none is kept) */
	int bufid;          /* pid of the process that set the buffers up */
} kbufinfo_t;

/* KERN_KDTHRMAP / KERN_KDREADCURTHRMAP entries (table in kdebug_thrmap.c). */
typedef struct {
	uint64_t thread;
	int valid;
	char command[20];
} kd_threadmap;

/* KERN_KDSETREG's argument: select classes the old way (kept alongside the type filter); KERN_KDPIDTR and
 * KERN_KDPIDEX's too (value1 the pid, value2 1 to mark it, 0 to unmark). */
typedef struct {
	unsigned int type;
	unsigned int value1;
	unsigned int value2;
	unsigned int value3;
	unsigned int value4;
} kd_regtype;

/* kbufinfo_t.flags and KERN_KDEFLAGS/KERN_KDDFLAGS values (Darwin's). */
#define KDBG_NOWRAP 0x0002     /* stop tracing when a buffer fills instead of overwriting */
#define KDBG_WRAPPED 0x0008    /* events were overwritten (or dropped) since the last read */
#define KDBG_PIDCHECK 0x0010   /* record only the marked processes' events (KERN_KDPIDTR) */
#define KDBG_MAPINIT 0x0020    /* a thread map is kept */
#define KDBG_PIDEXCLUDE 0x0040 /* record all but the marked processes' events (KERN_KDPIDEX) */
#define KDBG_LP64 0x0100
#define KDBG_CONTINUOUS_TIME 0x0200
#define KDBG_TYPEFILTER_CHECK 0x00400000u
#define KDBG_BUFINIT 0x80000000u
#define KDBG_USERFLAGS (KDBG_NOWRAP | KDBG_CONTINUOUS_TIME)

/* kd_regtype.type values */
#define KDBG_CLASSTYPE 0x10000
#define KDBG_SUBCLSTYPE 0x20000
#define KDBG_RANGETYPE 0x40000
#define KDBG_TYPENONE 0x80000

/* One bit per class/subclass pair (bit n = debugid >> 16), 8 KiB. */
#define KDBG_TYPEFILTER_BITMAP_SIZE ((256 * 256) / 8)

/* Events a setup without KERN_KDSETBUF gets, and the most one may ask for (all CPUs together). */
#define KDBG_DEFAULT_NKDBUFS 65536
#define KDBG_MAX_NKDBUFS (1 << 22)

/*
 * The kernel's own trace points. Where Darwin has a code it is used as is
 * (system calls, Mach traps, MIG routines, the I/O Kit's IOTimeStamp codes);
 * kext loading and driver matching/start have no published Darwin codes, so
 * kexthost names them in a subclass of its own (DBG_MACH_KH_KEXT) and above
 * Darwin's DBG_IOSERVICE codes (which end at 26). Power changes (added later)
 * go in DBG_IOKIT/DBG_IOPOWER, as on Darwin.
 *
 * | event                  | debug ID                                    | args (START / END)                 |
 * |------------------------|---------------------------------------------|------------------------------------|
 * | BSD system call        | BSDDBG_CODE(DBG_BSD_EXCP_SC, number)        | args 1-4 / error, retval, 0, pid   |
 * | Mach trap              | MACHDBG_CODE(DBG_MACH_EXCP_SC, trap)        | args 1-4 / kern_return, retval, 0, pid |
 * | MIG routine            | KDBG_MIGCODE(msgh_id)                       | msgh_id / kern_return              |
 * | kext load              | MACHDBG_CODE(DBG_MACH_KH_KEXT, 1)           | bundle ID (32 chars packed) / error, load tag, address, size |
 * | kext unload            | MACHDBG_CODE(DBG_MACH_KH_KEXT, 2)           | bundle ID packed / error, load tag |
 * | matching on a service  | IOKDBG_CODE(DBG_IOSERVICE, IOSERVICE_KH_MATCH) | registry entry ID / -           |
 * | driver start           | IOKDBG_CODE(DBG_IOSERVICE, IOSERVICE_KH_START) | driver ID, provider ID / started |
 * | work loop pass         | IOKDBG_CODE(DBG_IOWORKLOOP, IOWL_WORK)      | work loop / -                      |
 * | event source work      | IOKDBG_CODE(DBG_IOWORKLOOP, IOWL_CLIENT)    | work loop, event source / more     |
 * | gated action           | IOKDBG_CODE(DBG_IOCMDQ, IOCMDQ_ACTION)      | owner, action / IOReturn           |
 * | interrupt handler      | IOKDBG_CODE(DBG_IOINTC, IOINTC_HANDLER)     | nub ID, source / -                 |
 * | interrupt source action| IOKDBG_CODE(DBG_IOINTES, IOINTES_ACTION)    | owner, count / -                   |
 */
#define DBG_MACH_KH_KEXT 0xEE /* kexthost: kext load and unload */
#define KH_KEXT_LOAD 1
#define KH_KEXT_UNLOAD 2
#define IOINTC_HANDLER 1
#define IOWL_CLIENT 1
#define IOWL_WORK 2
#define IOINTES_ACTION 6
#define IOCMDQ_ACTION 6
#define IOSERVICE_KH_MATCH 0x100
#define IOSERVICE_KH_START 0x101

/* Pack up to 32 bytes of a string into four trace arguments (little-endian, NUL-padded). */
void kdbg_pack_string(const char *s, uintptr_t args[4]);

/*
 * The KERN_KDEBUG operations on kernel buffers: name[0] is the operation
 * (KERN_KDSETBUF, ...), name[1] its value where it takes one; where and *sizep are
 * the output buffer in bytes (KERN_KDREADTR: kd_buf records; *sizep becomes
 * the bytes produced), newp/newlen the input (KERN_KDSET_TYPEFILTER,
 * KERN_KDSETREG). pid is recorded as the owner. Returns 0 or a Darwin errno.
 */
int kdbg_control(const int *name, unsigned int namelen, void *where, size_t *sizep, const void *newp,
                 size_t newlen, int pid);

/* __sysctl's unit for *oldlenp: sizeof(kd_buf) for {CTL_KERN, KERN_KDEBUG, KERN_KDREADTR} (Darwin
 * counts records there), 1 (bytes) for every other name. */
size_t kdbg_oldlen_unit(const int *name, unsigned int namelen);

/* The thread map (kdebug_thrmap.c): build one of the threads alive now (*cap entries allocated,
 * *count used), free it, copy it out (EINVAL when *sizep is too small; *sizep becomes the bytes). */
int kdbg_thrmap_build(kd_threadmap **map, uint32_t *count, uint32_t *cap);
void kdbg_thrmap_free(kd_threadmap *map, uint32_t cap);
int kdbg_thrmap_copy(const kd_threadmap *map, uint32_t count, void *where, size_t *sizep);

/* __sysctl copies the caller's old buffer in for these operations: Darwin passes kd_regtype there
 * (KERN_KDSETREG, KERN_KDPIDTR, KERN_KDPIDEX). */
bool kdbg_old_is_input(const int *name, unsigned int namelen);

/* Turn tracing off and free the buffers (kernel shutdown, tests). */
void kdbg_reset(void);

/* Events lost (overwritten or dropped) since the buffers were set up. */
uint64_t kdbg_lost_events(void);

#endif /* _BSD_KERN_KDEBUG_INTERNAL_H_ */
