/*
 * IOKitDebugPrivate.h — how I/O Kit files log under gIOKitDebug's flags.
 *
 * IOKITDEBUG_LOG(flag, fmt, ...) writes one kernel log line (kprintf, as
 * XNU's IOService logs; `kexthost dmesg` shows it, the console too with
 * debug=0x8) when `flag` is set in gIOKitDebug. Off it costs one load and a
 * predictable branch. Power management uses kIOLogPower the same way.
 */
#ifndef _IOKIT_IOKITDEBUGPRIVATE_H
#define _IOKIT_IOKITDEBUGPRIVATE_H

#include <sys/cdefs.h>
#include <sys/systm.h>
#include <IOKit/IOKitDebug.h>

#define IOKITDEBUG_LOG(flag, ...)                                      \
	do {                                                           \
		if (__improbable((gIOKitDebug & (SInt64)(flag)) != 0)) \
			kprintf(__VA_ARGS__);                          \
	} while (0)

/* io= boot-arg, the root's IOKitDebug property and the debug.iokit sysctl (StartIOKit). */
void iokit_debug_init(void);

#endif /* _IOKIT_IOKITDEBUGPRIVATE_H */
