/*
 * subr_prf.c — the BSD kernel printers: printf and vprintf (LOG_NOTICE),
 * log(level, ...) and kprintf (LOG_DEBUG, the debug channel: it reaches the
 * console only when the debug= boot-arg has DB_KPRT). All of them format
 * into the calling thread's line buffer in the message buffer (subr_log.c).
 */
#include <sys/systm.h>
#include "bsd/kern/subr_log.h"

int
vprintf(const char *fmt, va_list ap)
{
	return log_vformat(LOG_NOTICE, 0, fmt, ap);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = log_vformat(LOG_NOTICE, 0, fmt, ap);
	va_end(ap);
	return n;
}

void
log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_EMERG || level > LOG_DEBUG) {
		level = LOG_NOTICE;
	}
	va_start(ap, fmt);
	(void)log_vformat(level, 0, fmt, ap);
	va_end(ap);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)log_vformat(LOG_DEBUG, MSGBUF_RF_KPRINTF, fmt, ap);
	va_end(ap);
}
