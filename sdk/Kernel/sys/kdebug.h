/*
 * sys/kdebug.h — kernel trace points (kdebug): the 32-bit debug ID that names
 * an event, the class and subclass numbers Darwin assigns, and the macros a
 * kext (or the kernel) uses to record an event. The values are Darwin's so
 * that IDs mean the same here as in a Mac's trace tools.
 *
 * A debug ID, from the most significant bit:
 *
 * | bits  | field    | meaning                                              |
 * |-------|----------|------------------------------------------------------|
 * | 31-24 | class    | DBG_MACH, DBG_BSD, DBG_IOKIT, ...                    |
 * | 23-16 | subclass | per class (DBG_BSD_EXCP_SC, DBG_IOSERVICE, ...)      |
 * | 15-2  | code     | the event within the subclass                        |
 * | 1-0   | function | DBG_FUNC_START, DBG_FUNC_END or DBG_FUNC_NONE        |
 *
 * Recording: KDBG(id, up to four arguments) or KERNEL_DEBUG_CONSTANT(id, a, b,
 * c, d, 0). While tracing is off a trace point costs one test of the global
 * kdebug_enable, predicted not taken; only when it is on does the call reach
 * kernel_debug(). See docs/DEBUGGING.md, "kdebug tracing".
 */
#ifndef _SYS_KDEBUG_H_
#define _SYS_KDEBUG_H_

#include <stdbool.h>
#include <stdint.h>
#include <sys/cdefs.h>

__BEGIN_DECLS

/* ---- debug ID layout ---- */

#define KDBG_CLASS_MASK 0xff000000u
#define KDBG_CLASS_OFFSET 24
#define KDBG_CLASS_MAX 0xff
#define KDBG_SUBCLASS_MASK 0x00ff0000u
#define KDBG_SUBCLASS_OFFSET 16
#define KDBG_SUBCLASS_MAX 0xff
#define KDBG_CSC_MASK 0xffff0000u
#define KDBG_CSC_OFFSET KDBG_SUBCLASS_OFFSET
#define KDBG_CSC_MAX 0xffff
#define KDBG_CODE_MASK 0x0000fffcu
#define KDBG_CODE_OFFSET 2
#define KDBG_CODE_MAX 0x3fff
#define KDBG_EVENTID_MASK 0xfffffffcu
#define KDBG_FUNC_MASK 0x00000003u

#define KDBG_EVENTID(Class, SubClass, Code)                       \
	((((unsigned)(Class)&0xffu) << KDBG_CLASS_OFFSET) |       \
	 (((unsigned)(SubClass)&0xffu) << KDBG_SUBCLASS_OFFSET) | \
	 (((unsigned)(Code)&0x3fffu) << KDBG_CODE_OFFSET))
/* The older spelling, still the common one in kexts. */
#define KDBG_CODE(Class, SubClass, Code) KDBG_EVENTID(Class, SubClass, Code)

#define KDBG_EXTRACT_CLASS(id) ((uint8_t)(((id)&KDBG_CLASS_MASK) >> KDBG_CLASS_OFFSET))
#define KDBG_EXTRACT_SUBCLASS(id) ((uint8_t)(((id)&KDBG_SUBCLASS_MASK) >> KDBG_SUBCLASS_OFFSET))
#define KDBG_EXTRACT_CSC(id) ((uint16_t)(((id)&KDBG_CSC_MASK) >> KDBG_CSC_OFFSET))
#define KDBG_EXTRACT_CODE(id) ((uint16_t)(((id)&KDBG_CODE_MASK) >> KDBG_CODE_OFFSET))
#define KDBG_CLASS_ENCODE(Class, SubClass) KDBG_EVENTID(Class, SubClass, 0)
#define KDBG_CLASS_DECODE(id) ((id)&KDBG_CSC_MASK)

/* Function qualifiers: an interval's start and end, or a point event. */
#define DBG_FUNC_START 1U
#define DBG_FUNC_END 2U
#define DBG_FUNC_NONE 0U

/* ---- classes ---- */

