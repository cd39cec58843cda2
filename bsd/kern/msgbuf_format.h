/*
 * msgbuf_format.h — the on-disk/in-memory layout of the kernel message
 * buffer (the ring behind printf, log, kprintf and panic). The kernel writes
 * it (bsd/kern/subr_log.c); the host reads it, possibly while the kernel is
 * running or after it panicked (host/msgbuf_read.c, `kexthost dmesg`). This
 * header is shared by both sides, so it uses only <stdint.h> types.
 *
 * File <root>/var/log/msgbuf (or an anonymous buffer when there is no root):
 *
 *   offset  size  field       meaning
 *   ------  ----  ----------  ----------------------------------------------
 *        0     4  magic       MSGBUF_MAGIC
 *        4     2  version     MSGBUF_VERSION
 *        6     2  hdr_size    bytes before the data area (sizeof header)
 *        8     4  data_size   bytes in the data area (a multiple of 8)
 *       12     4  flags       MSGBUF_HF_*
 *       16     8  head        logical offset of the oldest record
 *       24     8  tail        logical offset just past the newest record
 *       32     8  next_seq    sequence number the next record will get
 *       40     8  boot_ns     host monotonic clock at log_init (ns)
 *       48     4  writer_pid  host process id of the kernel that writes it
 *       52    12  reserved    zero
 *       64     -  data        data_size bytes of records
 *
 * Offsets are logical: they only grow, and a record at logical offset o
 * lives at data[o % data_size]. Records are 8-byte aligned and never wrap
 * around the end of the data area; when a record does not fit before the
 * end, the writer fills the rest with a pad record (flag MSGBUF_RF_PAD, only
 * the first 8 bytes of its header are meaningful) and starts at data[0].
 *
 * Record (all fields little-endian, host order):
 *
 *   offset  size  field       meaning
 *   ------  ----  ----------  ----------------------------------------------
 *        0     4  len         total bytes: header + text + padding to 8
 *        4     2  text_len    bytes of text (no NUL, no trailing newline)
 *        6     1  level       syslog priority, LOG_EMERG (0)..LOG_DEBUG (7)
 *        7     1  flags       MSGBUF_RF_*
 *        8     8  tid         host thread id of the writer
 *       16     8  time_ns     nanoseconds since boot_ns
 *       24     8  seq         sequence number (consecutive across records)
 *       32     -  text
 *
 * Concurrency: one writer at a time (a kernel lock). To make room the
 * writer first advances head past the oldest records, then writes the new
 * record, then publishes the new tail. A reader copies head, tail and the
 * data, then reads head again: records below the second head may have been
 * overwritten while it copied and are dropped. Readers must validate every
 * length and offset; the writer may be arbitrarily far along.
 */
#ifndef _BSD_KERN_MSGBUF_FORMAT_H_
#define _BSD_KERN_MSGBUF_FORMAT_H_

#include <stdint.h>

#define MSGBUF_MAGIC 0x474f4c4bU /* "KLOG" read as little-endian bytes */
#define MSGBUF_VERSION 1

#define MSGBUF_DEFAULT_SIZE (256 * 1024) /* data bytes unless msgbuf= says otherwise */
#define MSGBUF_MIN_SIZE 1024
#define MSGBUF_MAX_SIZE (64 * 1024 * 1024)

/* Header flags. */
#define MSGBUF_HF_PANICKED 0x1 /* the kernel panicked while writing this buffer */
#define MSGBUF_HF_SHUTDOWN 0x2 /* orderly shutdown completed */

/* Record flags. */
#define MSGBUF_RF_PAD 0x01     /* filler up to the end of the data area */
#define MSGBUF_RF_CONT 0x02    /* the line continues in the writer's next record */
#define MSGBUF_RF_PANIC 0x04   /* part of a panic report */
#define MSGBUF_RF_KPRINTF 0x08 /* from kprintf (debug output) */

struct msgbuf_header {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;
	uint32_t data_size;
	uint32_t flags;
	uint64_t head;
	uint64_t tail;
	uint64_t next_seq;
	uint64_t boot_ns;
	uint32_t writer_pid;
	uint32_t reserved[3];
};

struct msgbuf_record {
	uint32_t len;
	uint16_t text_len;
	uint8_t level;
	uint8_t flags;
	uint64_t tid;
	uint64_t time_ns;
	uint64_t seq;
	/* char text[text_len]; */
};

#define MSGBUF_HEADER_SIZE 64
#define MSGBUF_RECORD_SIZE 32
#define MSGBUF_PAD_MIN 8 /* a pad record needs only len/text_len/level/flags */
#define MSGBUF_ALIGN(n) (((n) + 7u) & ~7u)

_Static_assert(sizeof(struct msgbuf_header) == MSGBUF_HEADER_SIZE, "msgbuf header layout");
_Static_assert(sizeof(struct msgbuf_record) == MSGBUF_RECORD_SIZE, "msgbuf record layout");

#endif /* _BSD_KERN_MSGBUF_FORMAT_H_ */
