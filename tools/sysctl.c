/*
 * sysctl.c — sysctl(8) for the hosted kernel: read, list and write kernel
 * variables through libkexthost (kh_sysctl*).
 *
 *   sysctl [-n] name ...          print "name: value" (-n: the value only)
 *   sysctl [-n] -a                every listed variable (walks with sysctl.next {0, 2})
 *   sysctl [-n] node              every variable below a node (e.g. "kern")
 *   sysctl [-n] [-w] name=value   write (root only unless the oid is CTLFLAG_ANYBODY);
 *                                 prints "name: old -> new"
 *
 * How a value is shown and parsed comes from the oid's kind and format
 * (sysctl.oidfmt {0, 4}): I/IU/L/LU/Q/QU integers, A strings, S,timeval.
 * Exit status 0 when every name worked, 1 otherwise.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kexthost/kh_sysctl.h>

static int nflag;

struct oidinfo {
	unsigned int kind;
	char fmt[64];
};

static int
oid_info(const int *mib, size_t n, struct oidinfo *info)
{
	int q[KH_CTL_MAXNAME + 2] = {0, 4};
	char buf[sizeof(unsigned int) + 64];
	size_t len = sizeof(buf);

	memcpy(q + 2, mib, n * sizeof(int));
	if (kh_sysctl(q, (unsigned int)n + 2, buf, &len, NULL, 0) != 0 || len < sizeof(unsigned int))
		return -1;
	memcpy(&info->kind, buf, sizeof(info->kind));
	buf[sizeof(buf) - 1] = '\0';
	snprintf(info->fmt, sizeof(info->fmt), "%s", buf + sizeof(unsigned int));
	return 0;
}

static int
oid_name(const int *mib, size_t n, char *name, size_t size)
{
	int q[KH_CTL_MAXNAME + 2] = {0, 1};

	memcpy(q + 2, mib, n * sizeof(int));
	return kh_sysctl(q, (unsigned int)n + 2, name, &size, NULL, 0);
}

/* Format a value into out; 0, or -1 when it has no printable form. */
static int
format_value(const struct oidinfo *info, const void *v, size_t len, char *out, size_t size)
{
	unsigned int type = info->kind & KH_CTLTYPE;

	if (type == KH_CTLTYPE_STRING) {
		snprintf(out, size, "%.*s", (int)strnlen(v, len), (const char *)v);
		return 0;
	}
	if (type == KH_CTLTYPE_INT || type == KH_CTLTYPE_QUAD) {
		int uns = strchr(info->fmt, 'U') != NULL;

		if (len == sizeof(int32_t)) {
			int32_t i;
			memcpy(&i, v, sizeof(i));
			snprintf(out, size, uns ? "%" PRIu32 : "%" PRId32, i);
		} else if (len == sizeof(int64_t)) {
			int64_t q;
			memcpy(&q, v, sizeof(q));
			snprintf(out, size, uns ? "%" PRIu64 : "%" PRId64, q);
		} else {
			return -1;
		}
		return 0;
	}
	if (strcmp(info->fmt, "S,timeval") == 0 && len >= 12) {
		int64_t sec;
		int32_t usec;
		time_t t;
		char when[64];

		memcpy(&sec, v, sizeof(sec));
		memcpy(&usec, (const char *)v + 8, sizeof(usec));
		t = (time_t)sec;
		strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", localtime(&t));
		snprintf(out, size, "{ sec = %" PRId64 ", usec = %d } %s", sec, usec, when);
		return 0;
	}
	return -1;
}

/* Print one leaf; quiet_errors for -a (skip what can't be shown). Returns 0 or -1. */
static int
show(const int *mib, size_t n, const char *name, int quiet_errors)
{
	struct oidinfo info;
	size_t len = 0;
	char *buf, *text;
	int r = -1;

	if (oid_info(mib, n, &info) != 0 || kh_sysctl(mib, (unsigned int)n, NULL, &len, NULL, 0) != 0) {
		if (!quiet_errors)
			fprintf(stderr, "sysctl: %s: %s\n", name, strerror(errno));
		return quiet_errors ? 0 : -1;
	}
	len += 64; /* values may grow between the two calls */
	buf = calloc(1, len + 1);
	text = malloc(len * 4 + 256);
	if (buf == NULL || text == NULL)
		goto out;
	if (kh_sysctl(mib, (unsigned int)n, buf, &len, NULL, 0) != 0) {
		if (!quiet_errors)
			fprintf(stderr, "sysctl: %s: %s\n", name, strerror(errno));
		r = quiet_errors ? 0 : -1;
		goto out;
	}
	if (format_value(&info, buf, len, text, len * 4 + 256) != 0) {
		r = 0; /* opaque data: not printable (as sysctl(8) without -x) */
		goto out;
	}
	if (nflag)
		printf("%s\n", text);
	else
		printf("%s: %s\n", name, text);
	r = 0;
out:
	free(buf);
	free(text);
	return r;
}

