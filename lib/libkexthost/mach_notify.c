/*
 * mach_notify.c — waiting for messages the kernel queues for this task.
 *
 * The kernel never waits in a receive (its one worker per connection
 * would be stuck, and every other call of the process with it). Instead
 * the process gives the kernel an eventfd (KHRQ_T_MACH_NOTIFY_FD) that the
 * kernel signals whenever it queues a message on any of the task's
 * receive rights, and a receive that may wait loops: try without waiting;
 * if nothing is there, wait for the descriptor; try again.
 *
 * Several threads may wait at once, on different ports. One of them (the
 * poller) sleeps in poll(); when it wakes it empties the counter and bumps
 * a generation number; the others sleep on a condition until the
 * generation changes. A thread notes the generation *before* its try, so
 * a message queued after its try always leads to a generation it hasn't
 * seen: the counter the message raised is emptied only by a poller who
 * bumps the generation afterwards. Polls are bounded (a second), so a
 * kernel that went away shows up as a failing try, not a hang.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/mach_trap.h>
#include <kexthost/kh_mach.h>
#include "lib/libkexthost/mach_internal.h"

#define KHN_POLL_MS 1000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;
	pid_t pid; /* the process that registered fd (a forked child registers its own) */
	uint64_t gen;
	int polling;
} khn = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, -1, 0, 0, 0};

int
kh_mach_notify_fd(void)
{
	struct khmt_notify_setup s = {0};
	void *r = NULL;
	size_t rlen = 0;
	uint32_t status = 0;
	int fd, err;

	pthread_mutex_lock(&khn.lock);
	if (khn.fd >= 0 && khn.pid == getpid()) {
		fd = khn.fd;
		pthread_mutex_unlock(&khn.lock);
		return fd;
	}
	if (khn.fd >= 0)
		close(khn.fd); /* the parent's, inherited across fork */
	khn.fd = -1;
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	s.fd = fd;
	err = kh_request(KHRQ_T_MACH_NOTIFY_FD, &s, sizeof(s), &r, &rlen, &status);
	free(r);
	if (err == 0 && status != 0)
		err = status == 1 ? EPERM : (int)status; /* Darwin and Linux agree below 35 */
	if (err != 0) {
		close(fd);
		goto fail;
	}
	khn.fd = fd;
	khn.pid = getpid();
	pthread_mutex_unlock(&khn.lock);
	return fd;
fail:
	pthread_mutex_unlock(&khn.lock);
	errno = err;
	return -1;
}

static uint64_t
khn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait (lock held) until the generation moves past gen or ms pass. */
static void
khn_wait_locked(int fd, uint64_t gen, int ms)
{
	uint64_t v;

	if (khn.gen != gen)
		return;
	if (!khn.polling) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		khn.polling = 1;
		pthread_mutex_unlock(&khn.lock);
		(void)poll(&p, 1, ms);
		(void)read(fd, &v, sizeof(v)); /* empty the counter (EAGAIN when it was) */
		pthread_mutex_lock(&khn.lock);
		khn.polling = 0;
		khn.gen++;
		pthread_cond_broadcast(&khn.cond);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ms / 1000;
		ts.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (khn.gen == gen && khn.polling)
			if (pthread_cond_timedwait(&khn.cond, &khn.lock, &ts) == ETIMEDOUT)
				break;
	}
}

void
kh_mach_notify_ack(void)
{
	uint64_t v;

	pthread_mutex_lock(&khn.lock);
	if (khn.fd >= 0 && khn.pid == getpid() && read(khn.fd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		khn.gen++; /* whoever waits on the condition looks again */
		pthread_cond_broadcast(&khn.cond);
		if (khn.polling) {
			v = 1; /* and so does the poller: its message may be what we just took the signal of */
			(void)write(khn.fd, &v, sizeof(v));
		}
	}
	pthread_mutex_unlock(&khn.lock);
}

mach_msg_return_t
kh_mach_msg_wait(mach_msg_header_t *msg, mach_msg_option_t option, mach_msg_size_t rcv_size,
                 mach_port_name_t rcv_name, mach_msg_timeout_t timeout)
{
	uint64_t deadline = (option & MACH_RCV_TIMEOUT) ? khn_now_ms() + timeout : 0;
	int fd = kh_mach_notify_fd();

	for (;;) {
		mach_msg_return_t mr;
		uint64_t gen, now;
		int ms = KHN_POLL_MS;

		pthread_mutex_lock(&khn.lock);
		gen = khn.gen;
		pthread_mutex_unlock(&khn.lock);
		mr = kh_mach_msg(msg, option | MACH_RCV_TIMEOUT, 0, rcv_size, rcv_name, 0, MACH_PORT_NULL);
		if (mr != MACH_RCV_TIMED_OUT)
			return mr;
		now = khn_now_ms();
		if (deadline != 0) {
			if (now >= deadline)
				return MACH_RCV_TIMED_OUT;
			if (deadline - now < (uint64_t)ms)
				ms = (int)(deadline - now);
		}
		if (fd < 0) {
			usleep(10000); /* no descriptor (the kernel refused it): try again shortly */
			continue;
		}
		pthread_mutex_lock(&khn.lock);
		khn_wait_locked(fd, gen, ms);
		pthread_mutex_unlock(&khn.lock);
	}
}
