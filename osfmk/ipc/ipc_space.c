/*
 * ipc_space.c — a task's port names and the rights behind them.
 *
 * The names index a table of entries that doubles as needed (up to
 * IPC_SPACE_MAX_NAMES); entry 0 is never used, name 0 being MACH_PORT_NULL.
 * A name is index << 8 | generation; an entry's generation steps by 4 each
 * time the entry is freed (XNU's names look the same: 0x103, 0x203, ...,
 * then 0x107 for a reused first slot), so a stale name is told apart from
 * the name that reuses its slot. A reverse hash (port -> entry) finds the
 * name a space already has for a port, so a task given a second send right
 * to the same port sees the same name with one more user reference.
 *
 * Names whose port died become dead names when next looked at.
 *
 * is_gen counts the changes that take a right away from a name (an entry
 * freed, a send right dropped, a dead name made), so a lookup cached
 * outside the lock is known stale when it moved.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/kalloc.h>
#include "osfmk/ipc/ipc_internal.h"

#define IS_INITIAL 64

/* A name lost a right (under the lock; read without it by ipc_space_generation). */
static inline void
ipc_space_bump(struct ipc_space *s)
{
	__atomic_store_n(&s->is_gen, s->is_gen + 1, __ATOMIC_RELEASE);
}

static inline uint32_t
ipc_hash_port(const struct ipc_space *s, const struct ipc_port *port)
{
	uint64_t h = (uint64_t)(uintptr_t)port * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 40) & (s->is_size - 1);
}

static inline mach_port_name_t
ipc_entry_name(const struct ipc_space *s, uint32_t index)
{
	return (index << 8) | (s->is_table[index].ie_gen & 0xff);
}

static void
ipc_hash_insert(struct ipc_space *s, uint32_t index)
{
	uint32_t b = ipc_hash_port(s, s->is_table[index].ie_port);

	s->is_table[index].ie_hnext = s->is_hash[b];
	s->is_hash[b] = index;
}

static void
ipc_hash_remove(struct ipc_space *s, uint32_t index)
{
	uint32_t *link = &s->is_hash[ipc_hash_port(s, s->is_table[index].ie_port)];

	while (*link != 0 && *link != index)
		link = &s->is_table[*link].ie_hnext;
	if (*link == index)
		*link = s->is_table[index].ie_hnext;
}

static uint32_t
ipc_hash_find(struct ipc_space *s, struct ipc_port *port)
{
	uint32_t i = s->is_hash[ipc_hash_port(s, port)];

	while (i != 0 && s->is_table[i].ie_port != port)
		i = s->is_table[i].ie_hnext;
	return i;
}

/* Double the table (ipc lock held); the free list gets the new entries. 0 or ENOMEM/ENOSPC. */
static int
ipc_space_grow(struct ipc_space *s)
{
	uint32_t nsize = s->is_size ? s->is_size * 2 : IS_INITIAL;
	struct ipc_entry *nt;
	uint32_t *nh;

	ipc_lock_assert();
	if (nsize > IPC_SPACE_MAX_NAMES)
		return ENOSPC;
	nt = kalloc(nsize * sizeof(*nt));
	nh = kalloc(nsize * sizeof(*nh));
	if (nt == NULL || nh == NULL) {
		if (nt)
			kfree(nt, nsize * sizeof(*nt));
		if (nh)
			kfree(nh, nsize * sizeof(*nh));
		return ENOMEM;
	}
	memset(nt, 0, nsize * sizeof(*nt));
	memset(nh, 0, nsize * sizeof(*nh));
	if (s->is_size)
		memcpy(nt, s->is_table, s->is_size * sizeof(*nt));
	for (uint32_t i = (s->is_size ? s->is_size : 1); i < nsize; i++) {
		nt[i].ie_gen = IE_GEN_FIRST;
		nt[i].ie_next = i + 1 < nsize ? i + 1 : s->is_free;
	}
	s->is_free = s->is_size ? s->is_size : 1;
	if (s->is_table) {
		kfree(s->is_table, s->is_size * sizeof(*nt));
		kfree(s->is_hash, s->is_size * sizeof(*nh));
	}
	s->is_table = nt;
	s->is_hash = nh;
	s->is_size = nsize;
	for (uint32_t i = 1; i < nsize; i++) {
		if (nt[i].ie_port != NULL)
			ipc_hash_insert(s, i);
	}
	return 0;
}

