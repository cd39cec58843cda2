/*
 * devfs_tree.c — the hosted /dev namespace: the nodes drivers publish with
 * devfs_make_node / devfs_make_node_clone and take away with devfs_remove.
 * There is no file system behind it: a node is a name, a dev_t, an owner,
 * group and mode, and optionally a clone function; the open path
 * (bsd/kern/sys_dev.c) looks names up here and checks the caller against the
 * node with devfs_access, as a vnode's permission check would. Names may
 * contain '/' (e.g. "fd/0"); they are unique. devfs_lock protects the list;
 * lookups copy the node out, so a node may go away while an open proceeds.
 * The nodes are listed through the sysctl kern.kexthost.devfs (one line a
 * node: mode owner group major minor name; masked from sysctl -a), which the
 * `devls` tool prints.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <sys/kauth.h>
#include <miscfs/devfs/devfs.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <string.h>
#include <stdarg.h>
#include "bsd/miscfs/devfs/devfs_internal.h"
#include "bsd/sys/file_internal.h"

struct devfs_node {
	struct devfs_nodeinfo dn_info;
	struct devfs_node *dn_next;
};

static lck_grp_t *devfs_grp;
static lck_mtx_t *devfs_lock;
static struct devfs_node *devfs_nodes; /* sorted by name */

void
devfs_init(void)
{
	devfs_grp = lck_grp_alloc_init("devfs", LCK_GRP_ATTR_NULL);
	devfs_lock = lck_mtx_alloc_init(devfs_grp, LCK_ATTR_NULL);
}

static int
devfs_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= DEVFS_NAMELEN || name[0] == '/' || name[n - 1] == '/')
		return 0;
	if (strstr(name, "//") != NULL || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strncmp(name, "../", 3) == 0 || strstr(name, "/../") != NULL)
		return 0;
	return 1;
}

static void *
devfs_make(dev_t dev, int chrblk, uid_t uid, gid_t gid, int perms, int (*clone)(dev_t, int), const char *fmt,
           va_list ap)
{
	struct devfs_node *dn, **pp;
	char name[DEVFS_NAMELEN];
	int n;

	dev_init();
	n = vsnprintf(name, sizeof(name), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(name) || !devfs_name_ok(name)) {
		printf("devfs_make_node: bad name \"%s\"\n", name);
		return NULL;
	}
	if (chrblk != DEVFS_CHAR) {
		printf("devfs_make_node: %s: only character devices are supported\n", name);
		return NULL;
	}
	dn = kalloc(sizeof(*dn));
	if (dn == NULL)
		return NULL;
	memset(dn, 0, sizeof(*dn));
	strlcpy(dn->dn_info.name, name, sizeof(dn->dn_info.name));
	dn->dn_info.dev = dev;
	dn->dn_info.chrblk = chrblk;
	dn->dn_info.uid = uid;
	dn->dn_info.gid = gid;
	dn->dn_info.perms = perms & 07777;
	dn->dn_info.clone = clone;
	dn->dn_info.handle = dn;

	lck_mtx_lock(devfs_lock);
	for (pp = &devfs_nodes; *pp != NULL; pp = &(*pp)->dn_next) {
		int c = strcmp((*pp)->dn_info.name, name);

		if (c == 0) {
			lck_mtx_unlock(devfs_lock);
			printf("devfs_make_node: /dev/%s already exists\n", name);
			kfree(dn, sizeof(*dn));
			return NULL;
		}
		if (c > 0)
			break;
	}
	dn->dn_next = *pp;
	*pp = dn;
	lck_mtx_unlock(devfs_lock);
	return dn;
}

void *
devfs_make_node(dev_t dev, int chrblk, uid_t uid, gid_t gid, int perms, const char *fmt, ...)
{
	va_list ap;
	void *r;

	va_start(ap, fmt);
	r = devfs_make(dev, chrblk, uid, gid, perms, NULL, fmt, ap);
	va_end(ap);
	return r;
}

