/*
 * OSUnserializePlist.c — Apple property lists (XML or binary bytes, e.g. an
 * Info.plist read from disk) to OSObjects, through libplist: parsing the
 * two file formats is libplist's job; this file only walks the plist_t tree.
 *
 * The walk is iterative (explicit stack, kOSUnserializeMaxDepth frames)
 * because kernel stacks are small. Memory that libplist hands out with the
 * host allocator (dictionary keys and iterators) goes back through
 * plist_to_bin_free, libplist's own free wrapper: kernel code cannot call
 * the host's free() directly. Conversions the kernel has no object for:
 * reals become 64-bit OSNumbers truncated toward zero (computed from the
 * IEEE-754 bits with integer arithmetic: the kernel uses no floating point),
 * dates become ISO 8601 OSStrings.
 */
#include "libkern/c/osc_internal.h"
#include <plist/plist.h>

/* Seconds from 1970-01-01 to 2001-01-01, the epoch of plist dates. */
#define OSC_PLIST_EPOCH_OFFSET 978307200ll

typedef struct osc_plist_frame {
	plist_t node;
	OSCollection *coll; /* retained */
	bool isDict;
	uint32_t index; /* arrays */
	uint32_t count;
	plist_dict_iter iter;        /* dictionaries (host-allocated) */
	const OSSymbol *keyInParent; /* retained; NULL when the parent is an array */
} osc_plist_frame;

typedef struct osc_plist_walk {
	osc_plist_frame *stack;
	unsigned int depth;
	unsigned int cap;
	const char *error;
	unsigned int objects;
} osc_plist_walk;

static bool
osc_plist_fail(osc_plist_walk *w, const char *why)
{
	if (!w->error) {
		w->error = why;
	}
	return false;
}

static void
osc_plist_host_free(void *p)
{
	if (p) {
		plist_to_bin_free(p);
	}
}

/* Truncate the IEEE-754 double with these bits toward zero. */
static bool
osc_plist_real_to_int(uint64_t bits, uint64_t *out)
{
	unsigned int exp = (unsigned int)((bits >> 52) & 0x7ff);
	uint64_t mant = (bits & ((1ull << 52) - 1)) | (1ull << 52);
	uint64_t v;
	int e;

	if (exp == 0x7ff) {
		return false; /* NaN or infinity */
	}
	if (exp < 1023) {
		*out = 0;
		return true;
	}
	e = (int)exp - 1023;
	if (e > 63) {
		return false;
	}
	v = (e >= 52) ? mant << (e - 52) : mant >> (52 - e);
	*out = (bits >> 63) ? 0ull - v : v;
	return true;
}

