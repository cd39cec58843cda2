/*
 * IOKitLib.c — IOKitLib's registry and matching calls (<IOKit/IOKitLib.h>)
 * as MIG requests of the `iokit` subsystem (iokit/Kernel/IOKitMIG.c has the
 * table of ids and argument layouts). Handles are port names in this
 * process's task; releasing one is mach_port_deallocate. Property lists go
 * both ways as Apple XML, converted with libplist.
 */
#include <stdlib.h>
#include <string.h>
#include <plist/plist.h>
#include <kexthost/kh_mach.h>
#include <IOKit/IOKitLib.h>
#include "lib/libkexthost/iokl_msg.h"

const mach_port_t kIOMasterPortDefault = MACH_PORT_NULL;
const mach_port_t kIOMainPortDefault = MACH_PORT_NULL;

/* ---- building requests, reading replies: lib/libkexthost/iokl_msg.c ------------- */

static mach_port_t
iokl_master(mach_port_t master)
{
	static mach_port_t cached;

	if (master != MACH_PORT_NULL)
		return master;
	if (cached == MACH_PORT_NULL)
		IOMasterPort(MACH_PORT_NULL, &cached);
	return cached;
}

/* An out-of-line XML property list of the reply, parsed; the region is freed. */
static plist_t
iokl_reply_plist(const struct iokl_req *r, unsigned int idx)
{
	mach_msg_ool_descriptor_t d;
	plist_t p = NULL;

	if (!iokl_desc(r, idx, NULL, &d) || d.address == 0)
		return NULL;
	if (d.size > 0 && ((const char *)(uintptr_t)d.address)[d.size - 1] == '\0')
		plist_from_xml((const char *)(uintptr_t)d.address, d.size - 1, &p);
	kh_vm_deallocate(kh_mach_task_self(), d.address, d.size);
	return p;
}

/* ---- ports and objects ---------------------------------------------------- */

kern_return_t
IOMasterPort(mach_port_t bootstrapPort, mach_port_t *masterPort)
{
	mach_port_t host = kh_mach_host_self();
	kern_return_t kr;

	(void)bootstrapPort;
	*masterPort = MACH_PORT_NULL;
	if (host == MACH_PORT_NULL)
		return KERN_FAILURE;
	kr = kh_host_get_io_master(host, masterPort);
	kh_mach_port_deallocate(kh_mach_task_self(), host);
	return kr;
}

kern_return_t
IOMainPort(mach_port_t bootstrapPort, mach_port_t *mainPort)
{
	return IOMasterPort(bootstrapPort, mainPort);
}

kern_return_t
IOObjectRelease(io_object_t object)
{
	return kh_mach_port_deallocate(kh_mach_task_self(), object);
}

kern_return_t
IOObjectRetain(io_object_t object)
{
	return kh_mach_port_mod_refs(kh_mach_task_self(), object, MACH_PORT_RIGHT_SEND, 1);
}

int
IOObjectIsEqualTo(io_object_t object, io_object_t anObject)
{
	return object == anObject; /* one port per object: one name per port in a task */
}

kern_return_t
IOObjectGetClass(io_object_t object, io_name_t className)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	kern_return_t kr;

	iokl_begin(&r, object, 2800, 0, 0);
	kr = iokl_call(&r, &p, &n);
	return kr != KERN_SUCCESS ? kr : iokl_reply_string(p, n, className, sizeof(io_name_t));
}

int
IOObjectConformsTo(io_object_t object, const char *className)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n, conforms = 0;

	iokl_begin(&r, object, 2801, 0, 0);
	if (!iokl_string(&r, className, sizeof(io_name_t)) || iokl_call(&r, &p, &n) != KERN_SUCCESS || n < 4)
		return 0;
	memcpy(&conforms, p, 4);
	return conforms != 0;
}

uint32_t
IOObjectGetKernelRetainCount(io_object_t object)
{
	uint32_t count;

	(void)iokl_call_scalar(object, 2830, &count, sizeof(count));
	return count;
}

char *
IOObjectCopySuperclassForClass(const char *classname)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	io_name_t name;

	iokl_begin(&r, iokl_master(MACH_PORT_NULL), 2860, 0, 0);
	if (!iokl_string(&r, classname, sizeof(io_name_t)) || iokl_call(&r, &p, &n) != KERN_SUCCESS ||
	    iokl_reply_string(p, n, name, sizeof(name)) != KERN_SUCCESS)
		return NULL;
	return strdup(name);
}

