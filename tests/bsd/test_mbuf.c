/*
 * test_mbuf.c — the minimal mbuf KPI: packets of every size class hold
 * their bytes across chains (copyback/copydata), the packet header length
 * follows copyback/concatenate/adj/prepend, invalid requests fail with
 * XNU's error codes, and every mbuf and cluster comes back (no leaks).
 */
#include "tests/ktest.h"
#include <sys/errno.h>
#include <sys/kpi_mbuf.h>
#include "bsd/sys/mbuf_internal.h"

static void
fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 7 + seed);
}

START_TEST(test_allocpacket_sizes)
{
	static const size_t sizes[] = {1, 100, MHLEN, MHLEN + 1, MCLBYTES, MCLBYTES + 1, 10000, 70000};
	static unsigned char in[70000], out[70000];
	u_int64_t base = mbuf_live_count();

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		unsigned int chunks = 0;
		mbuf_t m;

		ck_assert_int_eq(mbuf_allocpacket(MBUF_WAITOK, n, &chunks, &m), 0);
		ck_assert_uint_ge(chunks, 1);
		ck_assert(mbuf_flags(m) & MBUF_PKTHDR);
		ck_assert_uint_eq(mbuf_pkthdr_len(m), 0);
		fill(in, n, i);
		ck_assert_int_eq(mbuf_copyback(m, 0, n, in, MBUF_WAITOK), 0);
		ck_assert_uint_eq(mbuf_pkthdr_len(m), n);
		ck_assert_uint_eq(m_length(m), n);
		memset(out, 0, n);
		ck_assert_int_eq(mbuf_copydata(m, 0, n, out), 0);
		ck_assert_mem_eq(in, out, n);
		/* A window in the middle, crossing mbufs. */
		if (n > 10) {
			ck_assert_int_eq(mbuf_copydata(m, n / 2 - 3, 7, out), 0);
			ck_assert_mem_eq(in + n / 2 - 3, out, 7);
		}
		ck_assert_int_eq(mbuf_copydata(m, n - 1, 2, out), EINVAL);
		mbuf_freem(m);
	}
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

START_TEST(test_allocpacket_errors)
{
	unsigned int chunks = 1;
	mbuf_t m = (mbuf_t)1;

	ck_assert_int_eq(mbuf_allocpacket(MBUF_WAITOK, 0, NULL, &m), EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(mbuf_allocpacket(MBUF_WAITOK, 3 * MBIGCLBYTES, &chunks, &m), ENOBUFS);
	ck_assert_int_eq(mbuf_get(MBUF_WAITOK, MBUF_TYPE_FREE, &m), EINVAL);
	ck_assert_int_eq(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, 1000, &m), EINVAL);
}
END_TEST