/* Seconds since 2001-01-01 as "YYYY-MM-DDTHH:MM:SSZ" (proleptic Gregorian, UTC). */
static OSString *
osc_plist_date_string(int64_t appleSeconds)
{
	int64_t t = appleSeconds + OSC_PLIST_EPOCH_OFFSET;
	int64_t days = t / 86400, secs = t % 86400, era, doe, yoe, doy, mp, y, m, d;
	char buf[32];

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Civil date from days since 1970-01-01 (Hinnant's algorithm). */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += (m <= 2);
	snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m,
	         (long long)d, (long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
	return OSString_withCString(buf);
}

/* A scalar node as an object (retained), or NULL with w->error set. */
static OSObject *
osc_plist_scalar(osc_plist_walk *w, plist_t node)
{
	uint64_t u = 0, len = 0;
	uint8_t b = 0;
	const char *p;
	int32_t sec = 0, usec = 0;
	OSObject *obj = NULL;

	switch (plist_get_node_type(node)) {
	case PLIST_BOOLEAN:
		plist_get_bool_val(node, &b);
		obj = OSObj(OSBoolean_withBoolean(b != 0));
		break;
	case PLIST_UINT:
		plist_get_uint_val(node, &u);
		obj = (OSObject *)OSNumber_withNumber(u, 64);
		break;
	case PLIST_UID:
		plist_get_uid_val(node, &u);
		obj = (OSObject *)OSNumber_withNumber(u, 64);
		break;
	case PLIST_REAL:
		/* Read the double's bits without a floating-point register. */
		plist_get_real_val(node, (double *)(void *)&u);
		if (!osc_plist_real_to_int(u, &u)) {
			osc_plist_fail(w, "real value out of integer range");
			return NULL;
		}
		obj = (OSObject *)OSNumber_withNumber(u, 64);
		break;
	case PLIST_STRING:
		p = plist_get_string_ptr(node, &len);
		if (!p || len >= kOSStringMaxLength) {
			osc_plist_fail(w, p ? "string too long" : "bad string");
			return NULL;
		}
		obj = (OSObject *)OSString_withCStringOfLength(p, (size_t)len);
		break;
	case PLIST_DATA:
		p = plist_get_data_ptr(node, &len);
		if (len > 0xffffffffull) {
			osc_plist_fail(w, "data too long");
			return NULL;
		}
		obj = (OSObject *)(len ? OSData_withBytes(p, (unsigned int)len) : OSData_withCapacity(0));
		break;
	case PLIST_DATE:
		plist_get_date_val(node, &sec, &usec);
		obj = (OSObject *)osc_plist_date_string(sec);
		break;
	default:
		osc_plist_fail(w, "unsupported value type");
		return NULL;
	}
	if (!obj) {
		osc_plist_fail(w, "out of memory");
	}
	return obj;
}

static bool
osc_plist_push(osc_plist_walk *w, plist_t node, const OSSymbol *keyInParent)
{
	bool isDict = plist_get_node_type(node) == PLIST_DICT;
	osc_plist_frame *f;
	uint32_t count;

	if (w->depth == kOSUnserializeMaxDepth) {
		return osc_plist_fail(w, "maximum nesting depth");
	}
	if (w->depth == w->cap) {
		unsigned int ncap = w->cap ? w->cap * 2 : 16;
		osc_plist_frame *ns = osc_alloc((size_t)ncap * sizeof(*ns));

		if (!ns) {
			return osc_plist_fail(w, "out of memory");
		}
		if (w->stack) {
			memcpy(ns, w->stack, (size_t)w->depth * sizeof(*ns));
			osc_free(w->stack, (size_t)w->cap * sizeof(*ns));
		}
		w->stack = ns;
		w->cap = ncap;
	}
	f = &w->stack[w->depth];
	bzero(f, sizeof(*f));
	f->node = node;
	f->isDict = isDict;
	if (isDict) {
		count = plist_dict_get_size(node);
		plist_dict_new_iter(node, &f->iter);
		f->coll = f->iter ? (OSCollection *)OSDictionary_withCapacity(count) : NULL;
	} else {
		count = plist_array_get_size(node);
		f->coll = (OSCollection *)OSArray_withCapacity(count);
	}
	f->count = count;
	w->depth++; /* even on failure, so that cleanup frees the iterator */
	if (!f->coll) {
		return osc_plist_fail(w, "out of memory");
	}
	if (keyInParent) {
		OSObject_retain(keyInParent);
		f->keyInParent = keyInParent;
	}
	return true;
}

/* Add a finished object (consumes it) to the frame on top, under key when that is a dictionary. */
static bool
osc_plist_add(osc_plist_walk *w, const OSSymbol *key, OSObject *obj)
{
	osc_plist_frame *f = &w->stack[w->depth - 1];
	bool ok;

	if (++w->objects > kOSUnserializeMaxObjects) {
		OSObject_release(obj);
		return osc_plist_fail(w, "maximum object count");
	}
	if (f->isDict) {
		ok = key && OSDictionary_setObject((OSDictionary *)f->coll, key, obj);
	} else {
		ok = OSArray_setObject((OSArray *)f->coll, obj);
	}
	OSObject_release(obj);
	return ok || osc_plist_fail(w, "out of memory");
}

/* Next child of frame f, NULL when done; in a dictionary also its key, as a symbol (retained). */
static plist_t
osc_plist_next_child(osc_plist_walk *w, osc_plist_frame *f, const OSSymbol **keyp)
{
	plist_t child = NULL;
	char *key = NULL;

	*keyp = NULL;
	if (!f->isDict) {
		return (f->index < f->count) ? plist_array_get_item(f->node, f->index++) : NULL;
	}
	plist_dict_next_item(f->node, f->iter, &key, &child);
	if (child) {
		*keyp = key ? OSSymbol_withCString(key) : NULL;
		if (!*keyp) {
			osc_plist_fail(w, key ? "out of memory" : "dictionary item without a key");
			child = NULL;
		}
	}
	osc_plist_host_free(key);
	return child;
}

static void
osc_plist_frame_release(osc_plist_frame *f)
{
	osc_plist_host_free(f->iter);
	f->iter = NULL;
	OSSafeReleaseNULL(f->keyInParent);
	OSSafeReleaseNULL(f->coll);
}

static OSObject *
osc_plist_convert(osc_plist_walk *w, plist_t root)
{
	plist_type rootType = plist_get_node_type(root);
	OSObject *result = NULL;

	if (rootType != PLIST_DICT && rootType != PLIST_ARRAY) {
		return osc_plist_scalar(w, root);
	}
	if (!osc_plist_push(w, root, NULL)) {
		return NULL;
	}
	while (w->depth && !w->error) {
		osc_plist_frame *f = &w->stack[w->depth - 1];
		const OSSymbol *key;
		plist_t child = osc_plist_next_child(w, f, &key);
		plist_type type;
		OSObject *obj;

		if (w->error) {
			break;
		}
		if (!child) {
			/* The container is complete: hand it to its parent. */
			const OSSymbol *parentKey = f->keyInParent;

			obj = OSObj(f->coll);
			f->coll = NULL;
			f->keyInParent = NULL;
			osc_plist_frame_release(f);
			w->depth--;
			if (!w->depth) {
				result = obj;
			} else {
				(void)osc_plist_add(w, parentKey, obj);
			}
			OSSafeReleaseNULL(parentKey);
			continue;
		}
		type = plist_get_node_type(child);
		if (type == PLIST_DICT || type == PLIST_ARRAY) {
			(void)osc_plist_push(w, child, key);
		} else if ((obj = osc_plist_scalar(w, child)) != NULL) {
			(void)osc_plist_add(w, key, obj);
		}
		OSSafeReleaseNULL(key);
	}
	while (w->depth) {
		osc_plist_frame_release(&w->stack[--w->depth]);
	}
	if (w->error) {
		OSSafeReleaseNULL(result);
	}
	return result;
}

/* Big-endian unsigned integer of `size` (1..8) bytes. */
static uint64_t
osc_bplist_uint(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++) {
		v = (v << 8) | p[i];
	}
	return v;
}

/*
 * libplist 2.2 asserts (aborts the process) when a binary plist key holds a
 * NUL byte, so look at every string object first. Binary plist layout: an
 * 8-byte "bplist00" header; a 32-byte trailer whose bytes 6 and 7 give the
 * offset-table entry size and the object-reference size, then three
 * big-endian 64-bit fields: object count, top object, offset-table offset;
 * each object starts with a marker byte: 0x5N ASCII string, 0x6N UTF-16
 * string, N = length or 0xF followed by an integer object (0x1K, 2^K bytes)
 * holding it. Anything malformed is left for libplist to reject; this scan
 * only answers "is there a string with a NUL in it".
 */
static bool
osc_bplist_has_nul_string(const uint8_t *b, size_t len)
{
	const uint8_t *t;
	unsigned int offsize;
	uint64_t count, table;

	if (len < 8 + 32 || memcmp(b, "bplist00", 8) != 0) {
		return false;
	}
	t = b + len - 32;
	offsize = t[6];
	count = osc_bplist_uint(t + 8, 8);
	table = osc_bplist_uint(t + 24, 8);
	if (offsize == 0 || offsize > 8 || table >= len || count > (len - table) / offsize) {
		return false;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t off = osc_bplist_uint(b + table + i * offsize, offsize), n, unit;
		uint8_t marker, kind;

		if (off >= len) {
			continue;
		}
		marker = b[off];
		kind = marker >> 4;
		if (kind != 0x5 && kind != 0x6) {
			continue;
		}
		unit = kind == 0x5 ? 1 : 2;
		n = marker & 0xf;
		off++;
		if (n == 0xf) {
			unsigned int isize;

			if (off >= len || (b[off] >> 4) != 0x1 || (b[off] & 0xf) > 3) {
				continue;
			}
			isize = 1u << (b[off] & 0xf);
			if (off + 1 + isize > len) {
				continue;
			}
			n = osc_bplist_uint(b + off + 1, isize);
			off += 1 + isize;
		}
		if (n > (len - off) / unit) {
			continue;
		}
		for (uint64_t j = 0; j < n; j++) {
			if (unit == 1 ? b[off + j] == 0 : (b[off + 2 * j] == 0 && b[off + 2 * j + 1] == 0)) {
				return true;
			}
		}
	}
	return false;
}

OSObject *
OSUnserializePlist(const void *bytes, size_t length, OSString **error)
{
	osc_plist_walk w;
	plist_t root = NULL;
	OSObject *result = NULL;

	if (error) {
		*error = NULL;
	}
	bzero(&w, sizeof(w));
	if (!bytes || length == 0 || length > 0xffffffffu) {
		osc_plist_fail(&w, "empty or oversized input");
		goto out;
	}
	if (osc_bplist_has_nul_string(bytes, length)) {
		osc_plist_fail(&w, "a string or key contains a NUL character");
		goto out;
	}
	plist_from_memory(bytes, (uint32_t)length, &root);
	if (!root) {
		osc_plist_fail(&w, "not a property list (XML or binary)");
		goto out;
	}
	result = osc_plist_convert(&w, root);
	plist_free(root);
out:
	osc_free(w.stack, (size_t)w.cap * sizeof(*w.stack));
	if (w.error && error) {
		char msg[128];

		snprintf(msg, sizeof(msg), "OSUnserializePlist: %s", w.error);
		*error = OSString_withCString(msg);
	}
	return result;
}
