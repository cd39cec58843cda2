/*
 * IOLib.c — I/O Kit library functions. For now: IOLog and IOLogv, which
 * write to the kernel message buffer at the same level as printf.
 */
#include <IOKit/IOLib.h>
#include <sys/systm.h>
#include "bsd/kern/subr_log.h"

void
IOLogv(const char *format, va_list ap)
{
	(void)log_vformat(LOG_NOTICE, 0, format, ap);
}

void
IOLog(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	(void)log_vformat(LOG_NOTICE, 0, format, ap);
	va_end(ap);
}
