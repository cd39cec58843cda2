/*
 * IOKit/IODMACommand.h — turns a memory descriptor into the scatter-gather
 * list a DMA engine needs: segments of (simulated) physical address and
 * length that respect the device's limits — how many address bits it
 * drives, the largest segment it takes, the alignment of segment starts,
 * and the largest transfer.
 *
 * A segment ends where the memory stops being physically contiguous (page
 * boundaries of the simulated physical space, see IOMemoryDescriptor.h),
 * at maxSegmentSize (cut to keep the next segment aligned), at the end of
 * the prepared part, or after maxTransferSize bytes from the prepared
 * offset. kexthost never bounces: a segment whose start is not aligned is
 * kIOReturnNotAligned, one beyond numAddressBits kIOReturnMessageTooLarge.
 *
 * C++ (XNU)                                          C (kexthost)
 * cmd = IODMACommand::withSpecification(             cmd = IODMACommand_withSpecification(
 *     kIODMACommandOutputHost64, 32, 65536,              kIODMACommandOutputHost64, 32, 65536,
 *     IODMACommand::kMapped, 0, 4);                      kIODMACommandMapped, 0, 4, NULL, NULL);
 * cmd->setMemoryDescriptor(md);                      IODMACommand_setMemoryDescriptor(cmd, md, true);
 * cmd->gen64IOVMSegments(&off, segs, &n);            IODMACommand_gen64IOVMSegments(cmd, &off, segs, &n);
 * cmd->clearMemoryDescriptor();                      IODMACommand_clearMemoryDescriptor(cmd, true);
 *
 * Differences: IODMACommand derives from OSObject here (XNU: IOCommand);
 * no IOMapper (kMapped and kBypassed give the same addresses);
 * synchronize() has nothing to flush.
 */
#ifndef _IODMACOMMAND_H
#define _IODMACOMMAND_H

#include <IOKit/IOMemoryDescriptor.h>

__BEGIN_DECLS

typedef struct IODMACommand IODMACommand;

typedef struct IODMACommand_Segment32 {
	UInt32 fIOVMAddr, fLength;
} IODMACommand_Segment32;

typedef struct IODMACommand_Segment64 {
	UInt64 fIOVMAddr, fLength;
} IODMACommand_Segment64;

/* Writes segment number segmentIndex into the caller's array; false: cannot represent it. */
typedef bool (*IODMACommand_SegmentFunction)(IODMACommand *target, IODMACommand_Segment64 segment,
                                             void *segments, UInt32 segmentIndex);

/* IODMACommand::MappingOptions (XNU's values). */
enum {
	kIODMACommandMapped = 0x00000000,
	kIODMACommandBypassed = 0x00000001,
	kIODMACommandNonCoherent = 0x00000002,
	kIODMACommandUnmapped = 0x00000003,
	kIODMACommandTypeMask = 0x0000000f,
	kIODMACommandNoCacheStore = 0x00000010,
	kIODMACommandOnChip = 0x00000020,
	kIODMACommandIterateOnly = 0x00000040,
};
typedef UInt32 IODMACommand_MappingOptions;

/* The output functions: host, big- or little-endian, 32- or 64-bit segments. */
bool IODMACommand_OutputHost32(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind);
bool IODMACommand_OutputBig32(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind);
bool IODMACommand_OutputLittle32(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind);
bool IODMACommand_OutputHost64(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind);
bool IODMACommand_OutputBig64(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind);
bool IODMACommand_OutputLittle64(IODMACommand *target, IODMACommand_Segment64 seg, void *segs, UInt32 ind);

#define kIODMACommandOutputHost32 (IODMACommand_OutputHost32)
#define kIODMACommandOutputBig32 (IODMACommand_OutputBig32)
#define kIODMACommandOutputLittle32 (IODMACommand_OutputLittle32)
#define kIODMACommandOutputHost64 (IODMACommand_OutputHost64)
#define kIODMACommandOutputBig64 (IODMACommand_OutputBig64)
#define kIODMACommandOutputLittle64 (IODMACommand_OutputLittle64)

OSDeclareDefaultStructors(IODMACommand, OSObject);

struct IODMACommand {
	OSObject super;
	IODMACommand_SegmentFunction fOutSeg;
	UInt8 fNumAddressBits;
	UInt64 fMaxSegmentSize;  /* all ones: no limit */
	UInt64 fMaxTransferSize; /* all ones: no limit */
	UInt32 fAlignMask;       /* alignment - 1 */
	IODMACommand_MappingOptions fMappingOptions;
	void *fRefCon;
	IOMemoryDescriptor *fMemory; /* retained while set */
	bool fAutoPrepared;          /* setMemoryDescriptor prepared it (and the descriptor) */
	UInt32 fActive;              /* prepare() minus complete() */
	UInt64 fPreparedOffset, fPreparedLength;
	void *__reserved[4];
};

