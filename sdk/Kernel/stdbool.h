/*
 * stdbool.h — C99 bool for kernel code.
 */
#ifndef _KEXTHOST_STDBOOL_H_
#define _KEXTHOST_STDBOOL_H_

#define bool _Bool
#define true 1
#define false 0
#define __bool_true_false_are_defined 1

#endif /* _KEXTHOST_STDBOOL_H_ */