#define DBG_MACH 1
#define DBG_NETWORK 2
#define DBG_FSYSTEM 3
#define DBG_BSD 4
#define DBG_IOKIT 5
#define DBG_DRIVERS 6
#define DBG_TRACE 7
#define DBG_DLIL 8
#define DBG_PTHREAD 9
#define DBG_CORESTORAGE 10
#define DBG_CG 11
#define DBG_MONOTONIC 12
#define DBG_MISC 20
#define DBG_SECURITY 30
#define DBG_DYLD 31
#define DBG_QT 32
#define DBG_APPS 33
#define DBG_LAUNCHD 34
#define DBG_SILICON 35
#define DBG_PERF 37
#define DBG_IMPORTANCE 38
#define DBG_BANK 40
#define DBG_XPC 41
#define DBG_ATM 42
#define DBG_ARIADNE 43
#define DBG_DAEMON 44
#define DBG_ENERGYTRACE 45
#define DBG_DISPATCH 46
#define DBG_IMG 49
#define DBG_UMALLOC 51
#define DBG_TURNSTILE 53
#define DBG_AUDIO 54
#define DBG_MIG 255

/* ---- DBG_MACH subclasses ---- */

#define DBG_MACH_EXCP_KTRAP_x86 0x02
#define DBG_MACH_EXCP_DFLT 0x03
#define DBG_MACH_EXCP_IFLT 0x04
#define DBG_MACH_EXCP_INTR 0x05 /* interrupts */
#define DBG_MACH_EXCP_ALNG 0x06
#define DBG_MACH_EXCP_UTRAP_x86 0x07
#define DBG_MACH_EXCP_FP 0x08
#define DBG_MACH_EXCP_DECI 0x09
#define DBG_MACH_SIGNPOST 0x0A
#define DBG_MACH_EXCP_SC 0x0C /* Mach traps, code = trap number */
#define DBG_MACH_EXCP_TRACE 0x0D
#define DBG_MACH_EXCP_EMUL 0x0E
#define DBG_MACH_IHDLR 0x10
#define DBG_MACH_IPC 0x20
#define DBG_MACH_RESOURCE 0x25
#define DBG_MACH_VM 0x30
#define DBG_MACH_LEAKS 0x31
#define DBG_MACH_WORKINGSET 0x32
#define DBG_MACH_SCHED 0x40
#define DBG_MACH_MSGID_INVALID 0x50
#define DBG_MACH_LOCKS 0x60
#define DBG_MACH_PMAP 0x70
#define DBG_MACH_CLOCK 0x80
#define DBG_MACH_MP 0x90
#define DBG_MACH_VM_PRESSURE 0xA0
#define DBG_MACH_STACKSHOT 0xA1
#define DBG_MACH_SFI 0xA2
#define DBG_MACH_ENERGY_PERF 0xA3
#define DBG_MACH_SYSDIAGNOSE 0xA4
#define DBG_MACH_ZALLOC 0xA5
#define DBG_MACH_THREAD_GROUP 0xA6
#define DBG_MACH_COALITION 0xA7
#define DBG_MACH_SHAREDREGION 0xA8
#define DBG_MACH_SCHED_CLUTCH 0xA9
#define DBG_MACH_IO 0xAA
#define DBG_MACH_WORKGROUP 0xAB

/* Interrupt kinds (arg of DBG_MACH_EXCP_INTR events). */
#define DBG_INTR_TYPE_UNKNOWN 0x0
#define DBG_INTR_TYPE_IPI 0x1
#define DBG_INTR_TYPE_TIMER 0x2
#define DBG_INTR_TYPE_OTHER 0x3
#define DBG_INTR_TYPE_PMI 0x4

/* DBG_MACH_IPC codes */
#define MACH_TASK_SUSPEND 0x0
#define MACH_TASK_RESUME 0x1
#define MACH_THREAD_SET_VOUCHER 0x2
#define MACH_IPC_MSG_SEND 0x3
#define MACH_IPC_MSG_RECV 0x4
#define MACH_IPC_MSG_RECV_VOUCHER_REFUSED 0x5
#define MACH_IPC_KMSG_FREE 0x6

