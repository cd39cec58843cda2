/*
 * trace.c — the kdebug tracer for the hosted kernel (`kexthost trace`, or
 * build/bin/trace under `kexthost run`). It drives the kernel's kdebug
 * facility through the KERN_KDEBUG sysctl as Darwin's trace(1)/ktrace(1)
 * do, and prints events as text or writes Chrome trace-event JSON, which
 * Perfetto (ui.perfetto.dev) and chrome://tracing open as a timeline.
 *
 *   trace start [--class N[,N...]] [--subclass C:S[,...]] [--buf N] [--nowrap]
 *               [--pid P]... | [--exclude-pid P]...   (only / all but these processes; 0 the kernel)
 *   trace stop                     stop recording (the events stay for dump)
 *   trace dump [--json FILE]       print the recorded events, oldest first
 *   trace stream [--class ...]     print events as they arrive until SIGINT/SIGTERM
 *   trace reset                    stop and free the kernel's buffers
 *
 * Text lines: time since the first event (µs), delta from the previous
 * event (µs), debug ID, event name (known kernel events by name, the rest as
 * class/subclass/code), arg1-arg4, thread ID with the thread's name, CPU.
 * In JSON, DBG_FUNC_START and DBG_FUNC_END become "B"/"E" events and the
 * rest instant "i" events, on pid 0 (the kernel) and the recording thread's
 * tid; "thread_name" metadata names the threads. Names come from kdebug's
 * thread map (KERN_KDTHRMAP, taken when tracing started), else from the
 * threads alive at the dump (KERN_KDREADCURTHRMAP).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kexthost/kh_kdebug.h>
#include <kexthost/kh_sysctl.h>
#include <kexthost/syscall.h>

#define READ_CHUNK 4096 /* records per KERN_KDREADTR */

static volatile sig_atomic_t stop_requested;

static void
usage(FILE *f)
{
	fprintf(f, "usage: trace start [--class N[,N...]] [--subclass C:S[,...]] [--buf N] [--nowrap]\n"
	           "                   [--pid P]... | [--exclude-pid P]...\n"
	           "       trace stop\n"
	           "       trace dump [--json FILE]\n"
	           "       trace stream [--class N[,N...]] [--subclass C:S[,...]] [--buf N]\n"
	           "       trace reset\n");
}

static int
kd_op(int op, int value, void *old, size_t *oldlen, const void *newp, size_t newlen)
{
	int mib[4] = {KH_CTL_KERN, KH_KERN_KDEBUG, op, value};

	return kh_sysctl(mib, 4, old, oldlen, newp, newlen);
}

