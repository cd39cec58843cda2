/*
 * test_memory.c — memory descriptors, buffers, maps and DMA commands in the
 * kernel: descriptors over kernel memory and over a client's memory (the
 * test process attached as a client, so process_vm_* really crosses into
 * memory the kernel reads as a user's), bad user addresses refused at
 * prepare, prepare counting, simulated physical segments (stable,
 * contiguous only where promised, under a physical mask), scatter-gather
 * lists under segment-size, alignment, transfer and address-bit limits,
 * buffer descriptors, and mapping a shared buffer into the test's own
 * process.
 */
#include "tests/ktest.h"
#include <string.h>
#include <IOKit/IOBufferMemoryDescriptor.h>
#include <IOKit/IODMACommand.h>
#include <IOKit/IOLib.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"

#define PAGE 4096u

static proc_t
attach_self(void)
{
	proc_t p = NULL;

	ck_assert_int_eq(proc_attach(khost_getpid(), 501, 20, -1, &p), 0);
	return p;
}

static void
fill(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

/* ---- kernel memory ------------------------------------------------------- */

START_TEST(kernel_descriptor_reads_and_writes)
{
	static uint8_t buf[1000];
	uint8_t out[1000];
	IOMemoryDescriptor *md;

	fill(buf, sizeof(buf), 1);
	ck_assert_ptr_null(IOMemoryDescriptor_withAddress(NULL, 10, kIODirectionOut));
	ck_assert_ptr_null(IOMemoryDescriptor_withAddress(buf, 0, kIODirectionOut));
	md = IOMemoryDescriptor_withAddress(buf, sizeof(buf), kIODirectionInOut);
	ck_assert_ptr_nonnull(md);
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(md), sizeof(buf));
	ck_assert_uint_eq(IOMemoryDescriptor_getDirection(md), kIODirectionInOut);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 0, out, sizeof(out)), sizeof(buf));
	ck_assert_mem_eq(out, buf, sizeof(buf));
	/* Past the end: cut; at or beyond the end: nothing. */
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 990, out, 100), 10);
	ck_assert_mem_eq(out, buf + 990, 10);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 1000, out, 1), 0);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 0, NULL, 1), 0);
	ck_assert_uint_eq(IOMemoryDescriptor_writeBytes(md, 500, "hello", 5), 5);
	ck_assert_mem_eq(buf + 500, "hello", 5);
	OSObject_release(md);

	/* A descriptor for device writes only (memory read) refuses writeBytes. */
	md = IOMemoryDescriptor_withAddress(buf, sizeof(buf), kIODirectionOut);
	ck_assert_uint_eq(IOMemoryDescriptor_writeBytes(md, 0, "x", 1), 0);
	ck_assert_uint_eq(buf[0], 1);
	OSObject_release(md);
}
END_TEST

START_TEST(ranges_are_walked_in_order)
{
	static uint8_t a[100], b[1], c[300];
	IOAddressRange r[4] = {
	        {(uintptr_t)a, sizeof(a)}, {(uintptr_t)b, 0}, {(uintptr_t)b, 1}, {(uintptr_t)c, sizeof(c)}};
	uint8_t in[401], out[401];
	IOMemoryDescriptor *md;

	md = IOMemoryDescriptor_withAddressRanges(r, 4, kIODirectionInOut, kernel_task);
	ck_assert_ptr_nonnull(md);
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(md), 401);
	fill(in, sizeof(in), 9);
	ck_assert_uint_eq(IOMemoryDescriptor_writeBytes(md, 0, in, sizeof(in)), 401);
	ck_assert_mem_eq(a, in, 100);
	ck_assert_uint_eq(b[0], in[100]);
	ck_assert_mem_eq(c, in + 101, 300);
	/* A read starting inside the second non-empty range. */
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 100, out, 50), 50);
	ck_assert_mem_eq(out, in + 100, 50);
	ck_assert_ptr_null(IOMemoryDescriptor_map(md, 0)); /* several ranges: no kernel mapping */
	OSObject_release(md);

	ck_assert_ptr_null(IOMemoryDescriptor_withAddressRanges(r, 0, kIODirectionOut, kernel_task));
	ck_assert_ptr_null(IOMemoryDescriptor_withAddressRanges(NULL, 1, kIODirectionOut, kernel_task));
	ck_assert_ptr_null(
	        IOMemoryDescriptor_withAddressRange(UINT64_MAX - 10, 100, kIODirectionOut, kernel_task));
	ck_assert_ptr_null(IOMemoryDescriptor_withAddressRange((uintptr_t)a, 10, kIODirectionOut, TASK_NULL));
}
END_TEST

