/*
 * test_khost.c — the host boundary seen from kernel code: Darwin errno
 * values, aligned page allocation, guard-paged thread stacks of the size
 * asked for, futex wait/wake and deadlines, files under a root, entropy.
 */
#include "tests/ktest.h"
#include "host/khost.h"

START_TEST(test_vm_alloc_aligned)
{
	void *p = NULL;
	size_t align = 64 * 1024;

	ck_assert_int_eq(khost_vm_alloc(3 * 4096, align, KHOST_PROT_READ | KHOST_PROT_WRITE, &p), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p & (align - 1), 0);
	((volatile char *)p)[3 * 4096 - 1] = 1; /* the whole size is usable */
	ck_assert_int_eq(khost_vm_free(p, 3 * 4096), 0);
	ck_assert_int_eq(khost_vm_alloc(0, 0, KHOST_PROT_READ, &p), EINVAL);
	ck_assert_int_eq(khost_vm_alloc(4096, 3 * 4096, KHOST_PROT_READ, &p), EINVAL);
}
END_TEST

START_TEST(test_futex_timeout_is_darwin_etimedout)
{
	volatile uint32_t word = 7;
	uint64_t t0 = khost_uptime_ns();
	int err = khost_futex_wait(&word, 7, t0 + 2 * 1000 * 1000);

	ck_assert_int_eq(err, ETIMEDOUT); /* 60 on Darwin, 110 on Linux */
	ck_assert_int_eq(ETIMEDOUT, 60);
	ck_assert_uint_ge(khost_uptime_ns() - t0, 2 * 1000 * 1000);
	/* A value that already changed returns at once. */
	ck_assert_int_eq(khost_futex_wait(&word, 8, 0), 0);
	ck_assert_int_eq(khost_futex_wake(&word, 1), 0);
}
END_TEST

struct stack_probe {
	volatile uint32_t done;
	uintptr_t lo, hi, local;
};

static void
stack_probe_main(void *arg)
{
	struct stack_probe *p = arg;
	volatile char here;

	khost_thread_stack(&p->lo, &p->hi);
	p->local = (uintptr_t)&here;
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	khost_futex_wake(&p->done, 1);
}

START_TEST(test_thread_stack_size)
{
	struct stack_probe p = {0};
	khost_thread_t t;

	ck_assert_int_eq(khost_thread_create(stack_probe_main, &p, 16 * 1024, &t), 0);
	while (__atomic_load_n(&p.done, __ATOMIC_ACQUIRE) == 0)
		khost_futex_wait(&p.done, 0, khost_uptime_ns() + 100 * 1000 * 1000);
	ck_assert_uint_gt(p.hi, p.lo);
	ck_assert(p.local > p.lo && p.local < p.hi);
	/* At least the 16 KiB asked for lie between the first frame and the guard page ... */
	ck_assert_uint_ge(p.local - p.lo, 16 * 1024);
	/* ... and not much more: the stack really is small. */
	ck_assert_uint_le(p.local - p.lo, 16 * 1024 + 8192);
	khost_thread_reap();
}
END_TEST

START_TEST(test_random_and_clock)
{
	uint64_t a = 0, b = 0;
	int64_t sec;
	int32_t nsec;

	khost_random(&a, sizeof(a));
	khost_random(&b, sizeof(b));
	ck_assert(a != b);
	khost_calendar(&sec, &nsec);
	ck_assert(sec > 1600000000); /* after 2020 */
	ck_assert(nsec >= 0 && nsec < 1000000000);
	uint64_t u1 = khost_uptime_ns(), u2 = khost_uptime_ns();
	ck_assert_uint_le(u1, u2);
	ck_assert_int_ge(khost_ncpus(), 1);
}
END_TEST

START_TEST(test_files_under_root)
{
	char dir[128], file[160];
	void *p = NULL;

	snprintf(dir, sizeof(dir), "/tmp/kexthost-tests/khost/a/b");
	ck_assert_int_eq(khost_mkdir_p(dir, 0755), 0);
	ck_assert_int_eq(khost_mkdir_p(dir, 0755), 0); /* idempotent */
	snprintf(file, sizeof(file), "%s/map", dir);
	ck_assert_int_eq(khost_file_map_shared(file, 8192, &p), 0);
	((volatile char *)p)[8191] = 'x';
	ck_assert_int_eq(khost_vm_free(p, 8192), 0);
	ck_assert_int_eq(khost_file_map_shared("/proc/definitely/not/here", 4096, &p), ENOENT);
}
END_TEST

static int
count_entries(void *ctx, const char *name)
{
	int *n = ctx;
	if (strcmp(name, "data") == 0)
		(*n)++;
	return 0;
}

START_TEST(test_file_read_write_stat_list)
{
	const char *dir = "/tmp/kexthost-tests/khost/rw";
	const char *path = "/tmp/kexthost-tests/khost/rw/data";
	struct khost_stat st;
	void *buf = NULL;
	size_t len = 0;
	int n = 0;

	ck_assert_int_eq(khost_mkdir_p(dir, 0755), 0);
	ck_assert_int_eq(khost_file_write(path, "hello, kernel", 13, 0640), 0);
	ck_assert_int_eq(khost_stat(path, &st), 0);
	ck_assert_uint_eq(st.size, 13);
	ck_assert_uint_eq(st.mode & KHOST_S_IFMT, KHOST_S_IFREG);
	ck_assert_uint_eq(st.mode & 0777, 0640);
	ck_assert_int_eq(khost_file_read(path, 1024, &buf, &len), 0);
	ck_assert_uint_eq(len, 13);
	ck_assert_int_eq(memcmp(buf, "hello, kernel", 13), 0);
	khost_vm_free(buf, len);
	ck_assert_int_eq(khost_file_read(path, 4, &buf, &len), EFBIG);
	ck_assert_int_eq(khost_file_read(dir, 1024, &buf, &len), EISDIR);
	ck_assert_int_eq(khost_dir_list(dir, count_entries, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(khost_stat("/tmp/kexthost-tests/khost/rw/none", &st), ENOENT);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("khost");
	TCase *tc = ktest_tcase("boundary");

	tcase_add_test(tc, test_vm_alloc_aligned);
	tcase_add_test(tc, test_futex_timeout_is_darwin_etimedout);
	tcase_add_test(tc, test_thread_stack_size);
	tcase_add_test(tc, test_random_and_clock);
	tcase_add_test(tc, test_files_under_root);
	tcase_add_test(tc, test_file_read_write_stat_list);
	suite_add_tcase(s, tc);
	return s;
}
