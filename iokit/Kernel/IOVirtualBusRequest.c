/*
 * IOVirtualBusRequest.c — KHRQ_T_IODEVICE: the virtual bus's device model
 * for user processes (devctl). The request is a property list dictionary
 * (<kexthost/iokit_request.h>); iovbus_decode checks every key's presence,
 * type and range before anything runs, so a malformed request fails with
 * EINVAL and changes nothing. Publishing, removing and interrupting are for
 * root; listing is for anyone, as ioreg is.
 */
#include <IOKit/IOService.h>
#include <IOKit/IOInterrupts.h>
#include <libkern/c/OSUnserialize.h>
#include <sys/errno.h>
#include <string.h>
#include "bsd/kern/kern_request.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "sdk/User/kexthost/iokit_request.h"

enum iovbus_opcode { IOVBUS_ADD, IOVBUS_REMOVE, IOVBUS_INTERRUPT, IOVBUS_LIST };

/* A decoded request; the pointers borrow from the unserialized dictionary. */
struct iovbus_op {
	enum iovbus_opcode code;
	const char *name, *location;
	OSDictionary *props;
	int interrupts, type, index;
	uint64_t entryID;
	bool surprise;
};

/* Optional key of type; EINVAL when present with another type. */
static int
iovbus_get(OSDictionary *req, const char *key, const OSMetaClass *type, OSObject **value)
{
	OSObject *v = OSDictionary_getObjectCString(req, key);

	*value = NULL;
	if (v != NULL && OSMetaClassBase_safeMetaCast(v, type) == NULL)
		return EINVAL;
	*value = v;
	return 0;
}

/* An optional small number in [0, max]: EINVAL when out of range. */
static int
iovbus_get_small(OSDictionary *req, const char *key, int max, int *value)
{
	OSObject *v;
	int err = iovbus_get(req, key, OSTypeID(OSNumber), &v);
	uint64_t n;

	if (err != 0 || v == NULL)
		return err;
	n = OSNumber_unsigned64BitValue((OSNumber *)v);
	if (n > (uint64_t)max)
		return EINVAL;
	*value = (int)n;
	return 0;
}

static int
iovbus_decode(OSDictionary *req, struct iovbus_op *op)
{
	OSObject *opname, *name, *loc, *props, *eid, *surprise;
	const char *s;
	int err;

	memset(op, 0, sizeof(*op));
	if ((err = iovbus_get(req, KHIO_KEY_OPERATION, OSTypeID(OSString), &opname)) != 0 || opname == NULL)
		return EINVAL;
	s = OSString_getCStringNoCopy((OSString *)opname);
	if (strcmp(s, "add") == 0)
		op->code = IOVBUS_ADD;
	else if (strcmp(s, "remove") == 0)
		op->code = IOVBUS_REMOVE;
	else if (strcmp(s, "interrupt") == 0)
		op->code = IOVBUS_INTERRUPT;
	else if (strcmp(s, "list") == 0)
		op->code = IOVBUS_LIST;
	else
		return EINVAL;
	switch (op->code) {
	case IOVBUS_ADD:
		if ((err = iovbus_get(req, KHIO_KEY_DEV_NAME, OSTypeID(OSString), &name)) != 0 ||
		    name == NULL ||
		    (err = iovbus_get(req, KHIO_KEY_DEV_LOCATION, OSTypeID(OSString), &loc)) != 0 ||
		    (err = iovbus_get(req, KHIO_KEY_DEV_PROPERTIES, OSTypeID(OSDictionary), &props)) != 0 ||
		    (err = iovbus_get_small(req, KHIO_KEY_DEV_INTERRUPTS, KHIO_MAX_INTERRUPTS,
		                            &op->interrupts)) != 0 ||
		    (err = iovbus_get_small(req, KHIO_KEY_DEV_INTTYPE, kIOInterruptTypeLevel, &op->type)) !=
		            0)
			return EINVAL;
		op->name = OSString_getCStringNoCopy((OSString *)name);
		op->location = loc != NULL ? OSString_getCStringNoCopy((OSString *)loc) : NULL;
		op->props = (OSDictionary *)props;
		return 0;
	case IOVBUS_REMOVE:
	case IOVBUS_INTERRUPT:
		if ((err = iovbus_get(req, KHIO_KEY_ID, OSTypeID(OSNumber), &eid)) != 0 || eid == NULL ||
		    (err = iovbus_get_small(req, KHIO_KEY_DEV_INDEX, 0x7fffffff, &op->index)) != 0 ||
		    (err = iovbus_get(req, KHIO_KEY_DEV_SURPRISE, OSTypeID(OSBoolean), &surprise)) != 0)
			return EINVAL;
		op->entryID = OSNumber_unsigned64BitValue((OSNumber *)eid);
		op->surprise = surprise == (OSObject *)kOSBooleanTrue;
		return 0;
	case IOVBUS_LIST:
		return 0;
	}
	return EINVAL;
}

