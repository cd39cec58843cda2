/*
 * kern_sysctl.c — the sysctl tree: registration of oids, lookup by number and
 * by name, the permission rules, the standard value handlers and the
 * "sysctl" meta-node (0.x) that user space uses to translate names, walk the
 * tree and learn an oid's type.
 *
 * The tree is made of the oids themselves: every node's children are a list
 * sorted by number (struct sysctl_oid_list), so a lookup follows one list per
 * name component. sysctl_tree_mtx protects the lists. It is never held while
 * a handler runs, because handlers may copy in and out and sleep; instead the
 * dispatcher holds a reference (oid_refcnt) on the oid it calls, and
 * sysctl_unregister_oid() waits for the references to drain before it returns,
 * so a kext's handler never runs after its oid is gone. Oids without
 * CTLFLAG_LOCKED are "legacy": their handlers run under one global mutex, as
 * in XNU.
 *
 * Permission rules (Darwin's): a write needs CTLFLAG_WR, and root unless the
 * oid has CTLFLAG_ANYBODY; an in-kernel caller may only use CTLFLAG_KERN oids.
 * A node without a handler can't be read as a value (EISDIR).
 *
 * The kernel's own oids (kern_mib.c) are registered on the first use of the
 * tree, whichever entry point that is.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <string.h>
#include <kern/locks.h>
#include "host/khost.h"
#include "bsd/kern/kern_sysctl.h"

/* Private oid_kind bit: the number was assigned by OID_AUTO (restored on unregister). */
#define SYSCTL_KIND_AUTO 0x00080000

struct sysctl_oid_list sysctl__children;

static lck_grp_t *sysctl_lck_grp;
static lck_mtx_t *sysctl_tree_mtx;
static lck_mtx_t *sysctl_legacy_mtx;
static int sysctl_state; /* 0 not set up, 1 being set up, 2 ready */
uint64_t sysctl_calls;   /* requests dispatched (debug.sysctl_calls) */

static void sysctl_register_locked(struct sysctl_oid *oidp);

void
sysctl_init(void)
{
	int expect = 0;

	if (__atomic_load_n(&sysctl_state, __ATOMIC_ACQUIRE) == 2)
		return;
	if (!__atomic_compare_exchange_n(&sysctl_state, &expect, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&sysctl_state, __ATOMIC_ACQUIRE) != 2)
			khost_thread_yield();
		return;
	}
	sysctl_lck_grp = lck_grp_alloc_init("sysctl", LCK_GRP_ATTR_NULL);
	sysctl_tree_mtx = lck_mtx_alloc_init(sysctl_lck_grp, LCK_ATTR_NULL);
	sysctl_legacy_mtx = lck_mtx_alloc_init(sysctl_lck_grp, LCK_ATTR_NULL);
	lck_mtx_lock(sysctl_tree_mtx);
	for (unsigned int i = 0; i < sysctl_kernel_noids; i++)
		sysctl_register_locked(sysctl_kernel_oids[i]);
	lck_mtx_unlock(sysctl_tree_mtx);
	__atomic_store_n(&sysctl_state, 2, __ATOMIC_RELEASE);
}

/* ---- registration ------------------------------------------------------------ */

static void
sysctl_register_locked(struct sysctl_oid *oidp)
{
	struct sysctl_oid_list *list;
	struct sysctl_oid *p, **linkp;
	int highest = OID_AUTO_START - 1;

	lck_mtx_assert(sysctl_tree_mtx, LCK_MTX_ASSERT_OWNED);
	if (oidp == NULL || oidp->oid_parent == NULL || oidp->oid_name == NULL || oidp->oid_name[0] == '\0' ||
	    strchr(oidp->oid_name, '.') != NULL) {
		printf("sysctl_register_oid: invalid oid %p (%s)\n", oidp,
		       oidp && oidp->oid_name ? oidp->oid_name : "no name");
		return;
	}
	list = oidp->oid_parent;
	for (p = list->slh_first; p != NULL; p = p->oid_link.sle_next) {
		if (p == oidp) {
			printf("sysctl_register_oid: %s is already registered\n", oidp->oid_name);
			return;
		}
		if (strcmp(p->oid_name, oidp->oid_name) == 0 ||
		    (oidp->oid_number != OID_AUTO && p->oid_number == oidp->oid_number)) {
			printf("sysctl_register_oid: %s (%d) clashes with the registered %s (%d); not "
			       "registered\n",
			       oidp->oid_name, oidp->oid_number, p->oid_name, p->oid_number);
			return;
		}
		if (p->oid_number > highest)
			highest = p->oid_number;
	}
	if (oidp->oid_number == OID_AUTO) {
		if (highest == __INT_MAX__) {
			printf("sysctl_register_oid: no free number for %s\n", oidp->oid_name);
			return;
		}
		oidp->oid_number = highest + 1;
		oidp->oid_kind |= SYSCTL_KIND_AUTO;
	}
	oidp->oid_refcnt = 0;
	linkp = &list->slh_first;
	while (*linkp != NULL && (*linkp)->oid_number < oidp->oid_number)
		linkp = &(*linkp)->oid_link.sle_next;
	oidp->oid_link.sle_next = *linkp;
	*linkp = oidp;
}

