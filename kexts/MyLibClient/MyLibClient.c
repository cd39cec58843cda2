/*
 * MyLibClient — a kext that links against the MyLibrary library kext: its
 * Info.plist lists com.example.kext.MyLibrary 1.1 in OSBundleLibraries, so
 * loading it loads MyLibrary first and resolves MyLibrary_add and
 * MyLibrary_calls against it.
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>
#include "MyLibrary.h"

kern_return_t MyLibClient_start(kmod_info_t *ki, void *d);
kern_return_t MyLibClient_stop(kmod_info_t *ki, void *d);

kern_return_t
MyLibClient_start(kmod_info_t *ki, void *d)
{
	int sum = MyLibrary_add(2, 3);

	printf("MyLibClient: MyLibrary_add(2, 3) = %d, MyLibrary_calls = %u\n", sum, MyLibrary_calls);
	return sum == 5 ? KERN_SUCCESS : KERN_FAILURE;
}

kern_return_t
MyLibClient_stop(kmod_info_t *ki, void *d)
{
	printf("MyLibClient: stopped\n");
	return KERN_SUCCESS;
}
