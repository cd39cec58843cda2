/*
 * IOKit/IOMessage.h — the I/O Kit's message types (sys_iokit |
 * sub_iokit_common | code, Apple's values). The service lifecycle messages
 * live in IOService.h; the system power messages the root domain sends to
 * its interested clients (and user processes of IORegisterForSystemPower)
 * are here.
 */
#ifndef _IOKIT_IOMESSAGE_H
#define _IOKIT_IOMESSAGE_H

#include <IOKit/IOService.h>

#define kIOMessageCanDevicePowerOff iokit_common_msg(0x200)
#define kIOMessageDeviceWillPowerOff iokit_common_msg(0x210)
#define kIOMessageDeviceWillNotPowerOff iokit_common_msg(0x220)
#define kIOMessageDeviceHasPoweredOn iokit_common_msg(0x230)
#define kIOMessageCanSystemPowerOff iokit_common_msg(0x240)
#define kIOMessageSystemWillPowerOff iokit_common_msg(0x250)
#define kIOMessageSystemWillNotPowerOff iokit_common_msg(0x260)
#define kIOMessageCanSystemSleep iokit_common_msg(0x270)
#define kIOMessageSystemWillSleep iokit_common_msg(0x280)
#define kIOMessageSystemWillNotSleep iokit_common_msg(0x290)
#define kIOMessageSystemHasPoweredOn iokit_common_msg(0x300)
#define kIOMessageSystemWillRestart iokit_common_msg(0x310)
#define kIOMessageSystemWillPowerOn iokit_common_msg(0x320)

#endif /* _IOKIT_IOMESSAGE_H */
