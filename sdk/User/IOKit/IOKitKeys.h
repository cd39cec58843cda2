/*
 * IOKit/IOKitKeys.h — the registry plane names and the property keys of
 * matching dictionaries and registry entries, for user programs (the
 * kernel's headers define the same strings).
 */
#ifndef _IOKIT_IOKITKEYS_H
#define _IOKIT_IOKITKEYS_H

#define kIOServicePlane "IOService"
#define kIOPowerPlane "IOPower"

#define kIOProviderClassKey "IOProviderClass"
#define kIONameMatchKey "IONameMatch"
#define kIONameMatchedKey "IONameMatched"
#define kIOPropertyMatchKey "IOPropertyMatch"
#define kIOPropertyExistsMatchKey "IOPropertyExistsMatch"
#define kIOPathMatchKey "IOPathMatch"
#define kIOLocationMatchKey "IOLocationMatch"
#define kIOParentMatchKey "IOParentMatch"
#define kIOResourceMatchKey "IOResourceMatch"
#define kIOMatchCategoryKey "IOMatchCategory"
#define kIORegistryEntryIDKey "IORegistryEntryID"
#define kIOClassKey "IOClass"
#define kIOProbeScoreKey "IOProbeScore"
#define kIOKitDebugKey "IOKitDebug"
#define kIONameKey "IOName"
#define kIOUserClientClassKey "IOUserClientClass"
#define kIOBundleIdentifierKey "CFBundleIdentifier"

/* Notification types (IOServiceAddMatchingNotification). */
#define kIOPublishNotification "IOServicePublish"
#define kIOFirstPublishNotification "IOServiceFirstPublish"
#define kIOMatchedNotification "IOServiceMatched"
#define kIOFirstMatchNotification "IOServiceFirstMatch"
#define kIOTerminatedNotification "IOServiceTerminate"

/* Interest types (IOServiceAddInterestNotification; kexthost delivers kIOGeneralInterest only). */
#define kIOGeneralInterest "IOGeneralInterest"
#define kIOBusyInterest "IOBusyInterest"
#define kIOAppPowerStateInterest "IOAppPowerStateInterest"
#define kIOPriorityPowerStateInterest "IOPriorityPowerStateInterest"

#endif /* _IOKIT_IOKITKEYS_H */
