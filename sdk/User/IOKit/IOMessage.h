/*
 * IOKit/IOMessage.h — the message types of the I/O Kit's common messages
 * (what an interest notification's callback gets as messageType), as
 * Apple's header defines them: sys_iokit | sub_iokit_common | code.
 */
#ifndef _IOKIT_IOMESSAGE_H
#define _IOKIT_IOMESSAGE_H

#include <stdint.h>

#define iokit_common_msg(message) ((uint32_t)(0xe0000000u | (unsigned)(message)))

#define kIOMessageServiceIsTerminated iokit_common_msg(0x010)
#define kIOMessageServiceIsSuspended iokit_common_msg(0x020)
#define kIOMessageServiceIsResumed iokit_common_msg(0x030)
#define kIOMessageServiceIsRequestingClose iokit_common_msg(0x100)
#define kIOMessageServiceIsAttemptingOpen iokit_common_msg(0x101)
#define kIOMessageServiceWasClosed iokit_common_msg(0x110)
#define kIOMessageServiceBusyStateChange iokit_common_msg(0x120)
#define kIOMessageServicePropertyChange iokit_common_msg(0x130)

#endif /* _IOKIT_IOMESSAGE_H */