/* ---- iterators ------------------------------------------------------------ */

io_object_t
IOIteratorNext(io_iterator_t iterator)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	io_object_t obj;

	iokl_begin(&r, iterator, 2802, 0, 0);
	if (iokl_call(&r, &p, &n) != KERN_SUCCESS || iokl_reply_port(&r, &obj) != KERN_SUCCESS)
		return IO_OBJECT_NULL;
	return obj;
}

void
IOIteratorReset(io_iterator_t iterator)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;

	iokl_begin(&r, iterator, 2803, 0, 0);
	(void)iokl_call(&r, &p, &n);
}

int
IOIteratorIsValid(io_iterator_t iterator)
{
	uint32_t valid;

	(void)iokl_call_scalar(iterator, 2834, &valid, sizeof(valid));
	return valid != 0;
}

/* ---- matching --------------------------------------------------------------- */

static plist_t
iokl_matching(const char *key, plist_t value)
{
	plist_t dict = plist_new_dict();

	if (dict == NULL || value == NULL) {
		plist_free(dict);
		plist_free(value);
		return NULL;
	}
	plist_dict_set_item(dict, key, value);
	return dict;
}

plist_t
IOServiceMatching(const char *name)
{
	return name != NULL ? iokl_matching(kIOProviderClassKey, plist_new_string(name)) : NULL;
}

plist_t
IOServiceNameMatching(const char *name)
{
	return name != NULL ? iokl_matching(kIONameMatchKey, plist_new_string(name)) : NULL;
}

plist_t
IORegistryEntryIDMatching(uint64_t entryID)
{
	return iokl_matching(kIORegistryEntryIDKey, plist_new_uint(entryID));
}

kern_return_t
IOServiceGetMatchingServices(mach_port_t masterPort, plist_t matching, io_iterator_t *existing)
{
	struct iokl_req r;
	const uint8_t *p;
	char *xml = NULL;
	uint32_t n, xlen = 0;
	kern_return_t kr, result;

	*existing = IO_OBJECT_NULL;
	if (matching == NULL)
		return kIOReturnBadArgument;
	plist_to_xml(matching, &xml, &xlen);
	plist_free(matching); /* consumed, as Apple's is */
	if (xml == NULL)
		return kIOReturnBadArgument;
	iokl_begin(&r, iokl_master(masterPort), 2857, 0, 1);
	iokl_ool(&r, xml, xlen + 1); /* with its NUL */
	kr = iokl_call(&r, &p, &n);
	free(xml);
	if (kr != KERN_SUCCESS)
		return kr;
	if (n < 4)
		return MIG_TYPE_ERROR;
	memcpy(&result, p, 4);
	if (result != KERN_SUCCESS)
		return result;
	return iokl_reply_port(&r, existing);
}

io_service_t
IOServiceGetMatchingService(mach_port_t masterPort, plist_t matching)
{
	io_iterator_t iter;
	io_service_t first;

	if (IOServiceGetMatchingServices(masterPort, matching, &iter) != KERN_SUCCESS)
		return IO_OBJECT_NULL;
	first = IOIteratorNext(iter);
	IOObjectRelease(iter);
	return first;
}

/* ---- services ------------------------------------------------------------- */

kern_return_t
IOServiceGetBusyState(io_service_t service, uint32_t *busyState)
{
	uint32_t busy;
	kern_return_t kr = iokl_call_scalar(service, 2831, &busy, sizeof(busy));

	if (kr == KERN_SUCCESS)
		*busyState = busy;
	return kr;
}

kern_return_t
IOServiceWaitQuiet(io_service_t service, mach_timespec_t *waitTime)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;

	iokl_begin(&r, service, 2832, 0, 0);
	iokl_u32(&r, waitTime ? waitTime->tv_sec : 0);
	iokl_u32(&r, waitTime ? (uint32_t)waitTime->tv_nsec : 0);
	return iokl_call(&r, &p, &n);
}

kern_return_t
IOKitGetBusyState(mach_port_t masterPort, uint32_t *busyState)
{
	io_registry_entry_t root = IORegistryGetRootEntry(masterPort);
	kern_return_t kr;

	if (root == IO_OBJECT_NULL)
		return kIOReturnNoDevice;
	kr = IOServiceGetBusyState(root, busyState);
	IOObjectRelease(root);
	return kr;
}

