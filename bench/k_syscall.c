/*
 * k_syscall.c — the kernel half of the system call benchmark: the kernel
 * the harness booted has no socket (no root), so start the server here.
 */
#include <sys/systm.h>
#include "bsd/kern/kern_request.h"
#include "bench/k_syscall.h"

int
k_syscall_server_start(const char *root)
{
	return kern_request_init(root);
}

void
k_syscall_server_stop(void)
{
	kern_request_shutdown();
}
