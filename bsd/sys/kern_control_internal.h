/*
 * kern_control_internal.h — what the kernel control code shares with the
 * rest of the kernel (bsd/kern/kern_control.c, kern_event.c).
 */
#ifndef _BSD_SYS_KERN_CONTROL_INTERNAL_H_
#define _BSD_SYS_KERN_CONTROL_INTERNAL_H_

#include <sys/types.h>

/* CTLIOCGINFO: the id of the control named name (ENOENT, EINVAL). */
int kctl_info_by_name(const char *name, u_int32_t *id);
/* CTLIOCGCOUNT. */
unsigned int kctl_registered_count(void);
/* Post KEV_SYSTEM_CLASS/KEV_CTL_SUBCLASS event code with a ctl_event_data (kern_event.c). */
void kctl_post_event(u_int32_t code, u_int32_t id, u_int32_t unit);

#endif /* _BSD_SYS_KERN_CONTROL_INTERNAL_H_ */