/* Set a number or string in the reply dictionary; false when out of memory. */
static bool
iovbus_put_number(OSDictionary *d, const char *key, uint64_t v, unsigned int bits)
{
	OSNumber *n = OSNumber_withNumber(v, bits);
	bool ok = n != NULL && OSDictionary_setObjectCString(d, key, n);

	OSSafeReleaseNULL(n);
	return ok;
}

static bool
iovbus_put_string(OSDictionary *d, const char *key, const char *v)
{
	OSString *s = OSString_withCString(v);
	bool ok = s != NULL && OSDictionary_setObjectCString(d, key, s);

	OSSafeReleaseNULL(s);
	return ok;
}

/* The Devices array of a list reply (retained), or NULL when out of memory. */
static OSArray *
iovbus_list(void)
{
	OSArray *devs = IOVirtualBus_copyDevices();
	OSArray *out = devs != NULL ? OSArray_withCapacity(OSArray_getCount(devs) + 1) : NULL;

	for (unsigned int i = 0; out != NULL && i < OSArray_getCount(devs); i++) {
		IOService *s = (IOService *)OSArray_getObject(devs, i);
		OSDictionary *d = OSDictionary_withCapacity(5);
		OSDictionary *props = ioreg_copy_plist_properties(IORegEntry_(s));
		const char *loc = IORegistryEntry_getLocation(s, NULL);
		bool ok = d != NULL &&
		          iovbus_put_string(d, KHIO_KEY_DEV_NAME, IORegistryEntry_getName(s, NULL)) &&
		          iovbus_put_number(d, KHIO_KEY_ID, IORegistryEntry_getRegistryEntryID(s), 64) &&
		          (loc == NULL || iovbus_put_string(d, KHIO_KEY_DEV_LOCATION, loc)) &&
		          iovbus_put_number(d, KHIO_KEY_DEV_INTERRUPTS,
		                            (uint64_t)IOVirtualBus_deviceInterruptCount(s), 32) &&
		          props != NULL && OSDictionary_setObjectCString(d, KHIO_KEY_DEV_PROPERTIES, props) &&
		          OSArray_setObject(out, d);

		OSSafeReleaseNULL(props);
		OSSafeReleaseNULL(d);
		if (!ok)
			OSSafeReleaseNULL(out);
	}
	OSSafeReleaseNULL(devs);
	return out;
}

int
iovbus_request_handle(const struct kreq_peer *peer, const void *payload, size_t len, struct kreq_buf *reply)
{
	OSObject *req = OSUnserializePlist(payload, len, NULL);
	OSDictionary *out = NULL;
	OSArray *list = NULL;
	struct iovbus_op op;
	uint64_t entryID = 0;
	IOReturn ret = kIOReturnSuccess;
	int err;

	if (OSDynamicCast(OSDictionary, req) == NULL || iovbus_decode((OSDictionary *)req, &op) != 0) {
		err = EINVAL;
		goto out;
	}
	if (op.code != IOVBUS_LIST && peer->uid != 0) {
		err = EPERM;
		goto out;
	}
	switch (op.code) {
	case IOVBUS_ADD:
		ret = IOVirtualBus_addDevice(op.name, op.location, op.props, op.interrupts, op.type,
		                             &entryID);
		break;
	case IOVBUS_REMOVE:
		ret = IOVirtualBus_removeDevice(op.entryID, op.surprise);
		break;
	case IOVBUS_INTERRUPT:
		ret = IOVirtualBus_interrupt(op.entryID, op.index);
		break;
	case IOVBUS_LIST:
		if ((list = iovbus_list()) == NULL)
			ret = kIOReturnNoMemory;
		break;
	}
	if ((out = OSDictionary_withCapacity(3)) == NULL ||
	    !iovbus_put_number(out, KHIO_KEY_RESULT, (uint32_t)ret, 32) ||
	    (entryID != 0 && !iovbus_put_number(out, KHIO_KEY_ID, entryID, 64)) ||
	    (list != NULL && !OSDictionary_setObjectCString(out, KHIO_KEY_DEVICES, list))) {
		err = ENOMEM;
		goto out;
	}
	err = kreq_object_to_xml(OSObj(out), reply) == 0 ? 0 : ENOMEM;
out:
	OSSafeReleaseNULL(list);
	OSSafeReleaseNULL(out);
	OSSafeReleaseNULL(req);
	return err;
}