void
sysctl_register_oid(struct sysctl_oid *oidp)
{
	sysctl_init();
	lck_mtx_lock(sysctl_tree_mtx);
	sysctl_register_locked(oidp);
	lck_mtx_unlock(sysctl_tree_mtx);
}

void
sysctl_unregister_oid(struct sysctl_oid *oidp)
{
	struct sysctl_oid **linkp;

	if (oidp == NULL || oidp->oid_parent == NULL)
		return;
	sysctl_init();
	lck_mtx_lock(sysctl_tree_mtx);
	for (linkp = &oidp->oid_parent->slh_first; *linkp != NULL; linkp = &(*linkp)->oid_link.sle_next)
		if (*linkp == oidp)
			break;
	if (*linkp == NULL) {
		lck_mtx_unlock(sysctl_tree_mtx);
		printf("sysctl_unregister_oid: %s is not registered\n",
		       oidp->oid_name ? oidp->oid_name : "?");
		return;
	}
	*linkp = oidp->oid_link.sle_next;
	oidp->oid_link.sle_next = NULL;
	/* A handler may be running: its caller holds a reference. */
	while (oidp->oid_refcnt > 0)
		msleep(&oidp->oid_refcnt, sysctl_tree_mtx, PWAIT, "sysctl_unreg", NULL);
	if (oidp->oid_kind & SYSCTL_KIND_AUTO) {
		oidp->oid_kind &= ~SYSCTL_KIND_AUTO;
		oidp->oid_number = OID_AUTO;
	}
	lck_mtx_unlock(sysctl_tree_mtx);
}

/* ---- lookup ------------------------------------------------------------------ */

static struct sysctl_oid *
sysctl_child_by_number(struct sysctl_oid_list *list, int n)
{
	for (struct sysctl_oid *p = list->slh_first; p != NULL && p->oid_number <= n;
	     p = p->oid_link.sle_next)
		if (p->oid_number == n)
			return p;
	return NULL;
}

static struct sysctl_oid *
sysctl_child_by_name(struct sysctl_oid_list *list, const char *name, size_t len)
{
	for (struct sysctl_oid *p = list->slh_first; p != NULL; p = p->oid_link.sle_next)
		if (strncmp(p->oid_name, name, len) == 0 && p->oid_name[len] == '\0')
			return p;
	return NULL;
}

static int
sysctl_is_node(const struct sysctl_oid *oid)
{
	return (oid->oid_kind & CTLTYPE) == CTLTYPE_NODE;
}

/*
 * Follow name down the tree. Stops at a leaf, or at a node with a handler
 * (which interprets the rest of the name itself); *used is the number of
 * components consumed. ENOENT when a component does not exist or a leaf has
 * more components below it.
 */
static int
sysctl_lookup_locked(const int *name, u_int namelen, struct sysctl_oid **oidp, u_int *used)
{
	struct sysctl_oid_list *list = &sysctl__children;
	struct sysctl_oid *oid = NULL;
	u_int i;

	lck_mtx_assert(sysctl_tree_mtx, LCK_MTX_ASSERT_OWNED);
	for (i = 0; i < namelen; i++) {
		oid = sysctl_child_by_number(list, name[i]);
		if (oid == NULL)
			return ENOENT;
		if (!sysctl_is_node(oid) || oid->oid_handler != NULL) {
			i++;
			break;
		}
		list = oid->oid_arg1;
	}
	if (oid == NULL)
		return ENOENT;
	if (!sysctl_is_node(oid) && i < namelen)
		return ENOENT;
	*oidp = oid;
	*used = i;
	return 0;
}

