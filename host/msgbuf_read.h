/*
 * msgbuf_read.h — read the kernel message buffer (format in
 * bsd/kern/msgbuf_format.h) from outside the kernel: `kexthost dmesg`, and
 * tests. Safe against a kernel that is writing the buffer at the same time,
 * and against damaged buffers: every length and offset is checked, and a
 * record that cannot be trusted ends the listing.
 *
 * Each line is printed as "[ssssss.uuuuuu] text" (seconds since the kernel
 * booted); a line the kernel split into continued records is joined.
 */
#ifndef KEXTHOST_HOST_MSGBUF_READ_H
#define KEXTHOST_HOST_MSGBUF_READ_H

#include <stddef.h>

#define MSGBUF_DUMP_LEVEL 0x1 /* prefix each line with "<level> " */
#define MSGBUF_DUMP_TID 0x2   /* prefix each line with "[tid N] " */

#ifndef KERNEL
#include <stdio.h>
/* Print the buffer in the file `path` to `out`. Returns 0 or an errno value. */
int msgbuf_dump(const char *path, FILE *out, int flags);
#endif

/*
 * Render into buf (NUL-terminated, truncated to size). Return the length of
 * the full text, or a negative errno value. Usable from kernel-side tests:
 * only basic C types.
 */
long msgbuf_render(const char *path, char *buf, size_t size, int flags);
/* Same, from an in-memory image of header + data (copied before decoding). */
long msgbuf_render_image(const void *image, size_t len, char *buf, size_t size, int flags);

#endif /* KEXTHOST_HOST_MSGBUF_READ_H */
