/*
 * test_log.c — the kernel message buffer: records carry the right level,
 * flags, thread and consecutive sequence numbers; a thread's partial lines
 * are joined into one record at the newline (and committed by a flush);
 * over-long lines become continued records that the reader joins; a small
 * ring (msgbuf= boot-arg) wraps and keeps the newest records; the
 * file-backed ring under a kernel root can be read by the host reader;
 * concurrent writers never interleave inside a record; and the reader
 * survives corrupted images and a writer racing it.
 */
#include "tests/ktest.h"
#include <IOKit/IOLib.h>
#include <kern/thread.h>
#include <kern/kalloc.h>
#include "host/khost.h"
#include "host/msgbuf_read.h"
#include "bsd/kern/subr_log.h"

#define WAIT_LIMIT_NS (20ull * 1000 * 1000 * 1000)
#define MAX_RECS 4096

struct rec {
	uint64_t seq, tid;
	int level;
	unsigned flags;
	char text[LOG_LINE_MAX + 1];
};

static struct rec recs[MAX_RECS];
static int nrecs;

static void
collect_fn(const struct msgbuf_record *r, const char *text, void *ctx)
{
	(void)ctx;
	if (nrecs < MAX_RECS) {
		struct rec *d = &recs[nrecs++];
		d->seq = r->seq;
		d->tid = r->tid;
		d->level = r->level;
		d->flags = r->flags;
		memcpy(d->text, text, r->text_len);
		d->text[r->text_len] = '\0';
	}
}

static void
collect(void)
{
	nrecs = 0;
	log_iterate(collect_fn, NULL);
	for (int i = 1; i < nrecs; i++) {
		ck_assert_uint_eq(recs[i].seq, recs[i - 1].seq + 1);
	}
}

static struct rec *
last(int back)
{
	ck_assert_int_gt(nrecs, back);
	return &recs[nrecs - 1 - back];
}

static void
wait_count(uint32_t *v, uint32_t want)
{
	uint64_t end = khost_uptime_ns() + WAIT_LIMIT_NS;
	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want && khost_uptime_ns() < end) {
		khost_thread_yield();
	}
	ck_assert_uint_eq(__atomic_load_n(v, __ATOMIC_ACQUIRE), want);
}

static void
boot_with(const char *root, const char *args)
{
	struct kernel_boot_params p = {.root = root, .boot_args = args, .flags = KERNEL_BOOT_NO_SELFCHECK};
	ck_assert_int_eq(kernel_bootstrap(&p), 0);
}

START_TEST(records_and_levels)
{
	ck_assert_int_eq(printf("hello %d\n", 5), 8);
	collect();
	ck_assert_str_eq(last(0)->text, "hello 5");
	ck_assert_int_eq(last(0)->level, LOG_NOTICE);
	ck_assert_uint_eq(last(0)->flags, 0);
	ck_assert_uint_eq(last(0)->tid, khost_thread_id());

	log(LOG_WARNING, "warned %s\n", "here");
	kprintf("debug %x\n", 0xbeefu);
	IOLog("from %s\n", "IOLog");
	collect();
	ck_assert_str_eq(last(2)->text, "warned here");
	ck_assert_int_eq(last(2)->level, LOG_WARNING);
	ck_assert_str_eq(last(1)->text, "debug beef");
	ck_assert_int_eq(last(1)->level, LOG_DEBUG);
	ck_assert_uint_eq(last(1)->flags, MSGBUF_RF_KPRINTF);
	ck_assert_str_eq(last(0)->text, "from IOLog");
	ck_assert_int_eq(last(0)->level, LOG_NOTICE);

	uint64_t n = log_record_count();
	printf("\n");
	ck_assert_uint_eq(log_record_count(), n + 1); /* an empty line is a record */
}
END_TEST

