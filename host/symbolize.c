/*
 * symbolize.c — code address -> function, file:line, from DWARF, with
 * elfutils libdwfl (a host library: it opens files and mallocs, so kernel
 * code reaches it only through khost_symbolize / khost_symbolize_kernel).
 *
 * Two sources:
 *  - a kext's debug object: an ELF relocatable object whose allocated
 *    sections' sh_addr already hold their load addresses. libdwfl lays out
 *    an ET_REL module itself: it keeps the layout given by non-zero sh_addr
 *    values, placed at the base it is given (here the lowest sh_addr, so the
 *    addresses stay as they are), and applies the object's relocations to
 *    the DWARF. Each call reports a private copy
 *    (libdwfl rewrites section headers in place) into a fresh session: it is
 *    only used for reports, where a few frames are looked up.
 *  - the kernel executable itself (/proc/self/exe, linked non-PIE, so its
 *    addresses are run-time addresses): one session opened on first use and
 *    kept; khost_symbolize_init opens it at boot so that a panic after a
 *    fault need not read the file.
 *
 * Without DWARF the symbol table still gives the function.
 *
 * libdw wants far more stack than a 16 KiB kernel thread has, and reports
 * are made on such threads (panic(), the watchdog): lookups run on the
 * thread's alternate signal stack (host/fault.c) through swapcontext,
 * unless the caller is already on it (a fault report).
 */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <gelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/host_internal.h"

static const Dwfl_Callbacks sym_offline_callbacks = {
        .find_debuginfo = dwfl_standard_find_debuginfo,
        .section_address = dwfl_offline_section_address,
};

static pthread_mutex_t sym_self_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *sym_self;
static Dwfl_Module *sym_self_mod;

/* ---- running on a big stack ---- */

struct sym_call {
	int (*fn)(void *);
	void *arg;
	int ret;
	ucontext_t caller, callee;
};

static void
sym_trampoline(unsigned int hi, unsigned int lo)
{
	struct sym_call *c = (struct sym_call *)(((uintptr_t)hi << 32) | (uintptr_t)lo);

	c->ret = c->fn(c->arg);
}

static int
sym_on_big_stack(int (*fn)(void *), void *arg)
{
	struct sym_call c = {.fn = fn, .arg = arg};
	stack_t cur;
	size_t size;
	void *stack = khost_fault_altstack(&size);

	if (stack == NULL || sigaltstack(NULL, &cur) != 0 || (cur.ss_flags & SS_ONSTACK))
		return fn(arg);
	if (getcontext(&c.callee) != 0)
		return fn(arg);
	c.callee.uc_stack.ss_sp = stack;
	c.callee.uc_stack.ss_size = size;
	c.callee.uc_link = &c.caller;
	makecontext(&c.callee, (void (*)(void))sym_trampoline, 2, (unsigned int)((uintptr_t)&c >> 32),
	            (unsigned int)(uintptr_t)&c);
	if (swapcontext(&c.caller, &c.callee) != 0)
		return fn(arg);
	return c.ret;
}

static void
sym_copy(char *dst, size_t size, const char *src)
{
	if (size == 0)
		return;
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* Fill the answer from one module; ENOENT when the address has no symbol. */
static int
sym_lookup(Dwfl_Module *mod, uint64_t addr, struct khost_symbol *out)
{
	GElf_Sym sym;
	GElf_Off off = 0;
	const char *name;
	Dwfl_Line *line;

	memset(out, 0, sizeof(*out));
	name = dwfl_module_addrinfo(mod, (Dwarf_Addr)addr, &off, &sym, NULL, NULL, NULL);
	if (name != NULL) {
		sym_copy(out->func, sizeof(out->func), name);
		out->func_offset = off;
	}
	line = dwfl_module_getsrc(mod, (Dwarf_Addr)addr);
	if (line != NULL) {
		int lineno = 0;
		const char *file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		if (file != NULL) {
			const char *base = strrchr(file, '/');
			sym_copy(out->file, sizeof(out->file), base != NULL ? base + 1 : file);
			out->line = lineno;
		}
	}
	return name != NULL || out->line > 0 ? 0 : ENOENT;
}

/* The lowest non-zero sh_addr of an allocated section (0 when none). */
static uint64_t
sym_lowest_addr(char *image, size_t size)
{
	Elf *elf = elf_memory(image, size);
	Elf_Scn *scn = NULL;
	uint64_t lowest = 0;

	if (elf == NULL)
		return 0;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		if (gelf_getshdr(scn, &shdr) == NULL)
			break;
		if ((shdr.sh_flags & SHF_ALLOC) && shdr.sh_addr != 0 &&
		    (lowest == 0 || shdr.sh_addr < lowest))
			lowest = shdr.sh_addr;
	}
	elf_end(elf);
	return lowest;
}