kern_return_t
IOKitWaitQuiet(mach_port_t masterPort, mach_timespec_t *waitTime)
{
	io_registry_entry_t root = IORegistryGetRootEntry(masterPort);
	kern_return_t kr;

	if (root == IO_OBJECT_NULL)
		return kIOReturnNoDevice;
	kr = IOServiceWaitQuiet(root, waitTime);
	IOObjectRelease(root);
	return kr;
}

/* ---- the registry ------------------------------------------------------------ */

io_registry_entry_t
IORegistryGetRootEntry(mach_port_t masterPort)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	io_object_t obj;

	iokl_begin(&r, iokl_master(masterPort), 2827, 0, 0);
	if (iokl_call(&r, &p, &n) != KERN_SUCCESS || iokl_reply_port(&r, &obj) != KERN_SUCCESS)
		return IO_OBJECT_NULL;
	return obj;
}

io_registry_entry_t
IORegistryEntryFromPath(mach_port_t masterPort, const char *path)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	io_object_t obj;

	iokl_begin(&r, iokl_master(masterPort), 2809, 0, 0);
	if (!iokl_string(&r, path, sizeof(io_string_t)) || iokl_call(&r, &p, &n) != KERN_SUCCESS ||
	    iokl_reply_port(&r, &obj) != KERN_SUCCESS)
		return IO_OBJECT_NULL;
	return obj;
}

static kern_return_t
iokl_iterator_call(struct iokl_req *r, io_iterator_t *iterator)
{
	const uint8_t *p;
	uint32_t n;
	kern_return_t kr = iokl_call(r, &p, &n);

	*iterator = IO_OBJECT_NULL;
	return kr != KERN_SUCCESS ? kr : iokl_reply_port(r, iterator);
}

kern_return_t
IORegistryCreateIterator(mach_port_t masterPort, const char *plane, IOOptionBits options,
                         io_iterator_t *iterator)
{
	struct iokl_req r;

	iokl_begin(&r, iokl_master(masterPort), 2806, 0, 0);
	if (!iokl_string(&r, plane, sizeof(io_name_t)))
		return kIOReturnBadArgument;
	iokl_u32(&r, options);
	return iokl_iterator_call(&r, iterator);
}

kern_return_t
IORegistryEntryCreateIterator(io_registry_entry_t entry, const char *plane, IOOptionBits options,
                              io_iterator_t *iterator)
{
	struct iokl_req r;

	iokl_begin(&r, entry, 2833, 0, 0);
	if (!iokl_string(&r, plane, sizeof(io_name_t)))
		return kIOReturnBadArgument;
	iokl_u32(&r, options);
	return iokl_iterator_call(&r, iterator);
}

kern_return_t
IORegistryEntryGetChildIterator(io_registry_entry_t entry, const char *plane, io_iterator_t *iterator)
{
	struct iokl_req r;

	iokl_begin(&r, entry, 2813, 0, 0);
	if (!iokl_string(&r, plane, sizeof(io_name_t)))
		return kIOReturnBadArgument;
	return iokl_iterator_call(&r, iterator);
}

kern_return_t
IORegistryEntryGetParentIterator(io_registry_entry_t entry, const char *plane, io_iterator_t *iterator)
{
	struct iokl_req r;

	iokl_begin(&r, entry, 2814, 0, 0);
	if (!iokl_string(&r, plane, sizeof(io_name_t)))
		return kIOReturnBadArgument;
	return iokl_iterator_call(&r, iterator);
}

static kern_return_t
iokl_first(io_registry_entry_t entry, const char *plane, io_registry_entry_t *out, int parents)
{
	io_iterator_t iter;
	kern_return_t kr = parents ? IORegistryEntryGetParentIterator(entry, plane, &iter)
	                           : IORegistryEntryGetChildIterator(entry, plane, &iter);

	*out = IO_OBJECT_NULL;
	if (kr != KERN_SUCCESS)
		return kr;
	*out = IOIteratorNext(iter);
	IOObjectRelease(iter);
	return *out != IO_OBJECT_NULL ? KERN_SUCCESS : kIOReturnNoDevice;
}

kern_return_t
IORegistryEntryGetChildEntry(io_registry_entry_t entry, const char *plane, io_registry_entry_t *child)
{
	return iokl_first(entry, plane, child, 0);
}

kern_return_t
IORegistryEntryGetParentEntry(io_registry_entry_t entry, const char *plane, io_registry_entry_t *parent)
{
	return iokl_first(entry, plane, parent, 1);
}

