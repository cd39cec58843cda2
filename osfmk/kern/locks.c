/*
 * locks.c — lock groups and attributes, module start-up (lck_mod_init) and
 * the lock self-check. The locks themselves are in lock_mtx.c, lock_spin.c
 * and lock_rw.c.
 *
 * A lock group names a set of locks and counts them: every lck_*_init()
 * takes a reference on its group and every lck_*_destroy() drops it, so a
 * group freed with lck_grp_free() while locks still use it lives until the
 * last of them is destroyed (as in XNU). Groups made with the
 * LCK_GRP_ATTR_STAT attribute also count contention (slow paths only, never
 * in the uncontended fast paths).
 */
#include <sys/cdefs.h>
#include <sys/systm.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/lock_order.h"
#include "osfmk/kern/startup.h"

/* The group behind LCK_GRP_NULL; never freed. */
lck_grp_t lck_grp_kernel = {
        .lck_grp_refcnt = 1,
        .lck_grp_name = "kernel",
};

/* Adaptive spin of contended mutexes and rw locks before they sleep (mtxspin boot-arg, in us). */
uint64_t lck_mtx_spin_ns = 10 * 1000;

static const lck_attr_t lck_attr_default_value = {0};

/* ---- group attributes ---------------------------------------------------- */

lck_grp_attr_t *
lck_grp_attr_alloc_init(void)
{
	lck_grp_attr_t *attr = kalloc(sizeof(*attr));
	if (attr != NULL)
		lck_grp_attr_setdefault(attr);
	return attr;
}

void
lck_grp_attr_setdefault(lck_grp_attr_t *attr)
{
	if (attr != NULL)
		attr->grp_attr_val = 0;
}

void
lck_grp_attr_setstat(lck_grp_attr_t *attr)
{
	if (attr != NULL)
		attr->grp_attr_val |= LCK_GRP_ATTR_STAT;
}

void
lck_grp_attr_free(lck_grp_attr_t *attr)
{
	if (attr != NULL)
		kfree(attr, sizeof(*attr));
}

/* ---- groups -------------------------------------------------------------- */

lck_grp_t *
lck_grp_alloc_init(const char *grp_name, lck_grp_attr_t *attr)
{
	lck_grp_t *grp = kalloc(sizeof(*grp));

	if (grp == NULL)
		return NULL;
	memset(grp, 0, sizeof(*grp));
	grp->lck_grp_refcnt = 1;
	grp->lck_grp_attr = attr != NULL ? attr->grp_attr_val : 0;
	strlcpy(grp->lck_grp_name, grp_name != NULL ? grp_name : "", sizeof(grp->lck_grp_name));
	return grp;
}

lck_grp_t *
lck_grp_resolve(lck_grp_t *grp)
{
	return grp != NULL ? grp : &lck_grp_kernel;
}

void
lck_grp_reference(lck_grp_t *grp, uint32_t *cnt)
{
	uint32_t old = __atomic_fetch_add(&grp->lck_grp_refcnt, 1, __ATOMIC_RELAXED);
	if (old == 0)
		panic("lck_grp_reference: group %p (%s) was already freed", grp, grp->lck_grp_name);
	__atomic_fetch_add(cnt, 1, __ATOMIC_RELAXED);
}

void
lck_grp_deallocate(lck_grp_t *grp, uint32_t *cnt)
{
	uint32_t old;

	if (cnt != NULL && __atomic_fetch_sub(cnt, 1, __ATOMIC_RELAXED) == 0)
		panic("lck_grp_deallocate: group %p (%s) lock count underflow", grp, grp->lck_grp_name);
	old = __atomic_fetch_sub(&grp->lck_grp_refcnt, 1, __ATOMIC_ACQ_REL);
	if (old == 0)
		panic("lck_grp_deallocate: group %p (%s) over-released", grp, grp->lck_grp_name);
	if (old == 1) {
		if (grp == &lck_grp_kernel)
			panic("lck_grp_deallocate: the kernel lock group was released");
		kfree(grp, sizeof(*grp));
	}
}

void
lck_grp_free(lck_grp_t *grp)
{
	if (grp == NULL || grp == &lck_grp_kernel)
		return;
	lck_grp_deallocate(grp, NULL);
}

/* ---- lock attributes ----------------------------------------------------- */

lck_attr_t *
lck_attr_alloc_init(void)
{
	lck_attr_t *attr = kalloc(sizeof(*attr));
	if (attr != NULL)
		lck_attr_setdefault(attr);
	return attr;
}

