/*
 * libkern/libkern.h — the kernel's small C library: formatted output into
 * buffers, number parsing and bit helpers. No FILE I/O, no floating point.
 */
#ifndef _LIBKERN_LIBKERN_H_
#define _LIBKERN_LIBKERN_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <mach/vm_types.h>

int snprintf(char *str, size_t size, const char *fmt, ...) __printflike(3, 4);
int vsnprintf(char *str, size_t size, const char *fmt, va_list ap) __printflike(3, 0);
int scnprintf(char *str, size_t size, const char *fmt, ...) __printflike(3, 4);
int vscnprintf(char *str, size_t size, const char *fmt, va_list ap) __printflike(3, 0);
int sprintf(char *str, const char *fmt, ...) __printflike(2, 3);
int vsprintf(char *str, const char *fmt, va_list ap) __printflike(2, 0);
int sscanf(const char *str, const char *fmt, ...) __scanflike(2, 3);
int vsscanf(const char *str, const char *fmt, va_list ap) __scanflike(2, 0);

long strtol(const char *nptr, char **endptr, int base);
unsigned long strtoul(const char *nptr, char **endptr, int base);
quad_t strtoq(const char *nptr, char **endptr, int base);
u_quad_t strtouq(const char *nptr, char **endptr, int base);
int atoi(const char *str);
char *itoa(int num, char *str);
char *STRDUP(const char *string, int type);

int ffs(unsigned int mask);
int ffsll(unsigned long long mask);
int fls(unsigned int mask);
int flsll(unsigned long long mask);

/* Print a message and the caller's backtrace to the kernel log. */
void OSReportWithBacktrace(const char *str, ...) __printflike(1, 2);
unsigned OSBacktrace(void **bt, unsigned maxAddrs);

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

#endif /* _LIBKERN_LIBKERN_H_ */