/* Every listed leaf whose mib starts with prefix (n == 0: all). */
static int
walk(const int *prefix, size_t n)
{
	int cur[KH_CTL_MAXNAME + 2] = {0, 2};
	size_t curlen = n;
	int found = 0;

	if (n != 0)
		memcpy(cur + 2, prefix, n * sizeof(int)); /* prefix may be NULL for "all" */
	for (;;) {
		int next[KH_CTL_MAXNAME];
		size_t len = sizeof(next);
		char name[1024];

		if (kh_sysctl(cur, (unsigned int)curlen + 2, next, &len, NULL, 0) != 0)
			break;
		curlen = len / sizeof(int);
		if (curlen < n || (n != 0 && memcmp(next, prefix, n * sizeof(int)) != 0))
			break;
		memcpy(cur + 2, next, len);
		if (oid_name(next, curlen, name, sizeof(name)) != 0)
			continue;
		found = 1;
		show(next, curlen, name, 1);
	}
	return found ? 0 : -1;
}

static int
parse_value(const struct oidinfo *info, const char *s, void *out, size_t *len)
{
	unsigned int type = info->kind & KH_CTLTYPE;
	char *end;

	if (type == KH_CTLTYPE_STRING) {
		*len = strlen(s);
		memcpy(out, s, *len);
		return 0;
	}
	errno = 0;
	if (type == KH_CTLTYPE_QUAD || strchr(info->fmt, 'L') != NULL || strchr(info->fmt, 'Q') != NULL) {
		long long q = strtoll(s, &end, 0);

		if (errno != 0 || *end != '\0' || end == s)
			return -1;
		memcpy(out, &q, sizeof(q));
		*len = sizeof(q);
		return 0;
	}
	if (type == KH_CTLTYPE_INT) {
		long v = strtol(s, &end, 0);

		if (errno != 0 || *end != '\0' || end == s || v < INT32_MIN || v > (long)UINT32_MAX)
			return -1;
		int32_t i = (int32_t)v;
		memcpy(out, &i, sizeof(i));
		*len = sizeof(i);
		return 0;
	}
	return -1;
}

static int
do_name(const char *arg)
{
	char name[1024];
	const char *eq = strchr(arg, '=');
	int mib[KH_CTL_MAXNAME];
	size_t n = KH_CTL_MAXNAME;
	struct oidinfo info;

	snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	if (kh_sysctlnametomib(name, mib, &n) != 0) {
		if (errno == ENOENT)
			fprintf(stderr, "sysctl: unknown oid '%s'\n", name);
		else
			fprintf(stderr, "sysctl: %s: %s\n", name, strerror(errno));
		return -1;
	}
	if (oid_info(mib, n, &info) != 0) {
		fprintf(stderr, "sysctl: %s: %s\n", name, strerror(errno));
		return -1;
	}
	if ((info.kind & KH_CTLTYPE) == KH_CTLTYPE_NODE && eq == NULL)
		return walk(mib, n);
	if (eq == NULL)
		return show(mib, n, name, 0);

	/* A write: show the old value, set, show the new. */
	char newv[4096], oldbuf[4096], before[8192], after[8192];
	size_t newlen = 0, oldlen = sizeof(oldbuf) - 1;
	if (strlen(eq + 1) >= sizeof(newv) || parse_value(&info, eq + 1, newv, &newlen) != 0) {
		fprintf(stderr, "sysctl: %s: invalid value '%s'\n", name, eq + 1);
		return -1;
	}
	memset(oldbuf, 0, sizeof(oldbuf));
	if (kh_sysctl(mib, (unsigned int)n, oldbuf, &oldlen, NULL, 0) != 0 ||
	    format_value(&info, oldbuf, oldlen, before, sizeof(before)) != 0)
		snprintf(before, sizeof(before), "?");
	if (kh_sysctl(mib, (unsigned int)n, NULL, NULL, newv, newlen) != 0) {
		fprintf(stderr, "sysctl: %s=%s: %s\n", name, eq + 1, strerror(errno));
		return -1;
	}
	oldlen = sizeof(oldbuf) - 1;
	memset(oldbuf, 0, sizeof(oldbuf));
	if (kh_sysctl(mib, (unsigned int)n, oldbuf, &oldlen, NULL, 0) != 0 ||
	    format_value(&info, oldbuf, oldlen, after, sizeof(after)) != 0)
		snprintf(after, sizeof(after), "?");
	if (nflag)
		printf("%s\n", after);
	else
		printf("%s: %s -> %s\n", name, before, after);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sysctl [-n] [-w] name[=value] ...\n       sysctl [-n] -a\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	int aflag = 0, status = 0, i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		for (const char *c = argv[i] + 1; *c; c++) {
			switch (*c) {
			case 'a':
			case 'A':
				aflag = 1;
				break;
			case 'n':
				nflag = 1;
				break;
			case 'w': /* name=value is enough; accepted for compatibility */
				break;
			default:
				usage();
			}
		}
	}
	if (aflag) {
		if (walk(NULL, 0) != 0) {
			fprintf(stderr, "sysctl: cannot list the kernel's variables: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
	if (i == argc)
		usage();
	for (; i < argc; i++)
		if (do_name(argv[i]) != 0)
			status = 1;
	return status;
}
