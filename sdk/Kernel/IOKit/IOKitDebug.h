/*
 * IOKit/IOKitDebug.h — the I/O Kit's debug flags: the io= boot-arg, the
 * debug.iokit sysctl and the IOKitDebug property of the registry root all
 * show the same 64-bit word, gIOKitDebug. A driver's personality may carry
 * its own IOKitDebug number, which replaces the global word for the probe
 * and start logging of that driver.
 *
 * The bit values are XNU's, so an io= value from a Mac means the same here.
 * Logging flags (the I/O Kit writes a kernel log line per event):
 *   kIOLogAttach    attach/detach of a client to a provider
 *   kIOLogProbe     each probe of a candidate driver
 *   kIOLogStart     each start of a driver (and how long a slow start took)
 *   kIOLogRegister  registerService of a nub ("Registering: <path>")
 *   kIOLogMatch     matching decisions
 *   kIOLogConfig    the matching (config) threads' jobs
 *   kIOLogYield     termination: requestTerminate, stop, detach, finalize
 *   kIOLogPower     power management state changes
 *   kIOLogCatalogue personalities added to and removed from the catalogue
 * The remaining bits are accepted and reported, with no effect yet here.
 */
#ifndef _IOKIT_IOKITDEBUG_H
#define _IOKIT_IOKITDEBUG_H

#include <IOKit/IOTypes.h>

enum {
	kIOLogAttach = 0x00000001ULL,
	kIOLogProbe = 0x00000002ULL,
	kIOLogStart = 0x00000004ULL,
	kIOLogRegister = 0x00000008ULL,
	kIOLogMatch = 0x00000010ULL,
	kIOLogConfig = 0x00000020ULL,
	kIOLogYield = 0x00000040ULL,
	kIOLogPower = 0x00000080ULL,
	kIOLogMapping = 0x00000100ULL,
	kIOLogCatalogue = 0x00000200ULL,
	kIOLogTracePower = 0x00000400ULL,
	kIOLogDebugPower = 0x00000800ULL,
	kIOLogServiceTree = 0x00001000ULL,
	kIOLogDTree = 0x00002000ULL,
	kIOLogMemory = 0x00004000ULL,
	kIOLogKextMemory = 0x00008000ULL,
	kOSLogRegistryMods = 0x00010000ULL,
	kIOLogPMRootDomain = 0x00020000ULL,
	kOSRegistryModsMode = 0x00040000ULL,
	kIOLogHibernate = 0x00100000ULL,
	kIOStatistics = 0x04000000ULL,
	kIOSleepWakeWdogOff = 0x40000000ULL,
	kIOKextSpinDump = 0x80000000ULL,

	/* debug aids that change behaviour */
	kIONoFreeObjects = 0x00100000ULL,
	kIOTracking = 0x00400000ULL,
	kIOWaitQuietPanics = 0x00800000ULL,
	kIOWaitQuietBeforeRoot = 0x01000000ULL,
	kIOTrackingBoot = 0x02000000ULL,
};

__BEGIN_DECLS
extern SInt64 gIOKitDebug;
__END_DECLS

#endif /* _IOKIT_IOKITDEBUG_H */