static int
sysctl_name2mib_locked(const char *name, size_t len, int *mib, u_int *miblen)
{
	struct sysctl_oid_list *list = &sysctl__children;
	u_int n = 0;
	size_t i = 0;

	lck_mtx_assert(sysctl_tree_mtx, LCK_MTX_ASSERT_OWNED);
	if (len == 0)
		return ENOENT;
	while (i < len) {
		size_t j = i;
		struct sysctl_oid *oid;

		while (j < len && name[j] != '.')
			j++;
		if (j == i || list == NULL)
			return ENOENT;
		oid = sysctl_child_by_name(list, name + i, j - i);
		if (oid == NULL)
			return ENOENT;
		if (n >= *miblen)
			return n >= CTL_MAXNAME ? ENAMETOOLONG : ENOMEM;
		mib[n++] = oid->oid_number;
		/* A trailing '.' names nothing. */
		if (j < len && j + 1 == len)
			return ENOENT;
		list = sysctl_is_node(oid) && oid->oid_handler == NULL ? oid->oid_arg1 : NULL;
		i = j + 1;
	}
	*miblen = n;
	return 0;
}

int
sysctl_name2mib(const char *name, int *mib, u_int *miblen)
{
	int err;
	size_t len;

	if (name == NULL || mib == NULL || miblen == NULL)
		return EINVAL;
	len = strnlen(name, MAXPATHLEN);
	if (len >= MAXPATHLEN)
		return ENAMETOOLONG;
	sysctl_init();
	lck_mtx_lock(sysctl_tree_mtx);
	err = sysctl_name2mib_locked(name, len, mib, miblen);
	lck_mtx_unlock(sysctl_tree_mtx);
	return err;
}

/* ---- moving values in and out ------------------------------------------------ */

/* Old values go to a kernel buffer (the system call layer copies it out). */
static int
sysctl_old_kernel(struct sysctl_req *req, const void *p, size_t l)
{
	size_t n = 0;

	if (req->oldptr != USER_ADDR_NULL) {
		if (req->oldidx < req->oldlen)
			n = req->oldlen - req->oldidx < l ? req->oldlen - req->oldidx : l;
		if (n != 0)
			memcpy((char *)(uintptr_t)req->oldptr + req->oldidx, p, n);
	}
	req->oldidx += l;
	if (req->oldptr != USER_ADDR_NULL && n != l)
		return ENOMEM;
	return 0;
}

static int
sysctl_new_kernel(struct sysctl_req *req, void *p, size_t l)
{
	if (req->newptr == USER_ADDR_NULL)
		return 0;
	if (req->newidx > req->newlen || req->newlen - req->newidx < l)
		return EINVAL;
	memcpy(p, (const char *)(uintptr_t)req->newptr + req->newidx, l);
	req->newidx += l;
	return 0;
}

/* ---- the dispatcher ---------------------------------------------------------- */

static int
sysctl_check_access(const struct sysctl_caller *c, const struct sysctl_oid *oid, const struct sysctl_req *req)
{
	if (sysctl_is_node(oid) && oid->oid_handler == NULL)
		return EISDIR;
	if (oid->oid_handler == NULL)
		return EINVAL;
	if (c->from_kernel && !(oid->oid_kind & CTLFLAG_KERN))
		return EPERM;
	if (req->newptr != USER_ADDR_NULL) {
		if (!(oid->oid_kind & CTLFLAG_WR))
			return EPERM;
		if (!(oid->oid_kind & CTLFLAG_ANYBODY) && !c->is_root)
			return EPERM;
	}
	return 0;
}

