/*
 * HelloKext — the first exercise of every kext workshop: a kext whose start
 * routine says hello and whose stop routine says goodbye. Build it with
 * kextbuild (which generates kmod_info from Info.plist and --start/--stop,
 * as Xcode's MODULE_START/MODULE_STOP do), install it and load it:
 *
 *   build/bin/kextbuild -o HelloKext.kext --plist kexts/HelloKext/Info.plist \
 *           --start HelloKext_start --stop HelloKext_stop kexts/HelloKext/HelloKext.c
 *   kextload HelloKext.kext; kextstat -b com.example.kext.HelloKext; kextunload HelloKext.kext
 *
 * printf (com.apple.kpi.libkern) and IOLog (com.apple.kpi.iokit) both write
 * to the kernel log: read it with `kexthost dmesg`.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <libkern/libkern.h>
#include <sys/systm.h>
#include <IOKit/IOLib.h>

kern_return_t HelloKext_start(kmod_info_t *ki, void *d);
kern_return_t HelloKext_stop(kmod_info_t *ki, void *d);

kern_return_t
HelloKext_start(kmod_info_t *ki, void *d)
{
	printf("Hello, World!\n");
	IOLog("HelloKext: %s %s started with load tag %u\n", ki->name, ki->version, ki->id);
	return KERN_SUCCESS;
}

kern_return_t
HelloKext_stop(kmod_info_t *ki, void *d)
{
	printf("Goodbye, World!\n");
	IOLog("HelloKext: stopping\n");
	return KERN_SUCCESS;
}
