/*
 * kdebug_thrmap.c — kdebug's thread map: which thread ID (a record's arg5)
 * is which thread, so a trace reader can name the threads of a timeline.
 *
 * As on Darwin, the map is taken when tracing is enabled (KERN_KDENABLE, if
 * no map is kept yet: KDBG_MAPINIT), read once and freed by KERN_KDTHRMAP,
 * and freed by KERN_KDSETUP and KERN_KDREMOVE; KERN_KDREADCURTHRMAP copies a
 * fresh map of the threads alive now and keeps nothing. The map has room for
 * a quarter more threads than there were, Darwin's margin.
 *
 * One entry (kd_threadmap, 32 bytes, Darwin's LP64 layout):
 *
 * | offset | size | field   | meaning                                          |
 * |--------|------|---------|--------------------------------------------------|
 * | 0      | 8    | thread  | thread ID (thread_tid, the records' arg5)         |
 * | 8      | 4    | valid   | pid of the thread's task: kernel threads give 1   |
 * |        |      |         | (Darwin's value for kernel_task)                  |
 * | 12     | 20   | command | the thread's name if it has one, else             |
 * |        |      |         | "kernel_task" (Darwin: the process name); NUL-ended |
 *
 * Every thread that records events in kexthost is a kernel thread (user
 * processes' calls are served by kernel workers), so naming threads by their
 * kernel thread names (kreq.worker, IOWorkLoop, ...) is what makes a
 * kexthost timeline readable; Darwin has only the process name there.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include "osfmk/kern/thread_internal.h"
#include "osfmk/kern/watchdog.h"
#include "bsd/kern/kdebug_internal.h"

struct kd_mapfill {
	kd_threadmap *map;
	uint32_t cap, n;
};

static void
kd_count_fn(struct thread *th, void *ctx)
{
	(void)th;
	((struct kd_mapfill *)ctx)->n++;
}

/* Under the thread list's spin lock: copy only, never allocate or block. */
static void
kd_fill_fn(struct thread *th, void *ctx)
{
	struct kd_mapfill *f = ctx;
	kd_threadmap *e;

	if (f->n >= f->cap)
		return;
	e = &f->map[f->n++];
	e->thread = thread_tid(th);
	e->valid = 1;
	strlcpy(e->command, th->th_name[0] != '\0' ? th->th_name : "kernel_task", sizeof(e->command));
}

int
kdbg_thrmap_build(kd_threadmap **out, uint32_t *count, uint32_t *cap)
{
	struct kd_mapfill f = {0};

	watchdog_threads_apply(kd_count_fn, &f);
	f.cap = f.n + f.n / 4 + 1;
	f.n = 0;
	f.map = kalloc(f.cap * sizeof(kd_threadmap));
	if (f.map == NULL)
		return ENOMEM;
	memset(f.map, 0, f.cap * sizeof(kd_threadmap));
	watchdog_threads_apply(kd_fill_fn, &f);
	*out = f.map;
	*count = f.n;
	*cap = f.cap;
	return 0;
}

void
kdbg_thrmap_free(kd_threadmap *map, uint32_t cap)
{
	if (map != NULL)
		kfree(map, cap * sizeof(kd_threadmap));
}

int
kdbg_thrmap_copy(const kd_threadmap *map, uint32_t count, void *where, size_t *sizep)
{
	size_t need = (size_t)count * sizeof(kd_threadmap);

	if (where == NULL || sizep == NULL || *sizep < need)
		return EINVAL;
	memcpy(where, map, need);
	*sizep = need;
	return 0;
}