int
sysctl_dispatch(const struct sysctl_caller *c, const int *name, u_int namelen, void *oldp, size_t *oldlenp,
                const void *newp, size_t newlen)
{
	struct sysctl_req req = {0};
	struct sysctl_oid *oid;
	u_int used;
	int err;

	if (c == NULL || name == NULL || namelen == 0 || namelen > CTL_MAXNAME)
		return EINVAL;
	if (oldp != NULL && oldlenp == NULL)
		return EINVAL;
	sysctl_init();
	__atomic_fetch_add(&sysctl_calls, 1, __ATOMIC_RELAXED);

	req.p = c->p;
	req.oldptr = CAST_USER_ADDR_T(oldp);
	req.oldlen = oldlenp != NULL ? *oldlenp : 0;
	req.oldfunc = sysctl_old_kernel;
	req.newptr = CAST_USER_ADDR_T(newp);
	req.newlen = newp != NULL ? newlen : 0;
	req.newfunc = sysctl_new_kernel;

	lck_mtx_lock(sysctl_tree_mtx);
	err = sysctl_lookup_locked(name, namelen, &oid, &used);
	if (err == 0)
		err = sysctl_check_access(c, oid, &req);
	if (err != 0) {
		lck_mtx_unlock(sysctl_tree_mtx);
		return err;
	}
	oid->oid_refcnt++;
	lck_mtx_unlock(sysctl_tree_mtx);

	if (!(oid->oid_kind & CTLFLAG_LOCKED))
		lck_mtx_lock(sysctl_legacy_mtx);
	if (sysctl_is_node(oid))
		err = oid->oid_handler(oid, (void *)(uintptr_t)(name + used), (int)(namelen - used), &req);
	else
		err = oid->oid_handler(oid, oid->oid_arg1, oid->oid_arg2, &req);
	if (!(oid->oid_kind & CTLFLAG_LOCKED))
		lck_mtx_unlock(sysctl_legacy_mtx);

	lck_mtx_lock(sysctl_tree_mtx);
	if (--oid->oid_refcnt == 0)
		wakeup(&oid->oid_refcnt);
	lck_mtx_unlock(sysctl_tree_mtx);

	if (oldlenp != NULL)
		*oldlenp = (oldp != NULL && req.oldidx > req.oldlen) ? req.oldlen : req.oldidx;
	return err;
}

int
kernel_sysctl(struct proc *p, int *name, u_int namelen, void *oldp, size_t *oldlenp, void *newp,
              size_t newlen)
{
	struct sysctl_caller c = {.p = p, .is_root = 1, .from_kernel = 1};

	return sysctl_dispatch(&c, name, namelen, oldp, oldlenp, newp, newlen);
}

int
kernel_sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
{
	int mib[CTL_MAXNAME];
	u_int miblen = CTL_MAXNAME;
	int err = sysctl_name2mib(name, mib, &miblen);

	if (err != 0)
		return err;
	return kernel_sysctl(NULL, mib, miblen, oldp, oldlenp, newp, newlen);
}

