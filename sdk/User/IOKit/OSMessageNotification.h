/* IOKit/OSMessageNotification.h for user programs: the same definitions as the kernel SDK's. */
#include "../../Kernel/IOKit/OSMessageNotification.h"