/*
 * A command for a device: outSegFunc (kIODMACommandOutput*), numAddressBits
 * (0: 32 for the 32-bit output functions, 64 otherwise; 12..64, at most 32
 * with a 32-bit function), maxSegmentSize and maxTransferSize (0: no
 * limit), mappingOptions (kIODMACommand*), alignment of segment starts (0
 * or 1: none; else a power of two), mapper (must be NULL), refCon.
 * NULL for a bad specification.
 */
IODMACommand *IODMACommand_withSpecification(IODMACommand_SegmentFunction outSegFunc, UInt8 numAddressBits,
                                             UInt64 maxSegmentSize,
                                             IODMACommand_MappingOptions mappingOptions,
                                             UInt64 maxTransferSize, UInt32 alignment, void *mapper,
                                             void *refCon);
bool IODMACommand_initWithSpecification(IODMACommand *self, IODMACommand_SegmentFunction outSegFunc,
                                        UInt8 numAddressBits, UInt64 maxSegmentSize,
                                        IODMACommand_MappingOptions mappingOptions, UInt64 maxTransferSize,
                                        UInt32 alignment, void *mapper, void *refCon);
/* A new command with the same specification (and refCon if none is given), no memory set. */
IODMACommand *IODMACommand_cloneCommand(IODMACommand *self, void *refCon);

/*
 * Attach a descriptor (retained). autoPrepare: prepare the command over
 * the descriptor's whole length now (the descriptor's own prepare, the
 * wiring, stays the driver's job, as in XNU). Setting the same descriptor again
 * is a no-op; replacing one while the command is prepared: kIOReturnBusy.
 * NULL clears (like clearMemoryDescriptor(true)).
 */
IOReturn IODMACommand_setMemoryDescriptor(IODMACommand *self, IOMemoryDescriptor *mem, bool autoPrepare);
/* Detach (autoComplete: complete what is still prepared first). kIOReturnNotReady while prepared otherwise. */
IOReturn IODMACommand_clearMemoryDescriptor(IODMACommand *self, bool autoComplete);
IOMemoryDescriptor *IODMACommand_getMemoryDescriptor(IODMACommand *self);

/*
 * Prepare [offset, offset+length) of the descriptor for DMA (length 0: to
 * the end). Counted; preparing again must name the same part
 * (kIOReturnNotReady otherwise). kIOReturnNotReady without a descriptor,
 * kIOReturnBadArgument past its end.
 */
IOReturn IODMACommand_prepare(IODMACommand *self, UInt64 offset, UInt64 length, bool flushCache,
                              bool synchronize);
/* Undo one prepare; kIOReturnNotReady when not prepared. */
IOReturn IODMACommand_complete(IODMACommand *self, bool invalidateCache, bool synchronize);
/* Nothing to synchronise on a coherent simulated bus; kIOReturnNotReady when not prepared. */
IOReturn IODMACommand_synchronize(IODMACommand *self, IOOptionBits options);
IOReturn IODMACommand_getPreparedOffsetAndLength(IODMACommand *self, UInt64 *offset, UInt64 *length);

/*
 * Generate segments from *offset (relative to the descriptor) on: at most
 * *numSegments of them; *numSegments gets the number made and *offset
 * moves past them. kIOReturnSuccess (possibly with fewer segments at the
 * end), kIOReturnOverrun at or past the end of the prepared part (0
 * segments), kIOReturnNotReady when not prepared, kIOReturnBadArgument for
 * NULL arguments or an offset before the prepared part, plus the alignment
 * and address-bit errors above.
 */
IOReturn IODMACommand_genIOVMSegments(IODMACommand *self, UInt64 *offset, void *segments,
                                      UInt32 *numSegments);
IOReturn IODMACommand_gen32IOVMSegments(IODMACommand *self, UInt64 *offset, IODMACommand_Segment32 *segments,
                                        UInt32 *numSegments);
IOReturn IODMACommand_gen64IOVMSegments(IODMACommand *self, UInt64 *offset, IODMACommand_Segment64 *segments,
                                        UInt32 *numSegments);

/* Copy through the descriptor, relative to the prepared offset (0 when not prepared). */
UInt64 IODMACommand_readBytes(IODMACommand *self, UInt64 offset, void *bytes, UInt64 length);
UInt64 IODMACommand_writeBytes(IODMACommand *self, UInt64 offset, const void *bytes, UInt64 length);

UInt8 IODMACommand_getNumAddressBits(IODMACommand *self);
UInt32 IODMACommand_getAlignment(IODMACommand *self);

__END_DECLS

#endif /* _IODMACOMMAND_H */
