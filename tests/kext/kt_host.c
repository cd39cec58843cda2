/*
 * kt_host.c — host-side helpers for the kext system's tests (linked into
 * the tests/kext programs only): what the tests need of the file system
 * beyond host/khost.h — removing a scratch tree, changing owners and
 * modes, symbolic links, the effective uid.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int kt_host_remove_tree(const char *path);
int kt_host_chown(const char *path, unsigned int uid, unsigned int gid);
int kt_host_chmod(const char *path, unsigned int mode);
int kt_host_symlink(const char *target, const char *path);
unsigned int kt_host_geteuid(void);

static int
kt_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
kt_host_remove_tree(const char *path)
{
	return nftw(path, kt_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
kt_host_chown(const char *path, unsigned int uid, unsigned int gid)
{
	return lchown(path, uid, gid);
}

int
kt_host_chmod(const char *path, unsigned int mode)
{
	return chmod(path, mode);
}

int
kt_host_symlink(const char *target, const char *path)
{
	return symlink(target, path);
}

unsigned int
kt_host_geteuid(void)
{
	return (unsigned int)geteuid();
}
