/*
 * sys/uio.h — scatter/gather I/O descriptors (the uio KPI). A uio describes
 * where a transfer goes (a list of address/length pairs in user or kernel
 * space), which way it moves, the file offset and how much is left. Kexts
 * move data with uiomove(); the layout of struct uio is private.
 */
#ifndef _SYS_UIO_H_
#define _SYS_UIO_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>
#include <mach/vm_types.h>

/* Direction: UIO_READ moves data from the kernel to the uio's buffers. */
enum uio_rw { UIO_READ, UIO_WRITE };

/* Address space of the uio's buffers (values as Darwin's). */
enum uio_seg {
	UIO_USERSPACE = 0,   /* the current process (64-bit here) */
	UIO_SYSSPACE = 2,    /* kernel addresses */
	UIO_USERSPACE32 = 5, /* 32-bit user process (treated as 64-bit) */
	UIO_USERSPACE64 = 8, /* 64-bit user process */
	UIO_SYSSPACE32 = 11, /* deprecated: same as UIO_SYSSPACE */
};

#define UIO_MAXIOV 1024 /* most iovecs one uio may hold */

/* Classic iovec (kernel addresses). */
struct iovec {
	void *iov_base;
	size_t iov_len;
};

__BEGIN_DECLS
uio_t uio_create(int a_iovcount, off_t a_offset, int a_spacetype, int a_iodirection);
void uio_reset(uio_t a_uio, off_t a_offset, int a_spacetype, int a_iodirection);
uio_t uio_duplicate(uio_t a_uio);
void uio_free(uio_t a_uio);
int uio_addiov(uio_t a_uio, user_addr_t a_baseaddr, user_size_t a_length);
int uio_getiov(uio_t a_uio, int a_index, user_addr_t *a_baseaddr_p, user_size_t *a_length_p);
void uio_update(uio_t a_uio, user_size_t a_count);
user_ssize_t uio_resid(uio_t a_uio);
void uio_setresid(uio_t a_uio, user_ssize_t a_value);
int uio_iovcnt(uio_t a_uio);
off_t uio_offset(uio_t a_uio);
void uio_setoffset(uio_t a_uio, off_t a_offset);
int uio_rw(uio_t a_uio);
void uio_setrw(uio_t a_uio, int a_value);
int uio_isuserspace(uio_t a_uio);
user_addr_t uio_curriovbase(uio_t a_uio);
user_size_t uio_curriovlen(uio_t a_uio);
/* Move up to n bytes between cp and the uio in its direction; 0 or EFAULT. */
int uiomove(const char *cp, int n, uio_t uio);
int uiomove64(const addr64_t cp, int n, uio_t uio);
__END_DECLS

#endif /* _SYS_UIO_H_ */
