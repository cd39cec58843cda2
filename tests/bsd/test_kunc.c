/*
 * test_kunc.c — KUNC through a notification agent played by the test over
 * the agent's kernel control: no agent gives MACH_SEND_INVALID_DEST; a
 * non-root agent is refused and a second agent gets EBUSY; a notice and an
 * execute request arrive with their strings; an alert blocks its caller
 * until the agent answers with the button, times out with
 * kKUNCCancelResponse, or ends with KERN_ABORTED when the agent leaves.
 */
#include "tests/ktest.h"
#include <sys/errno.h>
#include <sys/kern_control.h>
#include <kern/thread.h>
#include <kern/clock.h>
#include <mach/mach_time.h>
#include <UserNotification/KUNCUserNotifications.h>
#include "sdk/User/kexthost/kunc.h"
#include "bsd/sys/sys_domain_internal.h"

static int
agent_open(int priv, struct sosys **out)
{
	struct ctl_info ci;
	struct sockaddr_ctl a;
	int err;

	ck_assert_int_eq(sosys_create(SOSYS_SOCK_DGRAM, SYSPROTO_CONTROL, priv, out), 0);
	memset(&ci, 0, sizeof(ci));
	strlcpy(ci.ctl_name, KUNC_CONTROL_NAME, sizeof(ci.ctl_name));
	ck_assert_int_eq(sosys_ioctl(*out, CTLIOCGINFO, &ci), 0);
	memset(&a, 0, sizeof(a));
	a.sc_len = sizeof(a);
	a.sc_family = AF_SYSTEM;
	a.ss_sysaddr = AF_SYS_CONTROL;
	a.sc_id = ci.ctl_id;
	err = sosys_connect(*out, &a, sizeof(a));
	return err;
}