START_TEST(partial_lines_join)
{
	uint64_t n = log_record_count();
	printf("a");
	printf("b%d", 1);
	ck_assert_uint_eq(log_record_count(), n);
	printf("c\nsecond ");
	printf("line\n");
	ck_assert_uint_eq(log_record_count(), n + 2);
	collect();
	ck_assert_str_eq(last(1)->text, "ab1c");
	ck_assert_str_eq(last(0)->text, "second line");

	/* output at another level ends a pending partial line */
	printf("part");
	log(LOG_INFO, "info\n");
	collect();
	ck_assert_str_eq(last(1)->text, "part");
	ck_assert_int_eq(last(1)->level, LOG_NOTICE);
	ck_assert_str_eq(last(0)->text, "info");
	ck_assert_int_eq(last(0)->level, LOG_INFO);

	printf("unterminated");
	ck_assert_uint_eq(log_record_count(), n + 4);
	log_flush_line();
	collect();
	ck_assert_str_eq(last(0)->text, "unterminated");
	log_flush_line(); /* nothing pending: no record */
	ck_assert_uint_eq(log_record_count(), n + 5);
}
END_TEST

START_TEST(long_lines_continue)
{
	char big[3 * LOG_LINE_MAX - 50];
	for (size_t i = 0; i < sizeof(big) - 1; i++) {
		big[i] = (char)('a' + i % 26);
	}
	big[sizeof(big) - 1] = '\0';
	printf("%s\n", big);
	collect();
	ck_assert_uint_eq(last(2)->flags, MSGBUF_RF_CONT);
	ck_assert_uint_eq(last(1)->flags, MSGBUF_RF_CONT);
	ck_assert_uint_eq(last(0)->flags, 0);
	ck_assert_uint_eq(strlen(last(2)->text), LOG_LINE_MAX);
	char joined[3 * LOG_LINE_MAX + 1];
	snprintf(joined, sizeof(joined), "%s%s%s", last(2)->text, last(1)->text, last(0)->text);
	ck_assert_str_eq(joined, big);

	/* the reader joins them into one line */
	const void *img;
	size_t len;
	static char out[64 * 1024];
	ck_assert_int_eq(log_buffer_image(&img, &len), 0);
	long n = msgbuf_render_image(img, len, out, sizeof(out), 0);
	ck_assert_int_gt(n, 0);
	char *line = strstr(out, big);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(line[strlen(big)], '\n');
	ck_assert_int_eq(line[-1], ' '); /* preceded by its timestamp only */
	ck_assert_int_eq(line[-2], ']');
}
END_TEST

START_TEST(panic_records)
{
	const void *img;
	size_t len;
	static const char report[] =
	        "panic(cpu 0 caller 0x1): test report\nBacktrace (CPU 0), Frame : Return Address\n";

	printf("before ");
	log_panic_write(report, sizeof(report) - 1);
	collect();
	ck_assert_str_eq(last(2)->text, "before "); /* the partial line is kept */
	ck_assert_str_eq(last(1)->text, "panic(cpu 0 caller 0x1): test report");
	ck_assert_int_eq(last(1)->level, LOG_EMERG);
	ck_assert_uint_eq(last(1)->flags, MSGBUF_RF_PANIC);
	ck_assert_str_eq(last(0)->text, "Backtrace (CPU 0), Frame : Return Address");
	ck_assert_int_eq(log_buffer_image(&img, &len), 0);
	ck_assert_uint_eq(((const struct msgbuf_header *)img)->flags & MSGBUF_HF_PANICKED,
	                  MSGBUF_HF_PANICKED);
}
END_TEST