struct sym_args {
	const void *elf;
	size_t size;
	uint64_t addr;
	struct khost_symbol *out;
};

static int
sym_object(const void *elf, size_t size, uint64_t addr, struct khost_symbol *out)
{
	Dwfl *dwfl;
	Dwfl_Module *mod;
	uint64_t lowest;
	int fd = -1;
	char *copy;
	int err = ENOENT;

	if (elf == NULL || size == 0 || out == NULL)
		return 22; /* EINVAL */
	copy = malloc(size);
	if (copy == NULL)
		return 12; /* ENOMEM */
	memcpy(copy, elf, size);
	elf_version(EV_CURRENT);
	lowest = sym_lowest_addr(copy, size);
	dwfl = dwfl_begin(&sym_offline_callbacks);
	if (dwfl == NULL) {
		free(copy);
		return 12;
	}
	/*
	 * Reported at its lowest section address, the module's bias is 0 and
	 * libdwfl's relocated DWARF addresses are the load addresses. (Reported
	 * anywhere else, libdwfl biases the relocated DWARF addresses twice.)
	 * dwfl_report_elf wants a descriptor: a memfd holds the copy.
	 */
	if (lowest == 0 || addr < lowest)
		goto out;
	fd = memfd_create("kext-debug-object", MFD_CLOEXEC);
	if (fd < 0 || write(fd, copy, size) != (ssize_t)size) {
		err = 12;
		goto out;
	}
	mod = dwfl_report_elf(dwfl, "kext", "kext", fd, lowest, false);
	if (mod == NULL) {
		err = 8; /* ENOEXEC */
		goto out;
	}
	fd = -1; /* the module owns it now */
	dwfl_report_end(dwfl, NULL, NULL);
	err = sym_lookup(mod, addr, out);
out:
	dwfl_end(dwfl);
	if (fd >= 0)
		close(fd);
	free(copy);
	return err;
}

static int
sym_self_open(void)
{
	if (sym_self_mod != NULL)
		return 0;
	if (sym_self != NULL)
		return ENOENT; /* tried before and failed */
	sym_self = dwfl_begin(&sym_offline_callbacks);
	if (sym_self == NULL)
		return 12;
	sym_self_mod = dwfl_report_offline(sym_self, "kernel", "/proc/self/exe", -1);
	dwfl_report_end(sym_self, NULL, NULL);
	return sym_self_mod != NULL ? 0 : ENOENT;
}

void
khost_symbolize_init(void)
{
	pthread_mutex_lock(&sym_self_lock);
	if (sym_self_open() == 0) {
		/* Read the address ranges now: a panic then only reads the line tables. */
		struct khost_symbol s;
		(void)sym_lookup(sym_self_mod, (uint64_t)(uintptr_t)khost_symbolize_init, &s);
	}
	pthread_mutex_unlock(&sym_self_lock);
}

static int
sym_object_call(void *a)
{
	struct sym_args *sa = a;
	return sym_object(sa->elf, sa->size, sa->addr, sa->out);
}

int
khost_symbolize(const void *elf, size_t size, uint64_t addr, struct khost_symbol *out)
{
	struct sym_args sa = {elf, size, addr, out};
	return sym_on_big_stack(sym_object_call, &sa);
}

static int
sym_kernel(uint64_t addr, struct khost_symbol *out)
{
	int err;

	if (out == NULL)
		return 22;
	/*
	 * Never wait: the caller may be reporting a fault that happened while
	 * this very thread held the lock.
	 */
	if (pthread_mutex_trylock(&sym_self_lock) != 0)
		return 16; /* EBUSY */
	err = sym_self_open();
	if (err == 0)
		err = sym_lookup(sym_self_mod, addr, out);
	pthread_mutex_unlock(&sym_self_lock);
	return err;
}

static int
sym_kernel_call(void *a)
{
	struct sym_args *sa = a;
	return sym_kernel(sa->addr, sa->out);
}

int
khost_symbolize_kernel(uint64_t addr, struct khost_symbol *out)
{
	struct sym_args sa = {NULL, 0, addr, out};
	return sym_on_big_stack(sym_kernel_call, &sa);
}

/* From the linker: the start of the executable and the end of its code. */
extern char __executable_start[], etext[];

void
khost_kernel_text(uintptr_t *lo, uintptr_t *hi)
{
	*lo = (uintptr_t)__executable_start;
	*hi = (uintptr_t)etext;
}
