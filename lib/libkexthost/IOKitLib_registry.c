/*
 * IOKitLib_registry.c — IOKitLib's service state calls that ioreg uses for
 * its "registered, matched, active, busy N (T ms)" fields:
 * IOServiceGetState and IOServiceGetBusyStateAndTime, both the
 * io_service_get_state routine (2856 of the iokit MIG subsystem,
 * iokit/Kernel/IOKitMIG.c): a simple request with no arguments, answered
 * with the state bits (u64), the busy count (u32) and the accumulated busy
 * time in ns (u64), packed after NDR and RetCode.
 */
#include <string.h>
#include <kexthost/kh_mach.h>
#include <IOKit/IOKitLib.h>

#define IOKL_ID_SERVICE_GET_STATE 2856

kern_return_t
IOServiceGetBusyStateAndTime(io_service_t service, uint64_t *state, uint32_t *busy_state,
                             uint64_t *accumulated_busy_time)
{
	struct {
		mach_msg_header_t head;
		NDR_record_t ndr;
		kern_return_t ret;
		uint64_t state;
		uint32_t busy;
		uint64_t busy_time;
		uint8_t trailer[64];
	} __attribute__((packed, aligned(4))) m;
	kern_return_t kr;

	memset(&m, 0, sizeof(m));
	m.head.msgh_remote_port = service;
	m.head.msgh_id = IOKL_ID_SERVICE_GET_STATE;
	m.ndr.int_rep = NDR_INT_LITTLE_ENDIAN;
	kr = kh_mig_call(&m.head, sizeof(m.head) + sizeof(m.ndr), &m.head, sizeof(m));
	if (kr != KERN_SUCCESS)
		return kr;
	if (m.head.msgh_size != offsetof(__typeof__(m), trailer))
		return MIG_TYPE_ERROR;
	if (state != NULL)
		*state = m.state;
	if (busy_state != NULL)
		*busy_state = m.busy;
	if (accumulated_busy_time != NULL)
		*accumulated_busy_time = m.busy_time;
	return KERN_SUCCESS;
}

kern_return_t
IOServiceGetState(io_service_t service, uint64_t *state)
{
	return IOServiceGetBusyStateAndTime(service, state, NULL, NULL);
}
