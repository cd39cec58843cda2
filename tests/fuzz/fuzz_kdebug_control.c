/*
 * fuzz_kdebug_control.c — libFuzzer target for the kdebug control
 * operations (bsd/kern/kdebug.c, what `sysctl kern.kdebug.*` from a root
 * process reaches): the input is a script of operations, each
 *   op (1 byte) | value (4 bytes, little-endian) | out size (2 bytes) | new length (2 bytes) | new bytes,
 * run through kdbg_control with trace points fired between them (from this
 * thread and from a typefiltered class). Any script must end in errors or
 * well-formed results — every record read is a whole kd_buf with a zero
 * last word — never a crash, a hang or a leak. Each input starts from a reset.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kdebug.h>
#include <sys/sysctl.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <string.h>
#include "host/khost.h"
#include "bsd/kern/kdebug_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_booted;

static void
fuzz_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (fuzz_booted)
		return;
	if (kernel_bootstrap(&params) != 0)
		khost_exit(KHOST_EXIT_BOOT);
	fuzz_booted = 1;
}

#define FUZZ_OUT_MAX (64u * 1024u)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t pos = 0;

	fuzz_boot();
	kdbg_reset();
	out = kalloc(FUZZ_OUT_MAX);
	if (out == NULL)
		return 0;
	while (size - pos >= 9) {
		int name[2];
		uint32_t v;
		size_t outsz, newlen;
		const void *newp;

		name[0] = data[pos] % 32;
		memcpy(&v, data + pos + 1, 4);
		/* Keep buffer sizes small so an input runs fast; any value is still accepted or refused. */
		name[1] = (name[0] == KERN_KDSETBUF && (int)v > 0) ? (int)(v % 20000) : (int)v;
		outsz = (size_t)(data[pos + 5] | data[pos + 6] << 8) % (FUZZ_OUT_MAX + 1);
		newlen = (size_t)(data[pos + 7] | data[pos + 8] << 8);
		pos += 9;
		if (newlen > size - pos)
			newlen = size - pos;
		newp = newlen != 0 ? data + pos : NULL;
		/* A full type filter when the script asks for one with too little data. */
		if (name[0] == KERN_KDSET_TYPEFILTER && (v & 1) && newlen < KDBG_TYPEFILTER_BITMAP_SIZE) {
			memset(out, (int)(v >> 8), KDBG_TYPEFILTER_BITMAP_SIZE);
			newp = NULL;
			(void)kdbg_control(name, 2, NULL, NULL, out, KDBG_TYPEFILTER_BITMAP_SIZE, 1);
		} else {
			size_t sz = outsz;
			int err = kdbg_control(name, 2, outsz ? out : NULL, outsz ? &sz : NULL, newp, newlen,
			                       1);

			if (err == 0 && name[0] == KERN_KDREADTR && outsz != 0) {
				if (sz % sizeof(kd_buf) != 0 || sz > outsz)
					panic("fuzz_kdebug_control: read %zu bytes of %zu", sz, outsz);
				for (size_t i = 0; i < sz / sizeof(kd_buf); i++)
					if (((kd_buf *)out)[i].unused != 0)
						panic("fuzz_kdebug_control: record %zu not cleaned", i);
			}
		}
		pos += newlen;
		for (uint32_t i = 0; i < (v & 0xff); i++) {
			KDBG(BSDDBG_CODE(DBG_BSD_KDEBUG_TEST, i), i, v);
			KDBG(KDBG_EVENTID(v >> 24, v >> 16, i));
			KDBG_FILTERED(MISCDBG_CODE(DBG_EVENT, 1), i);
		}
	}
	kfree(out, FUZZ_OUT_MAX);
	kdbg_reset();
	return 0;
}
