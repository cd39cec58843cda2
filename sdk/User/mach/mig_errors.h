/* mach/mig_errors.h for user programs: the same definitions as the kernel SDK's. */
#include "../../Kernel/mach/mig_errors.h"
