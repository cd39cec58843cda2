/*
 * k_oskext.c — kernel side of the kext-system benchmark (bench/oskext.c):
 * the whole kextload path of a small kext through OSKext_load against the
 * linker's share of it (kxld_link + constructors + start on the same
 * object), and loading 1,000 kexts by bundle identifier from a repository
 * against 1,000 bare kxld links.
 */
#include <sys/systm.h>
#include <mach/kmod.h>
#include "host/khost.h"
#include "bench/k_oskext.h"
#include "libkern/kext/OSKext.h"
#include "libkern/kxld/kxld.h"

#ifndef KEXT_OBJ_DIR
#error "KEXT_OBJ_DIR must be defined by mk/kext-tests.mk"
#endif

static char kob_ext[512];
static void *kob_obj;
static size_t kob_len;

static const char kob_plist[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n"
        "\t<key>CFBundlePackageType</key><string>KEXT</string>\n"
        "\t<key>CFBundleIdentifier</key><string>com.example.bench%d</string>\n"
        "\t<key>CFBundleVersion</key><string>1.0</string>\n"
        "\t<key>CFBundleExecutable</key><string>Bench</string>\n"
        "\t<key>OSBundleLibraries</key><dict>\n"
        "\t\t<key>com.apple.kpi.libkern</key><string>8.0</string>\n"
        "\t</dict>\n</dict>\n</plist>\n";

int
k_oskext_setup(const char *dir, int count)
{
	char path[768], plist[1024];
	int err, i, n;

	if (kob_obj == NULL &&
	    (err = khost_file_read(KEXT_OBJ_DIR "/benchkext.o", 16u << 20, &kob_obj, &kob_len)) != 0) {
		return err;
	}
	snprintf(kob_ext, sizeof(kob_ext), "%s/Extensions", dir);
	for (i = 0; i < count; i++) {
		n = snprintf(plist, sizeof(plist), kob_plist, i);
		snprintf(path, sizeof(path), "%s/B%d.kext/Contents/MacOS", kob_ext, i);
		if ((err = khost_mkdir_p(path, 0755)) != 0) {
			return err;
		}
		snprintf(path, sizeof(path), "%s/B%d.kext/Contents/MacOS/Bench", kob_ext, i);
		if ((err = khost_file_write(path, kob_obj, kob_len, 0755)) != 0) {
			return err;
		}
		snprintf(path, sizeof(path), "%s/B%d.kext/Contents/Info.plist", kob_ext, i);
		if ((err = khost_file_write(path, plist, (size_t)n, 0644)) != 0) {
			return err;
		}
	}
	OSKext_setExtensionsPath(kob_ext);
	return 0;
}

int
k_oskext_cycle(int i, uint64_t *load_ns, uint64_t *unload_ns)
{
	char path[768], id[64];
	struct OSKextLoadArgs a;
	uint64_t t0, t1;
	OSReturn r;

	snprintf(path, sizeof(path), "%s/B%d.kext", kob_ext, i);
	snprintf(id, sizeof(id), "com.example.bench%d", i);
	bzero(&a, sizeof(a));
	a.path = path;
	t0 = khost_uptime_ns();
	r = OSKext_load(&a, NULL, NULL, NULL);
	t1 = khost_uptime_ns();
	if (r != kOSReturnSuccess) {
		return EINVAL;
	}
	r = OSKext_unloadWithIdentifier(id, 0, NULL);
	*load_ns = t1 - t0;
	*unload_ns = khost_uptime_ns() - t1;
	return r == kOSReturnSuccess ? 0 : EBUSY;
}

static int
kob_resolve(void *ctx, const char *name, uintptr_t *addr)
{
	const struct OSKextKPISet *set = OSKext_kpiSetWithIdentifier("com.apple.kpi.libkern");
	const void *a;

	if (!OSKext_kpiSetLookup(set, name, &a)) {
		return ENOENT;
	}
	*addr = (uintptr_t)a;
	return 0;
}

/* Read + link + constructors + start, as the kext system does minus its bookkeeping. */
static int
kob_link(struct kxld_image **img, bool start)
{
	struct kxld_link_params p;
	void *bytes;
	size_t len;
	kmod_info_t *ki;
	int err;

	if ((err = khost_file_read(KEXT_OBJ_DIR "/benchkext.o", 16u << 20, &bytes, &len)) != 0) {
		return err;
	}
	bzero(&p, sizeof(p));
	p.kext_id = "com.example.bench";
	p.object = bytes;
	p.object_size = len;
	p.resolve = kob_resolve;
	err = kxld_link(&p, img, NULL);
	(void)khost_vm_free(bytes, len);
	if (err != 0) {
		return err;
	}
	if (start) {
		ki = (kmod_info_t *)kxld_image_kmod_info(*img);
		kxld_image_run_constructors(*img);
		if (ki == NULL || ki->start(ki, NULL) != KERN_SUCCESS) {
			kxld_unlink(*img);
			return EINVAL;
		}
	}
	return 0;
}

static void
kob_unlink(struct kxld_image *img, bool stop)
{
	kmod_info_t *ki = (kmod_info_t *)kxld_image_kmod_info(img);

	if (stop) {
		(void)ki->stop(ki, NULL);
		kxld_image_run_destructors(img);
	}
	kxld_unlink(img);
}

int
k_oskext_link_cycle(uint64_t *load_ns, uint64_t *unload_ns)
{
	struct kxld_image *img = NULL;
	uint64_t t0 = khost_uptime_ns(), t1;
	int err = kob_link(&img, true);

	t1 = khost_uptime_ns();
	if (err != 0) {
		return err;
	}
	kob_unlink(img, true);
	*load_ns = t1 - t0;
	*unload_ns = khost_uptime_ns() - t1;
	return 0;
}

int
k_oskext_load_many(int count, uint64_t *load_ns, uint64_t *unload_ns)
{
	char id[64];
	struct OSKextLoadArgs a;
	uint64_t t0, t1;
	int i, err = 0;

	OSKext_setExtensionsPath(kob_ext); /* forces a rescan: part of the measurement */
	bzero(&a, sizeof(a));
	a.bundleID = id;
	t0 = khost_uptime_ns();
	for (i = 0; i < count && err == 0; i++) {
		snprintf(id, sizeof(id), "com.example.bench%d", i);
		err = OSKext_load(&a, NULL, NULL, NULL) == kOSReturnSuccess ? 0 : EINVAL;
	}
	t1 = khost_uptime_ns();
	while (i-- > 0) {
		snprintf(id, sizeof(id), "com.example.bench%d", i);
		(void)OSKext_unloadWithIdentifier(id, 0, NULL);
	}
	*load_ns = t1 - t0;
	*unload_ns = khost_uptime_ns() - t1;
	return err;
}

int
k_oskext_link_many(int count, uint64_t *load_ns, uint64_t *unload_ns)
{
	struct kxld_image **imgs;
	uint64_t t0, t1;
	int i, err = 0;

	imgs = kalloc((vm_size_t)count * sizeof(*imgs));
	if (imgs == NULL) {
		return ENOMEM;
	}
	t0 = khost_uptime_ns();
	for (i = 0; i < count && err == 0; i++) {
		err = kob_link(&imgs[i], true);
	}
	if (err != 0) {
		i--;
	}
	t1 = khost_uptime_ns();
	while (i-- > 0) {
		kob_unlink(imgs[i], true);
	}
	*load_ns = t1 - t0;
	*unload_ns = khost_uptime_ns() - t1;
	kfree(imgs, (vm_size_t)count * sizeof(*imgs));
	return err;
}
