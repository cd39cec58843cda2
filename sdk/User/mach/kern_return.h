/* mach/kern_return.h for user programs: the same definitions as the kernel SDK's. */
#include "../../Kernel/mach/kern_return.h"
