/*
 * file.c — the kernel root on the host file system: creating folders and
 * mapping files shared (the message buffer lives in one, so that it
 * survives a panic and `kexthost dmesg` can read it while the kernel runs),
 * reading whole files, status (for kext authentication), folder listings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

int
khost_mkdir_p(const char *path, unsigned int mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return 63; /* ENAMETOOLONG */
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
				return khost_errno_to_darwin(errno);
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	return 0;
}

int
khost_file_map_shared(const char *path, size_t size, void **out)
{
	int fd, err = 0;
	struct stat st;
	void *p;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	if (fstat(fd, &st) != 0 || (size_t)st.st_size != size) {
		if (ftruncate(fd, (off_t)size) != 0) {
			err = khost_errno_to_darwin(errno);
			goto out;
		}
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		err = khost_errno_to_darwin(errno);
		goto out;
	}
	*out = p;
out:
	close(fd);
	return err;
}

int
khost_stat(const char *path, struct khost_stat *out)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return khost_errno_to_darwin(errno);
	out->size = (uint64_t)st.st_size;
	out->ino = (uint64_t)st.st_ino;
	out->dev = (uint64_t)st.st_dev;
	out->mode = (uint32_t)st.st_mode;
	out->uid = (uint32_t)st.st_uid;
	out->gid = (uint32_t)st.st_gid;
	out->mtime_sec = (int64_t)st.st_mtim.tv_sec;
	out->mtime_nsec = (int32_t)st.st_mtim.tv_nsec;
	return 0;
}

int
khost_file_read(const char *path, size_t max, void **out, size_t *len)
{
	struct stat st;
	size_t size, done = 0;
	void *buf = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	if (fstat(fd, &st) != 0) {
		err = khost_errno_to_darwin(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? 21 /* EISDIR */ : 22 /* EINVAL */;
		goto out;
	}
	size = (size_t)st.st_size;
	if (size > max) {
		err = 27; /* EFBIG */
		goto out;
	}
	err = khost_vm_alloc(size ? size : 1, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &buf);
	if (err != 0)
		goto out;
	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? khost_errno_to_darwin(errno) : 5 /* EIO: the file shrank */;
			khost_vm_free(buf, size ? size : 1);
			goto out;
		}
		done += (size_t)n;
	}
	*out = buf;
	*len = size;
out:
	close(fd);
	return err;
}

int
khost_file_write(const char *path, const void *buf, size_t len, unsigned int mode)
{
	char tmp[PATH_MAX];
	size_t done = 0;
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp))
		return 63;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return khost_errno_to_darwin(errno);
	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = khost_errno_to_darwin(errno);
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) != 0 && err == 0)
		err = khost_errno_to_darwin(errno);
	if (err == 0 && rename(tmp, path) != 0)
		err = khost_errno_to_darwin(errno);
	if (err != 0)
		unlink(tmp);
	return err;
}

int
khost_dir_list(const char *path, int (*fn)(void *ctx, const char *name), void *ctx)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return khost_errno_to_darwin(errno);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fn(ctx, e->d_name) != 0)
			break;
	}
	closedir(d);
	return 0;
}