static kern_return_t
ipc_entry_alloc(struct ipc_space *s, uint32_t *index)
{
	uint32_t i;

	ipc_lock_assert();
	if (s->is_table == NULL)
		return KERN_INVALID_TASK;
	if (s->is_free == 0 && ipc_space_grow(s) != 0)
		return KERN_NO_SPACE;
	i = s->is_free;
	s->is_free = s->is_table[i].ie_next;
	s->is_table[i].ie_next = 0;
	s->is_count++;
	*index = i;
	return KERN_SUCCESS;
}

/* Return an entry to the free list; its port reference is the caller's business. */
static void
ipc_entry_free(struct ipc_space *s, uint32_t i)
{
	struct ipc_entry *e = &s->is_table[i];

	if (e->ie_port != NULL && (e->ie_bits & MACH_PORT_TYPE_PORT_RIGHTS))
		ipc_hash_remove(s, i);
	ipc_space_bump(s);
	e->ie_port = NULL;
	e->ie_bits = 0;
	e->ie_urefs = 0;
	e->ie_gen = (e->ie_gen + IE_GEN_STEP) & 0xff;
	e->ie_next = s->is_free;
	s->is_free = i;
	s->is_count--;
}

/*
 * The entry of a name, or NULL. A send right to a dead port becomes a
 * dead name here (its send-right count and port reference released; the
 * reference goes on the caller's *release list of one).
 */
static struct ipc_entry *
ipc_entry_lookup(struct ipc_space *s, mach_port_name_t name, struct ipc_port **release)
{
	uint32_t i = MACH_PORT_INDEX(name);
	struct ipc_entry *e;

	ipc_lock_assert();
	if (s->is_table == NULL || i == 0 || i >= s->is_size)
		return NULL;
	e = &s->is_table[i];
	if (e->ie_bits == 0 || (e->ie_gen & 0xff) != (name & 0xff))
		return NULL;
	if ((e->ie_bits & MACH_PORT_TYPE_SEND) && !e->ie_port->ip_active) {
		uint32_t ms;
		ipc_hash_remove(s, i);
		(void)ipc_port_srights_drop(e->ie_port, &ms); /* inactive: never a no-senders call */
		*release = e->ie_port;
		ipc_space_bump(s);
		e->ie_port = NULL;
		e->ie_bits = MACH_PORT_TYPE_DEAD_NAME;
	}
	return e;
}

int
ipc_space_create(struct ipc_space **out)
{
	struct ipc_space *s = kalloc(sizeof(*s));
	int err;

	*out = NULL;
	if (s == NULL)
		return ENOMEM;
	memset(s, 0, sizeof(*s));
	s->is_notify_fd = -1;
	lck_mtx_lock(ipc.lock);
	err = ipc_space_grow(s);
	lck_mtx_unlock(ipc.lock);
	if (err != 0) {
		kfree(s, sizeof(*s));
		return err;
	}
	*out = s;
	return 0;
}

/*
 * Give up every right of entry i and free it (ipc lock held). The entry's
 * port reference goes on the release list, a due no-senders call on the
 * notify list; the caller runs both after dropping the lock.
 */
static void
ipc_entry_drop_rights(struct ipc_space *s, uint32_t i, struct ipc_port **rel, uint32_t *nrel,
                      struct ipc_port **ns, uint32_t *nsms, uint32_t *nns)
{
	struct ipc_entry *e = &s->is_table[i];
	struct ipc_port *port = e->ie_port;

