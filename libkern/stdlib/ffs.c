/*
 * ffs.c — find first/last set bit. Bits are numbered from 1 (least
 * significant); 0 means no bit is set.
 */
#include <libkern/libkern.h>

int
ffs(unsigned int mask)
{
	return mask == 0 ? 0 : __builtin_ctz(mask) + 1;
}

int
ffsll(unsigned long long mask)
{
	return mask == 0 ? 0 : __builtin_ctzll(mask) + 1;
}

int
fls(unsigned int mask)
{
	return mask == 0 ? 0 : 32 - __builtin_clz(mask);
}

int
flsll(unsigned long long mask)
{
	return mask == 0 ? 0 : 64 - __builtin_clzll(mask);
}
