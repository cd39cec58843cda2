/*
 * subr_log.c — the kernel message buffer: a ring of records (layout in
 * msgbuf_format.h) behind printf, log, kprintf, IOLog and panic.
 *
 * With a kernel root the ring is a shared file mapping of
 * <root>/var/log/msgbuf, so it outlives a panic and `kexthost dmesg` can read
 * it from another process while the kernel runs; without one it is
 * anonymous memory. log_init runs before kalloc, so nothing here allocates
 * from zones.
 *
 * Each thread builds its current line in a thread-local buffer and commits
 * it as one record at the newline, so lines from concurrent threads never
 * interleave inside a record. Committed lines are mirrored to the console
 * when the -v boot-arg is set; otherwise only LOG_ERR and more severe lines,
 * kprintf lines when debug= has DB_KPRT, and panics reach the console.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <kern/debug.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/startup.h"
#include "osfmk/kern/early_spin.h"
#include "bsd/kern/subr_log.h"
#include "libkern/stdio/doprnt.h"

/* Fallback ring when no memory can be mapped: enough for a boot failure. */
#define LOG_EARLY_SIZE 16384
/* How long the panic path tries for the log lock before writing anyway. */
#define LOG_PANIC_LOCK_TRIES 2000000

struct log_state {
	early_spin_t lock;
	struct msgbuf_header *hdr; /* NULL before log_init */
	char *data;
	uint32_t size; /* data bytes */
	void *map;     /* what to unmap at re-initialisation, or NULL */
	size_t map_size;
	int verbose;         /* -v */
	int quiet;           /* KERNEL_BOOT_QUIET */
	char path[PATH_MAX]; /* file backing the ring, "" when in memory */
};

static struct log_state log_st = {.lock = EARLY_SPIN_INIT};
static char log_early_ring[MSGBUF_HEADER_SIZE + LOG_EARLY_SIZE] __attribute__((__aligned__(64)));

/* The calling thread's line under construction. */
struct log_line {
	uint16_t len;
	int8_t level;
	uint8_t flags;
	char buf[LOG_LINE_MAX];
};
static __thread struct log_line log_tls_line;

/* ---- the ring (log lock held) ------------------------------------------ */

static inline struct msgbuf_record *
log_rec_at(uint64_t off)
{
	return (struct msgbuf_record *)(void *)(log_st.data + off % log_st.size);
}

/*
 * Free [tail, tail + n) by moving head past the oldest records. The new head
 * is published, and made visible, before the caller overwrites anything.
 */
static void
log_ring_reserve(uint64_t tail, uint32_t n)
{
	struct msgbuf_header *h = log_st.hdr;
	uint64_t head = h->head, old = head;
	uint32_t size = log_st.size;

	if (head > tail || tail - head > size) {
		head = tail; /* damaged header: forget everything */
	}
	while (tail + n - head > size) {
		uint32_t pos = (uint32_t)(head % size);
		uint32_t len = log_rec_at(head)->len;
		if (len < MSGBUF_PAD_MIN || (len & 7) != 0 || len > size - pos || head + len > tail) {
			head = tail;
			break;
		}
		head += len;
	}
	if (head != old) {
		/*
		 * Readers that see overwritten bytes must also see the new head:
		 * a locked exchange orders the store before the data writes.
		 */
		(void)__atomic_exchange_n(&h->head, head, __ATOMIC_SEQ_CST);
	}
}

static void
log_ring_append(int level, unsigned flags, const char *text, size_t len)
{
	struct msgbuf_header *h = log_st.hdr;
	uint32_t size = log_st.size;
	uint64_t tail = h->tail;
	uint32_t pos, need;
	struct msgbuf_record *r;

	if (len > size - MSGBUF_RECORD_SIZE) {
		len = size - MSGBUF_RECORD_SIZE;
	}
	if (len > UINT16_MAX) {
		len = UINT16_MAX;
	}
	need = MSGBUF_ALIGN(MSGBUF_RECORD_SIZE + (uint32_t)len);
	pos = (uint32_t)(tail % size);
	if (size - pos < need) {
		uint32_t room = size - pos;
		log_ring_reserve(tail, room);
		r = log_rec_at(tail);
		r->len = room;
		r->text_len = 0;
		r->level = 0;
		r->flags = MSGBUF_RF_PAD;
		tail += room;
	}
	log_ring_reserve(tail, need);
	r = log_rec_at(tail);
	r->len = need;
	r->text_len = (uint16_t)len;
	r->level = (uint8_t)level;
	r->flags = (uint8_t)flags;
	r->tid = khost_thread_id();
	r->time_ns = khost_uptime_ns() - h->boot_ns;
	r->seq = h->next_seq++;
	memcpy(r + 1, text, len);
	__atomic_store_n(&h->tail, tail + need, __ATOMIC_RELEASE);
}

