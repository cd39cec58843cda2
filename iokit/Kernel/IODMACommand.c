/*
 * IODMACommand.c — scatter-gather lists for a device's DMA constraints
 * (IOKit/IODMACommand.h).
 *
 * Generation walks the prepared part of the descriptor: each
 * getPhysicalSegment gives a physically contiguous run (it ends at a page
 * whose simulated frame does not follow, or at the end of a range); a run
 * is cut at maxSegmentSize, and when segment starts must be aligned the cut
 * is rounded down to the alignment so the next segment starts aligned too.
 * The bytes one genIOVMSegments call returns stop at maxTransferSize (one
 * transfer per call). No bounce buffers: a run whose start is misaligned
 * or whose end is beyond numAddressBits fails the call, with the segments
 * made before it returned.
 */
#include <IOKit/IODMACommand.h>
#include <IOKit/IOLib.h>
#include <sys/systm.h>
#include "iokit/Kernel/IOMemoryPrivate.h"

static void IODMACommand_freeImpl(OSObject *obj);

static const OSMethod IODMACommand_methods[] = {
        OSMethodOverride(OSObject, free, IODMACommand_freeImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IODMACommand, OSObject, IODMACommand_methods);

/* ---- output functions ----------------------------------------------------- */

static bool
iodma_out32(IODMACommand_Segment64 seg, void *segs, UInt32 ind, int order)
{
	IODMACommand_Segment32 *s = (IODMACommand_Segment32 *)segs + ind;
	UInt32 a = (UInt32)seg.fIOVMAddr, l = (UInt32)seg.fLength;

	if ((seg.fIOVMAddr >> 32) != 0 || (seg.fLength >> 32) != 0)
		return false;
	if (order > 0) {
		a = __builtin_bswap32(a); /* big-endian on a little-endian host */
		l = __builtin_bswap32(l);
	}
	s->fIOVMAddr = a;
	s->fLength = l;
	return true;
}

static bool
iodma_out64(IODMACommand_Segment64 seg, void *segs, UInt32 ind, int order)
{
	IODMACommand_Segment64 *s = (IODMACommand_Segment64 *)segs + ind;

	if (order > 0) {
		seg.fIOVMAddr = __builtin_bswap64(seg.fIOVMAddr);
		seg.fLength = __builtin_bswap64(seg.fLength);
	}
	*s = seg;
	return true;
}

bool
IODMACommand_OutputHost32(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind)
{
	return iodma_out32(seg, segs, ind, 0);
}

bool
IODMACommand_OutputBig32(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind)
{
	return iodma_out32(seg, segs, ind, 1);
}

bool
IODMACommand_OutputLittle32(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind)
{
	return iodma_out32(seg, segs, ind, 0);
}

bool
IODMACommand_OutputHost64(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind)
{
	return iodma_out64(seg, segs, ind, 0);
}

bool
IODMACommand_OutputBig64(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind)
{
	return iodma_out64(seg, segs, ind, 1);
}

bool
IODMACommand_OutputLittle64(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind)
{
	return iodma_out64(seg, segs, ind, 0);
}

static bool
iodma_is32(IODMACommand_SegmentFunction f)
{
	return f == IODMACommand_OutputHost32 || f == IODMACommand_OutputBig32 ||
	       f == IODMACommand_OutputLittle32;
}

/* ---- specification -------------------------------------------------------- */

bool
IODMACommand_initWithSpecification(IODMACommand *self, IODMACommand_SegmentFunction outSegFunc,
                                   UInt8 numAddressBits, UInt64 maxSegmentSize,
                                   IODMACommand_MappingOptions mappingOptions, UInt64 maxTransferSize,
                                   UInt32 alignment, void *mapper, void *refCon)
{
	if (outSegFunc == NULL || mapper != NULL || self->fOutSeg != NULL)
		return false;
	if (numAddressBits == 0)
		numAddressBits = iodma_is32(outSegFunc) ? 32 : 64;
	if (numAddressBits < 12 || numAddressBits > 64 || (iodma_is32(outSegFunc) && numAddressBits > 32))
		return false;
	switch (mappingOptions & kIODMACommandTypeMask) {
	case kIODMACommandMapped:
	case kIODMACommandBypassed:
	case kIODMACommandNonCoherent:
	case kIODMACommandUnmapped:
		break;
	default:
		return false;
	}
	if (alignment == 0)
		alignment = 1;
	if ((alignment & (alignment - 1)) != 0)
		return false;
	if (!OSObject_init(self))
		return false;
	self->fOutSeg = outSegFunc;
	self->fNumAddressBits = numAddressBits;
	self->fMaxSegmentSize = maxSegmentSize != 0 ? maxSegmentSize : UINT64_MAX;
	self->fMaxTransferSize = maxTransferSize != 0 ? maxTransferSize : UINT64_MAX;
	self->fAlignMask = alignment - 1;
	self->fMappingOptions = mappingOptions;
	self->fRefCon = refCon;
	if (self->fMaxSegmentSize <= self->fAlignMask) {
		/* No segment could be cut at an aligned boundary. */
		return false;
	}
	return true;
}

IODMACommand *
IODMACommand_withSpecification(IODMACommand_SegmentFunction outSegFunc, UInt8 numAddressBits,
                               UInt64 maxSegmentSize, IODMACommand_MappingOptions mappingOptions,
                               UInt64 maxTransferSize, UInt32 alignment, void *mapper, void *refCon)
{
	IODMACommand *me = OSTypeAlloc(IODMACommand);

	if (me != NULL &&
	    !IODMACommand_initWithSpecification(me, outSegFunc, numAddressBits, maxSegmentSize,
	                                        mappingOptions, maxTransferSize, alignment, mapper, refCon))
		OSSafeReleaseNULL(me);
	return me;
}

IODMACommand *
IODMACommand_cloneCommand(IODMACommand *self, void *refCon)
{
	return IODMACommand_withSpecification(
	        self->fOutSeg, self->fNumAddressBits,
	        self->fMaxSegmentSize == UINT64_MAX ? 0 : self->fMaxSegmentSize, self->fMappingOptions,
	        self->fMaxTransferSize == UINT64_MAX ? 0 : self->fMaxTransferSize, self->fAlignMask + 1, NULL,
	        refCon != NULL ? refCon : self->fRefCon);
}

static void
IODMACommand_freeImpl(OSObject *obj)
{
	IODMACommand *self = (IODMACommand *)obj;

	/* XNU tolerates drivers that forget clearMemoryDescriptor; so do we. */
	self->fActive = 0;
	OSSafeReleaseNULL(self->fMemory);
	OSSuperCall(IODMACommand, free, obj);
}

UInt8
IODMACommand_getNumAddressBits(IODMACommand *self)
{
	return self->fNumAddressBits;
}

UInt32
IODMACommand_getAlignment(IODMACommand *self)
{
	return self->fAlignMask + 1;
}

/* ---- memory and preparation ------------------------------------------------- */

IOReturn
IODMACommand_setMemoryDescriptor(IODMACommand *self, IOMemoryDescriptor *mem, bool autoPrepare)
{
	IOReturn ret;

	if (mem == self->fMemory) {
		if (!autoPrepare) {
			while (self->fActive != 0)
				(void)IODMACommand_complete(self, true, true);
		}
		return kIOReturnSuccess;
	}
	if (self->fMemory != NULL) {
		if (self->fActive != 0)
			return kIOReturnBusy;
		(void)IODMACommand_clearMemoryDescriptor(self, false);
	}
	if (mem == NULL)
		return kIOReturnSuccess;
	OSObject_retain(mem);
	self->fMemory = mem;
	if (autoPrepare) {
		ret = IODMACommand_prepare(self, 0, 0, true, true);
		if (ret != kIOReturnSuccess) {
			(void)IODMACommand_clearMemoryDescriptor(self, true);
			return ret;
		}
	}
	return kIOReturnSuccess;
}

IOReturn
IODMACommand_clearMemoryDescriptor(IODMACommand *self, bool autoComplete)
{
	if (self->fActive != 0 && !autoComplete)
		return kIOReturnNotReady;
	while (self->fActive != 0)
		(void)IODMACommand_complete(self, true, true);
	OSSafeReleaseNULL(self->fMemory);
	return kIOReturnSuccess;
}

IOMemoryDescriptor *
IODMACommand_getMemoryDescriptor(IODMACommand *self)
{
	return self->fMemory;
}

IOReturn
IODMACommand_prepare(IODMACommand *self, UInt64 offset, UInt64 length, bool flushCache, bool synchronize)
{
	IOByteCount total;

	if (self->fMemory == NULL)
		return kIOReturnNotReady;
	total = IOMemoryDescriptor_getLength(self->fMemory);
	if (length == 0)
		length = offset < total ? total - offset : 0;
	if (offset >= total || length == 0 || length > total - offset)
		return kIOReturnBadArgument;
	if (self->fActive != 0) {
		if (offset != self->fPreparedOffset || length != self->fPreparedLength)
			return kIOReturnNotReady;
	} else {
		self->fPreparedOffset = offset;
		self->fPreparedLength = length;
	}
	if (self->fActive == UINT32_MAX)
		return kIOReturnNoResources;
	self->fActive++;
	return kIOReturnSuccess;
}

IOReturn
IODMACommand_complete(IODMACommand *self, bool invalidateCache, bool synchronize)
{
	if (self->fActive == 0)
		return kIOReturnNotReady;
	if (--self->fActive == 0)
		self->fPreparedOffset = self->fPreparedLength = 0;
	return kIOReturnSuccess;
}

IOReturn
IODMACommand_synchronize(IODMACommand *self, IOOptionBits options)
{
	return self->fActive != 0 ? kIOReturnSuccess : kIOReturnNotReady;
}

IOReturn
IODMACommand_getPreparedOffsetAndLength(IODMACommand *self, UInt64 *offset, UInt64 *length)
{
	if (self->fActive == 0)
		return kIOReturnNotReady;
	if (offset != NULL)
		*offset = self->fPreparedOffset;
	if (length != NULL)
		*length = self->fPreparedLength;
	return kIOReturnSuccess;
}

/* ---- segments --------------------------------------------------------------- */

static IOReturn
iodma_gen(IODMACommand *self, IODMACommand_SegmentFunction out, UInt64 *offsetP, void *segs, UInt32 *numP)
{
	UInt64 off, end, produced = 0;
	UInt32 max, n = 0;
	IOReturn ret = kIOReturnSuccess;

	if (offsetP == NULL || segs == NULL || numP == NULL || *numP == 0)
		return kIOReturnBadArgument;
	if (self->fActive == 0 || self->fMemory == NULL)
		return kIOReturnNotReady;
	max = *numP;
	off = *offsetP;
	end = self->fPreparedOffset + self->fPreparedLength;
	if (off < self->fPreparedOffset)
		return kIOReturnBadArgument;
	if (off >= end) {
		*numP = 0;
		return kIOReturnOverrun;
	}
	while (n < max && off < end && produced < self->fMaxTransferSize) {
		IOByteCount run = 0;
		addr64_t pa = IOMemoryDescriptor_getPhysicalSegment(self->fMemory, off, &run, 0);

		if (run == 0) {
			ret = kIOReturnUnderrun; /* the descriptor ended before its length: cannot happen */
			break;
		}
		if (run > end - off)
			run = end - off;
		if (run > self->fMaxTransferSize - produced)
			run = self->fMaxTransferSize - produced;
		while (run > 0 && n < max) {
			UInt64 cut = run < self->fMaxSegmentSize ? run : self->fMaxSegmentSize;
			IODMACommand_Segment64 seg;

			if ((pa & self->fAlignMask) != 0) {
				ret = kIOReturnNotAligned;
				goto out;
			}
			/* A cut inside the run keeps the next start aligned. */
			if (cut < run && (cut & self->fAlignMask) != 0)
				cut &= ~(UInt64)self->fAlignMask;
			if (self->fNumAddressBits < 64 && ((pa + cut - 1) >> self->fNumAddressBits) != 0) {
				ret = kIOReturnMessageTooLarge;
				goto out;
			}
			seg.fIOVMAddr = pa;
			seg.fLength = cut;
			if (!out(self, seg, segs, n)) {
				ret = kIOReturnMessageTooLarge;
				goto out;
			}
			n++;
			pa += cut;
			run -= cut;
			off += cut;
			produced += cut;
		}
	}
out:
	*offsetP = off;
	*numP = n;
	return ret;
}

IOReturn
IODMACommand_genIOVMSegments(IODMACommand *self, UInt64 *offset, void *segments, UInt32 *numSegments)
{
	return iodma_gen(self, self->fOutSeg, offset, segments, numSegments);
}

IOReturn
IODMACommand_gen32IOVMSegments(IODMACommand *self, UInt64 *offset, IODMACommand_Segment32 *segments,
                               UInt32 *numSegments)
{
	return iodma_gen(self, IODMACommand_OutputHost32, offset, segments, numSegments);
}

IOReturn
IODMACommand_gen64IOVMSegments(IODMACommand *self, UInt64 *offset, IODMACommand_Segment64 *segments,
                               UInt32 *numSegments)
{
	return iodma_gen(self, IODMACommand_OutputHost64, offset, segments, numSegments);
}

/* ---- copies ------------------------------------------------------------------ */

static UInt64
iodma_transfer(IODMACommand *self, UInt64 offset, void *bytes, UInt64 length, bool write)
{
	if (self->fActive == 0 || self->fMemory == NULL || offset >= self->fPreparedLength)
		return 0;
	if (length > self->fPreparedLength - offset)
		length = self->fPreparedLength - offset;
	offset += self->fPreparedOffset;
	return write ? IOMemoryDescriptor_writeBytes(self->fMemory, offset, bytes, length)
	             : IOMemoryDescriptor_readBytes(self->fMemory, offset, bytes, length);
}

UInt64
IODMACommand_readBytes(IODMACommand *self, UInt64 offset, void *bytes, UInt64 length)
{
	return iodma_transfer(self, offset, bytes, length, false);
}

UInt64
IODMACommand_writeBytes(IODMACommand *self, UInt64 offset, const void *bytes, UInt64 length)
{
	return iodma_transfer(self, offset, (void *)(uintptr_t)bytes, length, true);
}
