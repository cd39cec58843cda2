/*
 * kern/locks.h — lock groups, attributes, mutexes, spin locks and
 * reader-writer locks of the Mach lock KPI. Lock structures are opaque to
 * kexts: allocate them with the *_alloc_init functions.
 */
#ifndef _KERN_LOCKS_H_
#define _KERN_LOCKS_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/mach_types.h>

typedef unsigned int lck_sleep_action_t;
#define LCK_SLEEP_DEFAULT 0x00   /* release the lock while waiting, re-take it after */
#define LCK_SLEEP_UNLOCK 0x01    /* release the lock and return unheld */
#define LCK_SLEEP_SHARED 0x02    /* re-take an rw lock shared */
#define LCK_SLEEP_EXCLUSIVE 0x04 /* re-take an rw lock exclusive */
#define LCK_SLEEP_SPIN 0x08      /* re-take a mutex as a spin lock */
#define LCK_SLEEP_PROMOTED_PRI 0x10
#define LCK_SLEEP_SPIN_ALWAYS 0x20
#define LCK_SLEEP_MASK 0x3f

typedef unsigned int lck_wait_result_t; /* identical values to wait_result_t */
#define LCK_WAIT_RESULT_ANY 0

typedef struct _lck_grp_attr_ lck_grp_attr_t;
typedef struct _lck_grp_ lck_grp_t;
typedef struct _lck_attr_ lck_attr_t;
typedef struct _lck_mtx_ lck_mtx_t;
typedef struct _lck_spin_ lck_spin_t;
typedef struct _lck_rw_ lck_rw_t;

#define LCK_GRP_ATTR_NULL ((lck_grp_attr_t *)0)
#define LCK_GRP_NULL ((lck_grp_t *)0)
#define LCK_ATTR_NULL ((lck_attr_t *)0)
#define LCK_GRP_MAX_NAME 64

/* lck_rw type argument and lck_rw_done() result. */
typedef unsigned int lck_rw_type_t;
#define LCK_RW_TYPE_SHARED 0x01
#define LCK_RW_TYPE_EXCLUSIVE 0x02

/* lck_mtx_assert / lck_rw_assert types. */
#define LCK_MTX_ASSERT_OWNED 0x01
#define LCK_MTX_ASSERT_NOTOWNED 0x02
#define LCK_ASSERT_OWNED 1
#define LCK_ASSERT_NOTOWNED 2
#define LCK_RW_ASSERT_SHARED 0x01
#define LCK_RW_ASSERT_EXCLUSIVE 0x02
#define LCK_RW_ASSERT_HELD 0x03
#define LCK_RW_ASSERT_NOTHELD 0x04

lck_grp_attr_t *lck_grp_attr_alloc_init(void);
void lck_grp_attr_setdefault(lck_grp_attr_t *attr);
void lck_grp_attr_setstat(lck_grp_attr_t *attr);
void lck_grp_attr_free(lck_grp_attr_t *attr);

lck_grp_t *lck_grp_alloc_init(const char *grp_name, lck_grp_attr_t *attr);
void lck_grp_free(lck_grp_t *grp);

lck_attr_t *lck_attr_alloc_init(void);
void lck_attr_setdefault(lck_attr_t *attr);
void lck_attr_setdebug(lck_attr_t *attr);
void lck_attr_cleardebug(lck_attr_t *attr);
void lck_attr_free(lck_attr_t *attr);

lck_spin_t *lck_spin_alloc_init(lck_grp_t *grp, lck_attr_t *attr);
void lck_spin_init(lck_spin_t *lck, lck_grp_t *grp, lck_attr_t *attr);
void lck_spin_lock(lck_spin_t *lck);
void lck_spin_unlock(lck_spin_t *lck);
boolean_t lck_spin_try_lock(lck_spin_t *lck);
void lck_spin_destroy(lck_spin_t *lck, lck_grp_t *grp);
void lck_spin_free(lck_spin_t *lck, lck_grp_t *grp);
void lck_spin_assert(lck_spin_t *lck, unsigned int type);
wait_result_t lck_spin_sleep(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                             wait_interrupt_t interruptible);
wait_result_t lck_spin_sleep_deadline(lck_spin_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                                      wait_interrupt_t interruptible, uint64_t deadline);

lck_mtx_t *lck_mtx_alloc_init(lck_grp_t *grp, lck_attr_t *attr);
void lck_mtx_init(lck_mtx_t *lck, lck_grp_t *grp, lck_attr_t *attr);
void lck_mtx_lock(lck_mtx_t *lck);
void lck_mtx_lock_spin(lck_mtx_t *lck);
void lck_mtx_convert_spin(lck_mtx_t *lck);
void lck_mtx_unlock(lck_mtx_t *lck);
boolean_t lck_mtx_try_lock(lck_mtx_t *lck);
boolean_t lck_mtx_try_lock_spin(lck_mtx_t *lck);
void lck_mtx_destroy(lck_mtx_t *lck, lck_grp_t *grp);
void lck_mtx_free(lck_mtx_t *lck, lck_grp_t *grp);
void lck_mtx_assert(lck_mtx_t *lck, unsigned int type);
wait_result_t lck_mtx_sleep(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                            wait_interrupt_t interruptible);
wait_result_t lck_mtx_sleep_deadline(lck_mtx_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                                     wait_interrupt_t interruptible, uint64_t deadline);

lck_rw_t *lck_rw_alloc_init(lck_grp_t *grp, lck_attr_t *attr);
void lck_rw_init(lck_rw_t *lck, lck_grp_t *grp, lck_attr_t *attr);
void lck_rw_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type);
void lck_rw_unlock(lck_rw_t *lck, lck_rw_type_t lck_rw_type);
void lck_rw_lock_shared(lck_rw_t *lck);
void lck_rw_unlock_shared(lck_rw_t *lck);
void lck_rw_lock_exclusive(lck_rw_t *lck);
void lck_rw_unlock_exclusive(lck_rw_t *lck);
boolean_t lck_rw_try_lock(lck_rw_t *lck, lck_rw_type_t lck_rw_type);
boolean_t lck_rw_try_lock_shared(lck_rw_t *lck);
boolean_t lck_rw_try_lock_exclusive(lck_rw_t *lck);
/* Upgrade: on failure the lock has been released and FALSE is returned. */
boolean_t lck_rw_lock_shared_to_exclusive(lck_rw_t *lck);
void lck_rw_lock_exclusive_to_shared(lck_rw_t *lck);
lck_rw_type_t lck_rw_done(lck_rw_t *lck);
void lck_rw_destroy(lck_rw_t *lck, lck_grp_t *grp);
void lck_rw_free(lck_rw_t *lck, lck_grp_t *grp);
void lck_rw_assert(lck_rw_t *lck, unsigned int type);
wait_result_t lck_rw_sleep(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                           wait_interrupt_t interruptible);
wait_result_t lck_rw_sleep_deadline(lck_rw_t *lck, lck_sleep_action_t lck_sleep_action, event_t event,
                                    wait_interrupt_t interruptible, uint64_t deadline);

#endif /* _KERN_LOCKS_H_ */