/* ---- a client's memory ---------------------------------------------------- */

START_TEST(user_descriptor_moves_bytes_through_the_client)
{
	static uint8_t ubuf[3 * PAGE + 123];
	uint8_t out[sizeof(ubuf)];
	proc_t p = attach_self();
	IOMemoryDescriptor *md;

	fill(ubuf, sizeof(ubuf), 3);
	md = IOMemoryDescriptor_withAddressRange((uintptr_t)ubuf, sizeof(ubuf), kIODirectionInOut,
	                                         proc_task(p));
	ck_assert_ptr_nonnull(md);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnSuccess);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 0, out, sizeof(out)), sizeof(ubuf));
	ck_assert_mem_eq(out, ubuf, sizeof(ubuf));
	ck_assert_uint_eq(IOMemoryDescriptor_writeBytes(md, PAGE - 2, "cross", 5), 5);
	ck_assert_mem_eq(ubuf + PAGE - 2, "cross", 5);
	ck_assert_int_eq(IOMemoryDescriptor_complete(md, kIODirectionNone), kIOReturnSuccess);

	/* The client's own memory maps into the client where it already is. */
	IOMemoryMap *map = IOMemoryDescriptor_createMappingInTask(md, proc_task(p), 0, kIOMapAnywhere, 0, 0);
	ck_assert_ptr_nonnull(map);
	ck_assert_uint_eq(IOMemoryMap_getAddress(map), (uintptr_t)ubuf);
	ck_assert_ptr_eq(IOMemoryMap_getAddressTask(map), proc_task(p));
	OSObject_release(map);
	/* ...but not into the kernel. */
	ck_assert_ptr_null(IOMemoryDescriptor_map(md, 0));

	/* Once the client is gone, its memory is out of reach (its pid may be reused). */
	proc_exit(p);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 0, out, 10), 0);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnVMError);
	ck_assert_ptr_null(
	        IOMemoryDescriptor_withAddressRange((uintptr_t)ubuf, 10, kIODirectionOut, proc_task(p)));
	OSObject_release(md); /* the last reference on p */
}
END_TEST

START_TEST(bad_user_addresses_fail_at_prepare)
{
	proc_t p = attach_self();
	void *ro = NULL;
	uint8_t byte;
	IOMemoryDescriptor *md;

	/* Unmapped: created (nothing is checked yet), refused by prepare, transfers copy nothing. */
	md = IOMemoryDescriptor_withAddressRange(0x1000, 2 * PAGE, kIODirectionOut, proc_task(p));
	ck_assert_ptr_nonnull(md);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnVMError);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(md, 0, &byte, 1), 0);
	ck_assert_ptr_eq((void *)(uintptr_t)IOMemoryDescriptor_getPreparationID(md),
	                 (void *)kIOPreparationIDUnprepared);
	OSObject_release(md);

	/* Auto-prepare fails at creation. */
	ck_assert_ptr_null(IOMemoryDescriptor_withAddressRange(
	        0x1000, 10, kIODirectionOut | kIOMemoryAutoPrepare, proc_task(p)));

	/* A read-only page: fine for the device to read, refused for it to write. */
	ck_assert_int_eq(khost_vm_alloc(2 * PAGE, 0, KHOST_PROT_READ | KHOST_PROT_WRITE, &ro), 0);
	memset(ro, 0x5a, 2 * PAGE);
	ck_assert_int_eq(khost_vm_protect((char *)ro + PAGE, PAGE, KHOST_PROT_READ), 0);
	md = IOMemoryDescriptor_withAddressRange((uintptr_t)ro, 2 * PAGE, kIODirectionInOut, proc_task(p));
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionOut), kIOReturnSuccess);
	ck_assert_int_eq(IOMemoryDescriptor_complete(md, kIODirectionOut), kIOReturnSuccess);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionIn), kIOReturnVMError);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnVMError); /* InOut */
	ck_assert_uint_eq(IOMemoryDescriptor_writeBytes(md, PAGE + 1, "x", 1), 0);
	ck_assert_uint_eq(((uint8_t *)ro)[PAGE + 1], 0x5a);
	ck_assert_uint_eq(IOMemoryDescriptor_writeBytes(md, 1, "x", 1), 1);
	OSObject_release(md);
	ck_assert_int_eq(khost_vm_free(ro, 2 * PAGE), 0);
	proc_exit(p);
}
END_TEST

