/*
 * fuzz_unserialize_xml.c — libFuzzer target for OSUnserializeXML, the
 * kernel's parser of untrusted XML. Any input must come back as an object
 * or as an error string, never a crash, a hang or a leak of the parser's
 * temporary objects; an accepted input must survive a serialize ->
 * unserialize round trip unchanged. The kernel boots once, on first input.
 */
#include <libkern/c/OSContainers.h>
#include <kern/debug.h>
#include "host/khost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_boot(void)
{
	static int booted;
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = NULL,
	        .flags = KERNEL_BOOT_QUIET | KERNEL_BOOT_NO_SELFCHECK,
	};

	if (!booted) {
		if (kernel_bootstrap(&params) != 0) {
			khost_exit(KHOST_EXIT_BOOT);
		}
		booted = 1;
	}
}

/* Serializing an accepted tree and parsing the text must give an equal tree. */
static void
fuzz_round_trip(const OSObject *obj)
{
	OSSerialize *s = OSSerialize_withCapacity(0);
	OSString *err = NULL;
	OSObject *back;

	if (!s) {
		return;
	}
	if (OSObject_serialize(obj, s)) {
		back = OSUnserializeXML(OSSerialize_text(s), &err);
		if (!back || !OSObject_isEqualTo(obj, back)) {
			panic("fuzz_unserialize_xml: round trip changed the tree (%s): %s",
			      err ? OSString_getCStringNoCopy(err) : "not equal", OSSerialize_text(s));
		}
		OSObject_release(back);
	}
	OSSafeReleaseNULL(err);
	OSObject_release(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int strings, symbols;
	OSString *err = NULL;
	OSObject *obj;

	fuzz_boot();
	strings = OSMetaClass_getInstanceCount(OSTypeID(OSString));
	symbols = OSSymbol_poolCount();
	obj = OSUnserializeXMLWithLength((const char *)data, size, &err);
	if (obj) {
		if (err) {
			panic("fuzz_unserialize_xml: an object and an error");
		}
		fuzz_round_trip(obj);
		OSObject_release(obj);
	} else if (!err) {
		panic("fuzz_unserialize_xml: no object and no error string");
	}
	OSSafeReleaseNULL(err);
	if (OSMetaClass_getInstanceCount(OSTypeID(OSString)) != strings || OSSymbol_poolCount() != symbols) {
		panic("fuzz_unserialize_xml: the parse leaked objects");
	}
	return 0;
}
