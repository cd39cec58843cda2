/*
 * kern_request_plist.c — replies of the request channel carry object trees
 * as standard Apple XML property lists, which any user-space plist reader
 * (libplist, CoreFoundation) understands. OSSerialize's kernel XML form has
 * ID/IDREF attributes and hex integers that ordinary readers reject, so the
 * tree is converted to libplist nodes (the vetted library the kernel uses
 * for property lists) and written by libplist.
 *
 * Sets become arrays (a property list has no set). Depth is bounded so a
 * cyclic or absurdly deep tree is an error, never a stack overflow.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <string.h>
#include <libkern/c/OSContainers.h>
#include <libkern/c/OSCollectionIterator.h>
#include <plist/plist.h>
#include "bsd/kern/kern_request.h"

/* Nesting limit; kernel threads have small stacks. */
#define KREQ_PLIST_MAX_DEPTH 32

static plist_t kreq_node(const OSObject *obj, unsigned int depth);

struct kreq_dict_ctx {
	plist_t dict;
	unsigned int depth;
	int failed;
};

static bool
kreq_dict_entry(void *refcon, const OSSymbol *key, OSObject *object)
{
	struct kreq_dict_ctx *c = refcon;
	plist_t v = kreq_node(object, c->depth + 1);

	if (v == NULL) {
		c->failed = 1;
		return true; /* stop */
	}
	plist_dict_set_item(c->dict, OSString_getCStringNoCopy((const OSString *)key), v);
	return false;
}

static plist_t
kreq_collection(const OSCollection *coll, unsigned int depth)
{
	OSCollectionIterator *it = OSCollectionIterator_withCollection(coll);
	plist_t arr;
	OSObject *o;

	if (it == NULL)
		return NULL;
	arr = plist_new_array();
	while (arr != NULL && (o = OSCollectionIterator_getNextObject(it)) != NULL) {
		plist_t v = kreq_node(o, depth + 1);
		if (v == NULL) {
			plist_free(arr);
			arr = NULL;
			break;
		}
		plist_array_append_item(arr, v);
	}
	OSObject_release(it);
	return arr;
}

static plist_t
kreq_node(const OSObject *obj, unsigned int depth)
{
	OSDictionary *d;
	OSArray *a;
	OSString *s;
	OSNumber *n;
	OSData *data;
	OSBoolean *b;
	OSCollection *coll;

	if (obj == NULL || depth > KREQ_PLIST_MAX_DEPTH)
		return NULL;
	if ((d = OSDynamicCast(OSDictionary, obj)) != NULL) {
		struct kreq_dict_ctx c = {.dict = plist_new_dict(), .depth = depth};
		if (c.dict == NULL)
			return NULL;
		OSDictionary_iterateObjects(d, &c, kreq_dict_entry);
		if (c.failed) {
			plist_free(c.dict);
			return NULL;
		}
		return c.dict;
	}
	if ((a = OSDynamicCast(OSArray, obj)) != NULL) {
		plist_t arr = plist_new_array();
		for (unsigned int i = 0; arr != NULL && i < OSArray_getCount(a); i++) {
			plist_t v = kreq_node(OSArray_getObject(a, i), depth + 1);
			if (v == NULL) {
				plist_free(arr);
				return NULL;
			}
			plist_array_append_item(arr, v);
		}
		return arr;
	}
	if ((s = OSDynamicCast(OSString, obj)) != NULL) /* OSSymbol too */
		return plist_new_string(OSString_getCStringNoCopy(s));
	if ((n = OSDynamicCast(OSNumber, obj)) != NULL)
		return plist_new_uint(OSNumber_unsigned64BitValue(n));
	if ((b = OSDynamicCast(OSBoolean, obj)) != NULL)
		return plist_new_bool(OSBoolean_isTrue(b) ? 1 : 0);
	if ((data = OSDynamicCast(OSData, obj)) != NULL)
		return plist_new_data((const char *)OSData_getBytesNoCopy(data), OSData_getLength(data));
	if ((coll = OSDynamicCast(OSCollection, obj)) != NULL) /* sets, ordered sets */
		return kreq_collection(coll, depth);
	return NULL;
}

int
kreq_object_to_xml(const OSObject *obj, struct kreq_buf *out)
{
	plist_t root = kreq_node(obj, 0);
	char *xml = NULL;
	uint32_t len = 0;
	int err;

	if (root == NULL)
		return EINVAL;
	plist_to_xml(root, &xml, &len);
	plist_free(root);
	if (xml == NULL)
		return ENOMEM;
	err = kreq_buf_append(out, xml, len);
	plist_to_xml_free(xml);
	return err;
}
