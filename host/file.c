/*
 * file.c — the kernel root on the host file system: creating folders and
 * mapping files shared (the message buffer lives in one, so that it
 * survives a panic and `kexthost dmesg` can read it while the kernel runs).
 */
#include <errno.h>
#include <fcntl.h>
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