START_TEST(prepare_is_counted)
{
	static uint8_t buf[64];
	IOMemoryDescriptor *md = IOMemoryDescriptor_withAddress(buf, sizeof(buf), kIODirectionIn);
	uint64_t id;

	ck_assert_uint_eq(IOMemoryDescriptor_getPreparationID(md), kIOPreparationIDUnprepared);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnSuccess);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnSuccess);
	id = IOMemoryDescriptor_getPreparationID(md);
	ck_assert_uint_gt(id, kIOPreparationIDAlwaysPrepared);
	ck_assert_uint_eq(md->_wireCount, 2);
	ck_assert_int_eq(IOMemoryDescriptor_complete(md, kIODirectionNone), kIOReturnSuccess);
	ck_assert_uint_eq(IOMemoryDescriptor_getPreparationID(md), id); /* same preparation */
	ck_assert_int_eq(IOMemoryDescriptor_complete(md, kIODirectionNone), kIOReturnSuccess);
	ck_assert_uint_eq(IOMemoryDescriptor_getPreparationID(md), kIOPreparationIDUnprepared);
	/* One complete too many: XNU asserts and carries on; the count stays at 0. */
	ck_assert_int_eq(IOMemoryDescriptor_complete(md, kIODirectionNone), kIOReturnSuccess);
	ck_assert_uint_eq(md->_wireCount, 0);
	ck_assert_int_eq(IOMemoryDescriptor_prepare(md, kIODirectionNone), kIOReturnSuccess);
	ck_assert_uint_ne(IOMemoryDescriptor_getPreparationID(md), id); /* a new preparation */
	ck_assert_int_eq(IOMemoryDescriptor_complete(md, kIODirectionNone), kIOReturnSuccess);
	OSObject_release(md);
}
END_TEST

/* ---- simulated physical addresses ------------------------------------------ */

