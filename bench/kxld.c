/*
 * kxld.c — host side of the kext-linker benchmark. The same C code is built
 * as a kext object (ld -r, linked by kxld into the kext region) and as a
 * shared object (loaded by glibc's dlopen), by mk/kxld-tests.mk:
 *   - small: a few functions and ten imports;
 *   - large: 2,000 generated functions calling each other and the imports.
 * One "load" is: read the file, link/relocate, run constructors, look up the
 * entry point and call it (kxld) against dlopen(RTLD_NOW) + dlsym + the call.
 * Also the time to load 1,000 small images (kxld) against dlopen of 1,000
 * distinct copies of the .so. Medians of interleaved runs; target <= 0.5x.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/bench.h"
#include "bench/k_kxld.h"

#ifndef KXLD_OBJ_DIR
#error "KXLD_OBJ_DIR must be defined by mk/kxld-tests.mk"
#endif

#define KXLD_MANY 1000

static int
dl_cycle(const char *path, const char *entry, uint64_t *load_ns, uint64_t *unload_ns, int *result)
{
	uint64_t t0 = bench_now_ns(), t1;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	int (*fn)(const char *);

	if (h == NULL) {
		fprintf(stderr, "bench kxld: dlopen %s: %s\n", path, dlerror());
		return -1;
	}
	fn = (int (*)(const char *))dlsym(h, entry);
	if (fn == NULL) {
		dlclose(h);
		return -1;
	}
	*result = fn("kx");
	t1 = bench_now_ns();
	dlclose(h);
	*load_ns = t1 - t0;
	*unload_ns = bench_now_ns() - t1;
	return 0;
}

static void
bench_one(bench_report_fn report, const char *what, const char *base, const char *entry, int runs)
{
	char obj[512], so[512], name[96], bname[96];
	double *kl = calloc((size_t)runs, sizeof(double)), *ku = calloc((size_t)runs, sizeof(double));
	double *dl = calloc((size_t)runs, sizeof(double)), *du = calloc((size_t)runs, sizeof(double));
	int n = 0;

	snprintf(obj, sizeof(obj), "%s/%s.o", KXLD_OBJ_DIR, base);
	snprintf(so, sizeof(so), "%s/%s.so", KXLD_OBJ_DIR, base);
	for (int i = -3; i < runs; i++) {
		uint64_t a, b, c, d;
		int r1 = 0, r2 = 0;

		if (k_kxld_load_cycle(obj, entry, &a, &b, &r1) != 0 ||
		    dl_cycle(so, entry, &c, &d, &r2) != 0) {
			fprintf(stderr, "bench kxld: %s: load failed\n", base);
			goto out;
		}
		if (r1 != r2) {
			fprintf(stderr, "bench kxld: %s: kext returned %d, shared object %d\n", base, r1, r2);
			goto out;
		}
		if (i < 0)
			continue; /* warm-up: page cache, lazily created zones */
		kl[n] = (double)a / 1000.0;
		ku[n] = (double)b / 1000.0;
		dl[n] = (double)c / 1000.0;
		du[n] = (double)d / 1000.0;
		n++;
	}
	snprintf(name, sizeof(name), "kxld load+start %s", what);
	snprintf(bname, sizeof(bname), "dlopen+dlsym+call, same code");
	report(name, "us", bench_median(kl, n), bname, bench_median(dl, n));
	snprintf(name, sizeof(name), "kxld unload %s", what);
	report(name, "us", bench_median(ku, n), "dlclose", bench_median(du, n));
out:
	free(kl);
	free(ku);
	free(dl);
	free(du);
}

/* dlopen of KXLD_MANY distinct copies of small.so (the same path would only be reference-counted). */
static int
dl_many(const char *dir, uint64_t *ns)
{
	void **h = calloc(KXLD_MANY, sizeof(void *));
	char path[600];
	uint64_t t0;
	int err = 0, n;

	if (h == NULL)
		return -1;
	t0 = bench_now_ns();
	for (n = 0; n < KXLD_MANY; n++) {
		snprintf(path, sizeof(path), "%s/small-%d.so", dir, n);
		h[n] = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (h[n] == NULL) {
			fprintf(stderr, "bench kxld: dlopen %s: %s\n", path, dlerror());
			err = -1;
			break;
		}
	}
	*ns = bench_now_ns() - t0;
	while (n > 0)
		dlclose(h[--n]);
	free(h);
	return err;
}

static int
copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	size_t n;
	int err = 0;

	if (in == NULL || out == NULL)
		err = -1;
	while (err == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (fwrite(buf, 1, n, out) != n)
			err = -1;
	}
	if (out != NULL && fclose(out) != 0)
		err = -1;
	if (in != NULL)
		fclose(in);
	return err;
}

static void
bench_many(bench_report_fn report)
{
	char dir[] = "/tmp/kexthost-kxld-bench.XXXXXX", obj[512], so[512], path[600];
	double ks[3], ds[3];
	int n = 0;

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(obj, sizeof(obj), "%s/small.o", KXLD_OBJ_DIR);
	snprintf(so, sizeof(so), "%s/small.so", KXLD_OBJ_DIR);
	for (int i = 0; i < KXLD_MANY; i++) {
		snprintf(path, sizeof(path), "%s/small-%d.so", dir, i);
		if (copy_file(so, path) != 0)
			goto out;
	}
	for (int run = 0; run < 3; run++) {
		uint64_t link_ns, unload_ns, dl_ns;
		if (k_kxld_load_many(obj, KXLD_MANY, &link_ns, &unload_ns) != 0 || dl_many(dir, &dl_ns) != 0)
			goto out;
		ks[n] = (double)link_ns / 1e6;
		ds[n] = (double)dl_ns / 1e6;
		n++;
	}
	report("kxld load 1,000 small kexts", "ms", bench_median(ks, n), "dlopen 1,000 copies of the .so",
	       bench_median(ds, n));
out:
	for (int i = 0; i < KXLD_MANY; i++) {
		snprintf(path, sizeof(path), "%s/small-%d.so", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * What a kext's debug object costs at load: linking a -g object (the 2,000
 * functions, as kextbuild builds them) with the debug object built and
 * registered with GDB's JIT interface, against the same link without it.
 */
static void
bench_debug_object(bench_report_fn report)
{
	enum { RUNS = 41 };
	double with[RUNS], without[RUNS];
	char obj[512];
	int n = 0;

	snprintf(obj, sizeof(obj), "%s/large-g.o", KXLD_OBJ_DIR);
	for (int run = 0; run < RUNS + 1; run++) {
		uint64_t a, b;
		if (k_kxld_debug_cycle(obj, 1, &a) != 0 || k_kxld_debug_cycle(obj, 0, &b) != 0) {
			fprintf(stderr, "bench kxld: %s: link failed\n", obj);
			return;
		}
		if (run == 0)
			continue; /* warm-up */
		with[n] = (double)a / 1000.0;
		without[n] = (double)b / 1000.0;
		n++;
	}
	report("kxld link large -g + debug object + JIT registration", "us", bench_median(with, n),
	       "the same link without the debug object", bench_median(without, n));
}

void
bench_kxld(bench_report_fn report)
{
	bench_one(report, "small (10 imports)", "small", "small_entry", 201);
	bench_one(report, "large (2,000 functions)", "large", "large_entry", 31);
	bench_many(report);
	bench_debug_object(report);
}
