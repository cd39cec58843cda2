/*
 * kexttool.c — helpers shared by the kext tools (see kexttool.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "tools/kexttool.h"

const char *progname = "kexttool";
int tool_verbosity = 1;

void
tool_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 != NULL)
		progname = slash ? slash + 1 : argv0;
}

void
tool_take_verbose_level(int argc, char **argv)
{
	extern int optind;
	int level = 1;

	if (optind < argc && argv[optind] != NULL && argv[optind][0] >= '0' && argv[optind][0] <= '9') {
		char *end;
		long v = strtol(argv[optind], &end, 0);
		if (*end == '\0' && v >= 0 && v <= 0xffff) {
			level = v > 6 ? 6 : (int)v;
			optind++;
		}
	}
	tool_verbosity = 1 + (level > 0 ? level : 1);
}

void
tool_error(const char *fmt, ...)
{
	va_list ap;

	if (tool_verbosity == 0)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
tool_info(const char *fmt, ...)
{
	va_list ap;

	if (tool_verbosity == 0)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
tool_no_kernel(int err)
{
	if (err == ENOENT && khrq_socket_path() == NULL)
		tool_error("Can't contact the kernel: KEXTHOST_SOCKET is not set (run this tool under "
		           "`kexthost run`, or set it to <root>/%s).",
		           KHRQ_SOCKET_PATH);
	else
		tool_error("Can't contact the kernel at %s - %s.",
		           khrq_socket_path() ? khrq_socket_path() : "(none)", strerror(err));
}

void
tool_print_log(FILE *f, const char *log)
{
	const char *p = log;

	while (p != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(f, "(kernel) %.*s\n", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
}

void
tool_print_kernel_output(const struct kext_reply *r)
{
	if (tool_verbosity == 0)
		return;
	if (r->status != 0) {
		fprintf(stderr, "The kernel refused the request: %s.\n", khrq_status_string(r->status));
		return;
	}
	if (tool_verbosity > 1)
		tool_print_log(stderr, r->log);
	else
		kext_print_messages(stderr, r->response);
}
