/*
 * miscfs/devfs/devfs.h — device nodes: a driver that installed a cdevsw
 * publishes /dev/<name> with devfs_make_node(); the node's owner, group and
 * mode decide who may open it (checked against the opener's credential).
 * A clone node gives every open its own minor from the driver's clone
 * function. devfs_remove() takes a node away. Names and values are Darwin's.
 */
#ifndef _MISCFS_DEVFS_DEVFS_H_
#define _MISCFS_DEVFS_DEVFS_H_

#include <sys/cdefs.h>
#include <sys/types.h>

#define DEVFS_CHAR 0
#define DEVFS_BLOCK 1

/* Clone function actions; DEVFS_CLONE_ALLOC returns the new minor (or -1). */
#define DEVFS_CLONE_ALLOC 1
#define DEVFS_CLONE_FREE 0

#define UID_ROOT 0
#define UID_BIN 3
#define UID_UUCP 66
#define UID_LOGD 272
#define GID_WHEEL 0
#define GID_KMEM 2
#define GID_TTY 4
#define GID_OPERATOR 5
#define GID_BIN 7
#define GID_GAMES 13
#define GID_DIALER 68
#define GID_WWW 70

__BEGIN_DECLS
/* Make /dev/<fmt...> for dev; returns a handle for devfs_remove, or NULL (exists, bad name, no memory). */
void *devfs_make_node(dev_t dev, int chrblk, uid_t uid, gid_t gid, int perms, const char *fmt, ...)
        __printflike(6, 7);
void *devfs_make_node_clone(dev_t dev, int chrblk, uid_t uid, gid_t gid, int perms,
                            int (*clone)(dev_t dev, int action), const char *fmt, ...) __printflike(7, 8);
void devfs_remove(void *handle);
__END_DECLS

#endif /* _MISCFS_DEVFS_DEVFS_H_ */