/* DBG_MACH_SCHED codes (the few a hosted kernel can mean) */
#define MACH_SCHED 0x0
#define MACH_CALLOUT 0x4
#define MACH_MAKE_RUNNABLE 0x6
#define MACH_BLOCK 0xf
#define MACH_WAIT 0x10

/* ---- DBG_NETWORK subclasses ---- */

#define DBG_NETIP 1
#define DBG_NETARP 2
#define DBG_NETUDP 3
#define DBG_NETTCP 4
#define DBG_NETICMP 5
#define DBG_NETIGMP 6
#define DBG_NETRIP 7
#define DBG_NETOSPF 8
#define DBG_NETISIS 9
#define DBG_NETSNMP 10
#define DBG_NETSOCK 11

/* ---- DBG_IOKIT subclasses ---- */

#define DBG_IOINTC 0     /* interrupt controller, handler dispatch */
#define DBG_IOWORKLOOP 1 /* work loop */
#define DBG_IOINTES 2    /* interrupt event sources */
#define DBG_IOCLKES 3    /* timer event sources */
#define DBG_IOCMDQ 4     /* command gates and queues */
#define DBG_IOMCURS 5
#define DBG_IOMDESC 6   /* memory descriptors */
#define DBG_IOPOWER 7   /* power management */
#define DBG_IOSERVICE 8 /* matching, start, termination */
#define DBG_IOREGISTRY 9
#define DBG_IOPORT 10
#define DBG_IOSTORAGE 32
#define DBG_IONETWORK 33
#define DBG_IOKEYBOARD 34
#define DBG_IOHID 35
#define DBG_IOAUDIO 36
#define DBG_IOSERIAL 37
#define DBG_IOTTY 38
#define DBG_IOSAM 39
#define DBG_IOPARALLELATA 40
#define DBG_IOPARALLELSCSI 41
#define DBG_IOSATA 42
#define DBG_IOSAS 43
#define DBG_IOFIBRECHANNEL 44
#define DBG_IOUSB 45
#define DBG_IOBLUETOOTH 46
#define DBG_IOFIREWIRE 47
#define DBG_IOINFINIBAND 48
#define DBG_IOCPUPM 49
#define DBG_IOGRAPHICS 50
#define DBG_HIBERNATE 51
#define DBG_IOTHUNDERBOLT 52
#define DBG_IODISK DBG_IOSTORAGE
#define DBG_IOPOINTING DBG_IOHID

/* ---- DBG_DRIVERS subclasses ---- */

#define DBG_DRVSTORAGE 1
#define DBG_DRVNETWORK 2
#define DBG_DRVKEYBOARD 3
#define DBG_DRVHID 4
#define DBG_DRVAUDIO 5
#define DBG_DRVSERIAL 7
#define DBG_DRVSAM 8
#define DBG_DRVPARALLELATA 9
#define DBG_DRVPARALLELSCSI 10
#define DBG_DRVSATA 11
#define DBG_DRVSAS 12
#define DBG_DRVFIBRECHANNEL 13
#define DBG_DRVUSB 14
#define DBG_DRVBLUETOOTH 15
#define DBG_DRVFIREWIRE 16
#define DBG_DRVINFINIBAND 17
#define DBG_DRVGRAPHICS 18
#define DBG_DRVSD 19
#define DBG_DRVNAND 20
#define DBG_SSD 21
#define DBG_DRVSPI 22

/* ---- DBG_FSYSTEM subclasses ---- */

#define DBG_FSRW 0x1
#define DBG_DKRW 0x2
#define DBG_FSVN 0x3
#define DBG_FSLOOOKUP 0x4
#define DBG_JOURNAL 0x5
#define DBG_IOCTL 0x6
#define DBG_BOOTCACHE 0x7
#define DBG_HFS 0x8
#define DBG_APFS 0x9
#define DBG_SMB 0xA
#define DBG_MOUNT 0xB
#define DBG_EXFAT 0xE
#define DBG_MSDOS 0xF
#define DBG_THROTTLE 0x11

/* ---- DBG_BSD subclasses ---- */

