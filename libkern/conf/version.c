/*
 * version.c — the kernel's version record: the values of the Libkern KPI's
 * version, osrelease, ostype and version_* symbols, and the banner printed at
 * boot. DARWIN_VERSION is a build setting (Makefile: DARWIN_VERSION=19.6.0,
 * so kexts written for Tiger through Catalina accept this kernel).
 */
#include <sys/types.h>
#include <libkern/version.h>
#include "host/khost.h"

#ifndef KEXTHOST_DARWIN_MAJOR
#define KEXTHOST_DARWIN_MAJOR 19
#define KEXTHOST_DARWIN_MINOR 6
#define KEXTHOST_DARWIN_REVISION 0
#endif
#define KH_STR2(x) #x
#define KH_STR(x) KH_STR2(x)
#define KH_RELEASE \
	KH_STR(KEXTHOST_DARWIN_MAJOR) "." KH_STR(KEXTHOST_DARWIN_MINOR) "." KH_STR(KEXTHOST_DARWIN_REVISION)
#ifndef KEXTHOST_BUILD_TAG
#define KEXTHOST_BUILD_TAG "kexthost"
#endif

const char ostype[] = "Darwin";
const char osrelease[] = KH_RELEASE;
const int version_major = KEXTHOST_DARWIN_MAJOR;
const int version_minor = KEXTHOST_DARWIN_MINOR;
const int version_revision = KEXTHOST_DARWIN_REVISION;
const char version_variant[] = "RELEASE";
const int version_stage = 0x80; /* final */
const int version_prerelease_level = 0;
const char version[] = "Darwin Kernel Version " KH_RELEASE ": " __DATE__ " " __TIME__
                       "; root:" KEXTHOST_BUILD_TAG "/RELEASE_X86_64";

const char *
kernel_version_string(void)
{
	return version;
}