START_TEST(small_ring_wraps)
{
	const void *img;
	size_t len;
	static char out[16 * 1024];

	boot_with(NULL, "msgbuf=1024");
	ck_assert_int_eq(log_buffer_image(&img, &len), 0);
	const struct msgbuf_header *h = img;
	ck_assert_uint_eq(h->data_size, 1024);
	ck_assert_uint_eq(len, MSGBUF_HEADER_SIZE + 1024);
	for (int i = 0; i < 200; i++) {
		printf("line %03d\n", i);
	}
	collect();
	ck_assert_int_lt(nrecs, 200);
	ck_assert_int_gt(nrecs, 10);
	ck_assert_str_eq(last(0)->text, "line 199");
	ck_assert_uint_gt(h->head, 0);
	ck_assert_uint_le(h->tail - h->head, 1024);
	/* the newest records, contiguous */
	for (int i = 0; i < nrecs && strncmp(recs[i].text, "line ", 5) == 0; i++) {
		char want[16];
		snprintf(want, sizeof(want), "line %03d", 200 - nrecs + i);
		ck_assert_str_eq(recs[i].text, want);
	}
	long n = msgbuf_render_image(img, len, out, sizeof(out), MSGBUF_DUMP_LEVEL);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(out, "<5> line 199\n"));
	ck_assert_ptr_null(strstr(out, "line 000"));
	kernel_shutdown();
}
END_TEST

START_TEST(file_backed_ring)
{
	char root[128], want[256];
	static char out[32 * 1024];

	snprintf(root, sizeof(root), "/tmp/kexthost-ktest-log.%d", khost_getpid());
	boot_with(root, "msgbuf=8192");
	snprintf(want, sizeof(want), "%s/var/log/msgbuf", root);
	ck_assert_ptr_nonnull(log_buffer_path());
	ck_assert_str_eq(log_buffer_path(), want);
	printf("file-backed %d\n", 42);
	log(LOG_ERR, "an error line\n");
	long n = msgbuf_render(want, out, sizeof(out), MSGBUF_DUMP_LEVEL);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(out, "] <5> file-backed 42\n"));
	ck_assert_ptr_nonnull(strstr(out, "] <3> an error line\n"));
	kernel_shutdown();
	ck_assert_int_lt(msgbuf_render("/nonexistent/kexthost/msgbuf", out, sizeof(out), 0), 0);
}
END_TEST

START_TEST(reader_survives_corruption)
{
	const void *img;
	size_t len;
	static char out[8 * 1024];

	for (int i = 0; i < 300; i++) {
		printf("record number %d with some text\n", i);
	}
	ck_assert_int_eq(log_buffer_image(&img, &len), 0);
	unsigned char *copy = kalloc(len);
	ck_assert_ptr_nonnull(copy);
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, img, len);
		int hits = 1 + (int)(random() % 8);
		for (int k = 0; k < hits; k++) {
			/* mostly the header and the first records, where damage matters most */
			size_t at = (random() % 2) ? random() % 256 : random() % len;
			copy[at] = (unsigned char)random();
		}
		long n = msgbuf_render_image(copy, len, out, sizeof(out), MSGBUF_DUMP_TID);
		ck_assert_int_le(n, 64L * 1024 * 1024);
	}
	/* a header that lies about its size is rejected */
	memcpy(copy, img, len);
	((struct msgbuf_header *)(void *)copy)->data_size = (uint32_t)len * 2;
	ck_assert_int_lt(msgbuf_render_image(copy, len, out, sizeof(out), 0), 0);
	ck_assert_int_lt(msgbuf_render_image(copy, 10, out, sizeof(out), 0), 0);
	kfree(copy, len);
}
END_TEST

/* ---- concurrency ---------------------------------------------------------------- */

#define WRITERS 4
#define LINES 200

static uint32_t writers_done;

static void
writer(void *arg, wait_result_t wr)
{
	long id = (long)arg;

	(void)wr;
	for (int i = 0; i < LINES; i++) {
		printf("T%ld ", id);
		printf("n=%d", i);
		printf(" end\n");
	}
	__atomic_fetch_add(&writers_done, 1, __ATOMIC_RELEASE);
}

