/*
 * IOKitLib_memory.c — IOConnectMapMemory / IOConnectUnmapMemory (and their
 * 64-bit forms): a user client's memory mapped into this process
 * (<IOKit/IOKitLib.h>, "Memory"; the kernel half is
 * iokit/Kernel/IOKitMIG_memory.c, the protocol in docs/BOUNDARY.md,
 * "Mapping memory into a process").
 *
 * The kernel cannot map pages into another process, so it hands this one a
 * descriptor of the memory's memfd with the reply of
 * io_connect_map_memory_into_task; this library maps it and reports the
 * address with a second request (kIOMapReference). The messages go on the
 * socket, never the ring, because only the socket carries descriptors.
 * This process remembers each mapping it made (address, length), so
 * IOConnectUnmapMemory can unmap its view once the kernel has forgotten
 * the mapping; a mapping the kernel answered without a descriptor (mapped
 * already, or this process's own memory) is the kernel's to keep.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kexthost/request.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_mach.h>
#include <kexthost/mach_trap.h>
#include <IOKit/IOKitLib.h>

enum { IOMEM_ID_MAP = 2863, IOMEM_ID_UNMAP = 2864 };

/* The request: header, body, the task port, NDR, arguments; the reply lands in the same buffer. */
struct iomem_msg {
	mach_msg_header_t head;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t task;
	NDR_record_t ndr;
	uint8_t args[128];
};

/* This process's views of client memory, for IOConnectUnmapMemory. */
struct iomem_view {
	mach_vm_address_t address; /* what IOConnectMapMemory returned */
	void *base;                /* the mmap */
	size_t len;
	struct iomem_view *next;
};

static struct {
	pthread_mutex_t lock;
	struct iomem_view *views;
} iomem = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const NDR_record_t iomem_ndr = {.int_rep = NDR_INT_LITTLE_ENDIAN};

/*
 * One routine on the socket: *out gets the reply's outputs (after RetCode),
 * *fd a descriptor the reply carried (-1: none; the caller closes it).
 */