/* Receive one request; returns its header and fills strs with pointers into buf. */
static struct kunc_msg
agent_recv(struct sosys *so, char *buf, size_t cap, const char *strs[KUNC_NSTR])
{
	struct kunc_msg h;
	size_t n, off;
	int fl;

	ck_assert_int_eq(sosys_recv(so, buf, cap, 0, &n, &fl), 0);
	ck_assert_uint_ge(n, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	off = sizeof(h);
	for (int i = 0; i < KUNC_NSTR; i++) {
		strs[i] = buf + off;
		off += strlen(buf + off) + 1;
		ck_assert_uint_le(off, n);
	}
	return h;
}

START_TEST(test_no_agent_and_refusals)
{
	struct sosys *a, *b;
	unsigned resp = 99;

	ck_assert_int_eq(KUNCUserNotificationDisplayNotice(0, 0, NULL, NULL, NULL, "h", "m", "OK"),
	                 MACH_SEND_INVALID_DEST);
	ck_assert_int_eq(
	        KUNCUserNotificationDisplayAlert(1, 0, NULL, NULL, NULL, "h", "m", "OK", NULL, NULL, &resp),
	        MACH_SEND_INVALID_DEST);
	ck_assert_int_eq(agent_open(0, &a), EPERM); /* the agent's control is privileged */
	sosys_close(a);
	ck_assert_int_eq(agent_open(1, &a), 0);
	ck_assert_int_eq(agent_open(1, &b), EBUSY); /* one agent at a time */
	sosys_close(b);
	ck_assert_int_eq(KUNCExecute(NULL, 0, kOpenApplicationPath), KERN_INVALID_ARGUMENT);
	ck_assert_int_eq(KUNCExecute("/bin/true", 0, 7), KERN_INVALID_ARGUMENT);
	sosys_close(a);
}
END_TEST

START_TEST(test_notice_and_execute)
{
	struct sosys *a;
	char buf[1024];
	const char *s[KUNC_NSTR];
	struct kunc_msg h;

	ck_assert_int_eq(agent_open(1, &a), 0);
	ck_assert_int_eq(KUNCUserNotificationDisplayNotice(5, kKUNCNoteAlertLevel, NULL, NULL, NULL, "Header",
	                                                   "The message", "Fine"),
	                 KERN_SUCCESS);
	h = agent_recv(a, buf, sizeof(buf), s);
	ck_assert_uint_eq(h.kind, KUNC_NOTICE);
	ck_assert_int_eq(h.timeout, 5);
	ck_assert_uint_eq(h.flags, kKUNCNoteAlertLevel);
	ck_assert_str_eq(s[KUNC_S_HEADER], "Header");
	ck_assert_str_eq(s[KUNC_S_MESSAGE], "The message");
	ck_assert_str_eq(s[KUNC_S_DEFAULT], "Fine");
	ck_assert_str_eq(s[KUNC_S_ICON], "");
	ck_assert_int_eq(KUNCExecute("/usr/bin/env", kOpenAppAsConsoleUser, kOpenApplicationPath),
	                 KERN_SUCCESS);
	h = agent_recv(a, buf, sizeof(buf), s);
	ck_assert_uint_eq(h.kind, KUNC_EXECUTE);
	ck_assert_uint_eq(h.flags, kOpenAppAsConsoleUser);
	ck_assert_str_eq(s[KUNC_S_PATH], "/usr/bin/env");
	sosys_close(a);
}
END_TEST

static volatile int alert_done;
static volatile kern_return_t alert_kr;
static volatile unsigned alert_resp;
static volatile int alert_timeout;

static void
alerter(void *arg, wait_result_t wr)
{
	unsigned r = 99;

	alert_kr = KUNCUserNotificationDisplayAlert(alert_timeout, 0, NULL, NULL, NULL, "Question",
	                                            "Proceed?", "Yes", "No", "Later", &r);
	alert_resp = r;
	__atomic_store_n(&alert_done, 1, __ATOMIC_RELEASE);
}

static void
start_alert(int timeout)
{
	thread_t th;

	alert_done = 0;
	alert_timeout = timeout;
	ck_assert_int_eq(kernel_thread_start(alerter, NULL, &th), KERN_SUCCESS);
	thread_deallocate(th);
}

static void
wait_alert(int max_ms)
{
	for (int i = 0; i < max_ms && !__atomic_load_n(&alert_done, __ATOMIC_ACQUIRE); i++)
		delay(1000);
	ck_assert(alert_done);
}

START_TEST(test_alert_answer_timeout_abort)
{
	struct sosys *a;
	char buf[1024];
	const char *s[KUNC_NSTR];
	struct kunc_msg h;
	struct kunc_reply r;
	size_t n;
	uint64_t t0, t1, ns;

	ck_assert_int_eq(agent_open(1, &a), 0);
	/* Answered: the caller gets the button. */
	start_alert(30);
	h = agent_recv(a, buf, sizeof(buf), s);
	ck_assert_uint_eq(h.kind, KUNC_ALERT);
	ck_assert_str_eq(s[KUNC_S_OTHER], "Later");
	delay(20000);
	ck_assert(!alert_done); /* blocked until the answer */
	r.token = h.token;
	r.response = kKUNCOtherResponse;
	ck_assert_int_eq(sosys_send(a, &r, sizeof(r), 0, &n), 0);
	wait_alert(5000);
	ck_assert_int_eq(alert_kr, KERN_SUCCESS);
	ck_assert_uint_eq(alert_resp, kKUNCOtherResponse);
	/* A reply for no pending alert is refused. */
	ck_assert_int_eq(sosys_send(a, &r, sizeof(r), 0, &n), ENOENT);

	/* Unanswered: cancel after the alert's timeout (1 s). */
	t0 = mach_absolute_time();
	start_alert(1);
	h = agent_recv(a, buf, sizeof(buf), s);
	wait_alert(5000);
	t1 = mach_absolute_time();
	absolutetime_to_nanoseconds(t1 - t0, &ns);
	ck_assert_int_eq(alert_kr, KERN_SUCCESS);
	ck_assert_uint_eq(alert_resp, kKUNCCancelResponse);
	ck_assert_uint_ge(ns, 900000000ull);

	/* The agent leaves while an alert waits: KERN_ABORTED. */
	start_alert(30);
	h = agent_recv(a, buf, sizeof(buf), s);
	sosys_close(a);
	wait_alert(5000);
	ck_assert_int_eq(alert_kr, KERN_ABORTED);
	ck_assert_uint_eq(alert_resp, kKUNCCancelResponse);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kunc");
	TCase *tc = ktest_tcase("kunc");

	tcase_add_test(tc, test_no_agent_and_refusals);
	tcase_add_test(tc, test_notice_and_execute);
	tcase_add_test(tc, test_alert_answer_timeout_abort);
	suite_add_tcase(s, tc);
	return s;
}