START_TEST(physical_segments_are_stable_and_paged)
{
	IOBufferMemoryDescriptor *buf =
	        IOBufferMemoryDescriptor_withOptions(kIODirectionInOut, 8 * PAGE, PAGE);
	char *va = IOBufferMemoryDescriptor_getBytesNoCopy(buf);
	IOMemoryDescriptor *other = IOMemoryDescriptor_withAddress(va + 2 * PAGE, PAGE, kIODirectionOut);
	IOByteCount len, total = 0;
	unsigned int breaks = 0;
	addr64_t pa;

	ck_assert_uint_eq((uintptr_t)va % PAGE, 0);
	pa = IOMemoryDescriptor_getPhysicalSegment(buf, 100, &len, 0);
	ck_assert_uint_ge(pa, 0x100000);
	ck_assert_uint_lt(pa + len, 0x100000000ull);
	ck_assert_uint_eq(pa % PAGE, 100);
	ck_assert_uint_ge(len, PAGE - 100);
	ck_assert_uint_eq(IOMemoryDescriptor_getPhysicalSegment(buf, 100, NULL, 0), pa); /* stable */
	/* The same page through another descriptor: the same address. */
	ck_assert_uint_eq(IOMemoryDescriptor_getPhysicalSegment(other, 5, &len, 0),
	                  IOMemoryDescriptor_getPhysicalSegment(buf, 2 * PAGE + 5, NULL, 0));
	ck_assert_uint_eq(len, PAGE - 5);
	/* Walk: segments tile the buffer; pages are (almost always) not contiguous. */
	while (total < 8 * PAGE) {
		IOMemoryDescriptor_getPhysicalSegment(buf, total, &len, 0);
		ck_assert_uint_gt(len, 0);
		ck_assert_uint_eq(len % PAGE, 0);
		total += len;
		breaks++;
	}
	ck_assert_uint_eq(total, 8 * PAGE);
	ck_assert_uint_ge(breaks, 4);
	ck_assert_uint_eq(IOMemoryDescriptor_getPhysicalSegment(buf, 8 * PAGE, &len, 0), 0);
	ck_assert_uint_eq(len, 0);
	OSObject_release(other);
	OSObject_release(buf);

	/* Physically contiguous: one segment for the whole buffer. */
	buf = IOBufferMemoryDescriptor_withCapacity(8 * PAGE, kIODirectionInOut, true);
	ck_assert_ptr_nonnull(buf);
	pa = IOMemoryDescriptor_getPhysicalSegment(buf, 0, &len, 0);
	ck_assert_uint_eq(len, 8 * PAGE);
	ck_assert_uint_eq(pa % PAGE, 0);
	OSObject_release(buf);

	/* Under a physical mask (16 MiB, page-aligned), contiguous. */
	buf = IOBufferMemoryDescriptor_inTaskWithPhysicalMask(kernel_task, kIOMemoryPhysicallyContiguous,
	                                                      3 * PAGE, 0x00fff000ull);
	ck_assert_ptr_nonnull(buf);
	pa = IOMemoryDescriptor_getPhysicalSegment(buf, 0, &len, 0);
	ck_assert_uint_eq(len, 3 * PAGE);
	ck_assert_uint_lt(pa + len, 0x1000000ull);
	OSObject_release(buf);
	ck_assert_ptr_null(
	        IOBufferMemoryDescriptor_inTaskWithPhysicalMask(kernel_task, 0, PAGE, 0x00f0f000ull));
}
END_TEST

/* ---- DMA commands ------------------------------------------------------------- */

START_TEST(dma_specifications_are_checked)
{
	IODMACommand *c;

	ck_assert_ptr_null(
	        IODMACommand_withSpecification(NULL, 32, 0, kIODMACommandMapped, 0, 1, NULL, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 65, 0, 0, 0, 1, NULL, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost32, 40, 0, 0, 0, 1, NULL, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 8, 0, 0, 0, 1, NULL, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 64, 0, 0, 0, 3, NULL, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 64, 0, 9, 0, 1, NULL, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 64, 0, 0, 0, 1, (void *)1, NULL));
	ck_assert_ptr_null(
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 64, 256, 0, 0, 512, NULL, NULL));
	c = IODMACommand_withSpecification(kIODMACommandOutputHost32, 0, 0, kIODMACommandIterateOnly, 0, 0,
	                                   NULL, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(IODMACommand_getNumAddressBits(c), 32);
	ck_assert_uint_eq(IODMACommand_getAlignment(c), 1);
	OSObject_release(c);
}
END_TEST

/* Generate every segment of cmd's prepared memory, checking each against the limits. */
static unsigned int
gen_all(IODMACommand *cmd, IOMemoryDescriptor *md, UInt64 maxseg, UInt32 align, UInt64 *covered)
{
	IODMACommand_Segment64 segs[8];
	UInt64 off = 0, sum = 0;
	unsigned int total = 0;
	IOReturn ret;

	for (;;) {
		UInt32 n = 8;
		UInt64 at = off;
		ret = IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n);
		if (ret == kIOReturnOverrun) {
			ck_assert_uint_eq(n, 0);
			break;
		}
		ck_assert_int_eq(ret, kIOReturnSuccess);
		ck_assert_uint_gt(n, 0);
		for (UInt32 i = 0; i < n; i++) {
			ck_assert_uint_le(segs[i].fLength, maxseg);
			ck_assert_uint_eq(segs[i].fIOVMAddr % align, 0);
			/* Each segment is what the descriptor says is at that offset. */
			ck_assert_uint_eq(segs[i].fIOVMAddr,
			                  IOMemoryDescriptor_getPhysicalSegment(md, at, NULL, 0));
			at += segs[i].fLength;
			sum += segs[i].fLength;
		}
		ck_assert_uint_eq(at, off);
		total += n;
	}
	*covered = sum;
	return total;
}

