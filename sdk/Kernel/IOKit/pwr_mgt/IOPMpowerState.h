/*
 * IOKit/pwr_mgt/IOPMpowerState.h — one entry of the power state array a
 * driver hands registerPowerDriver, lowest power first. Version 1 and 2
 * share the layout; version 2 reads the sixth field as stateOrder (kexthost
 * orders states by index and ignores it; version 1 called it unbudgetedPower).
 * PM uses capabilityFlags, outputPowerCharacter and inputPowerRequirement;
 * the power and timing figures are the driver's documentation.
 */
#ifndef _IOKIT_PWR_MGT_IOPMPOWERSTATE_H
#define _IOKIT_PWR_MGT_IOPMPOWERSTATE_H

#include <IOKit/pwr_mgt/IOPM.h>

typedef struct IOPMPowerState {
	unsigned long version;                /* kIOPMPowerStateVersion1 or 2 */
	IOPMPowerFlags capabilityFlags;       /* what the device can do in this state */
	IOPMPowerFlags outputPowerCharacter;  /* the power it supplies to its power children */
	IOPMPowerFlags inputPowerRequirement; /* the power it needs from its power parent */
	unsigned long staticPower;            /* mW */
	unsigned long stateOrder;             /* version 2 (version 1: unbudgetedPower) */
	unsigned long powerToAttain;
	unsigned long timeToAttain;
	unsigned long settleUpTime;
	unsigned long timeToLower;
	unsigned long settleDownTime;
	unsigned long powerDomainBudget;
} IOPMPowerState;

#endif /* _IOKIT_PWR_MGT_IOPMPOWERSTATE_H */