#define DBG_BSD_PROC 0x01
#define DBG_BSD_MEMSTAT 0x02
#define DBG_BSD_KEVENT 0x03
#define DBG_BSD_EXCP_SC 0x0C /* BSD system calls, code = syscall number */
#define DBG_BSD_AIO 0x0D
#define DBG_BSD_SC_EXTENDED_INFO 0x0E
#define DBG_BSD_SC_EXTENDED_INFO2 0x0F
#define DBG_BSD_KDEBUG_TEST 0xFF

#define BSD_PROC_EXIT 1
#define BSD_PROC_FRCEXIT 2
#define BSD_PROC_EXEC 3

/* ---- DBG_TRACE subclasses and the tracer's own events ---- */

#define DBG_TRACE_DATA 0
#define DBG_TRACE_STRING 1
#define DBG_TRACE_INFO 2

/* ---- DBG_MISC, DBG_DYLD subclasses ---- */

#define DBG_MISC_COREBRIGHTNESS 0x01
#define DBG_MISC_VIDEOENG 0x02
#define DBG_EVENT 0x10
#define DBG_MISC_INSTRUMENTS 0x11
#define DBG_MISC_INSTRUMENTSBT 0x12
#define DBG_BUFFER 0x20
#define DBG_DYLD_UUID 5

/* ---- per-class helpers ---- */

#define MACHDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_MACH, SubClass, code)
#define NETDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_NETWORK, SubClass, code)
#define FSDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_FSYSTEM, SubClass, code)
#define BSDDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_BSD, SubClass, code)
#define IOKDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_IOKIT, SubClass, code)
#define DRVDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_DRIVERS, SubClass, code)
#define TRACEDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_TRACE, SubClass, code)
#define MISCDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_MISC, SubClass, code)
#define DLILDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_DLIL, SubClass, code)
#define SECURITYDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_SECURITY, SubClass, code)
#define DYLDDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_DYLD, SubClass, code)
#define QTDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_QT, SubClass, code)
#define APPSDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_APPS, SubClass, code)
#define DAEMONDBG_CODE(SubClass, code) KDBG_EVENTID(DBG_DAEMON, SubClass, code)
#define CPUPM_CODE(code) IOKDBG_CODE(DBG_IOCPUPM, code)
/* A MIG routine: the message ID fills subclass and code. */
#define KDBG_MIGCODE(msgid) \
	(((unsigned)DBG_MIG << KDBG_CLASS_OFFSET) | (((unsigned)(msgid)&0x3fffffu) << KDBG_CODE_OFFSET))

#define TRACE_DATA_NEWTHREAD TRACEDBG_CODE(DBG_TRACE_DATA, 1)
#define TRACE_DATA_EXEC TRACEDBG_CODE(DBG_TRACE_DATA, 2)
#define TRACE_DATA_THREAD_TERMINATE TRACEDBG_CODE(DBG_TRACE_DATA, 3)
#define TRACE_STRING_GLOBAL TRACEDBG_CODE(DBG_TRACE_STRING, 0)
#define TRACE_STRING_NEWTHREAD TRACEDBG_CODE(DBG_TRACE_STRING, 1)
#define TRACE_PANIC TRACEDBG_CODE(DBG_TRACE_INFO, 0)
#define TRACE_TIMESTAMPS TRACEDBG_CODE(DBG_TRACE_INFO, 1)
#define TRACE_LOST_EVENTS TRACEDBG_CODE(DBG_TRACE_INFO, 2)
#define TRACE_WRITING_EVENTS TRACEDBG_CODE(DBG_TRACE_INFO, 3)
#define TRACE_INFO_STRING TRACEDBG_CODE(DBG_TRACE_INFO, 4)

/* ---- the enable word ---- */

/* Nonzero while tracing; trace points test it before calling out. */
extern unsigned int kdebug_enable;

