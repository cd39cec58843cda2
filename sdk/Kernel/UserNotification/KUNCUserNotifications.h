/*
 * UserNotification/KUNCUserNotifications.h — the Kernel-User Notification
 * Center: a kext shows a notice, asks the user a question (an alert with up
 * to three buttons) or launches a program, through the notification agent
 * in user space. In kexthost the agent is tools/kuncd (a terminal program
 * connected to the kernel); without a connected agent the calls fail with
 * MACH_SEND_INVALID_DEST as XNU's do without its UNDServer. Implemented in
 * osfmk/UserNotification/KUNCUserNotifications.c.
 */
#ifndef __USERNOTIFICATION_KUNCUSERNOTIFICATIONS_H
#define __USERNOTIFICATION_KUNCUSERNOTIFICATIONS_H

#include <sys/cdefs.h>
#include <mach/kern_return.h>

#ifndef MACH_SEND_INVALID_DEST
#define MACH_SEND_INVALID_DEST 0x10000003 /* no notification agent */
#endif

/* Alert levels (flags). */
#define kKUNCStopAlertLevel 0
#define kKUNCNoteAlertLevel 1
#define kKUNCCautionAlertLevel 2
#define kKUNCPlainAlertLevel 3

/* *responseFlags of an alert: which button. */
#define kKUNCDefaultResponse 0
#define kKUNCAlternateResponse 1
#define kKUNCOtherResponse 2
#define kKUNCCancelResponse 3 /* also: the alert timed out */

/* KUNCExecute pathExecutionType and openAsUser. */
#define kOpenApplicationPath 0
#define kOpenPreferencePanel 1
#define kOpenApplication 2
#define kOpenAppAsRoot 0
#define kOpenAppAsConsoleUser 1

__BEGIN_DECLS

/* Show a notice; does not wait for the user. */
kern_return_t KUNCUserNotificationDisplayNotice(int noticeTimeout, unsigned flags, char *iconPath,
                                                char *soundPath, char *localizationPath, char *alertHeader,
                                                char *alertMessage, char *defaultButtonTitle);

/*
 * Show an alert and BLOCK until the user answers, the alert times out
 * (alertTimeout seconds; 0 means the kernel's limit, never forever) or the
 * agent goes away (KERN_ABORTED). *responseFlags gets kKUNC*Response.
 */
kern_return_t KUNCUserNotificationDisplayAlert(int alertTimeout, unsigned flags, char *iconPath,
                                               char *soundPath, char *localizationPath, char *alertHeader,
                                               char *alertMessage, char *defaultButtonTitle,
                                               char *alternateButtonTitle, char *otherButtonTitle,
                                               unsigned *responseFlags);

/* Ask the agent to run a program (kOpenApplicationPath: the path itself). */
kern_return_t KUNCExecute(char *executionPath, int openAsUser, int pathExecutionType);

__END_DECLS

#endif /* __USERNOTIFICATION_KUNCUSERNOTIFICATIONS_H */