START_TEST(dma_segments_honour_the_limits)
{
	IOBufferMemoryDescriptor *buf =
	        IOBufferMemoryDescriptor_withOptions(kIODirectionInOut, 5 * PAGE, PAGE);
	IODMACommand *cmd;
	IODMACommand_Segment64 segs[64];
	IODMACommand_Segment32 s32[4];
	UInt64 off = 0, covered;
	UInt32 n = 64;
	unsigned int count;

	/* No limits but page breaks. */
	cmd = IODMACommand_withSpecification(kIODMACommandOutputHost64, 32, 0, kIODMACommandMapped, 0, 1,
	                                     NULL, NULL);
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n), kIOReturnNotReady);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, (IOMemoryDescriptor *)buf, true),
	                 kIOReturnSuccess);
	count = gen_all(cmd, (IOMemoryDescriptor *)buf, UINT64_MAX, 1, &covered);
	ck_assert_uint_eq(covered, 5 * PAGE);
	ck_assert_uint_ge(count, 2);
	ck_assert_uint_le(count, 5);
	/* Bad arguments and a start before the prepared part. */
	off = 0;
	n = 0;
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n), kIOReturnBadArgument);
	n = 1;
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, NULL, segs, &n), kIOReturnBadArgument);
	/* Another descriptor while prepared: busy. */
	IOMemoryDescriptor *other = IOMemoryDescriptor_withAddress(segs, sizeof(segs), kIODirectionOut);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, other, true), kIOReturnBusy);
	ck_assert_int_eq(IODMACommand_clearMemoryDescriptor(cmd, false), kIOReturnNotReady);
	ck_assert_int_eq(IODMACommand_clearMemoryDescriptor(cmd, true), kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_complete(cmd, true, true), kIOReturnNotReady);
	OSObject_release(other);
	OSObject_release(cmd);

	/* Segments of at most 1000 bytes, starting on 512: cuts round down to 512. */
	cmd = IODMACommand_withSpecification(kIODMACommandOutputHost64, 32, 1000, 0, 0, 512, NULL, NULL);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, (IOMemoryDescriptor *)buf, true),
	                 kIOReturnSuccess);
	count = gen_all(cmd, (IOMemoryDescriptor *)buf, 1000, 512, &covered);
	ck_assert_uint_eq(covered, 5 * PAGE);
	ck_assert_uint_eq(count, 5 * PAGE / 512);
	/* A prepared part: the second page only; preparing another part meanwhile is refused. */
	ck_assert_int_eq(IODMACommand_clearMemoryDescriptor(cmd, true), kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, (IOMemoryDescriptor *)buf, false),
	                 kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_prepare(cmd, PAGE, PAGE, true, true), kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_prepare(cmd, 0, PAGE, true, true), kIOReturnNotReady);
	ck_assert_int_eq(IODMACommand_prepare(cmd, PAGE, PAGE, true, true),
	                 kIOReturnSuccess); /* same: counted */
	off = 0;
	n = 4;
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n), kIOReturnBadArgument);
	off = PAGE;
	n = 64;
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n), kIOReturnSuccess);
	ck_assert_uint_eq(n, PAGE / 512);
	ck_assert_uint_eq(off, 2 * PAGE);
	ck_assert_uint_eq(IODMACommand_writeBytes(cmd, 0, "dma", 3), 3);
	ck_assert_mem_eq((char *)IOBufferMemoryDescriptor_getBytesNoCopy(buf) + PAGE, "dma", 3);
	ck_assert_int_eq(IODMACommand_complete(cmd, true, true), kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_complete(cmd, true, true), kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_complete(cmd, true, true), kIOReturnNotReady);
	ck_assert_int_eq(IODMACommand_prepare(cmd, 6 * PAGE, 0, true, true), kIOReturnBadArgument);
	OSObject_release(cmd); /* freed with memory still set: tolerated */

	/* maxTransferSize: one call returns at most that many bytes. */
	cmd = IODMACommand_withSpecification(kIODMACommandOutputHost32, 32, 0, 0, 3000, 1, NULL, NULL);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, (IOMemoryDescriptor *)buf, true),
	                 kIOReturnSuccess);
	off = 0;
	n = 4;
	ck_assert_int_eq(IODMACommand_genIOVMSegments(cmd, &off, s32, &n), kIOReturnSuccess);
	ck_assert_uint_eq(off, 3000);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(s32[0].fLength, 3000);
	ck_assert_uint_eq(s32[0].fIOVMAddr, IOMemoryDescriptor_getPhysicalSegment(buf, 0, NULL, 0));
	OSObject_release(cmd);

	/* A device with 20 address bits cannot reach memory above 1 MiB: no bounce buffers here. */
	cmd = IODMACommand_withSpecification(kIODMACommandOutputHost64, 20, 0, 0, 0, 1, NULL, NULL);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, (IOMemoryDescriptor *)buf, true),
	                 kIOReturnSuccess);
	off = 0;
	n = 4;
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n), kIOReturnMessageTooLarge);
	ck_assert_uint_eq(n, 0);
	OSObject_release(cmd);
	OSObject_release(buf);

	/* Misaligned memory for an aligned device. */
	buf = IOBufferMemoryDescriptor_withOptions(kIODirectionInOut, 2 * PAGE, PAGE);
	IOMemoryDescriptor *md = IOMemoryDescriptor_withAddress(
	        (char *)IOBufferMemoryDescriptor_getBytesNoCopy(buf) + 3, 100, kIODirectionOut);
	cmd = IODMACommand_withSpecification(kIODMACommandOutputBig64, 32, 0, 0, 0, 4, NULL, NULL);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, md, true), kIOReturnSuccess);
	off = 0;
	n = 4;
	ck_assert_int_eq(IODMACommand_genIOVMSegments(cmd, &off, segs, &n), kIOReturnNotAligned);
	OSObject_release(cmd);
	/* Big-endian output. */
	cmd = IODMACommand_withSpecification(kIODMACommandOutputBig64, 32, 0, 0, 0, 1, NULL, NULL);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, md, true), kIOReturnSuccess);
	off = 0;
	n = 4;
	ck_assert_int_eq(IODMACommand_genIOVMSegments(cmd, &off, segs, &n), kIOReturnSuccess);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(__builtin_bswap64(segs[0].fLength), 100);
	ck_assert_uint_eq(__builtin_bswap64(segs[0].fIOVMAddr),
	                  IOMemoryDescriptor_getPhysicalSegment(md, 0, NULL, 0));
	ck_assert_int_eq(IODMACommand_clearMemoryDescriptor(cmd, true), kIOReturnSuccess);
	OSObject_release(cmd);
	OSObject_release(md);
	OSObject_release(buf);
}
END_TEST

