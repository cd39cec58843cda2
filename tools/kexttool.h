/*
 * kexttool.h — helpers shared by the kext tools' host-side mains (kextload,
 * kextunload, kextstat, kextutil, kextlibs, kextfind): the program name,
 * quiet/verbose handling as kext_tools does it (-q, -v [0-6]), sysexits
 * codes, and the message printed when no kernel can be reached.
 */
#ifndef _TOOLS_KEXTTOOL_H_
#define _TOOLS_KEXTTOOL_H_

#include <stdio.h>
#include <kexthost/libkexthost.h>

/* sysexits.h values the kext tools use. */
#define EX_OK 0
#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_NOINPUT 66
#define EX_SOFTWARE 70
#define EX_OSERR 71
#define EX_CANTCREAT 73
#define EX_NOPERM 77

extern const char *progname;
/* 0 = quiet (-q), 1 = normal, 2.. = verbose (-v N adds N). */
extern int tool_verbosity;

/* Set progname from argv[0] (the last path component). */
void tool_init(const char *argv0);
/* After -v: consume a following level argument (0-6 or 0x...) if there is one. */
void tool_take_verbose_level(int argc, char **argv);
/* Error line on stderr (kext_tools print bare messages, no program name); hidden by -q. */
void tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Informational line, hidden by -q. */
void tool_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Explain a failure to reach the kernel (errno from kext_request_send). */
void tool_no_kernel(int err);
/* Print a reply's kernel lines: its log when verbose, else its Messages, as "(kernel) ..." on stderr. */
void tool_print_kernel_output(const struct kext_reply *r);
/* Print the reply log (every line, "(kernel) " prefixed) to f. */
void tool_print_log(FILE *f, const char *log);

#endif /* _TOOLS_KEXTTOOL_H_ */
