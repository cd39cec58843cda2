/*
 * main.c — the benchmark harness (`make bench`). Boots the kernel core in
 * this process, runs each area's benchmarks (which measure a kernel figure
 * and its host baseline in the same run), prints a table and writes
 * results.json: [{name, unit, value, baseline, baseline_value, ratio}].
 *
 *   kbench [--json FILE] [--only SUBSTRING]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench/bench.h"
#include "host/khost.h"

#define MAX_RESULTS 128

struct result {
	char name[96];
	char unit[16];
	double value;
	char baseline[96];
	double baseline_value;
};

static struct result results[MAX_RESULTS];
static int nresults;

uint64_t
bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double
bench_percentile(double *samples, int n, double p)
{
	if (n <= 0)
		return 0;
	qsort(samples, (size_t)n, sizeof(double), cmp_double);
	int i = (int)(p / 100.0 * (n - 1) + 0.5);
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return samples[i];
}

double
bench_median(double *samples, int n)
{
	return bench_percentile(samples, n, 50.0);
}

static void
report(const char *name, const char *unit, double value, const char *baseline, double baseline_value)
{
	if (nresults >= MAX_RESULTS)
		return;
	struct result *r = &results[nresults++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	snprintf(r->baseline, sizeof(r->baseline), "%s", baseline);
	r->value = value;
	r->baseline_value = baseline_value;
	printf("  %-44s %10.3f %-4s  vs %-34s %10.3f  ratio %.3f\n", name, value, unit, baseline,
	       baseline_value, baseline_value > 0 ? value / baseline_value : 0.0);
	fflush(stdout);
}

static void
json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int
write_json(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "[\n");
	for (int i = 0; i < nresults; i++) {
		struct result *r = &results[i];
		fprintf(f, "  {\"name\": ");
		json_string(f, r->name);
		fprintf(f, ", \"unit\": ");
		json_string(f, r->unit);
		fprintf(f, ", \"value\": %.6g, \"baseline\": ", r->value);
		json_string(f, r->baseline);
		fprintf(f, ", \"baseline_value\": %.6g, \"ratio\": %.6g}%s\n", r->baseline_value,
		        r->baseline_value > 0 ? r->value / r->baseline_value : 0.0,
		        i + 1 < nresults ? "," : "");
	}
	fprintf(f, "]\n");
	return fclose(f);
}

struct area {
	const char *name;
	void (*fn)(bench_report_fn);
};

static const struct area areas[] = {
        {"locks", bench_locks},       {"kalloc", bench_kalloc},
        {"sleep", bench_sleep},       {"thread_call", bench_thread_call},
        {"objc", bench_objc},         {"kxld", bench_kxld},
        {"oskext", bench_oskext},     {"syscall", bench_syscall},
        {"kctl", bench_kctl},         {"dev", bench_dev},
        {"iokit_wl", bench_iokit_wl}, {"iokit_match", bench_iokit_match},
        {"iouc", bench_iouc},         {"iomem", bench_iomem},
        {"kdebug", bench_kdebug},     {"dbgargs", bench_dbgargs},
        {"pnp", bench_pnp},           {"pm", bench_pm},
};

int
main(int argc, char **argv)
{
	const char *json = NULL, *only = NULL;
	struct kernel_boot_params params = {.root = NULL, .boot_args = "", .flags = KERNEL_BOOT_NO_SELFCHECK};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
			json = argv[++i];
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: kbench [--json FILE] [--only AREA]\n");
			return 64;
		}
	}
	if (kernel_bootstrap(&params) != 0) {
		fprintf(stderr, "kbench: kernel failed to boot\n");
		return 71;
	}
	printf("kexthost benchmarks (%d CPUs); ratio = kexthost / baseline, same run\n", khost_ncpus());
	for (unsigned int i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		if (only != NULL && strstr(areas[i].name, only) == NULL)
			continue;
		printf("%s:\n", areas[i].name);
		areas[i].fn(report);
	}
	kernel_shutdown();
	if (json != NULL) {
		if (write_json(json) != 0)
			return 1;
		printf("wrote %s (%d results)\n", json, nresults);
	}
	return 0;
}