START_TEST(dma_over_a_contiguous_buffer_is_one_segment)
{
	IOBufferMemoryDescriptor *buf = IOBufferMemoryDescriptor_inTaskWithPhysicalMask(
	        kernel_task, kIOMemoryPhysicallyContiguous, 16 * PAGE, 0x00fff000ull);
	IODMACommand *cmd =
	        IODMACommand_withSpecification(kIODMACommandOutputHost64, 24, 0, 0, 0, PAGE, NULL, NULL);
	IODMACommand_Segment64 seg;
	UInt64 off = 0;
	UInt32 n = 1;

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(IODMACommand_setMemoryDescriptor(cmd, (IOMemoryDescriptor *)buf, true),
	                 kIOReturnSuccess);
	ck_assert_int_eq(IODMACommand_gen64IOVMSegments(cmd, &off, &seg, &n), kIOReturnSuccess);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seg.fLength, 16 * PAGE);
	ck_assert_uint_lt(seg.fIOVMAddr + seg.fLength, 1u << 24);
	OSObject_release(cmd);
	OSObject_release(buf);
}
END_TEST

/* ---- buffers -------------------------------------------------------------------- */

START_TEST(buffer_descriptors)
{
	IOBufferMemoryDescriptor *b;
	uint8_t out[16];

	ck_assert_ptr_null(IOBufferMemoryDescriptor_withCapacity(0, kIODirectionIn, false));
	ck_assert_ptr_null(IOBufferMemoryDescriptor_withOptions(0, 100, 3));
	ck_assert_ptr_null(IOBufferMemoryDescriptor_withOptions(0, 100, 4u << 20));

	b = IOBufferMemoryDescriptor_withCapacity(10, kIODirectionInOut, false);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(IOBufferMemoryDescriptor_getCapacity(b), 10);
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(b), 10);
	ck_assert_mem_eq(IOBufferMemoryDescriptor_getBytesNoCopy(b), "\0\0\0\0\0\0\0\0\0\0", 10); /* zeroed */
	IOBufferMemoryDescriptor_setLength(b, 0);
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(b), 0);
	ck_assert(IOBufferMemoryDescriptor_appendBytes(b, "abcdef", 6));
	ck_assert(IOBufferMemoryDescriptor_appendBytes(b, "ghijkl", 6)); /* cut at the capacity */
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(b), 10);
	ck_assert_uint_eq(IOMemoryDescriptor_readBytes(b, 0, out, sizeof(out)), 10);
	ck_assert_mem_eq(out, "abcdefghij", 10);
	ck_assert_ptr_eq(IOBufferMemoryDescriptor_getBytesNoCopyRange(b, 2, 8),
	                 (char *)IOBufferMemoryDescriptor_getBytesNoCopy(b) + 2);
	ck_assert_ptr_null(IOBufferMemoryDescriptor_getBytesNoCopyRange(b, 2, 9));
	ck_assert_ptr_null(IOBufferMemoryDescriptor_getBytesNoCopyRange(b, 10, 0));
	IOBufferMemoryDescriptor_setLength(b, 1000);
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(b), 10);
	IOBufferMemoryDescriptor_setDirection(b, kIODirectionOut);
	ck_assert_uint_eq(IOMemoryDescriptor_getDirection(b), kIODirectionOut);
	/* The kernel maps a kernel buffer at its own address. */
	IOMemoryMap *m = IOMemoryDescriptor_map(b, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(IOMemoryMap_getVirtualAddress(m),
	                  (uintptr_t)IOBufferMemoryDescriptor_getBytesNoCopy(b));
	ck_assert_uint_eq(IOMemoryMap_getLength(m), 10);
	ck_assert_ptr_eq(IOMemoryMap_getMemoryDescriptor(m), (IOMemoryDescriptor *)b);
	ck_assert_int_eq(IOMemoryMap_unmap(m), kIOReturnSuccess);
	ck_assert_int_eq(IOMemoryMap_unmap(m), kIOReturnNotAttached);
	OSObject_release(m);
	OSObject_release(b);

	b = IOBufferMemoryDescriptor_withBytes("copied", 6, kIODirectionOut, false);
	ck_assert_uint_eq(IOMemoryDescriptor_getLength(b), 6);
	ck_assert_mem_eq(IOBufferMemoryDescriptor_getBytesNoCopy(b), "copied", 6);
	OSObject_release(b);

	b = IOBufferMemoryDescriptor_inTaskWithOptions(kernel_task, kIODirectionIn, 1000, 256);
	ck_assert_uint_eq((uintptr_t)IOBufferMemoryDescriptor_getBytesNoCopy(b) % 256, 0);
	OSObject_release(b);

	/* Shared: page-aligned memfd memory, aligned further on request. */
	b = IOBufferMemoryDescriptor_inTaskWithOptions(
	        kernel_task, kIOMemoryKernelUserShared | kIODirectionInOut, 3 * PAGE + 1, 64 * 1024);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq((uintptr_t)IOBufferMemoryDescriptor_getBytesNoCopy(b) % (64 * 1024), 0);
	ck_assert_uint_eq(((uint8_t *)IOBufferMemoryDescriptor_getBytesNoCopy(b))[3 * PAGE], 0);
	OSObject_release(b);
}
END_TEST

