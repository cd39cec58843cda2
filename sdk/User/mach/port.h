/* mach/port.h for user programs: the same definitions as the kernel SDK's. */
#include "../../Kernel/mach/port.h"
