/*
 * libkern/OSTypes.h — the Mac-style scalar types used by libkern and the I/O Kit.
 */
#ifndef _OS_OSTYPES_H
#define _OS_OSTYPES_H

typedef unsigned int UInt;
typedef signed int SInt;
typedef unsigned char UInt8;
typedef unsigned short UInt16;
typedef unsigned int UInt32;
typedef unsigned long long UInt64;
typedef signed char SInt8;
typedef signed short SInt16;
typedef signed int SInt32;
typedef signed long long SInt64;
typedef SInt32 OSStatus;
typedef UInt32 OptionBits;
typedef UInt32 ItemCount;
typedef UInt32 ByteCount;
typedef UInt8 *BytePtr;
typedef UInt32 LogicalAddress;
typedef unsigned char Boolean;
typedef UInt64 AbsoluteTime;
typedef SInt32 Duration;

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif /* _OS_OSTYPES_H */
