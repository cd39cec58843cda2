/*
 * sys/systm.h — the BSD kernel's general services: console printing, logging,
 * sleep/wakeup, timeouts, copying strings and random numbers.
 */
#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/param.h>
#include <sys/time.h>
#include <stdarg.h>
#include <string.h>
#include <mach/mach_types.h>
#include <kern/debug.h>
#include <kern/locks.h>
#include <libkern/libkern.h>

/* Log priorities for log() (sys/syslog.h). */
#define LOG_EMERG 0
#define LOG_ALERT 1
#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

extern int hz;   /* ticks per second of timeout() */
extern int tick; /* microseconds per tick */

int printf(const char *fmt, ...) __printflike(1, 2);
int vprintf(const char *fmt, va_list ap) __printflike(1, 0);
void log(int level, const char *fmt, ...) __printflike(2, 3);
void kprintf(const char *fmt, ...) __printflike(1, 2);

/* Sleep and wakeup on an arbitrary address (the "channel"). */
int msleep(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, struct timespec *ts);
int msleep1(void *chan, lck_mtx_t *mtx, int pri, const char *wmesg, u_int64_t timo);
int tsleep(void *chan, int pri, const char *wmesg, int timo);
int sleep(void *chan, int pri);
void wakeup(void *chan);
void wakeup_one(caddr_t chan);

/* Callouts measured in ticks of hz. */
typedef void (*timeout_fcn_t)(void *);
void timeout(timeout_fcn_t fn, void *arg, int ticks);
void untimeout(timeout_fcn_t fn, void *arg);
void bsd_timeout(timeout_fcn_t fn, void *arg, struct timespec *ts);
void bsd_untimeout(timeout_fcn_t fn, void *arg);

int copystr(const void *kfaddr, void *kdaddr, size_t len, size_t *done);

/*
 * Copy between the kernel and the current process's memory (the client
 * process whose call this thread is serving). 0, or EFAULT for any address
 * or length the process cannot access; never a crash. copyinstr/copyoutstr
 * stop after the NUL (counted in *done); ENAMETOOLONG when none within len.
 */
int copyin(const user_addr_t uaddr, void *kaddr, size_t len);
int copyout(const void *kaddr, user_addr_t udaddr, size_t len);
int copyinstr(const user_addr_t uaddr, void *kaddr, size_t len, size_t *done);
int copyoutstr(const void *from, user_addr_t to, size_t maxlen, size_t *lencopied);

u_int32_t random(void);
void read_random(void *buffer, u_int numBytes);
void read_frandom(void *buffer, u_int numBytes);

#endif /* _SYS_SYSTM_H_ */
