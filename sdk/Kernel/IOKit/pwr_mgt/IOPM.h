/*
 * IOKit/pwr_mgt/IOPM.h — power management constants shared by drivers and
 * the power plane: the capability and power-character flags of a power
 * state, the answers of setPowerState, and PM's error codes. Values are
 * Apple's (IOPM.h); kexthost's implementation is iokit/Kernel/IOServicePM.c.
 */
#ifndef _IOKIT_PWR_MGT_IOPM_H
#define _IOKIT_PWR_MGT_IOPM_H

#include <IOKit/IOTypes.h>

typedef unsigned long IOPMPowerFlags;

/* Flags of IOPMPowerState's capabilityFlags, outputPowerCharacter and inputPowerRequirement. */
enum {
	kIOPMPowerOn = 0x00000002,          /* the state supplies (or needs) power */
	kIOPMDeviceUsable = 0x00008000,     /* clients may use the device in this state */
	kIOPMLowPower = 0x00010000,         /* usable with reduced performance */
	kIOPMPreventIdleSleep = 0x00000040, /* while in this state the system may not idle sleep */
	kIOPMSleepCapability = 0x00000004,
	kIOPMRestartCapability = 0x00000080,
	kIOPMSleep = 0x00000001,
	kIOPMRestart = 0x00000080,
	kIOPMInitialDeviceState = 0x00000100, /* already in it at registration: no initial setPowerState */
	kIOPMRootDomainState = 0x00000200,
	kIOPMPreventSystemSleep = 0x00000010,
};

/* IOPMPowerState.version */
enum { kIOPMPowerStateVersion1 = 1, kIOPMPowerStateVersion2 = 2 };

/* setPowerState / powerStateWillChangeTo answers: done now (else a delay in microseconds). */
#ifndef kIOPMAckImplied
#define kIOPMAckImplied 0
#endif
enum { kIOPMWillAckLater = 1 };

/* PM's return codes (IOPM.h values). */
enum {
	IOPMNoErr = 0,
	IOPMNotAttainable = 1,
	IOPMNoSuchState = 5,
	IOPMParameterError = 7,
	IOPMNotYetInitialized = 8,
	kIOPMNoErr = IOPMNoErr,
	kIOPMNotAttainable = IOPMNotAttainable,
	kIOPMNoSuchState = IOPMNoSuchState,
	kIOPMParameterError = IOPMParameterError,
	kIOPMNotYetInitialized = IOPMNotYetInitialized,
};

/* activityTickle's type: IOService's idle policy (the argument is a power state). */
enum { kIOPMSuperclassPolicy1 = 1 };

/* The IOPowerManagement property and its keys (ioreg shows them on every power-managed service). */
#define kIOPMPowerManagementKey "IOPowerManagement"
#define kIOPMCurrentPowerStateKey "CurrentPowerState"
#define kIOPMDevicePowerStateKey "DevicePowerState"
#define kIOPMDriverPowerStateKey "DriverPowerState"
#define kIOPMChildrenPowerStateKey "ChildrenPowerState"
#define kIOPMMaxPowerStateKey "MaxPowerState"
#define kIOPMCapabilityFlagsKey "CapabilityFlags"
#define kIOPMIdleTimerPeriodKey "IdleTimerPeriod"

/* Interest types of the root domain's sleep/wake messages. */
#define kIOAppPowerStateInterest "IOAppPowerStateInterest"
#define kIOPriorityPowerStateInterest "IOPriorityPowerStateInterest"

#endif /* _IOKIT_PWR_MGT_IOPM_H */