/* ---- committing lines --------------------------------------------------- */

static int
log_console_wants(int level, unsigned flags)
{
	if (flags & MSGBUF_RF_PANIC) {
		return 1;
	}
	if (log_st.quiet) {
		return 0;
	}
	if (flags & MSGBUF_RF_KPRINTF) {
		return (debug_boot_arg & DB_KPRT) != 0;
	}
	return log_st.verbose || level <= LOG_ERR;
}

static void
log_console_line(const char *text, size_t len, int newline)
{
	char buf[LOG_LINE_MAX + 1];

	if (len > LOG_LINE_MAX) {
		khost_console_write(text, len);
		if (newline) {
			khost_console_write("\n", 1);
		}
		return;
	}
	memcpy(buf, text, len);
	if (newline) {
		buf[len++] = '\n';
	}
	khost_console_write(buf, len);
}

/* Commit one record; `flags` may carry MSGBUF_RF_CONT for a split line. */
static void
log_commit(int level, unsigned flags, const char *text, size_t len)
{
	if (log_st.hdr != NULL) {
		early_spin_lock(&log_st.lock);
		log_ring_append(level, flags, text, len);
		early_spin_unlock(&log_st.lock);
	} else {
		/* Before log_init there is nowhere else to put it. */
		flags |= MSGBUF_RF_PANIC;
	}
	if (log_console_wants(level, flags)) {
		log_console_line(text, len, !(flags & MSGBUF_RF_CONT));
	}
}

static void
log_line_commit(struct log_line *ln, unsigned extra)
{
	log_commit(ln->level, ln->flags | extra, ln->buf, ln->len);
	ln->len = 0;
}

void
log_flush_line(void)
{
	struct log_line *ln = &log_tls_line;

	if (ln->len > 0) {
		log_line_commit(ln, 0);
	}
}

void
log_write(int level, unsigned flags, const char *text, size_t len)
{
	struct log_line *ln = &log_tls_line;

	flags &= ~(unsigned)(MSGBUF_RF_PAD | MSGBUF_RF_CONT);
	if (ln->len > 0 && (ln->level != level || ln->flags != flags)) {
		/* Output of another kind ends the pending partial line. */
		log_line_commit(ln, 0);
	}
	ln->level = (int8_t)level;
	ln->flags = (uint8_t)flags;
	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t chunk = nl != NULL ? (size_t)(nl - text) : len;

		len -= chunk;
		while (chunk > 0) {
			size_t room = LOG_LINE_MAX - ln->len;
			if (room == 0) {
				log_line_commit(ln, MSGBUF_RF_CONT);
				room = LOG_LINE_MAX;
			}
			size_t n = chunk < room ? chunk : room;
			memcpy(ln->buf + ln->len, text, n);
			ln->len = (uint16_t)(ln->len + n);
			text += n;
			chunk -= n;
		}
		if (nl != NULL) {
			log_line_commit(ln, 0);
			text++;
			len--;
		}
	}
}

struct log_fmt_ctx {
	int level;
	unsigned flags;
};

static void
log_fmt_out(const char *buf, size_t len, void *ctx)
{
	struct log_fmt_ctx *fc = ctx;

	log_write(fc->level, fc->flags, buf, len);
}

int
log_vformat(int level, unsigned flags, const char *fmt, va_list ap)
{
	struct log_fmt_ctx fc = {.level = level, .flags = flags};
	size_t n = prf_format(fmt, ap, log_fmt_out, &fc);

	return n > INT32_MAX ? INT32_MAX : (int)n;
}

void
log_panic_write(const char *text, size_t len)
{
	int locked = 0;

	for (int i = 0; i < LOG_PANIC_LOCK_TRIES; i++) {
		if (early_spin_try(&log_st.lock)) {
			locked = 1;
			break;
		}
		__asm__ volatile("pause");
	}
	if (log_st.hdr != NULL) {
		const char *p = text, *end = text + len;
		struct log_line *ln = &log_tls_line;
		__atomic_or_fetch(&log_st.hdr->flags, MSGBUF_HF_PANICKED, __ATOMIC_RELAXED);
		if (ln->len > 0) {
			/* What the panicking thread printed just before. */
			log_ring_append(ln->level, ln->flags, ln->buf, ln->len);
			ln->len = 0;
		}
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl != NULL ? nl : end;
			log_ring_append(LOG_EMERG, MSGBUF_RF_PANIC, p, (size_t)(stop - p));
			p = nl != NULL ? nl + 1 : end;
		}
	}
	if (locked) {
		early_spin_unlock(&log_st.lock);
	}
	khost_console_write(text, len);
}

/* ---- set-up and queries ------------------------------------------------- */

