/*
 * basic.c — a test kext object built with many compilers and flag sets
 * (mk/kxld-tests.mk). It exercises what kexts do: calls into the kernel
 * (snprintf, strlen), a kernel data symbol, calls between its own functions,
 * function pointers in data (R_X86_64_64), pointers to strings, static and
 * global data, bss, a constructor and a destructor, and kmod_info.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <libkern/libkern.h>

/* Provided by the test program through the resolver. */
extern int kxld_test_kernel_value;
extern int kxld_test_kernel_callback(int x);

/* Stands in for the kmod_info_t that kextbuild generates. */
struct basic_kmod_info {
	uint64_t next;
	int32_t info_version;
	uint32_t id;
	char name[64];
	char version[64];
} kmod_info = {0, 1, 0, "com.example.kxld.basic", "1.0.0"};

static int counter;      /* bss, local */
int basic_bss_array[64]; /* bss, global */
static int data_values[4] = {1, 2, 3, 4};
const char *const basic_greeting_ptr = "hello";
char basic_buffer[32] = "initial";

static __attribute__((noinline)) int
twice(int x)
{
	return 2 * x;
}

static __attribute__((noinline)) int
thrice(int x)
{
	return 3 * x;
}

int (*const basic_ops[])(int) = {twice, thrice};

struct basic_entry {
	const char *name;
	int (*fn)(int);
};
struct basic_entry basic_table[] = {{"twice", twice}, {"thrice", thrice}};

static int ctor_ran;

__attribute__((constructor)) static void
basic_ctor(void)
{
	/* A call the compiler cannot evaluate, so the constructor stays a constructor. */
	ctor_ran = kxld_test_kernel_callback(4) + 2;
	counter = 100;
}

__attribute__((destructor)) static void
basic_dtor(void)
{
	kxld_test_kernel_value = -1;
}

int
basic_ctor_ran(void)
{
	return ctor_ran;
}

int
basic_apply(int which, int x)
{
	return basic_ops[which](x) + basic_table[which].fn(x);
}

const char *
basic_table_name(int which)
{
	return basic_table[which].name;
}

size_t
basic_strlen(const char *s)
{
	return strlen(s);
}

int
basic_format(char *buf, size_t len, int v)
{
	return snprintf(buf, len, "%s-%d-%d", basic_greeting_ptr, v, kxld_test_kernel_value);
}

int
basic_kernel_call(int x)
{
	return kxld_test_kernel_callback(x) + 1;
}

/* Returns a kernel function's address as the kext sees it. */
void *
basic_kernel_fn_ptr(void)
{
	return (void *)&kxld_test_kernel_callback;
}

int
basic_counter(void)
{
	return ++counter;
}

int *
basic_bss(void)
{
	return basic_bss_array;
}

int
basic_sum_data(void)
{
	int s = 0;
	for (int i = 0; i < 4; i++)
		s += data_values[i];
	return s;
}

__attribute__((noinline)) int
basic_factorial(int n)
{
	return n <= 1 ? 1 : n * basic_factorial(n - 1);
}

const char *
basic_greeting(void)
{
	return basic_greeting_ptr;
}

int
basic_set_kernel_value(int v)
{
	int old = kxld_test_kernel_value;
	kxld_test_kernel_value = v;
	return old;
}