	if (port != NULL) {
		if ((e->ie_bits & MACH_PORT_TYPE_SEND) && ipc_port_srights_drop(port, &nsms[*nns]))
			ns[(*nns)++] = port;
		if (e->ie_bits & MACH_PORT_TYPE_RECEIVE) {
			/* The receiver is gone: senders see a dead port (read without the lock). */
			__atomic_store_n(&port->ip_active, false, __ATOMIC_RELEASE);
			__atomic_store_n(&port->ip_receiver, NULL, __ATOMIC_RELEASE);
			ipc_mqueue_detach_locked(port); /* its messages die with it */
		}
		rel[(*nrel)++] = port;
	}
	ipc_entry_free(s, i);
}

void
ipc_space_destroy(struct ipc_space *s)
{
	struct ipc_port *rel[1], *ns[1];
	uint32_t nsms[1];

	if (s == NULL)
		return;
	for (uint32_t i = 1; i < s->is_size; i++) {
		uint32_t nrel = 0, nns = 0;
		lck_mtx_lock(ipc.lock);
		if (s->is_table[i].ie_bits != 0)
			ipc_entry_drop_rights(s, i, rel, &nrel, ns, nsms, &nns);
		lck_mtx_unlock(ipc.lock);
		for (uint32_t k = 0; k < nns; k++)
			ipc_port_no_senders(ns[k], nsms[k]);
		for (uint32_t k = 0; k < nrel; k++)
			ipc_port_release(rel[k]);
		ipc_mqueue_reap();
	}
	ipc_space_set_notify_fd(s, -1);
	kfree(s->is_table, s->is_size * sizeof(*s->is_table));
	kfree(s->is_hash, s->is_size * sizeof(*s->is_hash));
	kfree(s, sizeof(*s));
}

kern_return_t
ipc_space_copyout_send(struct ipc_space *s, struct ipc_port *port, mach_port_name_t *name)
{
	kern_return_t kr = KERN_SUCCESS;
	uint32_t i, ms;
	bool ns = false, drop = false;

	*name = MACH_PORT_NULL;
	lck_mtx_lock(ipc.lock);
	i = ipc_hash_find(s, port);
	if (i != 0 && (s->is_table[i].ie_bits & MACH_PORT_TYPE_SEND)) {
		/* Merge: the kernel's right becomes one more user reference. */
		if (s->is_table[i].ie_urefs >= MACH_PORT_UREFS_MAX) {
			kr = KERN_UREFS_OVERFLOW;
		} else {
			s->is_table[i].ie_urefs++;
			*name = ipc_entry_name(s, i);
		}
		ns = ipc_port_srights_drop(port, &ms);
		drop = true;
	} else if (i != 0) {
		/* The space receives on this port: the name gains the send right. */
		s->is_table[i].ie_bits |= MACH_PORT_TYPE_SEND;
		s->is_table[i].ie_urefs = 1;
		*name = ipc_entry_name(s, i);
		drop = true; /* an entry holds one reference, whatever its rights */
	} else if ((kr = ipc_entry_alloc(s, &i)) == KERN_SUCCESS) {
		struct ipc_entry *e = &s->is_table[i];
		e->ie_port = port;
		e->ie_bits = MACH_PORT_TYPE_SEND;
		e->ie_urefs = 1;
		ipc_hash_insert(s, i);
		*name = ipc_entry_name(s, i);
	} else {
		ns = ipc_port_srights_drop(port, &ms);
		drop = true;
	}
	lck_mtx_unlock(ipc.lock);
	if (ns)
		ipc_port_no_senders(port, ms);
	if (drop)
		ipc_port_release(port);
	return kr;
}

kern_return_t
ipc_space_lookup(struct ipc_space *s, mach_port_name_t name, struct ipc_port **port)
{
	struct ipc_port *rel = NULL;
	struct ipc_entry *e;
	kern_return_t kr = KERN_SUCCESS;

	*port = NULL;
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &rel);
	if (e == NULL) {
		kr = KERN_INVALID_NAME;
	} else if (!(e->ie_bits & MACH_PORT_TYPE_PORT_RIGHTS)) {
		kr = KERN_INVALID_RIGHT;
	} else {
		*port = e->ie_port;
		ipc_port_reference(e->ie_port); /* atomic: releases drop references without the lock */
	}
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(rel);
	return kr;
}