static int
kd_op_report(const char *what, int op, int value)
{
	if (kd_op(op, value, NULL, NULL, NULL, 0) != 0) {
		fprintf(stderr, "trace: %s: %s\n", what, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- event names ------------------------------------------------------------------ */

static const struct {
	unsigned int num;
	const char *name;
} bsd_calls[] = {
        {KH_SYS_exit, "exit"},         {KH_SYS_read, "read"},
        {KH_SYS_write, "write"},       {KH_SYS_open, "open"},
        {KH_SYS_close, "close"},       {KH_SYS_getpid, "getpid"},
        {KH_SYS_getuid, "getuid"},     {KH_SYS_geteuid, "geteuid"},
        {KH_SYS_recvmsg, "recvmsg"},   {KH_SYS_sendmsg, "sendmsg"},
        {KH_SYS_recvfrom, "recvfrom"}, {KH_SYS_accept, "accept"},
        {KH_SYS_kill, "kill"},         {KH_SYS_getppid, "getppid"},
        {KH_SYS_getegid, "getegid"},   {KH_SYS_getgid, "getgid"},
        {KH_SYS_ioctl, "ioctl"},       {KH_SYS_select, "select"},
        {KH_SYS_socket, "socket"},     {KH_SYS_connect, "connect"},
        {KH_SYS_bind, "bind"},         {KH_SYS_setsockopt, "setsockopt"},
        {KH_SYS_listen, "listen"},     {KH_SYS_getsockopt, "getsockopt"},
        {KH_SYS_sendto, "sendto"},     {KH_SYS_shutdown, "shutdown"},
        {KH_SYS_pread, "pread"},       {KH_SYS_pwrite, "pwrite"},
        {KH_SYS_fstat, "fstat"},       {KH_SYS_lseek, "lseek"},
        {KH_SYS___sysctl, "sysctl"},   {KH_SYS_poll, "poll"},
};

static const struct {
	unsigned int num;
	const char *name;
} mach_traps[] = {
        {16, "_kernelrpc_mach_port_allocate_trap"},
        {17, "_kernelrpc_mach_port_destroy_trap"},
        {18, "_kernelrpc_mach_port_deallocate_trap"},
        {19, "_kernelrpc_mach_port_mod_refs_trap"},
        {26, "mach_reply_port"},
        {27, "thread_self_trap"},
        {28, "task_self_trap"},
        {29, "host_self_trap"},
        {31, "mach_msg_trap"},
};

/* Class/subclass/code triples with a fixed name (bsd/kern/kdebug_internal.h's table). */
static const struct {
	uint32_t eventid;
	const char *name;
} fixed_names[] = {
        {(1u << 24) | (0xEEu << 16) | (1u << 2), "KEXT_Load"},
        {(1u << 24) | (0xEEu << 16) | (2u << 2), "KEXT_Unload"},
        {(5u << 24) | (8u << 16) | (0x100u << 2), "IOService_Match"},
        {(5u << 24) | (8u << 16) | (0x101u << 2), "IOService_Start"},
        {(5u << 24) | (1u << 16) | (1u << 2), "IOWL_Client"},
        {(5u << 24) | (1u << 16) | (2u << 2), "IOWL_Work"},
        {(5u << 24) | (4u << 16) | (6u << 2), "IOCMDQ_Action"},
        {(5u << 24) | (0u << 16) | (1u << 2), "IOINTC_Handler"},
        {(5u << 24) | (2u << 16) | (6u << 2), "IOINTES_Action"},
        {(7u << 24) | (2u << 16) | (2u << 2), "TRACE_LostEvents"},
        /* power management (DBG_IOPOWER, the PMLog event numbers of <IOKit/pwr_mgt/IOPMlog.h>) */
        {(5u << 24) | (7u << 16) | (29u << 2), "IOPM_ChangeDone"},
        {(5u << 24) | (7u << 16) | (33u << 2), "IOPM_StartParentChange"},
        {(5u << 24) | (7u << 16) | (35u << 2), "IOPM_StartDeviceChange"},
        {(5u << 24) | (7u << 16) | (38u << 2), "IOPM_SetPowerState"},
};

static const char *
class_name(unsigned int c)
{
	switch (c) {
	case 1:
		return "MACH";
	case 2:
		return "NETWORK";
	case 3:
		return "FSYSTEM";
	case 4:
		return "BSD";
	case 5:
		return "IOKIT";
	case 6:
		return "DRIVERS";
	case 7:
		return "TRACE";
	case 20:
		return "MISC";
	case 255:
		return "MIG";
	default:
		return "CLASS";
	}
}

static void
event_name(uint32_t id, char *buf, size_t len)
{
	unsigned int cls = KH_KDBG_CLASS(id), sub = KH_KDBG_SUBCLASS(id), code = KH_KDBG_CODE(id);

	if (cls == 4 && sub == 0x0C) {
		for (size_t i = 0; i < sizeof(bsd_calls) / sizeof(bsd_calls[0]); i++)
			if (bsd_calls[i].num == code) {
				snprintf(buf, len, "BSC_%s", bsd_calls[i].name);
				return;
			}
		snprintf(buf, len, "BSC_SysCall#%u", code);
		return;
	}
	if (cls == 1 && sub == 0x0C) {
		for (size_t i = 0; i < sizeof(mach_traps) / sizeof(mach_traps[0]); i++)
			if (mach_traps[i].num == code) {
				snprintf(buf, len, "MSC_%s", mach_traps[i].name);
				return;
			}
		snprintf(buf, len, "MSC_trap#%u", code);
		return;
	}
	if (cls == 255) {
		snprintf(buf, len, "MIG_msg_%u", (id & 0x00fffffcu) >> 2);
		return;
	}
	for (size_t i = 0; i < sizeof(fixed_names) / sizeof(fixed_names[0]); i++)
		if (fixed_names[i].eventid == (id & ~3u)) {
			snprintf(buf, len, "%s", fixed_names[i].name);
			return;
		}
	snprintf(buf, len, "%s_%#x_%#x", class_name(cls), sub, code);
}

/* A kext load/unload start event carries the bundle ID packed into its arguments. */
static int
packed_string(const kh_kd_buf *e, char *out, size_t len)
{
	uint32_t id = e->debugid & ~3u;
	uint64_t a[4] = {e->arg1, e->arg2, e->arg3, e->arg4};
	char s[33];

	if (KH_KDBG_FUNC(e->debugid) != KH_DBG_FUNC_START ||
	    (id != ((1u << 24) | (0xEEu << 16) | (1u << 2)) &&
	     id != ((1u << 24) | (0xEEu << 16) | (2u << 2))))
		return 0;
	memcpy(s, a, 32);
	s[32] = '\0';
	for (char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			*p = '?';
	snprintf(out, len, "%s", s);
	return 1;
}

/* ---- thread names ---------------------------------------------------------------- */

struct threads {
	kh_kd_threadmap *map;
	size_t n;
	int tried_current; /* KERN_KDREADCURTHRMAP asked once for a thread not in the map */
};

/*
 * Add a thread map's entries to t: KERN_KDTHRMAP (op) needs room for exactly
 * the kept entries, the current map any room. Entries already known stay
 * (a thread named in the map taken at enable may have ended since).
 */
static int
threads_read(struct threads *t, int op, size_t entries)
{
	int mib[3] = {KH_CTL_KERN, KH_KERN_KDEBUG, op};
	size_t len = entries * sizeof(kh_kd_threadmap);
	kh_kd_threadmap *m = entries ? realloc(t->map, (t->n + entries) * sizeof(*m)) : NULL;

	if (m == NULL)
		return -1;
	t->map = m;
	if (kh_sysctl(mib, 3, m + t->n, &len, NULL, 0) != 0)
		return -1;
	t->n += len / sizeof(*m);
	return 0;
}

/* The map taken when tracing started, if the kernel keeps one; else the threads alive now. */
static void
threads_load(struct threads *t)
{
	kh_kbufinfo_t info;
	size_t len = sizeof(info);
	int mib[3] = {KH_CTL_KERN, KH_KERN_KDEBUG, KH_KERN_KDGETBUF};

	if (kh_sysctl(mib, 3, &info, &len, NULL, 0) == 0 && info.nkdthreads > 0 &&
	    threads_read(t, KH_KERN_KDTHRMAP, (size_t)info.nkdthreads) == 0)
		return;
	(void)threads_read(t, KH_KERN_KDREADCURTHRMAP, 4096);
	t->tried_current = 1;
}

static const char *
thread_name(struct threads *t, uint64_t tid)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < t->n; i++)
			if (t->map[i].thread == tid) {
				t->map[i].command[sizeof(t->map[i].command) - 1] = '\0';
				return t->map[i].command;
			}
		/* A thread started after the map was taken: ask once for the threads alive now. */
		if (pass == 1 || t->tried_current || threads_read(t, KH_KERN_KDREADCURTHRMAP, 4096) != 0)
			break;
		t->tried_current = 1;
	}
	return NULL;
}

/* ---- output ----------------------------------------------------------------------- */

struct printer {
	uint64_t t0, prev;
	int started;
	FILE *json;
	struct threads threads;
	uint64_t *named; /* tids given a JSON thread_name already */
	size_t nnamed, capnamed;
};

/* JSON: name each thread once, before its first event. */
static void
json_name_thread(struct printer *pr, uint64_t tid)
{
	const char *name;

	for (size_t i = 0; i < pr->nnamed; i++)
		if (pr->named[i] == tid)
			return;
	if (pr->nnamed == pr->capnamed) {
		size_t cap = pr->capnamed ? pr->capnamed * 2 : 64;
		uint64_t *n = realloc(pr->named, cap * sizeof(*n));
		if (n == NULL)
			return;
		pr->named = n;
		pr->capnamed = cap;
	}
	pr->named[pr->nnamed++] = tid;
	name = thread_name(&pr->threads, tid);
	if (name != NULL) {
		char safe[32];

		/* Kexts name their threads: keep the JSON valid whatever the name holds. */
		snprintf(safe, sizeof(safe), "%s", name);
		for (char *p = safe; *p; p++)
			if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
				*p = '?';
		fprintf(pr->json,
		        ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":%" PRIu64
		        ",\"args\":{\"name\":\"%s\"}}",
		        tid, safe);
	}
}

static void
print_text(struct printer *pr, const kh_kd_buf *e)
{
	char name[64], str[40];
	const char *fn = KH_KDBG_FUNC(e->debugid) == KH_DBG_FUNC_START ? " [start]"
	                 : KH_KDBG_FUNC(e->debugid) == KH_DBG_FUNC_END ? " [end]"
	                                                               : "";

	if (!pr->started) {
		pr->t0 = pr->prev = e->timestamp;
		pr->started = 1;
	}
	const char *tname = thread_name(&pr->threads, e->arg5);
	char who[64];

	if (tname != NULL)
		snprintf(who, sizeof(who), "thread %#" PRIx64 " %s", e->arg5, tname);
	else
		snprintf(who, sizeof(who), "thread %#" PRIx64, e->arg5);
	event_name(e->debugid, name, sizeof(name));
	if (packed_string(e, str, sizeof(str)))
		printf("%14.3f %10.3f  %08x  %-36s %s%s  %s cpu %u\n",
		       (double)(e->timestamp - pr->t0) / 1000.0, (double)(e->timestamp - pr->prev) / 1000.0,
		       e->debugid, name, str, fn, who, e->cpuid);
	else
		printf("%14.3f %10.3f  %08x  %-36s %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64
		       "%s  %s cpu %u\n",
		       (double)(e->timestamp - pr->t0) / 1000.0, (double)(e->timestamp - pr->prev) / 1000.0,
		       e->debugid, name, e->arg1, e->arg2, e->arg3, e->arg4, fn, who, e->cpuid);
	pr->prev = e->timestamp;
}

static void
print_json(struct printer *pr, const kh_kd_buf *e)
{
	char name[64], str[40];
	unsigned int fn = KH_KDBG_FUNC(e->debugid);
	const char *ph = fn == KH_DBG_FUNC_START ? "B" : fn == KH_DBG_FUNC_END ? "E" : "i";

	json_name_thread(pr, e->arg5);
	event_name(e->debugid, name, sizeof(name));
	fprintf(pr->json,
	        ",\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"%s\",%s\"ts\":%.3f,\"pid\":0,\"tid\":%" PRIu64
	        ",\"args\":{\"debugid\":\"0x%08x\",\"cpu\":%u",
	        name, class_name(KH_KDBG_CLASS(e->debugid)), ph, fn == 0 || fn == 3 ? "\"s\":\"t\"," : "",
	        (double)(e->timestamp - pr->t0) / 1000.0, e->arg5, e->debugid, e->cpuid);
	if (packed_string(e, str, sizeof(str)))
		fprintf(pr->json, ",\"bundle\":\"%s\"", str);
	else
		fprintf(pr->json,
		        ",\"arg1\":\"%#" PRIx64 "\",\"arg2\":\"%#" PRIx64 "\",\"arg3\":\"%#" PRIx64
		        "\",\"arg4\":\"%#" PRIx64 "\"",
		        e->arg1, e->arg2, e->arg3, e->arg4);
	fputs("}}", pr->json);
}

/* Read what the kernel holds now and print it; returns records read or -1. */
static long
drain(struct printer *pr, kh_kd_buf *buf)
{
	long total = 0;

	for (;;) {
		size_t n = READ_CHUNK; /* records, as Darwin counts for KERN_KDREADTR */
		int mib[3] = {KH_CTL_KERN, KH_KERN_KDEBUG, KH_KERN_KDREADTR};

		if (kh_sysctl(mib, 3, buf, &n, NULL, 0) != 0) {
			fprintf(stderr, "trace: reading events: %s\n", strerror(errno));
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			print_text(pr, &buf[i]);
			if (pr->json != NULL)
				print_json(pr, &buf[i]);
		}
		total += (long)n;
		if (n < READ_CHUNK)
			return total;
	}
}

/* ---- commands --------------------------------------------------------------------- */

#define MAX_PIDS 16

struct start_opts {
	int nbufs;
	int nowrap;
	int filtered;
	int pids[MAX_PIDS], npids;
	int exclude; /* pids are excluded (KERN_KDPIDEX), not selected */
	unsigned char filter[KH_KDBG_TYPEFILTER_BITMAP_SIZE];
};

static int
parse_list(const char *arg, int subclass, struct start_opts *o)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int ok = copy != NULL;

	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; ok && tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long c = strtol(tok, &end, 0), s = -1;

		if (subclass) {
			if (*end != ':') {
				ok = 0;
				break;
			}
			s = strtol(end + 1, &end, 0);
		}
		if (*end != '\0' || c < 0 || c > 255 || (subclass && (s < 0 || s > 255))) {
			ok = 0;
			break;
		}
		for (long sc = subclass ? s : 0; sc <= (subclass ? s : 255); sc++) {
			unsigned int csc = (unsigned int)(c << 8 | sc);
			o->filter[csc >> 3] |= (unsigned char)(1u << (csc & 7));
		}
		o->filtered = 1;
	}
	free(copy);
	if (!ok)
		fprintf(stderr, "trace: bad %s list '%s' (want %s)\n", subclass ? "subclass" : "class", arg,
		        subclass ? "CLASS:SUBCLASS,..." : "N,N,... in 0-255");
	return ok ? 0 : -1;
}

