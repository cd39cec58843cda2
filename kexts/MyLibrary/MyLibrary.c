/*
 * MyLibrary — a library kext: it exports a function and a global variable
 * to client kexts (see MyLibClient). Its Info.plist declares
 * OSBundleCompatibleVersion 1.0, so clients asking for any version from 1.0
 * up to its CFBundleVersion (1.2.0) link against it; the kernel refuses to
 * unload it while a client is loaded.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>
#include "MyLibrary.h"

kern_return_t MyLibrary_start(kmod_info_t *ki, void *d);
kern_return_t MyLibrary_stop(kmod_info_t *ki, void *d);

unsigned int MyLibrary_calls;

int
MyLibrary_add(int a, int b)
{
	MyLibrary_calls++;
	return a + b;
}

kern_return_t
MyLibrary_start(kmod_info_t *ki, void *d)
{
	printf("MyLibrary: started (version %s)\n", ki->version);
	return KERN_SUCCESS;
}

kern_return_t
MyLibrary_stop(kmod_info_t *ki, void *d)
{
	printf("MyLibrary: stopped after %u calls\n", MyLibrary_calls);
	return KERN_SUCCESS;
}