static kern_return_t
iokl_name_call(io_registry_entry_t entry, mach_msg_id_t id, const char *plane, char *out, uint32_t max)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	kern_return_t kr;

	iokl_begin(&r, entry, id, 0, 0);
	if (plane != NULL && !iokl_string(&r, plane, sizeof(io_name_t)))
		return kIOReturnBadArgument;
	kr = iokl_call(&r, &p, &n);
	return kr != KERN_SUCCESS ? kr : iokl_reply_string(p, n, out, max);
}

kern_return_t
IORegistryEntryGetName(io_registry_entry_t entry, io_name_t name)
{
	return iokl_name_call(entry, 2810, NULL, name, sizeof(io_name_t));
}

kern_return_t
IORegistryEntryGetNameInPlane(io_registry_entry_t entry, const char *plane, io_name_t name)
{
	return iokl_name_call(entry, 2843, plane != NULL ? plane : "", name, sizeof(io_name_t));
}

kern_return_t
IORegistryEntryGetLocationInPlane(io_registry_entry_t entry, const char *plane, io_name_t location)
{
	return iokl_name_call(entry, 2854, plane != NULL ? plane : "", location, sizeof(io_name_t));
}

kern_return_t
IORegistryEntryGetPath(io_registry_entry_t entry, const char *plane, io_string_t path)
{
	return iokl_name_call(entry, 2826, plane, path, sizeof(io_string_t));
}

kern_return_t
IORegistryEntryGetRegistryEntryID(io_registry_entry_t entry, uint64_t *entryID)
{
	return iokl_call_scalar(entry, 2871, entryID, sizeof(*entryID));
}

int
IORegistryEntryInPlane(io_registry_entry_t entry, const char *plane)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n, in = 0;

	iokl_begin(&r, entry, 2829, 0, 0);
	if (!iokl_string(&r, plane, sizeof(io_name_t)) || iokl_call(&r, &p, &n) != KERN_SUCCESS || n < 4)
		return 0;
	memcpy(&in, p, 4);
	return in != 0;
}

kern_return_t
IORegistryEntryCreateCFProperties(io_registry_entry_t entry, plist_t *properties, void *allocator,
                                  IOOptionBits options)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;
	kern_return_t kr;

	(void)allocator;
	(void)options;
	*properties = NULL;
	iokl_begin(&r, entry, 2811, 0, 0);
	kr = iokl_call(&r, &p, &n);
	if (kr != KERN_SUCCESS)
		return kr;
	*properties = iokl_reply_plist(&r, 0);
	return *properties != NULL ? KERN_SUCCESS : kIOReturnNoMemory;
}

plist_t
IORegistryEntryCreateCFProperty(io_registry_entry_t entry, const char *key, void *allocator,
                                IOOptionBits options)
{
	struct iokl_req r;
	const uint8_t *p;
	uint32_t n;

	(void)allocator;
	(void)options;
	iokl_begin(&r, entry, 2805, 0, 0);
	if (key == NULL || !iokl_string(&r, key, sizeof(io_name_t)) || iokl_call(&r, &p, &n) != KERN_SUCCESS)
		return NULL;
	/* The value comes wrapped: kreq_object_to_xml writes a whole plist document. */
	return iokl_reply_plist(&r, 0);
}

kern_return_t
IORegistryEntrySetCFProperties(io_registry_entry_t entry, plist_t properties)
{
	struct iokl_req r;
	const uint8_t *p;
	char *xml = NULL;
	uint32_t n, xlen = 0;
	kern_return_t kr, result;

	if (properties == NULL)
		return kIOReturnBadArgument;
	plist_to_xml(properties, &xml, &xlen);
	if (xml == NULL)
		return kIOReturnNoMemory;
	iokl_begin(&r, entry, 2828, 0, 1);
	iokl_ool(&r, xml, xlen + 1); /* with its NUL */
	kr = iokl_call(&r, &p, &n);
	free(xml);
	if (kr != KERN_SUCCESS)
		return kr;
	if (n < 4)
		return MIG_TYPE_ERROR;
	memcpy(&result, p, 4);
	return result;
}

kern_return_t
IORegistryEntrySetCFProperty(io_registry_entry_t entry, const char *propertyName, plist_t property)
{
	plist_t dict;
	kern_return_t kr;

	if (propertyName == NULL || property == NULL)
		return kIOReturnBadArgument;
	dict = plist_new_dict();
	if (dict == NULL)
		return kIOReturnNoMemory;
	plist_dict_set_item(dict, propertyName, plist_copy(property));
	kr = IORegistryEntrySetCFProperties(entry, dict);
	plist_free(dict);
	return kr;
}