/* ---- mapping into a process -------------------------------------------------- */

START_TEST(shared_buffer_maps_into_the_process)
{
	proc_t p = attach_self();
	IOBufferMemoryDescriptor *b = IOBufferMemoryDescriptor_inTaskWithOptions(
	        kernel_task, kIOMemoryKernelUserShared | kIODirectionInOut, 4 * PAGE, PAGE);
	char *k = IOBufferMemoryDescriptor_getBytesNoCopy(b);
	IOMemoryMap *m, *part;
	char *u;

	m = IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0, kIOMapAnywhere, 0, 0);
	ck_assert_ptr_nonnull(m);
	u = (char *)(uintptr_t)IOMemoryMap_getVirtualAddress(m);
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_ne(u, k); /* a second view of the same pages */
	ck_assert_uint_eq(IOMemoryMap_getLength(m), 4 * PAGE);
	memcpy(u + 5000, "from the process", 17);
	ck_assert_str_eq(k + 5000, "from the process");
	memcpy(k + 10, "from the kernel", 16);
	ck_assert_str_eq(u + 10, "from the kernel");
	ck_assert_uint_eq(IOMemoryMap_getPhysicalSegment(m, 5000, NULL, 0),
	                  IOMemoryDescriptor_getPhysicalSegment(b, 5000, NULL, 0));

	/* A part at an unaligned offset: the address points at that byte. */
	part = IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0, kIOMapAnywhere | kIOMapReadOnly,
	                                              4990, 100);
	ck_assert_ptr_nonnull(part);
	ck_assert_str_eq((char *)(uintptr_t)IOMemoryMap_getAddress(part) + 10, "from the process");
	ck_assert_uint_eq(IOMemoryMap_getMapOptions(part) & kIOMapReadOnly, kIOMapReadOnly);
	OSObject_release(part); /* release unmaps */
	ck_assert_ptr_null(
	        IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0, kIOMapAnywhere, 4 * PAGE + 1, 0));
	ck_assert_ptr_null(
	        IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0, kIOMapAnywhere, PAGE, 4 * PAGE));
	ck_assert_ptr_null(
	        IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0x10000, 0, 0, 0)); /* fixed */

	ck_assert_int_eq(IOMemoryMap_unmap(m), kIOReturnSuccess);
	ck_assert_uint_eq(IOMemoryMap_getAddress(m), 0);
	OSObject_release(m);
	OSObject_release(b);

	/* Memory not made kIOMemoryKernelUserShared cannot go into a process. */
	b = IOBufferMemoryDescriptor_withCapacity(PAGE, kIODirectionInOut, false);
	ck_assert_ptr_null(IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0, kIOMapAnywhere, 0, 0));
	OSObject_release(b);

	/* A buffer made in the client's task is shared. */
	b = IOBufferMemoryDescriptor_inTaskWithOptions(proc_task(p), kIODirectionInOut, 100, 1);
	ck_assert_ptr_nonnull(b);
	m = IOMemoryDescriptor_createMappingInTask(b, proc_task(p), 0, kIOMapAnywhere, 0, 0);
	ck_assert_ptr_nonnull(m);
	OSObject_release(m);
	OSObject_release(b);
	proc_exit(p);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_memory");
	TCase *tc = ktest_tcase("memory");

	tcase_add_test(tc, kernel_descriptor_reads_and_writes);
	tcase_add_test(tc, ranges_are_walked_in_order);
	tcase_add_test(tc, user_descriptor_moves_bytes_through_the_client);
	tcase_add_test(tc, bad_user_addresses_fail_at_prepare);
	tcase_add_test(tc, prepare_is_counted);
	tcase_add_test(tc, physical_segments_are_stable_and_paged);
	tcase_add_test(tc, dma_specifications_are_checked);
	tcase_add_test(tc, dma_segments_honour_the_limits);
	tcase_add_test(tc, dma_over_a_contiguous_buffer_is_one_segment);
	tcase_add_test(tc, buffer_descriptors);
	tcase_add_test(tc, shared_buffer_maps_into_the_process);
	suite_add_tcase(s, tc);
	return s;
}