int
sysctlbyname(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
{
	return kernel_sysctlbyname(name, oldp, oldlenp, newp, newlen);
}

/* ---- standard handlers ------------------------------------------------------- */

int sysctl_handle_int SYSCTL_HANDLER_ARGS
{
	int v = arg1 != NULL ? *(int *)arg1 : arg2;
	int err = SYSCTL_OUT(req, &v, sizeof(v));

	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	if (arg1 == NULL)
		return EPERM;
	err = SYSCTL_IN(req, &v, sizeof(v));
	if (err == 0)
		*(int *)arg1 = v;
	return err;
}

int sysctl_handle_long SYSCTL_HANDLER_ARGS
{
	long v;
	int err;

	if (arg1 == NULL)
		return EINVAL;
	v = *(long *)arg1;
	err = SYSCTL_OUT(req, &v, sizeof(v));
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	err = SYSCTL_IN(req, &v, sizeof(v));
	if (err == 0)
		*(long *)arg1 = v;
	return err;
}

int sysctl_handle_quad SYSCTL_HANDLER_ARGS
{
	long long v;
	int err;

	if (arg1 == NULL)
		return EINVAL;
	v = *(long long *)arg1;
	err = SYSCTL_OUT(req, &v, sizeof(v));
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	err = SYSCTL_IN(req, &v, sizeof(v));
	if (err == 0)
		*(long long *)arg1 = v;
	return err;
}

/* An int shown as a 64-bit value; a new value must fit in an int. */
int sysctl_handle_int2quad SYSCTL_HANDLER_ARGS
{
	long long v;
	int err;

	if (arg1 == NULL)
		return EINVAL;
	v = *(int *)arg1;
	err = SYSCTL_OUT(req, &v, sizeof(v));
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	err = SYSCTL_IN(req, &v, sizeof(v));
	if (err != 0)
		return err;
	if (v < -__INT_MAX__ - 1 || v > __INT_MAX__)
		return ERANGE;
	*(int *)arg1 = (int)v;
	return 0;
}

/* arg1 a NUL-terminated buffer of arg2 bytes (0: read-only); a new value must leave room for the NUL. */
int sysctl_handle_string SYSCTL_HANDLER_ARGS
{
	int err;
	size_t n;

	if (arg1 == NULL)
		return EINVAL;
	err = SYSCTL_OUT(req, arg1, strlen(arg1) + 1);
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	if (arg2 <= 0)
		return EPERM;
	n = req->newlen - req->newidx;
	if (n >= (size_t)arg2)
		return EINVAL;
	err = SYSCTL_IN(req, arg1, n);
	if (err == 0)
		((char *)arg1)[n] = '\0';
	return err;
}

int sysctl_handle_opaque SYSCTL_HANDLER_ARGS
{
	int err;

	if (arg1 == NULL || arg2 < 0)
		return EINVAL;
	err = SYSCTL_OUT(req, arg1, (size_t)arg2);
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	return SYSCTL_IN(req, arg1, (size_t)arg2);
}

int
sysctl_io_number(struct sysctl_req *req, long long bigValue, size_t valueSize, void *pValue, int *changed)
{
	int err;
	int small = (int)bigValue;

	if (changed != NULL)
		*changed = 0;
	if (valueSize == sizeof(int))
		err = SYSCTL_OUT(req, &small, sizeof(small));
	else if (valueSize == sizeof(long long))
		err = SYSCTL_OUT(req, &bigValue, sizeof(bigValue));
	else
		return EINVAL;
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	if (pValue == NULL)
		return EPERM;
	err = SYSCTL_IN(req, pValue, valueSize);
	if (err == 0 && changed != NULL)
		*changed = 1;
	return err;
}

int
sysctl_io_string(struct sysctl_req *req, char *pValue, size_t valueSize, int trunc, int *changed)
{
	size_t len, n;
	int err;

	if (changed != NULL)
		*changed = 0;
	if (pValue == NULL || valueSize == 0)
		return EINVAL;
	len = strnlen(pValue, valueSize - 1) + 1;
	if (trunc && req->oldptr != USER_ADDR_NULL && req->oldlen > req->oldidx &&
	    req->oldlen - req->oldidx < len) {
		char nul = '\0';

		n = req->oldlen - req->oldidx - 1;
		err = SYSCTL_OUT(req, pValue, n);
		if (err == 0)
			err = SYSCTL_OUT(req, &nul, 1);
	} else {
		err = SYSCTL_OUT(req, pValue, len);
	}
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	n = req->newlen - req->newidx;
	if (n >= valueSize)
		return EINVAL;
	err = SYSCTL_IN(req, pValue, n);
	if (err != 0)
		return err;
	pValue[n] = '\0';
	if (changed != NULL)
		*changed = 1;
	return 0;
}

int
sysctl_io_opaque(struct sysctl_req *req, void *pValue, size_t valueSize, int *changed)
{
	int err;

	if (changed != NULL)
		*changed = 0;
	err = SYSCTL_OUT(req, pValue, valueSize);
	if (err != 0 || req->newptr == USER_ADDR_NULL)
		return err;
	err = SYSCTL_IN(req, pValue, valueSize);
	if (err == 0 && changed != NULL)
		*changed = 1;
	return err;
}

/* ---- the sysctl.* meta-node: names, walking, formats --------------------------- */

/* sysctl.name.<mib>: the dotted name (numbers for components that don't exist). */
static int sysctl_sysctl_name SYSCTL_HANDLER_ARGS
{
	const int *name = arg1;
	u_int namelen = (u_int)arg2;
	struct sysctl_oid_list *list = &sysctl__children;
	char buf[MAXPATHLEN];
	size_t len = 0;

	if (namelen > CTL_MAXNAME)
		return EINVAL;
	buf[0] = '\0';
	lck_mtx_lock(sysctl_tree_mtx);
	for (u_int i = 0; i < namelen; i++) {
		struct sysctl_oid *oid = list != NULL ? sysctl_child_by_number(list, name[i]) : NULL;
		int n;

		if (oid != NULL)
			n = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? "." : "", oid->oid_name);
		else
			n = snprintf(buf + len, sizeof(buf) - len, "%s%d", i ? "." : "", name[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - len) {
			lck_mtx_unlock(sysctl_tree_mtx);
			return ENAMETOOLONG;
		}
		len += (size_t)n;
		list = oid != NULL && sysctl_is_node(oid) && oid->oid_handler == NULL ? oid->oid_arg1 : NULL;
	}
	lck_mtx_unlock(sysctl_tree_mtx);
	return SYSCTL_OUT(req, buf, len + 1);
}

/*
 * The first listable leaf after name (in depth-first number order) below
 * list; name == NULL means "the first one". Nodes with handlers and masked
 * oids are skipped, and so is the sysctl meta-node itself.
 */
static int
sysctl_next_leaf(struct sysctl_oid_list *list, const int *name, u_int namelen, int *out, u_int depth,
                 u_int *outlen)
{
	for (struct sysctl_oid *oid = list->slh_first; oid != NULL; oid = oid->oid_link.sle_next) {
		int same = name != NULL && namelen > 0 && oid->oid_number == name[0];

		if (name != NULL && namelen > 0 && oid->oid_number < name[0])
			continue;
		if (depth == 0 && oid->oid_number == 0)
			continue;
		if (oid->oid_kind & CTLFLAG_MASKED)
			continue;
		if (sysctl_is_node(oid)) {
			if (oid->oid_handler != NULL || depth + 1 >= CTL_MAXNAME)
				continue;
			out[depth] = oid->oid_number;
			if (sysctl_next_leaf(oid->oid_arg1, same ? name + 1 : NULL, same ? namelen - 1 : 0,
			                     out, depth + 1, outlen))
				return 1;
			continue;
		}
		if (same) /* this is the leaf we start from (or something below a leaf) */
			continue;
		out[depth] = oid->oid_number;
		*outlen = depth + 1;
		return 1;
	}
	return 0;
}

/* sysctl.next.<mib>: the mib of the next leaf (ENOENT after the last). */
static int sysctl_sysctl_next SYSCTL_HANDLER_ARGS
{
	int out[CTL_MAXNAME];
	u_int outlen = 0;
	int found;

	if (arg2 < 0 || arg2 > CTL_MAXNAME)
		return EINVAL;
	lck_mtx_lock(sysctl_tree_mtx);
	found = sysctl_next_leaf(&sysctl__children, arg1, (u_int)arg2, out, 0, &outlen);
	lck_mtx_unlock(sysctl_tree_mtx);
	if (!found)
		return ENOENT;
	return SYSCTL_OUT(req, out, outlen * sizeof(int));
}

/* sysctl.name2oid, new value "kern.ostype": the mib. */
static int sysctl_sysctl_name2oid SYSCTL_HANDLER_ARGS
{
	char name[MAXPATHLEN];
	int mib[CTL_MAXNAME];
	u_int miblen = CTL_MAXNAME;
	size_t len;
	int err;

	if (req->newptr == USER_ADDR_NULL || req->newlen == 0)
		return ENOENT;
	if (req->newlen >= sizeof(name))
		return ENAMETOOLONG;
	len = req->newlen - req->newidx;
	err = SYSCTL_IN(req, name, len);
	if (err != 0)
		return err;
	name[len] = '\0';
	len = strlen(name); /* the caller may or may not count the NUL */
	lck_mtx_lock(sysctl_tree_mtx);
	err = sysctl_name2mib_locked(name, len, mib, &miblen);
	lck_mtx_unlock(sysctl_tree_mtx);
	if (err != 0)
		return err;
	return SYSCTL_OUT(req, mib, miblen * sizeof(int));
}

/* sysctl.oidfmt.<mib>: u_int kind, then the format string. */
static int sysctl_sysctl_oidfmt SYSCTL_HANDLER_ARGS
{
	struct sysctl_oid *oid;
	u_int used, kind;
	char fmt[64];
	int err;

	if (arg2 <= 0 || arg2 > CTL_MAXNAME)
		return ENOENT;
	lck_mtx_lock(sysctl_tree_mtx);
	err = sysctl_lookup_locked(arg1, (u_int)arg2, &oid, &used);
	if (err == 0) {
		kind = (u_int)oid->oid_kind & ~(u_int)SYSCTL_KIND_AUTO;
		strlcpy(fmt, oid->oid_fmt != NULL ? oid->oid_fmt : "", sizeof(fmt));
	}
	lck_mtx_unlock(sysctl_tree_mtx);
	if (err != 0)
		return err;
	err = SYSCTL_OUT(req, &kind, sizeof(kind));
	if (err == 0)
		err = SYSCTL_OUT(req, fmt, strlen(fmt) + 1);
	return err;
}

SYSCTL_NODE(, 0, sysctl, CTLFLAG_RW | CTLFLAG_LOCKED, 0, "Sysctl internal magic");
SYSCTL_NODE(_sysctl, 1, name, CTLFLAG_RD | CTLFLAG_KERN | CTLFLAG_LOCKED, sysctl_sysctl_name, "");
SYSCTL_NODE(_sysctl, 2, next, CTLFLAG_RD | CTLFLAG_KERN | CTLFLAG_LOCKED, sysctl_sysctl_next, "");
SYSCTL_PROC(_sysctl, 3, name2oid, CTLFLAG_RW | CTLFLAG_ANYBODY | CTLFLAG_KERN | CTLFLAG_LOCKED, 0, 0,
            sysctl_sysctl_name2oid, "I", "");
SYSCTL_NODE(_sysctl, 4, oidfmt, CTLFLAG_RD | CTLFLAG_KERN | CTLFLAG_LOCKED, sysctl_sysctl_oidfmt, "");

/* Boot self-check: the tree answers a standard name both ways. */
int
sysctl_selfcheck(void)
{
	char buf[16];
	size_t len = sizeof(buf);
	int mib[CTL_MAXNAME];
	u_int n = CTL_MAXNAME;
	int err = kernel_sysctlbyname("kern.ostype", buf, &len, NULL, 0);

	if (err != 0 || len != 7 || strcmp(buf, "Darwin") != 0) {
		printf("sysctl: kern.ostype reads wrong (error %d)\n", err);
		return 1;
	}
	err = sysctl_name2mib("hw.ncpu", mib, &n);
	if (err != 0 || n != 2 || mib[0] != CTL_HW || mib[1] != HW_NCPU) {
		printf("sysctl: hw.ncpu does not translate to {%d, %d} (error %d)\n", CTL_HW, HW_NCPU, err);
		return 1;
	}
	return 0;
}

/* ---- safety net for kext unload ------------------------------------------------ */

static int
sysctl_in_range(const void *p, uintptr_t lo, uintptr_t hi)
{
	return (uintptr_t)p >= lo && (uintptr_t)p < hi;
}

static unsigned int
sysctl_purge_list(struct sysctl_oid_list *list, uintptr_t lo, uintptr_t hi)
{
	struct sysctl_oid **linkp = &list->slh_first;
	unsigned int n = 0;

	while (*linkp != NULL) {
		struct sysctl_oid *oid = *linkp;

		if (sysctl_in_range(oid, lo, hi) || sysctl_in_range((const void *)oid->oid_handler, lo, hi) ||
		    sysctl_in_range(oid->oid_name, lo, hi)) {
			printf("sysctl: removing %s, left registered by an unloaded kext\n", oid->oid_name);
			*linkp = oid->oid_link.sle_next;
			while (oid->oid_refcnt > 0)
				msleep(&oid->oid_refcnt, sysctl_tree_mtx, PWAIT, "sysctl_purge", NULL);
			n++;
			continue; /* its children went with it */
		}
		if (sysctl_is_node(oid) && oid->oid_handler == NULL && oid->oid_arg1 != NULL)
			n += sysctl_purge_list(oid->oid_arg1, lo, hi);
		linkp = &oid->oid_link.sle_next;
	}
	return n;
}

unsigned int
sysctl_purge_range(uintptr_t lo, uintptr_t hi)
{
	unsigned int n;

	if (lo >= hi)
		return 0;
	sysctl_init();
	lck_mtx_lock(sysctl_tree_mtx);
	n = sysctl_purge_list(&sysctl__children, lo, hi);
	lck_mtx_unlock(sysctl_tree_mtx);
	return n;
}