void
lck_attr_setdefault(lck_attr_t *attr)
{
	if (attr != NULL)
		*attr = lck_attr_default_value;
}

void
lck_attr_setdebug(lck_attr_t *attr)
{
	if (attr != NULL)
		attr->lck_attr_val |= LCK_ATTR_DEBUG;
}

void
lck_attr_cleardebug(lck_attr_t *attr)
{
	if (attr != NULL)
		attr->lck_attr_val &= ~LCK_ATTR_DEBUG;
}

void
lck_attr_free(lck_attr_t *attr)
{
	if (attr != NULL)
		kfree(attr, sizeof(*attr));
}

/* ---- start-up ------------------------------------------------------------ */

void
lck_mod_init(void)
{
	unsigned int us = 10;

	if (PE_parse_boot_argn("mtxspin", &us, sizeof(us)) && us > 1000 * 1000 / 16)
		us = 1000 * 1000 / 16; /* at most 1/16 s, as XNU caps it */
	lck_mtx_spin_ns = khost_ncpus() > 1 ? (uint64_t)us * 1000 : 0;
	lck_order_init();
}

/* ---- self-check ---------------------------------------------------------- */

int
lck_selfcheck(void)
{
	lck_grp_t *grp = lck_grp_alloc_init("lck_selfcheck", LCK_GRP_ATTR_NULL);
	lck_mtx_t *mtx;
	lck_spin_t *spin;
	lck_rw_t *rw;
	int err = 1;

	if (grp == NULL) {
		printf("lck_selfcheck: lck_grp_alloc_init failed\n");
		return 1;
	}
	mtx = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	spin = lck_spin_alloc_init(grp, LCK_ATTR_NULL);
	rw = lck_rw_alloc_init(grp, LCK_ATTR_NULL);
	if (mtx == NULL || spin == NULL || rw == NULL) {
		printf("lck_selfcheck: lock allocation failed\n");
		goto out;
	}
	if (grp->lck_grp_mtxcnt != 1 || grp->lck_grp_spincnt != 1 || grp->lck_grp_rwcnt != 1) {
		printf("lck_selfcheck: group counters %u/%u/%u, want 1/1/1\n", grp->lck_grp_mtxcnt,
		       grp->lck_grp_spincnt, grp->lck_grp_rwcnt);
		goto out;
	}
	lck_mtx_lock(mtx);
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_OWNED);
	if (lck_mtx_try_lock(mtx)) {
		printf("lck_selfcheck: lck_mtx_try_lock succeeded on a held mutex\n");
		goto out;
	}
	lck_mtx_unlock(mtx);
	if (!lck_mtx_try_lock(mtx)) {
		printf("lck_selfcheck: lck_mtx_try_lock failed on a free mutex\n");
		goto out;
	}
	lck_mtx_unlock(mtx);
	lck_mtx_assert(mtx, LCK_MTX_ASSERT_NOTOWNED);

	lck_spin_lock(spin);
	if (lck_spin_try_lock(spin)) {
		printf("lck_selfcheck: lck_spin_try_lock succeeded on a held lock\n");
		goto out;
	}
	lck_spin_unlock(spin);

	lck_rw_lock_shared(rw);
	lck_rw_lock_shared(rw);
	if (lck_rw_try_lock_exclusive(rw)) {
		printf("lck_selfcheck: exclusive try-lock succeeded on a shared rw lock\n");
		goto out;
	}
	lck_rw_unlock_shared(rw);
	if (!lck_rw_lock_shared_to_exclusive(rw)) {
		printf("lck_selfcheck: an uncontended upgrade failed\n");
		goto out;
	}
	lck_rw_assert(rw, LCK_RW_ASSERT_EXCLUSIVE);
	lck_rw_lock_exclusive_to_shared(rw);
	if (lck_rw_done(rw) != LCK_RW_TYPE_SHARED) {
		printf("lck_selfcheck: lck_rw_done after a downgrade did not report shared\n");
		goto out;
	}
	lck_rw_assert(rw, LCK_RW_ASSERT_NOTHELD);
	err = 0;
out:
	if (err != 0)
		return err; /* the locks may be held: leave them (the boot panics anyway) */
	if (rw != NULL)
		lck_rw_free(rw, grp);
	if (spin != NULL)
		lck_spin_free(spin, grp);
	if (mtx != NULL)
		lck_mtx_free(mtx, grp);
	lck_grp_free(grp);
	return err;
}