static int
parse_start(int argc, char **argv, struct start_opts *o, int allow_nowrap)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--class") == 0 && i + 1 < argc) {
			if (parse_list(argv[++i], 0, o) != 0)
				return -1;
		} else if (strcmp(argv[i], "--subclass") == 0 && i + 1 < argc) {
			if (parse_list(argv[++i], 1, o) != 0)
				return -1;
		} else if (strcmp(argv[i], "--buf") == 0 && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 0);

			if (*end != '\0' || n <= 0 || n > (1 << 22)) {
				fprintf(stderr, "trace: --buf wants a number of events, 1 to %d\n", 1 << 22);
				return -1;
			}
			o->nbufs = (int)n;
		} else if (allow_nowrap && strcmp(argv[i], "--nowrap") == 0) {
			o->nowrap = 1;
		} else if ((strcmp(argv[i], "--pid") == 0 || strcmp(argv[i], "--exclude-pid") == 0) &&
		           i + 1 < argc) {
			int ex = argv[i][2] == 'e';
			char *end;
			long pid = strtol(argv[++i], &end, 10);

			if (*end != '\0' || pid < 0 || pid > 0x7fffffff || o->npids == MAX_PIDS ||
			    (o->npids > 0 && ex != o->exclude)) {
				fprintf(stderr,
				        "trace: --pid/--exclude-pid: a pid (at most %d, not both kinds)\n",
				        MAX_PIDS);
				return -1;
			}
			o->exclude = ex;
			o->pids[o->npids++] = (int)pid;
		} else {
			return -1;
		}
	}
	return 0;
}

