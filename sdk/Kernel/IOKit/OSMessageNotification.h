/*
 * IOKit/OSMessageNotification.h — the messages the I/O Kit sends to a
 * user task's wake port (a notification port, IONotificationPortCreate):
 * matching notifications, interest messages and async completions. The
 * same header serves the kernel (which builds them, IOUserNotification.c
 * and IOUserClientAsync.c) and user programs (IODispatchCalloutFromMessage
 * parses them); values and layouts are XNU's, 64-bit tasks only.
 *
 *   every message: msgh_id kOSNotificationMessageID (53)
 *   matching   (simple)   header, OSNotificationHeader64 {size 0,
 *                         type kIOService{Publish,Matched,Terminated}NotificationType,
 *                         reference}; msgh_remote_port as received: the
 *                         notification (an iterator of the new services)
 *   interest   (complex)  header, body, one port descriptor (the service),
 *                         OSNotificationHeader64 {type
 *                         kIOServiceMessageNotificationType | argument-size
 *                         bits << 30, reference}, IOServiceInterestContent64
 *                         {messageType, argument bytes rounded up to 4}
 *   completion (simple)   header, OSNotificationHeader64 {size 4 + 8 * n,
 *                         type kIOAsyncCompletionNotificationType,
 *                         reference (slot 0 zeroed)}, result, n 64-bit args
 *
 * The reference is the caller's: slot kIOAsyncCalloutFuncIndex holds its
 * callback, kIOAsyncCalloutRefconIndex its refcon (the user library fills
 * them in; the kernel only echoes them).
 */
#ifndef _IOKIT_OSMESSAGENOTIFICATION_H
#define _IOKIT_OSMESSAGENOTIFICATION_H

#include <stdint.h>
#include <mach/message.h>
#include <IOKit/IOReturn.h>
#ifdef KERNEL
#include <IOKit/IOTypes.h> /* io_user_reference_t, OSAsyncReference64 */
#else
typedef uint64_t io_user_reference_t;
enum { kOSAsyncRef64Count = 8, kOSAsyncRef64Size = kOSAsyncRef64Count * ((int)sizeof(io_user_reference_t)) };
typedef io_user_reference_t OSAsyncReference64[kOSAsyncRef64Count];
#endif

/* Notification types (OSNotificationHeader64.type). */
enum {
	kFirstIOKitNotificationType = 100,
	kIOServicePublishNotificationType = 100,
	kIOServiceMatchedNotificationType = 101,
	kIOServiceTerminatedNotificationType = 102,
	kIOAsyncCompletionNotificationType = 150,
	kIOServiceMessageNotificationType = 160,
	kLastIOKitNotificationType = 199,

	/* An interest message's type carries its argument's size modulo 4 in bits 30-31. */
	kIOKitNoticationTypeMask = 0x00000FFF,
	kIOKitNoticationTypeSizeAdjShift = 30,
	kIOKitNoticationMsgSizeMask = 3,
};

enum {
	kOSNotificationMessageID = 53,
	kOSAsyncCompleteMessageID = 57,
	kMaxAsyncArgs = 16,
};

/* Slots of a reference. */
enum {
	kIOAsyncReservedIndex = 0, /* the wake port (the kernel's) */
	kIOAsyncReservedCount,

	kIOAsyncCalloutFuncIndex = kIOAsyncReservedCount,
	kIOAsyncCalloutRefconIndex,
	kIOAsyncCalloutCount,

	kIOMatchingCalloutFuncIndex = kIOAsyncReservedCount,
	kIOMatchingCalloutRefconIndex,
	kIOMatchingCalloutCount,

	kIOInterestCalloutFuncIndex = kIOAsyncReservedCount,
	kIOInterestCalloutRefconIndex,
	kIOInterestCalloutServiceIndex,
	kIOInterestCalloutCount,
};

struct OSNotificationHeader64 {
	mach_msg_size_t size; /* bytes of content */
	natural_t type;
	OSAsyncReference64 reference;
	unsigned char content[];
};

#pragma pack(4)
struct IOServiceInterestContent64 {
	natural_t messageType;
	io_user_reference_t messageArgument[1];
};
#pragma pack()

struct IOAsyncCompletionContent {
	IOReturn result;
	unsigned char args[];
};

typedef struct OSNotificationHeader64 OSNotificationHeader64;
typedef struct IOServiceInterestContent64 IOServiceInterestContent64;
typedef struct IOAsyncCompletionContent IOAsyncCompletionContent;

#endif /* _IOKIT_OSMESSAGENOTIFICATION_H */