static kern_return_t
iomem_call(io_connect_t connect, mach_msg_id_t id, task_port_t task, const void *args, uint32_t args_len,
           void *out, uint32_t out_len, int *fd)
{
	mach_port_t reply = kh_mig_get_reply_port();
	struct iomem_msg m;
	uint32_t send_size = (uint32_t)offsetof(struct iomem_msg, args) + args_len;
	struct khmt_request *rq;
	struct khmt_reply rp;
	void *r = NULL;
	size_t rlen = 0, len = KHMT_REQUEST_SIZE + send_size;
	uint32_t status = 0;
	kern_return_t ret;
	int err;

	*fd = -1;
	if (reply == MACH_PORT_NULL)
		return MACH_SEND_INVALID_REPLY;
	memset(&m, 0, sizeof(m));
	m.head.msgh_bits = MACH_MSGH_BITS_COMPLEX |
	                   MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
	m.head.msgh_size = send_size;
	m.head.msgh_remote_port = connect;
	m.head.msgh_local_port = reply;
	m.head.msgh_id = id;
	m.body.msgh_descriptor_count = 1;
	m.task.name = task;
	m.task.disposition = MACH_MSG_TYPE_COPY_SEND;
	m.task.type = MACH_MSG_PORT_DESCRIPTOR;
	m.ndr = iomem_ndr;
	memcpy(m.args, args, args_len);

	rq = calloc(1, len);
	if (rq == NULL)
		return kIOReturnNoMemory;
	rq->trap = KH_MACH_msg;
	rq->nargs = 7;
	rq->args[0] = (uint64_t)(uintptr_t)&m;
	rq->args[1] = MACH_SEND_MSG | MACH_RCV_MSG;
	rq->args[2] = send_size;
	rq->args[3] = sizeof(m);
	rq->args[4] = reply;
	rq->msg_len = send_size;
	memcpy((char *)rq + KHMT_REQUEST_SIZE, &m, send_size);
	err = kh_request_fd(KHRQ_T_MACH_TRAP, rq, len, &r, &rlen, &status, fd);
	free(rq);
	if (err != 0 || status != 0 || rlen < KHMT_REPLY_SIZE) {
		free(r);
		ret = err != 0 || status != 0 ? MACH_SEND_INVALID_DEST : MIG_SERVER_DIED;
		goto fail;
	}
	memcpy(&rp, r, sizeof(rp));
	ret = rp.kr;
	if (ret == KERN_SUCCESS && (rp.nool != 0 || rp.msg_len != rlen - KHMT_REPLY_SIZE ||
	                            rp.msg_len > sizeof(m) || rp.msg_len < sizeof(mig_reply_error_t)))
		ret = MIG_TYPE_ERROR;
	if (ret == KERN_SUCCESS) {
		const mig_reply_error_t *e;
		memcpy(&m, (const char *)r + KHMT_REPLY_SIZE, rp.msg_len);
		e = (const mig_reply_error_t *)&m;
		if ((uint32_t)m.head.msgh_id != (uint32_t)id + 100u)
			ret = MIG_REPLY_MISMATCH;
		else if (m.head.msgh_bits & MACH_MSGH_BITS_COMPLEX)
			ret = MIG_TYPE_ERROR;
		else if (e->RetCode != KERN_SUCCESS)
			ret = e->RetCode;
		else if (rp.msg_len < sizeof(*e) + out_len)
			ret = MIG_TYPE_ERROR;
		else if (out_len > 0)
			memcpy(out, (const char *)&m + sizeof(*e), out_len);
	}
	free(r);
	if (ret == KERN_SUCCESS)
		return ret;
fail:
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

struct iomem_map_args {
	uint32_t memory_type;
	uint64_t address;
	uint64_t size;
	uint32_t flags;
} __attribute__((packed));

struct iomem_map_out {
	uint64_t address;
	uint64_t size;
} __attribute__((packed));

struct iomem_unmap_args {
	uint32_t memory_type;
	uint64_t address;
} __attribute__((packed));

kern_return_t
IOConnectMapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t intoTask,
                     mach_vm_address_t *atAddress, mach_vm_size_t *ofSize, IOOptionBits options)
{
	struct iomem_map_args a = {memoryType, 0, 0, options & ~(uint32_t)kIOMapReference};
	struct iomem_map_out o = {0, 0};
	struct iomem_view *v = NULL;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), lead, len;
	char *base, *want = NULL;
	kern_return_t kr;
	int fd, flags = MAP_SHARED, prot = PROT_READ | PROT_WRITE;

	if (atAddress == NULL || ofSize == NULL)
		return kIOReturnBadArgument;
	if (!(options & kIOMapAnywhere)) {
		if (*atAddress == 0 || *atAddress % page != 0)
			return kIOReturnBadArgument;
		want = (char *)(uintptr_t)*atAddress;
		flags |= MAP_FIXED_NOREPLACE;
	}
	a.address = *atAddress;
	kr = iomem_call(connect, IOMEM_ID_MAP, intoTask, &a, sizeof(a), &o, sizeof(o), &fd);
	if (kr != KERN_SUCCESS)
		return kr;
	if (fd < 0) {
		/* Mapped already (or our own memory): the kernel's answer is the address. */
		*atAddress = o.address;
		*ofSize = o.size;
		return KERN_SUCCESS;
	}
	/* o.address is where the memory starts in the file; map whole pages around it. */
	lead = (size_t)(o.address % page);
	len = (size_t)((lead + o.size + page - 1) / page * page);
	if (o.size == 0 || len < o.size || (v = malloc(sizeof(*v))) == NULL) {
		close(fd);
		free(v);
		return kIOReturnNoMemory;
	}
	/* The driver may make it read-only (clientMemoryForType's options): the descriptor then is. */
	if (options & kIOMapReadOnly || (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY)
		prot = PROT_READ;
	base = mmap(want, len, prot, flags, fd, (off_t)(o.address - lead));
	close(fd);
	if (base == MAP_FAILED || (want != NULL && base != want)) {
		if (base != MAP_FAILED)
			munmap(base, len);
		free(v);
		return want != NULL ? kIOReturnNoSpace : kIOReturnNoMemory;
	}
	/* Tell the kernel where it is (the pending map becomes this mapping). */
	a.address = (uint64_t)(uintptr_t)base + lead;
	a.flags = options | kIOMapReference;
	kr = iomem_call(connect, IOMEM_ID_MAP, intoTask, &a, sizeof(a), &o, sizeof(o), &fd);
	if (fd >= 0)
		close(fd);
	if (kr != KERN_SUCCESS) {
		munmap(base, len);
		free(v);
		return kr;
	}
	v->address = a.address;
	v->base = base;
	v->len = len;
	pthread_mutex_lock(&iomem.lock);
	v->next = iomem.views;
	iomem.views = v;
	pthread_mutex_unlock(&iomem.lock);
	*atAddress = a.address;
	*ofSize = o.size;
	return KERN_SUCCESS;
}

kern_return_t
IOConnectUnmapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t fromTask,
                       mach_vm_address_t atAddress)
{
	struct iomem_unmap_args a = {memoryType, atAddress};
	struct iomem_view **pp, *v = NULL;
	kern_return_t kr;
	int fd;

	kr = iomem_call(connect, IOMEM_ID_UNMAP, fromTask, &a, sizeof(a), NULL, 0, &fd);
	if (fd >= 0)
		close(fd);
	if (kr != KERN_SUCCESS)
		return kr;
	pthread_mutex_lock(&iomem.lock);
	for (pp = &iomem.views; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->address == atAddress) {
			v = *pp;
			*pp = v->next;
			break;
		}
	}
	pthread_mutex_unlock(&iomem.lock);
	if (v != NULL) {
		munmap(v->base, v->len);
		free(v);
	}
	return KERN_SUCCESS;
}

kern_return_t
IOConnectMapMemory(io_connect_t connect, uint32_t memoryType, task_port_t intoTask, vm_address_t *atAddress,
                   vm_size_t *ofSize, IOOptionBits options)
{
	mach_vm_address_t a;
	mach_vm_size_t s = 0;
	kern_return_t kr;

	if (atAddress == NULL || ofSize == NULL)
		return kIOReturnBadArgument;
	a = *atAddress;
	kr = IOConnectMapMemory64(connect, memoryType, intoTask, &a, &s, options);
	if (kr == KERN_SUCCESS) {
		*atAddress = (vm_address_t)a;
		*ofSize = (vm_size_t)s;
	}
	return kr;
}

kern_return_t
IOConnectUnmapMemory(io_connect_t connect, uint32_t memoryType, task_port_t fromTask, vm_address_t atAddress)
{
	return IOConnectUnmapMemory64(connect, memoryType, fromTask, atAddress);
}