#define KDEBUG_ENABLE_TRACE 0x001U
#define KDEBUG_ENABLE_ENTROPY 0x002U /* obsolete */
#define KDEBUG_ENABLE_CHUD 0x004U    /* obsolete */
#define KDEBUG_ENABLE_PPT 0x008U
#define KDEBUG_ENABLE_SERIAL 0x010U
#define KDEBUG_ENABLE_CONT_TIME 0x020U
#define KDEBUG_TRACE KDEBUG_ENABLE_TRACE
#define KDEBUG_PPT KDEBUG_ENABLE_PPT
#define KDEBUG_COMMON (KDEBUG_ENABLE_TRACE | KDEBUG_ENABLE_PPT)

/* Which macros record: kexthost builds at the standard level (KERNEL_DEBUG is compiled out). */
#define KDEBUG_LEVEL_NONE 0
#define KDEBUG_LEVEL_IST 1
#define KDEBUG_LEVEL_STANDARD 2
#define KDEBUG_LEVEL_FULL 3
#ifndef KDEBUG_LEVEL
#define KDEBUG_LEVEL KDEBUG_LEVEL_STANDARD
#endif

/* ---- recording ---- */

/* Record one event; arg5 is ignored: the record carries the current thread's ID. */
void kernel_debug(uint32_t debugid, uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
                  uintptr_t arg5);
/* The same with arg5 as the thread ID to record (for code acting on behalf of another thread). */
void kernel_debug1(uint32_t debugid, uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4,
                   uintptr_t arg5);
/* Recorded only when a type filter is set and explicitly names the event's class and subclass. */
void kernel_debug_filtered(uint32_t debugid, uintptr_t arg1, uintptr_t arg2, uintptr_t arg3, uintptr_t arg4);
/* An event from another time base or core (timestamp in mach_absolute_time units). */
void kernel_debug_enter(uint32_t coreid, uint32_t debugid, uint64_t timestamp, uintptr_t arg1, uintptr_t arg2,
                        uintptr_t arg3, uintptr_t arg4, uintptr_t threadid);
/* Would an event with this ID be recorded now (tracing on and the filter passes it)? */
bool kdebug_debugid_enabled(uint32_t debugid);
/* True only when a type filter is set and names the ID's class and subclass. */
bool kdebug_debugid_explicitly_enabled(uint32_t debugid);
/* Timestamps are mach_absolute_time (the host's monotonic clock, which runs during sleep too). */
bool kdebug_using_continuous_time(void);

#if KDEBUG_LEVEL >= KDEBUG_LEVEL_IST
#define KERNEL_DEBUG_CONSTANT_IST(type, x, a, b, c, d, e)                                           \
	do {                                                                                        \
		if (__builtin_expect(kdebug_enable & (type), 0))                                    \
			kernel_debug((uint32_t)(x), (uintptr_t)(a), (uintptr_t)(b), (uintptr_t)(c), \
			             (uintptr_t)(d), 0);                                            \
	} while (0)
#define KERNEL_DEBUG_CONSTANT_IST1(x, a, b, c, d, e)                                                 \
	do {                                                                                         \
		if (__builtin_expect(kdebug_enable, 0))                                              \
			kernel_debug1((uint32_t)(x), (uintptr_t)(a), (uintptr_t)(b), (uintptr_t)(c), \
			              (uintptr_t)(d), (uintptr_t)(e));                               \
	} while (0)
#else
#define KERNEL_DEBUG_CONSTANT_IST(type, x, a, b, c, d, e) \
	do {                                              \
	} while (0)
#define KERNEL_DEBUG_CONSTANT_IST1(x, a, b, c, d, e) \
	do {                                         \
	} while (0)
#endif
#define KERNEL_DEBUG_CONSTANT_RELEASE(x, a, b, c, d, e) \
	KERNEL_DEBUG_CONSTANT_IST(~KDEBUG_ENABLE_PPT, x, a, b, c, d, 0)

#if KDEBUG_LEVEL >= KDEBUG_LEVEL_STANDARD
#define KERNEL_DEBUG_CONSTANT(x, a, b, c, d, e)                                                     \
	do {                                                                                        \
		if (__builtin_expect(kdebug_enable & ~KDEBUG_ENABLE_PPT, 0))                        \
			kernel_debug((uint32_t)(x), (uintptr_t)(a), (uintptr_t)(b), (uintptr_t)(c), \
			             (uintptr_t)(d), (uintptr_t)(e));                               \
	} while (0)