static int
do_start(const struct start_opts *o)
{
	(void)kd_op(KH_KERN_KDREMOVE, 0, NULL, NULL, NULL, 0);
	if (o->nbufs && kd_op_report("setting the buffer size", KH_KERN_KDSETBUF, o->nbufs) != 0)
		return 1;
	if (kd_op_report("setting up the buffers", KH_KERN_KDSETUP, 0) != 0)
		return 1;
	if (o->nowrap && kd_op_report("setting stop-when-full", KH_KERN_KDEFLAGS, KH_KDBG_NOWRAP) != 0)
		return 1;
	if (o->filtered &&
	    kd_op(KH_KERN_KDSET_TYPEFILTER, 0, NULL, NULL, o->filter, sizeof(o->filter)) != 0) {
		fprintf(stderr, "trace: setting the type filter: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < o->npids; i++) {
		int mib[3] = {KH_CTL_KERN, KH_KERN_KDEBUG, o->exclude ? KH_KERN_KDPIDEX : KH_KERN_KDPIDTR};
		kh_kd_regtype reg = {.value1 = (unsigned int)o->pids[i], .value2 = 1};
		size_t len = sizeof(reg);

		if (kh_sysctl(mib, 3, &reg, &len, NULL, 0) != 0) {
			fprintf(stderr, "trace: %s pid %d: %s\n", o->exclude ? "excluding" : "selecting",
			        o->pids[i], strerror(errno));
			return 1;
		}
	}
	return kd_op_report("enabling tracing", KH_KERN_KDENABLE, KH_KDEBUG_ENABLE_TRACE) != 0;
}

static int
cmd_dump(int argc, char **argv)
{
	struct printer pr = {0};
	const char *json_path = NULL;
	kh_kd_buf *buf;
	long n;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
			json_path = argv[++i];
		} else {
			usage(stderr);
			return 64;
		}
	}
	if (json_path != NULL && (pr.json = fopen(json_path, "w")) == NULL) {
		fprintf(stderr, "trace: %s: %s\n", json_path, strerror(errno));
		return 1;
	}
	buf = calloc(READ_CHUNK, sizeof(*buf));
	if (buf == NULL)
		return 1;
	threads_load(&pr.threads);
	if (pr.json != NULL)
		fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
		      "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"kernel_task\"}"
		      "}",
		      pr.json);
	n = drain(&pr, buf);
	if (pr.json != NULL) {
		fputs("\n]}\n", pr.json);
		if (fclose(pr.json) != 0) {
			fprintf(stderr, "trace: %s: %s\n", json_path, strerror(errno));
			n = -1;
		}
	}
	free(buf);
	free(pr.threads.map);
	free(pr.named);
	if (n >= 0)
		fprintf(stderr, "trace: %ld events%s%s\n", n, json_path ? ", JSON in " : "",
		        json_path ? json_path : "");
	return n < 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int
