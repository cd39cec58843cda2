/*
 * client.c — a test kext that links against the library kext lib.c
 * (lib_add, lib_value) and com.apple.kpi.libkern (printf).
 */
#include <mach/kmod.h>
#include <sys/systm.h>

extern int lib_value;
int lib_add(int a, int b);

int client_result;

static kern_return_t
client_start(kmod_info_t *ki, void *d)
{
	client_result = lib_add(1, lib_value);
	printf("client: lib_add(1, %d) = %d\n", lib_value, client_result);
	return KERN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.example.client, "1.0", client_start, 0)
