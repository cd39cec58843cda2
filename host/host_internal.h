/*
 * host_internal.h — private helpers shared by the files of host/ (never
 * included by kernel code).
 */
#ifndef KEXTHOST_HOST_INTERNAL_H
#define KEXTHOST_HOST_INTERNAL_H

#include <stddef.h>

/* Translate a Linux errno value to the Darwin value the kernel uses. */
int khost_errno_to_darwin(int linux_errno);
/* And back (for the user/kernel boundary later). */
int khost_errno_from_darwin(int darwin_errno);

/* The calling thread's alternate signal stack (NULL if it has none) and its size (host/fault.c). */
void *khost_fault_altstack(size_t *size);

#endif
