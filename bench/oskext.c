/*
 * oskext.c — host side of the kext-system benchmark. A kextload of a small
 * kext (Info.plist, validation, authentication walk, dependency resolution,
 * link, classes, constructors, start; then stop and unload) is measured
 * against its linker share alone (kxld link + constructors + start of the
 * same object); loading 1,000 kexts by bundle identifier from a repository
 * (rescan included) against 1,000 bare kxld links. Medians of interleaved
 * runs. The bundles live in a scratch folder removed afterwards.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/bench.h"
#include "bench/k_oskext.h"

#define OSKEXT_MANY 1000

void bench_oskext(bench_report_fn report);

void
bench_oskext(bench_report_fn report)
{
	char dir[] = "/tmp/kexthost-bench-oskext.XXXXXX", cmd[128];
	enum { RUNS = 200, MANY_RUNS = 3 };
	double kl[RUNS], ku[RUNS], ll[RUNS], lu[RUNS], ml[MANY_RUNS], mu[MANY_RUNS], bl[MANY_RUNS],
	        bu[MANY_RUNS];
	uint64_t a, b;
	int i, n = 0, m = 0;

	if (mkdtemp(dir) == NULL || k_oskext_setup(dir, OSKEXT_MANY) != 0) {
		fprintf(stderr, "bench oskext: can't set up the bundles in %s\n", dir);
		return;
	}
	for (i = 0; i < RUNS; i++) {
		if (k_oskext_cycle(i % OSKEXT_MANY, &a, &b) != 0) {
			break;
		}
		kl[n] = a / 1e3;
		ku[n] = b / 1e3;
		if (k_oskext_link_cycle(&a, &b) != 0) {
			break;
		}
		ll[n] = a / 1e3;
		lu[n] = b / 1e3;
		n++;
	}
	for (i = 0; i < MANY_RUNS; i++) {
		if (k_oskext_load_many(OSKEXT_MANY, &a, &b) != 0) {
			break;
		}
		ml[m] = a / 1e6;
		mu[m] = b / 1e6;
		if (k_oskext_link_many(OSKEXT_MANY, &a, &b) != 0) {
			break;
		}
		bl[m] = a / 1e6;
		bu[m] = b / 1e6;
		m++;
	}
	if (n > 0) {
		report("kextload small kext (plist, auth, deps, link, start)", "us", bench_median(kl, n),
		       "kxld link + start of the same object", bench_median(ll, n));
		report("kextunload small kext (stop, leak check, unmap)", "us", bench_median(ku, n),
		       "stop + kxld unlink", bench_median(lu, n));
	}
	if (m > 0) {
		report("load 1,000 kexts by bundle id (rescan included)", "ms", bench_median(ml, m),
		       "kxld link + start 1,000 images", bench_median(bl, m));
		report("unload 1,000 kexts", "ms", bench_median(mu, m), "stop + kxld unlink 1,000 images",
		       bench_median(bu, m));
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench oskext: can't remove %s\n", dir);
	}
}
