/*
 * zprint — Darwin's zprint(1) for the hosted kernel: the kernel's zones and
 * their use, from the mach_zone_info MIG routine (host_priv: run as root),
 * in the classic (OS X 10.8-era) column format.
 *
 *   zprint [-w] [-s] [-t] [-H] [name]
 *     -w     add a "wasted" column: memory held but not in use (cur size -
 *            elem size x inuse), and the totals
 *     -s     sort by wasted memory, most first
 *     -t     add a "Total Allocs" column: bytes ever allocated, and the totals
 *     -H     no header (-h in later zprints shows help; here it is a usage error)
 *     name   only zones whose name contains it
 *
 * Columns, as Apple's: zone name (spaces shown as '.', a cut name ends in
 * '$'), element size, current and maximum size (K), current and maximum
 * number of elements, elements in use, the allocation chunk (K) and how
 * many elements it holds, then flags: X exhaustible, C collectable. A zone
 * without a limit shows dashes for its maximum. With -w or -t the totals
 * (bytes) follow: TOTAL SIZE, TOTAL USED, TOTAL WASTED, TOTAL ALLOCS.
 * Exit status 0, 1 when the kernel refuses (not root) or is not there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kexthost/kh_mach.h>

struct zopts {
	int wasted, sort, totals_allocs, header;
	const char *name;
};

static void
usage(void)
{
	fprintf(stderr, "usage: zprint [-w] [-s] [-t] [-H] [name]\n");
	exit(1);
}

static uint64_t
z_waste(const mach_zone_info_t *i)
{
	uint64_t used = i->mzi_elem_size * i->mzi_count;

	return i->mzi_cur_size > used ? i->mzi_cur_size - used : 0;
}

/* The name column: `width` characters, spaces as '.', a cut name ending in '$'. */
static void
print_name(const char *name, int width)
{
	char buf[ZONE_NAME_MAX_LEN + 1];
	int len;

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			*p = '.';
	len = (int)strlen(buf);
	if (len > width) {
		buf[width - 1] = '$';
		buf[width] = '\0';
	}
	printf("%-*s", width, buf);
}

/* A size in K, 8 wide then 'K', or dashes when it would not fit (a zone without a limit). */
static void
print_k(uint64_t bytes)
{
	if (bytes / 1024 > 9999999)
		printf("   ------");
	else
		printf("%8lluK", (unsigned long long)(bytes / 1024));
}

static void
print_header(const struct zopts *o)
{
	const char *pre = o->wasted ? "" : "       ";
	int dashes = 93 + (o->wasted ? 9 : 0) + (o->totals_allocs ? 17 : 0);

	printf("%s                   elem      cur      max       cur       max       cur alloc alloc%s%s\n",
	       pre, o->wasted ? "         " : "", o->totals_allocs ? "                 " : "");
	printf("%-*s size     size     size     #elts     #elts     inuse  size count%s%s\n",
	       o->wasted ? 18 : 25, "zone name", o->wasted ? "   wasted" : "",
	       o->totals_allocs ? "     Total Allocs" : "");
	for (int i = 0; i < dashes; i++)
		putchar('-');
	putchar('\n');
}

static void
print_zone(const struct zopts *o, const mach_zone_name_t *n, const mach_zone_info_t *i)
{
	uint64_t es = i->mzi_elem_size ? i->mzi_elem_size : 1;

	print_name(n->mzn_name, o->wasted ? 18 : 25);
	printf("%5llu", (unsigned long long)i->mzi_elem_size);
	print_k(i->mzi_cur_size);
	print_k(i->mzi_max_size);
	printf("%10llu", (unsigned long long)(i->mzi_cur_size / es));
	if (i->mzi_max_size / 1024 > 9999999)
		printf(" ---------");
	else
		printf("%10llu", (unsigned long long)(i->mzi_max_size / es));
	printf("%10llu", (unsigned long long)i->mzi_count);
	printf("%5lluK%6llu", (unsigned long long)(i->mzi_alloc_size / 1024),
	       (unsigned long long)(i->mzi_alloc_size / es));
	if (o->wasted)
		printf("%8lluK", (unsigned long long)(z_waste(i) / 1024));
	if (o->totals_allocs) {
		if (i->mzi_sum_size < 1024)
			printf("%16lluB", (unsigned long long)i->mzi_sum_size);
		else
			printf("%16lluK", (unsigned long long)(i->mzi_sum_size / 1024));
	}
	printf(" %c %c\n", i->mzi_exhaustible ? 'X' : ' ', i->mzi_collectable ? 'C' : ' ');
}

static const mach_zone_info_t *sort_info;

static int
by_waste(const void *a, const void *b)
{
	uint64_t wa = z_waste(&sort_info[*(const unsigned *)a]),
	         wb = z_waste(&sort_info[*(const unsigned *)b]);

	return wa < wb ? 1 : wa > wb ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct zopts o = {.header = 1};
	mach_zone_name_array_t names = NULL;
	mach_zone_info_array_t info = NULL;
	mach_msg_type_number_t nn = 0, ni = 0;
	uint64_t size = 0, used = 0, waste = 0, allocs = 0;
	unsigned *order;
	kern_return_t kr;
	int c;

	while ((c = getopt(argc, argv, "wstH")) != -1) {
		switch (c) {
		case 'w':
			o.wasted = 1;
			break;
		case 's':
			o.sort = 1;
			break;
		case 't':
			o.totals_allocs = 1;
			break;
		case 'H':
			o.header = 0;
			break;
		default:
			usage();
		}
	}
	if (argc - optind > 1)
		usage();
	o.name = optind < argc ? argv[optind] : NULL;
	kr = kh_mach_zone_info(kh_mach_host_self(), &names, &nn, &info, &ni);
	if (kr != KERN_SUCCESS) {
		fprintf(stderr, "zprint: mach_zone_info: %s%s\n",
		        kr == KERN_INVALID_HOST ? "(os/kern) invalid host" : "failed",
		        kr == KERN_INVALID_HOST ? " (try running as root)" : "");
		return 1;
	}
	order = calloc(ni ? ni : 1, sizeof(*order));
	if (order == NULL)
		return 1;
	for (unsigned i = 0; i < ni; i++)
		order[i] = i;
	if (o.sort) {
		sort_info = info;
		qsort(order, ni, sizeof(*order), by_waste);
	}
	if (o.header)
		print_header(&o);
	for (unsigned k = 0; k < ni; k++) {
		unsigned i = order[k];

		if (o.name != NULL && strstr(names[i].mzn_name, o.name) == NULL)
			continue;
		print_zone(&o, &names[i], &info[i]);
		size += info[i].mzi_cur_size;
		used += info[i].mzi_elem_size * info[i].mzi_count;
		waste += z_waste(&info[i]);
		allocs += info[i].mzi_sum_size;
	}
	if (o.header && (o.wasted || o.totals_allocs)) {
		printf("TOTAL SIZE   = %llu\n", (unsigned long long)size);
		printf("TOTAL USED   = %llu\n", (unsigned long long)used);
		if (o.wasted)
			printf("TOTAL WASTED = %llu\n", (unsigned long long)waste);
		if (o.totals_allocs)
			printf("TOTAL ALLOCS = %llu\n", (unsigned long long)allocs);
	}
	free(order);
	(void)kh_vm_deallocate(kh_mach_task_self(), (uint64_t)(uintptr_t)names, nn * sizeof(*names));
	(void)kh_vm_deallocate(kh_mach_task_self(), (uint64_t)(uintptr_t)info, ni * sizeof(*info));
	return 0;
}
