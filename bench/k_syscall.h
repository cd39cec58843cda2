/*
 * k_syscall.h — kernel-side helpers for bench/syscall.c (basic C types only):
 * start and stop the request channel's server under a scratch root, so a
 * client process can make system calls against the benchmark's kernel.
 */
#ifndef KEXTHOST_BENCH_K_SYSCALL_H
#define KEXTHOST_BENCH_K_SYSCALL_H

/* Listen on <root>/var/run/kexthost.sock (the folder must exist); 0 or a Darwin errno. */
int k_syscall_server_start(const char *root);
void k_syscall_server_stop(void);

#endif /* KEXTHOST_BENCH_K_SYSCALL_H */
