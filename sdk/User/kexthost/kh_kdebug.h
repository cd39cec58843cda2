/*
 * kexthost/kh_kdebug.h — what a user-side tracer needs to drive the hosted
 * kernel's kdebug facility through kh_sysctl: the KERN_KDEBUG operation
 * numbers, the event record and buffer-info layouts and the debug ID fields.
 * The values are Darwin's (<sys/sysctl.h>, <sys/kdebug.h>,
 * <sys/kdebug_private.h>); the kernel's side is bsd/kern/kdebug_internal.h.
 *
 * Use: {CTL_KERN, KERN_KDEBUG, op [, value]}. Typical session:
 *   KERN_KDSETBUF n -> KERN_KDSETUP -> [KERN_KDSET_TYPEFILTER] [KERN_KDPIDTR|KDPIDEX]
 *   -> KERN_KDENABLE 1 ... KERN_KDREADTR (oldlen counts records, in and out)
 *   [KERN_KDTHRMAP: the thread map taken at enable, once] ... KERN_KDENABLE 0 -> KERN_KDREMOVE
 *
 * Event record (kh_kd_buf, 64 bytes):
 *
 * | offset | size | field     | meaning                                |
 * |--------|------|-----------|----------------------------------------|
 * | 0      | 8    | timestamp | kernel mach_absolute_time, nanoseconds |
 * | 8      | 32   | arg1-arg4 | event arguments                        |
 * | 40     | 8    | arg5      | thread ID of the recording thread      |
 * | 48     | 4    | debugid   | class 31-24, subclass 23-16, code 15-2, function 1-0 |
 * | 52     | 4    | cpuid     | CPU the event was recorded on          |
 * | 56     | 8    | unused    | 0                                      |
 */
#ifndef _KEXTHOST_KH_KDEBUG_H_
#define _KEXTHOST_KH_KDEBUG_H_

#include <stdint.h>

#define KH_CTL_KERN 1
#define KH_KERN_KDEBUG 24

#define KH_KERN_KDEFLAGS 1
#define KH_KERN_KDDFLAGS 2
#define KH_KERN_KDENABLE 3
#define KH_KERN_KDSETBUF 4
#define KH_KERN_KDGETBUF 5
#define KH_KERN_KDSETUP 6
#define KH_KERN_KDREMOVE 7
#define KH_KERN_KDSETREG 8
#define KH_KERN_KDREADTR 10
#define KH_KERN_KDPIDTR 11
#define KH_KERN_KDTHRMAP 12
#define KH_KERN_KDPIDEX 14
#define KH_KERN_KDREADCURTHRMAP 21
#define KH_KERN_KDSET_TYPEFILTER 22

#define KH_KDEBUG_ENABLE_TRACE 0x1
#define KH_KDBG_NOWRAP 0x0002
#define KH_KDBG_WRAPPED 0x0008
#define KH_KDBG_PIDCHECK 0x0010
#define KH_KDBG_MAPINIT 0x0020
#define KH_KDBG_PIDEXCLUDE 0x0040
#define KH_KDBG_TYPEFILTER_CHECK 0x00400000u
#define KH_KDBG_BUFINIT 0x80000000u
#define KH_KDBG_TYPEFILTER_BITMAP_SIZE ((256 * 256) / 8)

typedef struct {
	uint64_t timestamp;
	uint64_t arg1, arg2, arg3, arg4;
	uint64_t arg5; /* thread ID */
	uint32_t debugid;
	uint32_t cpuid;
	uint64_t unused;
} kh_kd_buf;

/* KERN_KDTHRMAP / KERN_KDREADCURTHRMAP entry (32 bytes): thread ID, pid (1: kernel_task), name. */
typedef struct {
	uint64_t thread;
	int valid;
	char command[20];
} kh_kd_threadmap;

/* KERN_KDSETREG / KERN_KDPIDTR / KERN_KDPIDEX argument, passed as the old buffer (Darwin's ABI). */
typedef struct {
	unsigned int type;
	unsigned int value1; /* KDPIDTR/KDPIDEX: the pid */
	unsigned int value2; /* KDPIDTR/KDPIDEX: 1 mark, 0 unmark */
	unsigned int value3;
	unsigned int value4;
} kh_kd_regtype;

typedef struct {
	int nkdbufs;
	int nolog;
	unsigned int flags;
	int nkdthreads;
	int bufid;
} kh_kbufinfo_t;

#define KH_KDBG_CLASS(id) (((id) >> 24) & 0xffu)
#define KH_KDBG_SUBCLASS(id) (((id) >> 16) & 0xffu)
#define KH_KDBG_CODE(id) (((id) >> 2) & 0x3fffu)
#define KH_KDBG_FUNC(id) ((id)&0x3u)
#define KH_DBG_FUNC_START 1u
#define KH_DBG_FUNC_END 2u

#endif /* _KEXTHOST_KH_KDEBUG_H_ */
