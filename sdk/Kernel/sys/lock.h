/*
 * sys/lock.h — BSD spelling of the lock KPI: includes kern/locks.h.
 */
#ifndef _SYS_LOCK_H_
#define _SYS_LOCK_H_
#include <kern/locks.h>
#endif