cmd_stream(int argc, char **argv)
{
	struct start_opts o;
	struct printer pr = {0};
	kh_kd_buf *buf;
	int rc = 0;

	if (parse_start(argc, argv, &o, 0) != 0) {
		usage(stderr);
		return 64;
	}
	if (do_start(&o) != 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	buf = calloc(READ_CHUNK, sizeof(*buf));
	if (buf == NULL)
		rc = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	threads_load(&pr.threads);
	while (rc == 0 && !stop_requested) {
		struct timespec ts = {0, 100 * 1000 * 1000};

		if (drain(&pr, buf) < 0)
			rc = 1;
		else
			nanosleep(&ts, NULL);
	}
	(void)kd_op(KH_KERN_KDENABLE, 0, NULL, NULL, NULL, 0);
	if (rc == 0 && drain(&pr, buf) < 0)
		rc = 1;
	(void)kd_op(KH_KERN_KDREMOVE, 0, NULL, NULL, NULL, 0);
	free(buf);
	free(pr.threads.map);
	return rc;
}

int
main(int argc, char **argv)
{
	struct start_opts o;

	if (argc < 2) {
		usage(stderr);
		return 64;
	}
	if (strcmp(argv[1], "start") == 0) {
		if (parse_start(argc - 2, argv + 2, &o, 1) != 0) {
			usage(stderr);
			return 64;
		}
		return do_start(&o);
	}
	if (strcmp(argv[1], "stop") == 0 && argc == 2)
		return kd_op_report("disabling tracing", KH_KERN_KDENABLE, 0) != 0;
	if (strcmp(argv[1], "reset") == 0 && argc == 2)
		return kd_op_report("removing the buffers", KH_KERN_KDREMOVE, 0) != 0;
	if (strcmp(argv[1], "dump") == 0)
		return cmd_dump(argc - 2, argv + 2);
	if (strcmp(argv[1], "stream") == 0)
		return cmd_stream(argc - 2, argv + 2);
	usage(stderr);
	return 64;
}
