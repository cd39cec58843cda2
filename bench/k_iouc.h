/*
 * k_iouc.h — kernel-side helpers for bench/iouc.c (basic C types only): a
 * service with a test user client (tests/iokit/uctest.h) published in the
 * benchmark's kernel, for a client process to open and call.
 */
#ifndef KEXTHOST_BENCH_K_IOUC_H
#define KEXTHOST_BENCH_K_IOUC_H

/* Attach, start and register UCTestService on IOResources; 0, or -1 if it could not be made. */
int k_iouc_publish(void);
/* Terminate it (its user clients with it). */
void k_iouc_unpublish(void);

#endif /* KEXTHOST_BENCH_K_IOUC_H */
