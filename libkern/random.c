/*
 * random.c — the kernel's random numbers. random() is a fast, thread-safe,
 * non-cryptographic generator (SplitMix64 over an atomic counter, seeded
 * from the host at boot): one atomic add per call and no lock. read_random
 * and read_frandom return cryptographic-quality bytes from the host.
 */
#include <sys/systm.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"

#define RANDOM_GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t random_counter = 0x853c49e6748fea9bULL;

void
random_init(void)
{
	uint64_t seed;

	khost_random(&seed, sizeof(seed));
	__atomic_store_n(&random_counter, seed, __ATOMIC_RELAXED);
}

u_int32_t
random(void)
{
	uint64_t z = __atomic_add_fetch(&random_counter, RANDOM_GOLDEN, __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (u_int32_t)(z >> 32);
}

void
read_random(void *buffer, u_int numBytes)
{
	if (buffer != NULL && numBytes != 0) {
		khost_random(buffer, numBytes);
	}
}

void
read_frandom(void *buffer, u_int numBytes)
{
	read_random(buffer, numBytes);
}
