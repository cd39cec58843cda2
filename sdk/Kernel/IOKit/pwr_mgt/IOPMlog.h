/*
 * IOKit/pwr_mgt/IOPMlog.h — the event numbers of power management's log.
 * With kIOLogPower in the io= boot-arg (gIOKitDebug) each step of a power
 * change writes one kernel log line, in XNU's PMLog format:
 *
 *   pm<usec> <thread> <service name> <event> <arg1 hex> <arg2 hex>
 *
 * usec is the microsecond clock plus (seconds mod 1000) * 10^6; an event
 * that ends a call to a driver is logged negated (-38: setPowerState
 * returned; arg2 is its answer). The numbers are XNU's.
 */
#ifndef _IOKIT_PWR_MGT_IOPMLOG_H
#define _IOKIT_PWR_MGT_IOPMLOG_H

enum PMLogEnum {
	kPMLogSetParent = 1,             /* joined a power parent: knows state, its output flags */
	kPMLogAddChild = 2,              /* a power child joined us */
	kPMLogRemoveChild = 3,           /* a power child left */
	kPMLogControllingDriver = 4,     /* registerPowerDriver: number of states, version */
	kPMLogControllingDriverErr1 = 5, /* a power state of an unknown version */
	kPMLogControllingDriverErr2 = 6, /* too many power states */
	kPMLogControllingDriverErr3 = 7, /* no controlling driver */
	kPMLogControllingDriverErr4 = 8, /* a change in progress */
	kPMLogInterestedDriver = 9,      /* registerInterestedDriver */
	kPMLogAcknowledgeErr1 = 10,      /* acknowledgePowerChange from an unknown object */
	kPMLogChildAcknowledge = 11,
	kPMLogDriverAcknowledge = 12, /* an interested driver acknowledged */
	kPMLogAcknowledgeErr2 = 13,
	kPMLogAcknowledgeErr3 = 14,
	kPMLogAcknowledgeErr4 = 15,
	kPMLogDriverAcknowledgeSet = 16, /* acknowledgeSetPowerState */
	kPMLogWillChange = 17,           /* the power parent's output will change */
	kPMLogDidChange = 18,            /* the power parent's output changed */
	kPMLogRequestDomain = 19,        /* asked the parent for a state */
	kPMLogMakeUsable = 20,
	kPMLogChangeStateTo = 21,
	kPMLogChangeStateToPriv = 22,
	kPMLogSetAggressiveness = 23,
	kPMLogCriticalTemp = 24,
	kPMLogOverrideOn = 25,
	kPMLogOverrideOff = 26,
	kPMLogEnqueueErr = 27,
	kPMLogCollapseQueue = 28,
	kPMLogChangeDone = 29,      /* a change finished: new state, previous state */
	kPMLogCtrlDriverTardy = 30, /* setPowerState not acknowledged in time */
	kPMLogIntDriverTardy = 31,  /* an interested driver not acknowledged in time */
	kPMLogStartAckTimer = 32,
	kPMLogStartParentChange = 33, /* a change the power parent started: new state, current */
	kPMLogAmendParentChange = 34,
	kPMLogStartDeviceChange = 35, /* a change of our own: new state, current */
	kPMLogRequestDenied = 36,
	kPMLogControllingDriverErr5 = 37,  /* too few power states */
	kPMLogProgramHardware = 38,        /* setPowerState: service, state (negated: service, answer) */
	kPMLogInformDriverPreChange = 39,  /* powerStateWillChangeTo: service, state */
	kPMLogInformDriverPostChange = 40, /* powerStateDidChangeTo: service, state */
	kPMLogRemoveDriver = 41,
	kPMLogSetIdleTimerPeriod = 42, /* seconds */
	kPMLogSystemWake = 43,
	kPMLogAcknowledgeErr5 = 44,
	kPMLogClientAcknowledge = 45,
	kPMLogClientTardy = 46,
	kPMLogClientCancel = 47,
	kPMLogClientNotify = 48,
	kPMLogAppNotify = 49,
	kIOPMlogLastEvent
};

#endif /* _IOKIT_PWR_MGT_IOPMLOG_H */