static uint32_t
log_size_from_bootargs(void)
{
	uint64_t want = MSGBUF_DEFAULT_SIZE;
	uint64_t arg = 0;

	if (PE_parse_boot_argn("msgbuf", &arg, sizeof(arg)) && arg != 0) {
		want = arg;
	}
	if (want < MSGBUF_MIN_SIZE) {
		want = MSGBUF_MIN_SIZE;
	}
	if (want > MSGBUF_MAX_SIZE) {
		want = MSGBUF_MAX_SIZE;
	}
	return (uint32_t)want & ~7u;
}

static int
log_map_file(const char *root, size_t total, void **out)
{
	char dir[PATH_MAX];
	int err;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/var/log", root) >= sizeof(dir) ||
	    (size_t)snprintf(log_st.path, sizeof(log_st.path), "%s/var/log/msgbuf", root) >=
	            sizeof(log_st.path)) {
		log_st.path[0] = '\0';
		return ENAMETOOLONG;
	}
	err = khost_mkdir_p(dir, 0755);
	if (err == 0) {
		err = khost_file_map_shared(log_st.path, total, out);
	}
	if (err != 0) {
		log_st.path[0] = '\0';
	}
	return err;
}

int
log_init(const char *root)
{
	uint32_t size = log_size_from_bootargs();
	size_t total = MSGBUF_HEADER_SIZE + (size_t)size;
	void *map = NULL;
	int err = 0, flag = 0;

	debug_boot_arg = 0;
	(void)PE_parse_boot_argn("debug", &debug_boot_arg, sizeof(debug_boot_arg));
	log_st.verbose = PE_parse_boot_argn("-v", &flag, sizeof(flag)) ? 1 : 0;

	/* A second boot in one process (tests without fork) starts a new buffer. */
	early_spin_lock(&log_st.lock);
	log_st.hdr = NULL;
	early_spin_unlock(&log_st.lock);
	if (log_st.map != NULL) {
		(void)khost_vm_free(log_st.map, log_st.map_size);
		log_st.map = NULL;
	}
	log_st.path[0] = '\0';

	if (root != NULL) {
		err = log_map_file(root, total, &map);
	}
	if (map == NULL) {
		total = (total + khost_page_size() - 1) & ~(khost_page_size() - 1);
		if (khost_vm_alloc(total, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &map) != 0) {
			map = NULL;
		}
	}
	if (map != NULL) {
		log_st.map = map;
		log_st.map_size = total;
	} else {
		map = log_early_ring;
		size = LOG_EARLY_SIZE;
	}

	struct msgbuf_header *h = map;
	memset(h, 0, sizeof(*h));
	h->version = MSGBUF_VERSION;
	h->hdr_size = MSGBUF_HEADER_SIZE;
	h->data_size = size;
	h->boot_ns = khost_uptime_ns();
	h->writer_pid = (uint32_t)khost_getpid();
	__atomic_store_n(&h->magic, MSGBUF_MAGIC, __ATOMIC_RELEASE);

	early_spin_lock(&log_st.lock);
	log_st.data = (char *)map + MSGBUF_HEADER_SIZE;
	log_st.size = size;
	log_st.hdr = h;
	early_spin_unlock(&log_st.lock);
	return err;
}

void
log_shutdown(void)
{
	log_flush_line();
	if (log_st.hdr != NULL) {
		__atomic_or_fetch(&log_st.hdr->flags, MSGBUF_HF_SHUTDOWN, __ATOMIC_RELEASE);
	}
}

void
log_set_quiet(int quiet)
{
	log_st.quiet = quiet;
}

const char *
log_buffer_path(void)
{
	return log_st.path[0] != '\0' ? log_st.path : NULL;
}

int
log_buffer_image(const void **image, size_t *len)
{
	if (log_st.hdr == NULL) {
		return ENXIO;
	}
	*image = log_st.hdr;
	*len = MSGBUF_HEADER_SIZE + (size_t)log_st.size;
	return 0;
}

uint64_t
log_record_count(void)
{
	struct msgbuf_header *h = log_st.hdr;

	return h != NULL ? __atomic_load_n(&h->next_seq, __ATOMIC_RELAXED) : 0;
}

int
log_iterate(log_record_fn fn, void *ctx)
{
	struct msgbuf_header *h;
	int n = 0;

	early_spin_lock(&log_st.lock);
	h = log_st.hdr;
	if (h == NULL) {
		early_spin_unlock(&log_st.lock);
		return 0;
	}
	for (uint64_t off = h->head; off < h->tail;) {
		const struct msgbuf_record *r = log_rec_at(off);
		if (r->len < MSGBUF_PAD_MIN || (r->len & 7) != 0) {
			break;
		}
		if (!(r->flags & MSGBUF_RF_PAD)) {
			fn(r, (const char *)(r + 1), ctx);
			n++;
		}
		off += r->len;
	}
	early_spin_unlock(&log_st.lock);
	return n;
}
