/*
 * UCTest.c — the user-client test kext (tests/userclient.sh): UCTestService
 * on IOResources and its user client UCTestUserClient, the same classes the
 * kernel-side tests, the fuzz target and the benchmark compile in
 * (tests/iokit/uctest.h).
 */
#include <string.h>
#include <mach/kmod.h>
#include "../../iokit/uctest.h"