START_TEST(concurrent_writers_never_interleave)
{
	int next[WRITERS] = {0};

	for (long i = 0; i < WRITERS; i++) {
		thread_t th;
		ck_assert_int_eq(kernel_thread_start(writer, (void *)i, &th), KERN_SUCCESS);
		thread_deallocate(th);
	}
	wait_count(&writers_done, WRITERS);
	collect();
	int seen = 0;
	for (int i = 0; i < nrecs; i++) {
		int id = -1, n = -1;
		char end[8] = "";
		if (recs[i].text[0] != 'T') {
			continue;
		}
		ck_assert_int_eq(sscanf(recs[i].text, "T%d n=%d %7s", &id, &n, end), 3);
		ck_assert_str_eq(end, "end");
		ck_assert(id >= 0 && id < WRITERS);
		ck_assert_int_eq(n, next[id]); /* in order, none lost */
		next[id]++;
		seen++;
	}
	ck_assert_int_eq(seen, WRITERS * LINES);
}
END_TEST

#ifndef KEXTHOST_TSAN
static uint32_t writer_stop;

/*
 * The reader copies bytes the writer may be changing and then discards them:
 * a deliberate race (a seqlock) that thread sanitizer would report.
 */
static void
fast_writer(void *arg, wait_result_t wr)
{
	(void)arg;
	(void)wr;
	for (int i = 0; !__atomic_load_n(&writer_stop, __ATOMIC_ACQUIRE); i++) {
		printf("W %d %s\n", i, (i % 3) ? "x" : "a somewhat longer line to vary the record sizes");
	}
	__atomic_fetch_add(&writers_done, 1, __ATOMIC_RELEASE);
}

START_TEST(reader_races_writer)
{
	const void *img;
	size_t len;
	static char out[16 * 1024];
	thread_t th;

	boot_with(NULL, "msgbuf=2048");
	ck_assert_int_eq(log_buffer_image(&img, &len), 0);
	ck_assert_int_eq(kernel_thread_start(fast_writer, NULL, &th), KERN_SUCCESS);
	thread_deallocate(th);
	int checked = 0;
	uint64_t deadline = khost_uptime_ns() + WAIT_LIMIT_NS;
	/* At least 2000 passes, and until enough lines were seen (the writer may start late). */
	for (int round = 0; (round < 2000 || checked < 1000) && khost_uptime_ns() < deadline; round++) {
		long n = msgbuf_render_image(img, len, out, sizeof(out), 0);
		ck_assert_int_ge(n, 0);
		for (char *line = out; *line != '\0';) {
			char *nl = strchr(line, '\n');
			ck_assert_ptr_nonnull(nl);
			*nl = '\0';
			unsigned sec = 0, usec = 0;
			int i = -1;
			if (strstr(line, "] W ") != NULL) {
				ck_assert_msg(sscanf(line, "[%u.%u] W %d", &sec, &usec, &i) == 3,
				              "torn line: %s", line);
				const char *tail = strchr(strstr(line, "] W ") + 4, ' ');
				ck_assert_ptr_nonnull(tail);
				ck_assert(
				        strcmp(tail + 1,
				               (i % 3) ? "x"
				                       : "a somewhat longer line to vary the record sizes") ==
				        0);
				checked++;
			}
			line = nl + 1;
		}
	}
	__atomic_store_n(&writer_stop, 1, __ATOMIC_RELEASE);
	wait_count(&writers_done, 1);
	ck_assert_int_ge(checked, 1000);
	kernel_shutdown();
}
END_TEST

#endif /* !KEXTHOST_TSAN */

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = ktest_tcase("records");
	tcase_add_test(tc, records_and_levels);
	tcase_add_test(tc, partial_lines_join);
	tcase_add_test(tc, long_lines_continue);
	tcase_add_test(tc, panic_records);
	tcase_add_test(tc, reader_survives_corruption);
	suite_add_tcase(s, tc);

	TCase *tb = ktest_tcase_noboot("ring");
	tcase_add_test(tb, small_ring_wraps);
	tcase_add_test(tb, file_backed_ring);
	suite_add_tcase(s, tb);

	TCase *tt = ktest_tcase("concurrency");
	tcase_add_test(tt, concurrent_writers_never_interleave);
	suite_add_tcase(s, tt);

#ifndef KEXTHOST_TSAN
	TCase *tr = ktest_tcase_noboot("concurrency_reader");
	tcase_add_test(tr, reader_races_writer);
	suite_add_tcase(s, tr);
#endif
	return s;
}
