/*
 * k_kxld.c — the kernel side of the kext-linker benchmark: read + link +
 * constructors + first call of an object, and linking many images, timed
 * with the host's monotonic clock. The resolver is a small sorted table of
 * the ten kernel functions the benchmark objects import, searched by binary
 * search as an export table would be.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/libkern.h>
#include "host/khost.h"
#include "libkern/kxld/kxld.h"
#include "bench/k_kxld.h"

struct k_kxld_sym {
	const char *name;
	uintptr_t addr;
};

/* Sorted by name. */
static const struct k_kxld_sym k_kxld_exports[] = {
        {"memcmp", (uintptr_t)&memcmp},     {"memcpy", (uintptr_t)&memcpy},
        {"memmove", (uintptr_t)&memmove},   {"memset", (uintptr_t)&memset},
        {"snprintf", (uintptr_t)&snprintf}, {"strchr", (uintptr_t)&strchr},
        {"strcmp", (uintptr_t)&strcmp},     {"strlen", (uintptr_t)&strlen},
        {"strncmp", (uintptr_t)&strncmp},   {"strrchr", (uintptr_t)&strrchr},
};

static int
k_kxld_resolve(void *ctx, const char *name, uintptr_t *addr)
{
	int lo = 0, hi = (int)(sizeof(k_kxld_exports) / sizeof(k_kxld_exports[0])) - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(name, k_kxld_exports[mid].name);
		if (c == 0) {
			*addr = k_kxld_exports[mid].addr;
			return 0;
		}
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return ENOENT;
}

static int
k_kxld_link_path(const char *path, struct kxld_image **img, bool debug)
{
	struct kxld_link_params p = {
	        .kext_id = "com.example.bench", .resolve = k_kxld_resolve, .no_debug_object = !debug};
	const void *bytes = NULL;
	size_t len = 0;
	int err;

	err = khost_file_map_readonly(path, 64u << 20, &bytes, &len);
	if (err != 0)
		return err;
	p.object = bytes;
	p.object_size = len;
	err = kxld_link(&p, img, NULL);
	khost_file_unmap(bytes, len);
	return err;
}

int
k_kxld_load_cycle(const char *path, const char *entry, uint64_t *load_ns, uint64_t *unload_ns, int *result)
{
	struct kxld_image *img = NULL;
	uintptr_t fn = 0;
	uint64_t t0 = khost_uptime_ns(), t1;
	int err;

	err = k_kxld_link_path(path, &img, true);
	if (err != 0)
		return err;
	kxld_image_run_constructors(img);
	err = kxld_image_lookup(img, entry, &fn);
	if (err == 0)
		*result = ((int (*)(const char *))fn)("kx");
	t1 = khost_uptime_ns();
	kxld_unlink(img);
	*load_ns = t1 - t0;
	*unload_ns = khost_uptime_ns() - t1;
	return err;
}

int
k_kxld_load_many(const char *path, int count, uint64_t *link_ns, uint64_t *unload_ns)
{
	struct kxld_image **imgs;
	uint64_t t0, t1;
	int err = 0, n = 0;

	if (count <= 0)
		return EINVAL;
	imgs = kalloc((size_t)count * sizeof(*imgs));
	if (imgs == NULL)
		return ENOMEM;
	t0 = khost_uptime_ns();
	for (n = 0; n < count && err == 0; n++)
		err = k_kxld_link_path(path, &imgs[n], true);
	if (err != 0)
		n--;
	t1 = khost_uptime_ns();
	while (n > 0)
		kxld_unlink(imgs[--n]);
	*link_ns = t1 - t0;
	*unload_ns = khost_uptime_ns() - t1;
	kfree(imgs, (size_t)count * sizeof(*imgs));
	return err;
}

int
k_kxld_debug_cycle(const char *path, int debug, uint64_t *link_ns)
{
	struct kxld_image *img = NULL;
	uint64_t t0 = khost_uptime_ns();
	int err;

	err = k_kxld_link_path(path, &img, debug != 0);
	*link_ns = khost_uptime_ns() - t0;
	if (err == 0)
		kxld_unlink(img);
	return err;
}
