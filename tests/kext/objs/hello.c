/*
 * hello.c — a test kext: start and stop record that they ran, a
 * constructor and a destructor count themselves, and the kext allocates
 * through OSMalloc and kalloc (freed at stop unless hello_leak is set, so
 * the leak report can be tested). Links against com.apple.kpi.libkern and
 * com.apple.kpi.unsupported (kalloc).
 */
#include <mach/kmod.h>
#include <kern/kalloc.h>
#include <libkern/OSMalloc.h>
#include <libkern/OSKextLib.h>
#include <sys/systm.h>

int hello_started;
int hello_stopped;
int hello_ctors;
int hello_dtors;
int hello_leak;
int hello_stop_result;
OSKextLoadTag hello_tag;
const char *hello_id;
const char *hello_version;

static OSMallocTag hello_mtag;
static void *hello_buf;
static void *hello_kbuf;

__attribute__((constructor)) static void
hello_ctor(void)
{
	hello_ctors++;
}

__attribute__((destructor)) static void
hello_dtor(void)
{
	hello_dtors++;
}

static kern_return_t
hello_start(kmod_info_t *ki, void *d)
{
	hello_started++;
	hello_tag = OSKextGetCurrentLoadTag();
	hello_id = OSKextGetCurrentIdentifier();
	hello_version = OSKextGetCurrentVersionString();
	hello_mtag = OSMalloc_Tagalloc("com.example.hello.tag", OSMT_DEFAULT);
	hello_buf = OSMalloc(96, hello_mtag);
	hello_kbuf = kalloc(64);
	printf("HelloKext: start %s tag %u\n", ki->name, (unsigned)ki->id);
	return KERN_SUCCESS;
}

static kern_return_t
hello_stop(kmod_info_t *ki, void *d)
{
	if (hello_stop_result != 0) {
		return hello_stop_result;
	}
	hello_stopped++;
	if (!hello_leak) {
		OSFree(hello_buf, 96, hello_mtag);
		OSMalloc_Tagfree(hello_mtag);
		kfree(hello_kbuf, 64);
	}
	printf("HelloKext: stop\n");
	return KERN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.example.hello, "1.0", hello_start, hello_stop)