kern_return_t
ipc_space_copyin_send(struct ipc_space *s, mach_port_name_t name, bool move, struct ipc_port **port)
{
	struct ipc_port *rel = NULL;
	struct ipc_entry *e;
	kern_return_t kr = KERN_SUCCESS;

	*port = NULL;
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &rel);
	if (e == NULL) {
		kr = KERN_INVALID_NAME;
	} else if (!(e->ie_bits & MACH_PORT_TYPE_SEND)) {
		kr = KERN_INVALID_RIGHT;
	} else if (move) {
		/* The user reference travels: the kernel now holds the send right. */
		*port = e->ie_port;
		if (--e->ie_urefs == 0) {
			if (e->ie_bits & MACH_PORT_TYPE_RECEIVE) {
				ipc_space_bump(s);
				e->ie_bits &= ~MACH_PORT_TYPE_SEND;
				ipc_port_reference(
				        *port); /* the entry keeps its reference for the receive right */
			} else {
				ipc_entry_free(s,
				               MACH_PORT_INDEX(name)); /* its reference goes with the right */
			}
		} else {
			ipc_port_srights_add(*port);
			ipc_port_reference(*port);
		}
	} else {
		*port = e->ie_port;
		ipc_port_srights_add(*port);
		ipc_port_reference(*port);
	}
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(rel);
	return kr;
}

kern_return_t
ipc_space_allocate_receive(struct ipc_space *s, mach_port_name_t *name)
{
	struct ipc_port *port;
	kern_return_t kr;
	uint32_t i;

	*name = MACH_PORT_NULL;
	if (ipc_port_alloc_kernel(IKOT_NONE, NULL, &port) != 0)
		return KERN_RESOURCE_SHORTAGE;
	lck_mtx_lock(ipc.lock);
	kr = ipc_entry_alloc(s, &i);
	if (kr == KERN_SUCCESS) {
		__atomic_store_n(&port->ip_receiver, s,
		                 __ATOMIC_RELEASE); /* ipc_port_kotype reads it unlocked */
		s->is_table[i].ie_port = port;      /* the entry owns the allocation reference */
		s->is_table[i].ie_bits = MACH_PORT_TYPE_RECEIVE;
		ipc_hash_insert(s, i);
		*name = ipc_entry_name(s, i);
	}
	lck_mtx_unlock(ipc.lock);
	if (kr != KERN_SUCCESS)
		ipc_port_release(port);
	return kr;
}

/*
 * Change the user references of one right of a name by delta (ipc lock
 * held). The rules of mach_port_mod_refs: send and dead-name references
 * may grow; a receive or send-once right only goes away with -1.
 */
static kern_return_t
ipc_entry_mod_refs(struct ipc_space *s, struct ipc_entry *e, uint32_t index, mach_port_right_t right,
                   mach_port_delta_t delta, struct ipc_port **rel, uint32_t *nrel, struct ipc_port **ns,
                   uint32_t *nsms, uint32_t *nns)
{
	switch (right) {
	case MACH_PORT_RIGHT_SEND:
	case MACH_PORT_RIGHT_DEAD_NAME: {
		uint32_t type = MACH_PORT_TYPE(right);
		int64_t n;
		if (!(e->ie_bits & type))
			return KERN_INVALID_RIGHT;
		n = (int64_t)e->ie_urefs + delta;
		if (n < 0)
			return KERN_INVALID_VALUE;
		if (n > MACH_PORT_UREFS_MAX)
			return KERN_UREFS_OVERFLOW;
		e->ie_urefs = (uint32_t)n;
		if (n > 0)
			return KERN_SUCCESS;
		if (right == MACH_PORT_RIGHT_SEND && (e->ie_bits & MACH_PORT_TYPE_RECEIVE)) {
			/* The name keeps the receive right (and the entry its reference). */
			if (ipc_port_srights_drop(e->ie_port, &nsms[*nns]))
				ns[(*nns)++] = e->ie_port;
			ipc_space_bump(s);
			e->ie_bits &= ~MACH_PORT_TYPE_SEND;
			return KERN_SUCCESS;
		}
		ipc_entry_drop_rights(s, index, rel, nrel, ns, nsms, nns);
		return KERN_SUCCESS;
	}
	case MACH_PORT_RIGHT_RECEIVE:
		if (!(e->ie_bits & MACH_PORT_TYPE_RECEIVE))
			return KERN_INVALID_RIGHT;
		if (delta == 0)
			return KERN_SUCCESS;
		if (delta != -1)
			return KERN_INVALID_VALUE;
		ipc_entry_drop_rights(s, index, rel, nrel, ns, nsms, nns);
		return KERN_SUCCESS;
	case MACH_PORT_RIGHT_SEND_ONCE:
	case MACH_PORT_RIGHT_PORT_SET:
		return KERN_INVALID_RIGHT; /* never held in kexthost spaces */
	default:
		return KERN_INVALID_VALUE;
	}
}

