/* mach/message.h for user programs: the same definitions as the kernel SDK's. */
#include "../../Kernel/mach/message.h"
