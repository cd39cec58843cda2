/*
 * IOKit/IOLib.h — I/O Kit utility functions for drivers: logging.
 */
#ifndef __IOKIT_IOLIB_H
#define __IOKIT_IOLIB_H

#include <sys/cdefs.h>
#include <stdarg.h>

/* Log a message to the kernel message buffer (like printf). */
void IOLog(const char *format, ...) __printflike(1, 2);
void IOLogv(const char *format, va_list ap) __printflike(1, 0);

#endif /* __IOKIT_IOLIB_H */
