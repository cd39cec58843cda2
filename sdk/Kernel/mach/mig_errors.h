/*
 * mach/mig_errors.h — MIG's return codes, the NDR record that starts the
 * inline data of every MIG message, and the reply a routine sends when it
 * fails (header, NDR, RetCode). Only <stdint.h> types: kernel and user.
 */
#ifndef _MACH_MIG_ERRORS_H_
#define _MACH_MIG_ERRORS_H_

#include <mach/message.h>

#define MIG_TYPE_ERROR -300     /* client type check failure */
#define MIG_REPLY_MISMATCH -301 /* wrong reply message id */
#define MIG_REMOTE_ERROR -302   /* server detected error */
#define MIG_BAD_ID -303         /* bad request message id */
#define MIG_BAD_ARGUMENTS -304  /* server type check failure */
#define MIG_NO_REPLY -305       /* no reply should be sent */
#define MIG_EXCEPTION -306      /* server raised exception */
#define MIG_ARRAY_TOO_LARGE -307
#define MIG_SERVER_DIED -308
#define MIG_TRAILER_ERROR -309

/* The data representation record (little-endian integers, ASCII, IEEE floats). */
typedef struct {
	unsigned char mig_vers;
	unsigned char if_vers;
	unsigned char reserved1;
	unsigned char mig_encoding;
	unsigned char int_rep;
	unsigned char char_rep;
	unsigned char float_rep;
	unsigned char reserved2;
} NDR_record_t;
#define NDR_PROTOCOL_2_0 0
#define NDR_INT_LITTLE_ENDIAN 1
#define NDR_CHAR_ASCII 0
#define NDR_FLOAT_IEEE 0

/* The reply of a routine that failed (or a simpleroutine's status). */
typedef struct {
	mach_msg_header_t Head;
	NDR_record_t NDR;
	kern_return_t RetCode;
} mig_reply_error_t;

#endif /* _MACH_MIG_ERRORS_H_ */