#define KERNEL_DEBUG_CONSTANT1(x, a, b, c, d, e)                                                     \
	do {                                                                                         \
		if (__builtin_expect(kdebug_enable & ~KDEBUG_ENABLE_PPT, 0))                         \
			kernel_debug1((uint32_t)(x), (uintptr_t)(a), (uintptr_t)(b), (uintptr_t)(c), \
			              (uintptr_t)(d), (uintptr_t)(e));                               \
	} while (0)
#define KERNEL_DEBUG_CONSTANT_FILTERED(x, a, b, c, d, ...)                                                   \
	do {                                                                                                 \
		if (__builtin_expect(kdebug_enable & ~KDEBUG_ENABLE_PPT, 0))                                 \
			kernel_debug_filtered((uint32_t)(x), (uintptr_t)(a), (uintptr_t)(b), (uintptr_t)(c), \
			                      (uintptr_t)(d));                                               \
	} while (0)
#else
#define KERNEL_DEBUG_CONSTANT(x, a, b, c, d, e) \
	do {                                    \
	} while (0)
#define KERNEL_DEBUG_CONSTANT1(x, a, b, c, d, e) \
	do {                                     \
	} while (0)
#define KERNEL_DEBUG_CONSTANT_FILTERED(x, a, b, c, d, ...) \
	do {                                               \
	} while (0)
#endif

#if KDEBUG_LEVEL >= KDEBUG_LEVEL_FULL
#define KERNEL_DEBUG(x, a, b, c, d, e) KERNEL_DEBUG_CONSTANT(x, a, b, c, d, e)
#define KERNEL_DEBUG1(x, a, b, c, d, e) KERNEL_DEBUG_CONSTANT1(x, a, b, c, d, e)
#else
#define KERNEL_DEBUG(x, a, b, c, d, e) \
	do {                           \
	} while (0)
#define KERNEL_DEBUG1(x, a, b, c, d, e) \
	do {                            \
	} while (0)
#endif
#define KERNEL_DEBUG_CONSTANT_DEBUG(x, a, b, c, d, e) KERNEL_DEBUG(x, a, b, c, d, e)

/*
 * KDBG(id [, a [, b [, c [, d]]]]): the preferred form; missing arguments are
 * 0. KDBG_FILTERED records only when a type filter names the event,
 * KDBG_RELEASE at every level, KDBG_DEBUG only at KDEBUG_LEVEL_FULL.
 */
#define KDBG(x, ...) KDBG_(, x, ##__VA_ARGS__, 4, 3, 2, 1, 0)
#define KDBG_FILTERED(x, ...) KDBG_(_FILTERED, x, ##__VA_ARGS__, 4, 3, 2, 1, 0)
#define KDBG_RELEASE(x, ...) KDBG_(_RELEASE, x, ##__VA_ARGS__, 4, 3, 2, 1, 0)
#define KDBG_DEBUG(x, ...) KDBG_(_DEBUG, x, ##__VA_ARGS__, 4, 3, 2, 1, 0)

#define KDBG_(f, x, a, b, c, d, n, ...) KDBG##n(f, x, a, b, c, d)
#define KDBG0(f, x, a, b, c, d) KERNEL_DEBUG_CONSTANT##f(x, 0, 0, 0, 0, 0)
#define KDBG1(f, x, a, b, c, d) KERNEL_DEBUG_CONSTANT##f(x, a, 0, 0, 0, 0)
#define KDBG2(f, x, a, b, c, d) KERNEL_DEBUG_CONSTANT##f(x, a, b, 0, 0, 0)
#define KDBG3(f, x, a, b, c, d) KERNEL_DEBUG_CONSTANT##f(x, a, b, c, 0, 0)
#define KDBG4(f, x, a, b, c, d) KERNEL_DEBUG_CONSTANT##f(x, a, b, c, d, 0)

__END_DECLS

#endif /* _SYS_KDEBUG_H_ */
