/*
 * kexthost/kunc.h — the messages between the kernel's KUNC
 * (osfmk/UserNotification) and the notification agent (tools/kuncd), over
 * the privileged kernel control KUNC_CONTROL_NAME (SOCK_DGRAM).
 *
 * Kernel → agent: one datagram per request: struct kunc_msg, then
 * KUNC_NSTR NUL-terminated strings back to back (an absent string is
 * empty): icon, sound, localization, header, message, default button,
 * alternate button, other button, path. Agent → kernel: struct kunc_reply
 * for an alert (token echoed, the button pressed). Only <stdint.h> types.
 */
#ifndef _KEXTHOST_KUNC_H_
#define _KEXTHOST_KUNC_H_

#include <stdint.h>

#define KUNC_CONTROL_NAME "com.apple.kexthost.kunc"

#define KUNC_NOTICE 1
#define KUNC_ALERT 2
#define KUNC_EXECUTE 3

enum {
	KUNC_S_ICON,
	KUNC_S_SOUND,
	KUNC_S_LOCALIZATION,
	KUNC_S_HEADER,
	KUNC_S_MESSAGE,
	KUNC_S_DEFAULT,
	KUNC_S_ALTERNATE,
	KUNC_S_OTHER,
	KUNC_S_PATH,
	KUNC_NSTR
};

struct kunc_msg {
	uint32_t kind;     /* KUNC_NOTICE, KUNC_ALERT, KUNC_EXECUTE */
	uint32_t token;    /* alerts: echo in the reply */
	int32_t timeout;   /* seconds the kernel waits (alerts) or the notice shows */
	uint32_t flags;    /* alert level; for KUNC_EXECUTE: openAsUser */
	uint32_t exectype; /* KUNC_EXECUTE: pathExecutionType */
	uint32_t reserved;
};

struct kunc_reply {
	uint32_t token;
	uint32_t response; /* kKUNC*Response: 0 default, 1 alternate, 2 other, 3 cancel */
};

#define KUNC_MAX_MSG 8192

#endif /* _KEXTHOST_KUNC_H_ */