START_TEST(test_cluster_and_lengths)
{
	mbuf_t m = NULL;
	u_int64_t base = mbuf_live_count();

	ck_assert_int_eq(mbuf_getcluster(MBUF_WAITOK, MBUF_TYPE_DATA, MBIGCLBYTES, &m), 0);
	ck_assert(mbuf_flags(m) & MBUF_EXT);
	ck_assert_uint_eq(mbuf_maxlen(m), MBIGCLBYTES);
	ck_assert_uint_eq(mbuf_trailingspace(m), MBIGCLBYTES);
	mbuf_setlen(m, 100);
	ck_assert_uint_eq(mbuf_len(m), 100);
	ck_assert_uint_eq(mbuf_trailingspace(m), MBIGCLBYTES - 100);
	/* M_EXT/M_PKTHDR describe the layout: setflags cannot change them. */
	ck_assert_int_eq(mbuf_setflags(m, MBUF_EOR), EINVAL);
	ck_assert_int_eq(mbuf_setflags(m, MBUF_EOR | MBUF_EXT), 0);
	ck_assert(mbuf_flags(m) & MBUF_EOR);
	ck_assert_ptr_eq(mbuf_free(m), NULL);
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

START_TEST(test_concatenate_adj_prepend)
{
	unsigned char a[300], b[5000], out[5400];
	mbuf_t m1, m2;
	u_int64_t base = mbuf_live_count();

	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	ck_assert_int_eq(mbuf_allocpacket(MBUF_WAITOK, sizeof(a), NULL, &m1), 0);
	ck_assert_int_eq(mbuf_copyback(m1, 0, sizeof(a), a, MBUF_WAITOK), 0);
	ck_assert_int_eq(mbuf_allocpacket(MBUF_WAITOK, sizeof(b), NULL, &m2), 0);
	ck_assert_int_eq(mbuf_copyback(m2, 0, sizeof(b), b, MBUF_WAITOK), 0);
	ck_assert_int_eq(mbuf_concatenate(m1, m2), 0);
	ck_assert_uint_eq(mbuf_pkthdr_len(m1), sizeof(a) + sizeof(b));
	ck_assert_int_eq(mbuf_copydata(m1, 0, sizeof(a) + sizeof(b), out), 0);
	ck_assert_mem_eq(out, a, sizeof(a));
	ck_assert_mem_eq(out + sizeof(a), b, sizeof(b));

	mbuf_adj(m1, 10); /* drop the front */
	ck_assert_uint_eq(mbuf_pkthdr_len(m1), sizeof(a) + sizeof(b) - 10);
	ck_assert_int_eq(mbuf_copydata(m1, 0, 5, out), 0);
	ck_assert_mem_eq(out, a + 10, 5);
	mbuf_adj(m1, -100); /* and the back */
	ck_assert_uint_eq(mbuf_pkthdr_len(m1), sizeof(a) + sizeof(b) - 110);
	ck_assert_uint_eq(m_length(m1), sizeof(a) + sizeof(b) - 110);

	ck_assert_int_eq(mbuf_prepend(&m1, 8, MBUF_WAITOK), 0);
	ck_assert_uint_eq(mbuf_pkthdr_len(m1), sizeof(a) + sizeof(b) - 102);
	memcpy(mbuf_data(m1), "HEADER!!", 8);
	ck_assert_int_eq(mbuf_copydata(m1, 0, 13, out), 0);
	ck_assert_mem_eq(out, "HEADER!!", 8);
	ck_assert_mem_eq(out + 8, a + 10, 5);
	/* A prepend bigger than any leading space gets a fresh first mbuf. */
	ck_assert_int_eq(mbuf_prepend(&m1, 100, MBUF_WAITOK), 0);
	ck_assert_uint_eq(mbuf_pkthdr_len(m1), sizeof(a) + sizeof(b) - 2);
	ck_assert(mbuf_flags(m1) & MBUF_PKTHDR);

	mbuf_freem(m1);
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

START_TEST(test_copyback_grows_and_dup)
{
	mbuf_t m, d;
	unsigned char big[6000], out[6000];
	u_int64_t base = mbuf_live_count();

	fill(big, sizeof(big), 3);
	ck_assert_int_eq(mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
	/* Writing past the end extends the chain; the gap reads back as zeros. */
	ck_assert_int_eq(mbuf_copyback(m, 100, sizeof(big), big, MBUF_WAITOK), 0);
	ck_assert_uint_eq(mbuf_pkthdr_len(m), 100 + sizeof(big));
	ck_assert_int_eq(mbuf_copydata(m, 0, 100, out), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(out[i], 0);
	ck_assert_ptr_nonnull(mbuf_next(m));
	ck_assert_int_eq(mbuf_dup(m, MBUF_WAITOK, &d), 0);
	ck_assert_uint_eq(mbuf_pkthdr_len(d), 100 + sizeof(big));
	ck_assert_int_eq(mbuf_copydata(d, 100, sizeof(big), out), 0);
	ck_assert_mem_eq(out, big, sizeof(big));
	mbuf_freem(m);
	mbuf_freem(d);
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

/* A packet of n bytes (pattern seed) spread over mbufs of at most `piece` bytes each. */
static mbuf_t
chain_of(size_t n, size_t piece, unsigned seed)
{
	static unsigned char b[20000];
	mbuf_t head = NULL, tail = NULL;

	fill(b, n, seed);
	for (size_t off = 0; off < n || head == NULL; off += piece) {
		mbuf_t m;
		size_t k = n - off < piece ? n - off : piece;

		ck_assert_int_eq(head == NULL ? mbuf_gethdr(MBUF_WAITOK, MBUF_TYPE_DATA, &m)
		                              : mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &m),
		                 0);
		if (k > mbuf_maxlen(m))
			ck_assert_int_eq(mbuf_mclget(MBUF_WAITOK, MBUF_TYPE_DATA, &m), 0);
		memcpy(mbuf_data(m), b + off, k);
		mbuf_setlen(m, k);
		if (head == NULL)
			head = m;
		else
			mbuf_setnext(tail, m);
		tail = m;
	}
	mbuf_pkthdr_setlen(head, n);
	return head;
}

START_TEST(test_copym_split_pullup)
{
	unsigned char want[3000], got[3000];
	mbuf_t m, c, t;
	u_int64_t base = mbuf_live_count();

	fill(want, sizeof(want), 9);
	/* copym: a window, the whole packet (clusters shared, not copied). */
	m = chain_of(3000, 1000, 9);
	ck_assert_int_eq(mbuf_copym(m, 500, 1200, MBUF_WAITOK, &c), 0);
	ck_assert_uint_eq(m_length(c), 1200);
	ck_assert_int_eq(mbuf_copydata(c, 0, 1200, got), 0);
	ck_assert_mem_eq(got, want + 500, 1200);
	mbuf_freem(c);
	ck_assert_int_eq(mbuf_copym(m, 0, MBUF_COPYALL, MBUF_WAITOK, &c), 0);
	ck_assert_uint_eq(mbuf_pkthdr_len(c), 3000);
	ck_assert(mbuf_mclhasreference(m));
	ck_assert(mbuf_mclhasreference(c));
	mbuf_freem(c);
	ck_assert(!mbuf_mclhasreference(m));
	ck_assert_int_eq(mbuf_copym(m, 2999, 2, MBUF_WAITOK, &c), EINVAL);

	/* split: m keeps 1234 bytes, t the other 1766, both packets. */
	ck_assert_int_eq(mbuf_split(m, 1234, MBUF_WAITOK, &t), 0);
	ck_assert_uint_eq(m_length(m), 1234);
	ck_assert_uint_eq(mbuf_pkthdr_len(m), 1234);
	ck_assert_uint_eq(mbuf_pkthdr_len(t), 1766);
	ck_assert_int_eq(mbuf_copydata(t, 0, 1766, got), 0);
	ck_assert_mem_eq(got, want + 1234, 1766);
	ck_assert_int_eq(mbuf_split(m, 5000, MBUF_WAITOK, &c), EINVAL);
	mbuf_freem(t);
	mbuf_freem(m);

	/* pullup: small pieces made contiguous, in place and into a new first mbuf. */
	m = chain_of(600, 20, 4);
	fill(want, 600, 4);
	ck_assert_int_eq(mbuf_pullup(&m, 100), 0);
	ck_assert_uint_ge(mbuf_len(m), 100);
	ck_assert_mem_eq(mbuf_data(m), want, 100);
	ck_assert_int_eq(mbuf_pullup(&m, 500), 0); /* more than the header mbuf holds */
	ck_assert_uint_ge(mbuf_len(m), 500);
	ck_assert_mem_eq(mbuf_data(m), want, 500);
	ck_assert_uint_eq(mbuf_pkthdr_len(m), 600);
	ck_assert_uint_eq(m_length(m), 600);
	ck_assert_int_eq(mbuf_copydata(m, 0, 600, got), 0);
	ck_assert_mem_eq(got, want, 600);
	ck_assert_int_eq(mbuf_pullup(&m, 601), ENOMEM); /* longer than the packet: freed */
	ck_assert_ptr_null(m);

	/* adjustlen, getpacket, header fields. */
	ck_assert_int_eq(mbuf_getpacket(MBUF_WAITOK, &m), 0);
	ck_assert_uint_eq(mbuf_maxlen(m), MCLBYTES);
	ck_assert_int_eq(mbuf_adjustlen(m, 100), 0);
	ck_assert_int_eq(mbuf_adjustlen(m, -101), EINVAL);
	ck_assert_int_eq(mbuf_adjustlen(m, MCLBYTES), EINVAL);
	ck_assert_ptr_null(mbuf_pkthdr_rcvif(m));
	mbuf_pkthdr_setheader(m, mbuf_data(m));
	ck_assert_ptr_eq(mbuf_pkthdr_header(m), mbuf_data(m));
	ck_assert_int_eq(mbuf_get(MBUF_WAITOK, MBUF_TYPE_DATA, &c), 0);
	ck_assert_int_eq(mbuf_copy_pkthdr(c, m), 0);
	ck_assert(mbuf_flags(c) & MBUF_PKTHDR);
	ck_assert_int_eq(mbuf_copy_pkthdr(m, c), 0);
	mbuf_free(c);
	mbuf_free(m);
	ck_assert_uint_eq(mbuf_get_minclsize(), mbuf_get_mlen() + mbuf_get_mhlen());
	ck_assert_uint_eq(mbuf_live_count(), base);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("mbuf");
	TCase *tc = ktest_tcase("mbuf");

	tcase_add_test(tc, test_allocpacket_sizes);
	tcase_add_test(tc, test_allocpacket_errors);
	tcase_add_test(tc, test_cluster_and_lengths);
	tcase_add_test(tc, test_concatenate_adj_prepend);
	tcase_add_test(tc, test_copyback_grows_and_dup);
	tcase_add_test(tc, test_copym_split_pullup);
	suite_add_tcase(s, tc);
	return s;
}