static void
ipc_finish(struct ipc_port *lookup_rel, struct ipc_port **rel, uint32_t nrel, struct ipc_port **ns,
           uint32_t *nsms, uint32_t nns)
{
	for (uint32_t k = 0; k < nns; k++)
		ipc_port_no_senders(ns[k], nsms[k]);
	for (uint32_t k = 0; k < nrel; k++)
		ipc_port_release(rel[k]);
	ipc_port_release(lookup_rel);
	ipc_mqueue_reap();
}

kern_return_t
ipc_space_mod_refs(struct ipc_space *s, mach_port_name_t name, mach_port_right_t right,
                   mach_port_delta_t delta)
{
	struct ipc_port *lrel = NULL, *rel[1], *ns[1];
	uint32_t nrel = 0, nns = 0, nsms[1];
	struct ipc_entry *e;
	kern_return_t kr;

	if (right >= MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_VALUE;
	if (!MACH_PORT_VALID(name))
		return right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_SEND_ONCE
		               ? KERN_SUCCESS
		               : KERN_INVALID_NAME;
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &lrel);
	kr = e == NULL ? KERN_INVALID_NAME
	               : ipc_entry_mod_refs(s, e, MACH_PORT_INDEX(name), right, delta, rel, &nrel, ns, nsms,
	                                    &nns);
	lck_mtx_unlock(ipc.lock);
	ipc_finish(lrel, rel, nrel, ns, nsms, nns);
	return kr;
}

kern_return_t
ipc_space_deallocate(struct ipc_space *s, mach_port_name_t name)
{
	struct ipc_port *lrel = NULL;
	struct ipc_entry *e;
	mach_port_right_t right;

	if (!MACH_PORT_VALID(name))
		return KERN_SUCCESS;
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &lrel);
	if (e == NULL) {
		lck_mtx_unlock(ipc.lock);
		ipc_port_release(lrel);
		return KERN_INVALID_NAME;
	}
	if (e->ie_bits & MACH_PORT_TYPE_SEND)
		right = MACH_PORT_RIGHT_SEND;
	else if (e->ie_bits & MACH_PORT_TYPE_DEAD_NAME)
		right = MACH_PORT_RIGHT_DEAD_NAME;
	else
		right = MACH_PORT_RIGHT_NUMBER; /* a bare receive right: nothing to deallocate */
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(lrel);
	if (right == MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_RIGHT;
	return ipc_space_mod_refs(s, name, right, -1);
}

kern_return_t
ipc_space_destroy_name(struct ipc_space *s, mach_port_name_t name)
{
	struct ipc_port *lrel = NULL, *rel[1], *ns[1];
	uint32_t nrel = 0, nns = 0, nsms[1];
	struct ipc_entry *e;
	kern_return_t kr = KERN_SUCCESS;

	if (!MACH_PORT_VALID(name))
		return KERN_SUCCESS;
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &lrel);
	if (e == NULL)
		kr = KERN_INVALID_NAME;
	else
		ipc_entry_drop_rights(s, MACH_PORT_INDEX(name), rel, &nrel, ns, nsms, &nns);
	lck_mtx_unlock(ipc.lock);
	ipc_finish(lrel, rel, nrel, ns, nsms, nns);
	return kr;
}