void *
devfs_make_node_clone(dev_t dev, int chrblk, uid_t uid, gid_t gid, int perms,
                      int (*clone)(dev_t dev, int action), const char *fmt, ...)
{
	va_list ap;
	void *r;

	if (clone == NULL)
		return NULL;
	va_start(ap, fmt);
	r = devfs_make(dev, chrblk, uid, gid, perms, clone, fmt, ap);
	va_end(ap);
	return r;
}

void
devfs_remove(void *handle)
{
	struct devfs_node **pp;

	if (handle == NULL)
		return;
	dev_init();
	lck_mtx_lock(devfs_lock);
	for (pp = &devfs_nodes; *pp != NULL; pp = &(*pp)->dn_next) {
		if (*pp == handle) {
			*pp = (*pp)->dn_next;
			lck_mtx_unlock(devfs_lock);
			kfree(handle, sizeof(struct devfs_node));
			return;
		}
	}
	lck_mtx_unlock(devfs_lock);
	printf("devfs_remove: %p is not a device node\n", handle);
}

int
devfs_lookup(const char *path, struct devfs_nodeinfo *out)
{
	dev_init();
	if (strncmp(path, "/dev/", 5) == 0)
		path += 5;
	lck_mtx_lock(devfs_lock);
	for (struct devfs_node *dn = devfs_nodes; dn != NULL; dn = dn->dn_next) {
		if (strcmp(dn->dn_info.name, path) == 0) {
			*out = dn->dn_info;
			lck_mtx_unlock(devfs_lock);
			return 0;
		}
	}
	lck_mtx_unlock(devfs_lock);
	return ENOENT;
}

int
devfs_access(const struct devfs_nodeinfo *n, kauth_cred_t cred, int fflag)
{
	int want = 0, have, member = 0;

	if (cred == NULL)
		return EACCES;
	if (kauth_cred_issuser(cred))
		return 0;
	if (fflag & FREAD)
		want |= 4;
	if (fflag & FWRITE)
		want |= 2;
	if (kauth_cred_getuid(cred) == n->uid)
		have = (n->perms >> 6) & 7;
	else if (kauth_cred_ismember_gid(cred, n->gid, &member) == 0 && member)
		have = (n->perms >> 3) & 7;
	else
		have = n->perms & 7;
	return (have & want) == want ? 0 : EACCES;
}

void
devfs_iterate(void (*fn)(const struct devfs_nodeinfo *n, void *arg), void *arg)
{
	dev_init();
	lck_mtx_lock(devfs_lock);
	for (struct devfs_node *dn = devfs_nodes; dn != NULL; dn = dn->dn_next)
		fn(&dn->dn_info, arg);
	lck_mtx_unlock(devfs_lock);
}

/* ---- kern.kexthost.devfs: the listing ---------------------------------------------- */

struct devfs_listing {
	char *buf;
	size_t len, cap;
};

static void
devfs_list_one(const struct devfs_nodeinfo *n, void *arg)
{
	struct devfs_listing *l = arg;
	int w;

	if (l->len >= l->cap)
		return;
	w = snprintf(l->buf + l->len, l->cap - l->len, "c%04o %u %u %d %d %s%s\n", n->perms, n->uid, n->gid,
	             major(n->dev), minor(n->dev), n->name, n->clone ? " (clone)" : "");
	if (w > 0)
		l->len = l->len + (size_t)w < l->cap ? l->len + (size_t)w : l->cap;
}

static int devfs_sysctl_list SYSCTL_HANDLER_ARGS
{
	struct devfs_listing l = {.cap = 64 * 1024};
	int err;

	l.buf = kalloc(l.cap);
	if (l.buf == NULL)
		return ENOMEM;
	devfs_iterate(devfs_list_one, &l);
	if (l.len >= l.cap)
		l.len = l.cap - 1;
	l.buf[l.len] = '\0';
	err = SYSCTL_OUT(req, l.buf, l.len + 1);
	kfree(l.buf, l.cap);
	return err;
}

SYSCTL_DECL(_kern_kexthost);
SYSCTL_PROC(_kern_kexthost, OID_AUTO, devfs,
            CTLTYPE_STRING | CTLFLAG_RD | CTLFLAG_MASKED | CTLFLAG_KERN | CTLFLAG_LOCKED, 0, 0,
            devfs_sysctl_list, "A", "device nodes: mode uid gid major minor name");
