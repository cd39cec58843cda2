/*
 * sys/kern_event.h — kernel events: a kext posts a small message
 * (kev_msg_post) that every PF_SYSTEM/SYSPROTO_EVENT socket whose filter
 * (SIOCSKEVFILT) matches receives as one struct kern_event_msg datagram.
 * Vendor codes for non-Apple posters come from kev_vendor_code_find. Values
 * and layouts are Darwin's; implemented in bsd/kern/kern_event.c.
 */
#ifndef _SYS_KERN_EVENT_H_
#define _SYS_KERN_EVENT_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#define KEV_ANY_VENDOR 0
#define KEV_ANY_CLASS 0
#define KEV_ANY_SUBCLASS 0

#define KEV_VENDOR_APPLE 1

/* Top-level classes. */
#define KEV_NETWORK_CLASS 1
#define KEV_IOKIT_CLASS 2
#define KEV_SYSTEM_CLASS 3
#define KEV_APPLESHARE_CLASS 4
#define KEV_FIREWALL_CLASS 5
#define KEV_IEEE80211_CLASS 6

/* What a listener reads: one message per read. */
struct kern_event_msg {
	u_int32_t total_size; /* the whole message, header included */
	u_int32_t vendor_code;
	u_int32_t kev_class;
	u_int32_t kev_subclass;
	u_int32_t id; /* increases by one per posted event */
	u_int32_t event_code;
	u_int32_t event_data[1]; /* total_size - KEV_MSG_HEADER_SIZE bytes of data */
};

#define KEV_MSG_HEADER_SIZE (__builtin_offsetof(struct kern_event_msg, event_data[0]))

/* A listener's filter; KEV_ANY_* match everything at that level. */
struct kev_request {
	u_int32_t vendor_code;
	u_int32_t kev_class;
	u_int32_t kev_subclass;
};

#define KEV_VENDOR_CODE_MAX_STR_LEN 200

#pragma pack(4)
struct kev_vendor_code {
	u_int32_t vendor_code;
	char vendor_string[KEV_VENDOR_CODE_MAX_STR_LEN];
};
#pragma pack()

/* _IOR('e', 1, u_int32_t): the id of the last event. */
#define SIOCGKEVID 0x40046501UL
/* _IOW('e', 2, struct kev_request) */
#define SIOCSKEVFILT 0x800c6502UL
/* _IOR('e', 3, struct kev_request) */
#define SIOCGKEVFILT 0x400c6503UL
/* _IOWR('e', 4, struct kev_vendor_code): vendor string → code (ENOENT if none). */
#define SIOCGKEVVENDOR 0xc0cc6504UL

#ifdef KERNEL

#define N_KEV_VECTORS 5

struct kev_d_vectors {
	u_int32_t data_length;
	void *data_ptr;
};

struct kev_msg {
	u_int32_t vendor_code;
	u_int32_t kev_class;
	u_int32_t kev_subclass;
	u_int32_t event_code;
	struct kev_d_vectors dv[N_KEV_VECTORS]; /* data, concatenated in order; a 0 length ends it */
};

__BEGIN_DECLS

/* The code for a bundle-id-style vendor string (assigned on first use). */
errno_t kev_vendor_code_find(const char *vendor_string, u_int32_t *vendor_code);
/* Post an event: EINVAL for Apple's own vendor code or a bad message, EMSGSIZE when too big. */
errno_t kev_msg_post(struct kev_msg *event_msg);

__END_DECLS

#endif /* KERNEL */

#endif /* _SYS_KERN_EVENT_H_ */