kern_return_t
ipc_space_get_refs(struct ipc_space *s, mach_port_name_t name, mach_port_right_t right,
                   mach_port_urefs_t *refs)
{
	struct ipc_port *lrel = NULL;
	struct ipc_entry *e;
	kern_return_t kr = KERN_SUCCESS;

	*refs = 0;
	if (right >= MACH_PORT_RIGHT_NUMBER)
		return KERN_INVALID_VALUE;
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &lrel);
	if (e == NULL)
		kr = KERN_INVALID_NAME;
	else if (e->ie_bits & MACH_PORT_TYPE(right))
		*refs = (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME) ? e->ie_urefs
		                                                                              : 1;
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(lrel);
	return kr;
}

kern_return_t
ipc_space_type(struct ipc_space *s, mach_port_name_t name, mach_port_type_t *type)
{
	struct ipc_port *lrel = NULL;
	struct ipc_entry *e;
	kern_return_t kr = KERN_SUCCESS;

	*type = MACH_PORT_TYPE_NONE;
	if (name == MACH_PORT_NULL)
		return KERN_INVALID_NAME;
	if (name == MACH_PORT_DEAD) {
		*type = MACH_PORT_TYPE_DEAD_NAME;
		return KERN_SUCCESS;
	}
	lck_mtx_lock(ipc.lock);
	e = ipc_entry_lookup(s, name, &lrel);
	if (e == NULL)
		kr = KERN_INVALID_NAME;
	else
		*type = e->ie_bits;
	lck_mtx_unlock(ipc.lock);
	ipc_port_release(lrel);
	return kr;
}

/* What a name holds, a send right to a dead port showing as a dead name (ipc lock held). */
static mach_port_type_t
ipc_entry_type(const struct ipc_entry *e)
{
	if ((e->ie_bits & MACH_PORT_TYPE_SEND) && !e->ie_port->ip_active)
		return MACH_PORT_TYPE_DEAD_NAME;
	return e->ie_bits;
}

kern_return_t
ipc_space_names(struct ipc_space *s, mach_port_name_t **names, mach_port_type_t **types, uint32_t *count)
{
	uint32_t n, k = 0;

	*names = NULL;
	*types = NULL;
	*count = 0;
	for (;;) {
		lck_mtx_lock(ipc.lock);
		n = s->is_count;
		lck_mtx_unlock(ipc.lock);
		if (n == 0)
			return KERN_SUCCESS;
		*names = kalloc(n * sizeof(**names));
		*types = kalloc(n * sizeof(**types));
		if (*names == NULL || *types == NULL)
			break;
		lck_mtx_lock(ipc.lock);
		if (s->is_count == n)
			break; /* with the lock held */
		/* The space changed while we allocated: size again. */
		lck_mtx_unlock(ipc.lock);
		kfree(*names, n * sizeof(**names));
		kfree(*types, n * sizeof(**types));
	}
	if (*names == NULL || *types == NULL) {
		if (*names)
			kfree(*names, n * sizeof(**names));
		if (*types)
			kfree(*types, n * sizeof(**types));
		*names = NULL;
		*types = NULL;
		return KERN_RESOURCE_SHORTAGE;
	}
	for (uint32_t i = 1; i < s->is_size && k < n; i++) {
		if (s->is_table[i].ie_bits == 0)
			continue;
		(*names)[k] = ipc_entry_name(s, i);
		(*types)[k] = ipc_entry_type(&s->is_table[i]);
		k++;
	}
	lck_mtx_unlock(ipc.lock);
	*count = k;
	return KERN_SUCCESS;
}

uint32_t
ipc_space_count(struct ipc_space *s)
{
	uint32_t n;

	lck_mtx_lock(ipc.lock);
	n = s->is_count;
	lck_mtx_unlock(ipc.lock);
	return n;
}

uint32_t
ipc_space_generation(struct ipc_space *s)
{
	return __atomic_load_n(&s->is_gen, __ATOMIC_ACQUIRE);
}
