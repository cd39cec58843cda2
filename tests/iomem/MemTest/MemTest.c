/*
 * MemTest.c — the memory test kext (tests/iomem.sh): MemTestService on
 * IOResources and its user client MemTestUserClient, which shares buffers
 * through clientMemoryForType; the same classes the kernel-side tests and
 * the benchmark compile in (tests/iokit/memtest.h).
 */
#include <string.h>
#include <mach/kmod.h>
#include "../../iokit/memtest.h"
