/*
 * OSUnserializeXML.c — the kernel's own XML property-list parser, written
 * by hand like XNU's (no XML library in the kernel).
 *
 * It is iterative: open containers live on a heap-allocated stack of at most
 * kOSUnserializeMaxDepth frames, because kernel stacks are small and the
 * input is untrusted. Every read is bounded by the buffer length and stops at
 * a NUL. Tags and attributes are slices of the input, never copied into fixed
 * buffers. A container gets its ID when it closes, so an IDREF can only name
 * a complete object: the result is always acyclic. The first complete
 * top-level object ends the parse (trailing text is ignored, as in XNU).
 */
#include "libkern/c/osc_internal.h"

#define OSC_XML_MAX_ATTRS 8
#define OSC_XML_MAX_NAME 31

enum osc_xml_tag_type { OSC_TAG_START, OSC_TAG_END, OSC_TAG_EMPTY };
enum osc_xml_kind { OSC_KIND_DICT, OSC_KIND_ARRAY, OSC_KIND_SET };

typedef struct osc_slice {
	const char *p;
	size_t len;
} osc_slice;

typedef struct osc_xml_tag {
	enum osc_xml_tag_type type;
	osc_slice name;
	unsigned int nattrs;
	osc_slice attrName[OSC_XML_MAX_ATTRS];
	osc_slice attrValue[OSC_XML_MAX_ATTRS];
} osc_xml_tag;

typedef struct osc_xml_frame {
	OSCollection *coll; /* retained */
	enum osc_xml_kind kind;
	long id;             /* -1: none */
	const OSSymbol *key; /* pending dictionary key (retained) */
} osc_xml_frame;

typedef struct osc_xml_id {
	long id;       /* -1: empty slot */
	OSObject *obj; /* retained */
} osc_xml_id;

typedef struct osc_xml_parser {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
	osc_xml_frame *stack;
	unsigned int depth;
	unsigned int stackCap;
	osc_xml_id *ids; /* open addressing on the ID */
	unsigned int idCount;
	unsigned int idCap;
	unsigned int objectCount;
	unsigned int refCount;
	const char *error; /* first error, static text */
	OSObject *result;
} osc_xml_parser;

/* ---- errors ------------------------------------------------------------------ */

static bool
osc_xml_fail(osc_xml_parser *ps, const char *why)
{
	if (!ps->error) {
		ps->error = why;
	}
	return false;
}

/* ---- characters ---------------------------------------------------------------- */

static inline int
osc_xml_peek(const osc_xml_parser *ps, size_t ahead)
{
	size_t i = ps->pos + ahead;

	return (i < ps->len) ? (unsigned char)ps->buf[i] : 0;
}

static inline bool
osc_xml_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool
osc_xml_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static inline bool
osc_xml_namechar(int c)
{
	return osc_xml_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' || c == '.';
}

static inline int
osc_xml_hexval(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Advance one character, counting lines. */
static inline void
osc_xml_advance(osc_xml_parser *ps)
{
	if (ps->buf[ps->pos] == '\n') {
		ps->line++;
	}
	ps->pos++;
}

static void
osc_xml_skip_space(osc_xml_parser *ps)
{
	while (osc_xml_space(osc_xml_peek(ps, 0))) {
		osc_xml_advance(ps);
	}
}

static bool
osc_slice_is(osc_slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && memcmp(s.p, lit, n) == 0;
}

/* ---- tags ---------------------------------------------------------------------- */

/* Skip to just after `terminator` (a short literal); false at the end of input. */
static bool
osc_xml_skip_past(osc_xml_parser *ps, const char *terminator)
{
	size_t n = strlen(terminator), i;

	for (;;) {
		for (i = 0; i < n && osc_xml_peek(ps, i) == (unsigned char)terminator[i]; i++) {
		}
		if (i == n) {
			ps->pos += n;
			return true;
		}
		if (!osc_xml_peek(ps, 0)) {
			return false;
		}
		osc_xml_advance(ps);
	}
}

/* <!DOCTYPE ...> and other declarations; brackets may nest an internal subset. */
static bool
osc_xml_skip_declaration(osc_xml_parser *ps)
{
	int brackets = 0, c;

	while ((c = osc_xml_peek(ps, 0)) != 0) {
		osc_xml_advance(ps);
		if (c == '[') {
			brackets++;
		} else if (c == ']' && brackets > 0) {
			brackets--;
		} else if (c == '>' && brackets == 0) {
			return true;
		}
	}
	return false;
}

static bool
osc_xml_name(osc_xml_parser *ps, osc_slice *out)
{
	size_t start = ps->pos;

	if (!osc_xml_alpha(osc_xml_peek(ps, 0))) {
		return osc_xml_fail(ps, "syntax error");
	}
	while (osc_xml_namechar(osc_xml_peek(ps, 0))) {
		ps->pos++;
	}
	out->p = ps->buf + start;
	out->len = ps->pos - start;
	if (out->len > OSC_XML_MAX_NAME) {
		return osc_xml_fail(ps, "name too long");
	}
	return true;
}

/*
 * Read the next element tag, skipping white space, comments, processing
 * instructions and declarations. *eof is set at the end of the input.
 */
static bool
osc_xml_next_tag(osc_xml_parser *ps, osc_xml_tag *tag, bool *eof)
{
	int c;

	*eof = false;
	for (;;) {
		osc_xml_skip_space(ps);
		c = osc_xml_peek(ps, 0);
		if (!c) {
			*eof = true;
			return true;
		}
		if (c != '<') {
			return osc_xml_fail(ps, "syntax error");
		}
		c = osc_xml_peek(ps, 1);
		if (c == '?') {
			ps->pos += 2;
			if (!osc_xml_skip_past(ps, "?>")) {
				return osc_xml_fail(ps, "unterminated processing instruction");
			}
			continue;
		}
		if (c == '!') {
			if (osc_xml_peek(ps, 2) == '-' && osc_xml_peek(ps, 3) == '-') {
				ps->pos += 4;
				if (!osc_xml_skip_past(ps, "-->")) {
					return osc_xml_fail(ps, "unterminated comment");
				}
				continue;
			}
			if (!osc_xml_alpha(osc_xml_peek(ps, 2))) {
				return osc_xml_fail(ps, "syntax error");
			}
			ps->pos += 2;
			if (!osc_xml_skip_declaration(ps)) {
				return osc_xml_fail(ps, "unterminated declaration");
			}
			continue;
		}
		break;
	}

	ps->pos++; /* '<' */
	tag->type = OSC_TAG_START;
	tag->nattrs = 0;
	if (osc_xml_peek(ps, 0) == '/') {
		ps->pos++;
		tag->type = OSC_TAG_END;
	}
	if (!osc_xml_name(ps, &tag->name)) {
		return false;
	}
	for (;;) {
		osc_slice aname, avalue;
		int quote;

		osc_xml_skip_space(ps);
		c = osc_xml_peek(ps, 0);
		if (c == '>') {
			ps->pos++;
			return true;
		}
		if (c == '/' && tag->type == OSC_TAG_START && osc_xml_peek(ps, 1) == '>') {
			ps->pos += 2;
			tag->type = OSC_TAG_EMPTY;
			return true;
		}
		if (tag->type == OSC_TAG_END || !osc_xml_name(ps, &aname)) {
			return osc_xml_fail(ps, "syntax error");
		}
		osc_xml_skip_space(ps);
		if (osc_xml_peek(ps, 0) != '=') {
			return osc_xml_fail(ps, "syntax error");
		}
		ps->pos++;
		osc_xml_skip_space(ps);
		quote = osc_xml_peek(ps, 0);
		if (quote != '"' && quote != '\'') {
			return osc_xml_fail(ps, "syntax error");
		}
		ps->pos++;
		avalue.p = ps->buf + ps->pos;
		while ((c = osc_xml_peek(ps, 0)) != quote) {
			if (!c || c == '<') {
				return osc_xml_fail(ps, "syntax error");
			}
			osc_xml_advance(ps);
		}
		avalue.len = (size_t)(ps->buf + ps->pos - avalue.p);
		ps->pos++;
		if (tag->nattrs == OSC_XML_MAX_ATTRS) {
			return osc_xml_fail(ps, "too many attributes");
		}
		tag->attrName[tag->nattrs] = aname;
		tag->attrValue[tag->nattrs] = avalue;
		tag->nattrs++;
	}
}

static const osc_slice *
osc_xml_attr(const osc_xml_tag *tag, const char *name)
{
	unsigned int i;

	for (i = 0; i < tag->nattrs; i++) {
		if (osc_slice_is(tag->attrName[i], name)) {
			return &tag->attrValue[i];
		}
	}
	return NULL;
}

/* Parse an unsigned decimal or 0x-hex number that fills the slice. */
static bool
osc_xml_parse_ulong(osc_slice s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;
	int base = 10;

	if (s.len > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == s.len) {
		return false;
	}
	for (; i < s.len; i++) {
		int d = osc_xml_hexval((unsigned char)s.p[i]);

		if (d < 0 || d >= base || __builtin_mul_overflow(v, (unsigned long long)base, &v) ||
		    __builtin_add_overflow(v, (unsigned long long)d, &v) || v > max) {
			return false;
		}
	}
	*out = v;
	return true;
}

/* Expect </name> next. */
static bool
osc_xml_expect_end(osc_xml_parser *ps, osc_slice name)
{
	osc_xml_tag tag;
	bool eof;

	if (!osc_xml_next_tag(ps, &tag, &eof)) {
		return false;
	}
	if (eof || tag.type != OSC_TAG_END || tag.name.len != name.len ||
	    memcmp(tag.name.p, name.p, name.len) != 0) {
		return osc_xml_fail(ps, "syntax error");
	}
	return true;
}

/* The raw text up to the next '<' (which must exist). */
static bool
osc_xml_content(osc_xml_parser *ps, osc_slice *out)
{
	int c;

	out->p = ps->buf + ps->pos;
	while ((c = osc_xml_peek(ps, 0)) != '<') {
		if (!c) {
			return osc_xml_fail(ps, "unexpected end of buffer");
		}
		osc_xml_advance(ps);
	}
	out->len = (size_t)(ps->buf + ps->pos - out->p);
	return true;
}

/* ---- values ------------------------------------------------------------------ */

/* Append code point cp as UTF-8; false for NUL, surrogates and out-of-range values. */
static bool
osc_xml_put_utf8(char *dst, size_t *j, unsigned long long cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		return false;
	}
	if (cp < 0x80) {
		dst[(*j)++] = (char)cp;
	} else if (cp < 0x800) {
		dst[(*j)++] = (char)(0xc0 | (cp >> 6));
		dst[(*j)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		dst[(*j)++] = (char)(0xe0 | (cp >> 12));
		dst[(*j)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		dst[(*j)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		dst[(*j)++] = (char)(0xf0 | (cp >> 18));
		dst[(*j)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		dst[(*j)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		dst[(*j)++] = (char)(0x80 | (cp & 0x3f));
	}
	return true;
}

/* The code point of "#N" or "#xN" (the entity without '&' and ';'). */
static bool
osc_xml_char_ref(osc_slice ent, unsigned long long *cp)
{
	unsigned long long v = 0;
	size_t k = 1;
	unsigned int base = 10;

	if (ent.len > 2 && ent.p[1] == 'x') {
		base = 16;
		k = 2;
	}
	if (k >= ent.len) {
		return false;
	}
	for (; k < ent.len; k++) {
		int d = osc_xml_hexval((unsigned char)ent.p[k]);

		if (d < 0 || (unsigned int)d >= base) {
			return false;
		}
		v = v * base + (unsigned int)d;
		if (v > 0x10ffff) {
			return false;
		}
	}
	*cp = v;
	return true;
}

/*
 * Decode entities (&lt; &gt; &amp; &quot; &apos; &#N; &#xN;) into a new
 * NUL-terminated buffer of raw.len + 1 bytes: decoding never grows text.
 */
static char *
osc_xml_decode_text(osc_xml_parser *ps, osc_slice raw)
{
	char *dst = osc_alloc(raw.len + 1);
	size_t i = 0, j = 0;

	if (!dst) {
		osc_xml_fail(ps, "out of memory");
		return NULL;
	}
	while (i < raw.len) {
		const char *semi;
		osc_slice ent;
		unsigned long long cp;
		char c = raw.p[i];

		if (c != '&') {
			dst[j++] = c;
			i++;
			continue;
		}
		semi = memchr(raw.p + i, ';', raw.len - i < 12 ? raw.len - i : 12);
		if (!semi) {
			goto bad;
		}
		ent.p = raw.p + i + 1;
		ent.len = (size_t)(semi - ent.p);
		i = (size_t)(semi - raw.p) + 1;
		if (osc_slice_is(ent, "lt")) {
			dst[j++] = '<';
		} else if (osc_slice_is(ent, "gt")) {
			dst[j++] = '>';
		} else if (osc_slice_is(ent, "amp")) {
			dst[j++] = '&';
		} else if (osc_slice_is(ent, "quot")) {
			dst[j++] = '"';
		} else if (osc_slice_is(ent, "apos")) {
			dst[j++] = '\'';
		} else if (ent.len > 1 && ent.p[0] == '#') {
			if (!osc_xml_char_ref(ent, &cp) || !osc_xml_put_utf8(dst, &j, cp)) {
				goto bad;
			}
		} else {
			goto bad;
		}
	}
	dst[j] = '\0';
	return dst;
bad:
	osc_free(dst, raw.len + 1);
	osc_xml_fail(ps, "bad entity");
	return NULL;
}

/* <string> / <key> text: content, then the end tag. */
static char *
osc_xml_read_text(osc_xml_parser *ps, const osc_xml_tag *tag, size_t *allocLen)
{
	osc_slice raw = {"", 0};
	char *text;

	if (tag->type == OSC_TAG_START && !osc_xml_content(ps, &raw)) {
		return NULL;
	}
	if (raw.len > kOSStringMaxLength) {
		osc_xml_fail(ps, "string too long");
		return NULL;
	}
	text = osc_xml_decode_text(ps, raw);
	if (!text) {
		return NULL;
	}
	*allocLen = raw.len + 1;
	if (tag->type == OSC_TAG_START && !osc_xml_expect_end(ps, tag->name)) {
		osc_free(text, *allocLen);
		return NULL;
	}
	return text;
}

static OSObject *
osc_xml_read_integer(osc_xml_parser *ps, const osc_xml_tag *tag)
{
	const osc_slice *sizeAttr = osc_xml_attr(tag, "size");
	unsigned long long bits = 64, value = 0;
	osc_slice raw;
	bool negative = false;
	OSNumber *num;

	if (sizeAttr && (!osc_xml_parse_ulong(*sizeAttr, 64, &bits) || bits == 0)) {
		osc_xml_fail(ps, "bad integer size");
		return NULL;
	}
	if (tag->type == OSC_TAG_START) {
		if (!osc_xml_content(ps, &raw)) {
			return NULL;
		}
		while (raw.len && osc_xml_space((unsigned char)raw.p[0])) {
			raw.p++;
			raw.len--;
		}
		while (raw.len && osc_xml_space((unsigned char)raw.p[raw.len - 1])) {
			raw.len--;
		}
		if (raw.len && (raw.p[0] == '-' || raw.p[0] == '+')) {
			negative = raw.p[0] == '-';
			raw.p++;
			raw.len--;
		}
		if (!osc_xml_parse_ulong(raw, ~0ull, &value)) {
			osc_xml_fail(ps, "bad integer");
			return NULL;
		}
		if (negative) {
			value = 0ull - value;
		}
		if (!osc_xml_expect_end(ps, tag->name)) {
			return NULL;
		}
	}
	num = OSNumber_withNumber(value, (unsigned int)bits);
	if (!num) {
		osc_xml_fail(ps, "buildNumber");
	}
	return OSObj(num);
}

static int
osc_base64_value(int c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

/* Decode base64 (white space allowed, '=' only as final padding) or hex into buf (raw.len bytes). */
static bool
osc_xml_decode_data(osc_slice raw, bool hex, unsigned char *buf, size_t *outLen)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0, pad = 0, nibble = -1;

	for (i = 0; i < raw.len; i++) {
		int c = (unsigned char)raw.p[i], v;

		if (osc_xml_space(c)) {
			continue;
		}
		if (hex) {
			v = osc_xml_hexval(c);
			if (v < 0) {
				return false;
			}
			if (nibble < 0) {
				nibble = v;
			} else {
				buf[n++] = (unsigned char)(nibble << 4 | v);
				nibble = -1;
			}
			continue;
		}
		if (c == '=') {
			pad++;
			continue;
		}
		v = osc_base64_value(c);
		if (v < 0 || pad) {
			return false;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[n++] = (unsigned char)(acc >> bits);
		}
	}
	if (hex ? nibble >= 0 : (pad > 2 || bits >= 6)) {
		return false;
	}
	*outLen = n;
	return true;
}

static OSObject *
osc_xml_read_data(osc_xml_parser *ps, const osc_xml_tag *tag)
{
	const osc_slice *format = osc_xml_attr(tag, "format");
	osc_slice raw = {"", 0};
	unsigned char *buf = NULL;
	size_t outLen = 0;
	OSData *data = NULL;

	if (tag->type == OSC_TAG_START && !osc_xml_content(ps, &raw)) {
		return NULL;
	}
	if (raw.len > 0xffffffffu) {
		osc_xml_fail(ps, "data too long");
		return NULL;
	}
	if (raw.len) {
		buf = osc_alloc(raw.len);
		if (!buf) {
			osc_xml_fail(ps, "out of memory");
			return NULL;
		}
	}
	if (raw.len && !osc_xml_decode_data(raw, format && osc_slice_is(*format, "hex"), buf, &outLen)) {
		osc_xml_fail(ps, "bad data");
		goto out;
	}
	if (tag->type == OSC_TAG_START && !osc_xml_expect_end(ps, tag->name)) {
		goto out;
	}
	data = outLen ? OSData_withBytes(buf, (unsigned int)outLen) : OSData_withCapacity(0);
	if (!data) {
		osc_xml_fail(ps, "buildData");
	}
out:
	osc_free(buf, raw.len);
	return data ? OSObj(data) : NULL;
}

/* ---- IDs ------------------------------------------------------------------------ */

static osc_xml_id *
osc_xml_id_slot(osc_xml_parser *ps, long id)
{
	unsigned int mask = ps->idCap - 1;
	unsigned int i = osc_ptr_hash((const void *)(uintptr_t)id) & mask;

	while (ps->ids[i].id != -1 && ps->ids[i].id != id) {
		i = (i + 1) & mask;
	}
	return &ps->ids[i];
}

static bool
osc_xml_remember(osc_xml_parser *ps, long id, OSObject *obj)
{
	osc_xml_id *slot;

	if ((ps->idCount + 1) * 2 > ps->idCap) {
		unsigned int ncap = ps->idCap ? ps->idCap * 2 : 64, i;
		osc_xml_id *old = ps->ids, *nids = osc_alloc((size_t)ncap * sizeof(*nids));

		if (!nids) {
			return osc_xml_fail(ps, "out of memory");
		}
		for (i = 0; i < ncap; i++) {
			nids[i].id = -1;
		}
		ps->ids = nids;
		ps->idCap = ncap;
		for (i = 0; old && i < ncap / 2; i++) {
			if (old[i].id != -1) {
				*osc_xml_id_slot(ps, old[i].id) = old[i];
			}
		}
		osc_free(old, (size_t)(ncap / 2) * sizeof(*old));
	}
	slot = osc_xml_id_slot(ps, id);
	OSObject_retain(obj);
	if (slot->id == -1) {
		ps->idCount++;
	} else {
		OSObject_release(slot->obj); /* a repeated ID names the latest object, as in XNU */
	}
	slot->id = id;
	slot->obj = obj;
	return true;
}

static OSObject *
osc_xml_retrieve(osc_xml_parser *ps, long id)
{
	osc_xml_id *slot;

	if (!ps->ids) {
		return NULL;
	}
	slot = osc_xml_id_slot(ps, id);
	return slot->id == id ? slot->obj : NULL;
}

/* The ID attribute: -1 when absent, -2 when malformed. */
static long
osc_xml_tag_id(const osc_xml_tag *tag)
{
	const osc_slice *v = osc_xml_attr(tag, "ID");
	unsigned long long id;

	if (!v) {
		return -1;
	}
	return osc_xml_parse_ulong(*v, 0x7fffffff, &id) ? (long)id : -2;
}

/* ---- the tree ----------------------------------------------------------------- */

/* Hand a finished object (consumes the reference) to the open container or make it the result. */
static bool
osc_xml_value(osc_xml_parser *ps, OSObject *obj, long id)
{
	osc_xml_frame *top;
	bool ok = true;

	if (++ps->objectCount > kOSUnserializeMaxObjects) {
		OSObject_release(obj);
		return osc_xml_fail(ps, "maximum object count");
	}
	if (id >= 0 && !osc_xml_remember(ps, id, obj)) {
		OSObject_release(obj);
		return false;
	}
	if (ps->depth == 0) {
		ps->result = obj;
		return true;
	}
	top = &ps->stack[ps->depth - 1];
	/* Containers grow by a fixed increment (XNU's rule): make it geometric for big inputs. */
	if (OSCollection_getCount(top->coll) == OSCollection_getCapacity(top->coll)) {
		unsigned int count = OSCollection_getCount(top->coll);

		OSCollection_setCapacityIncrement(top->coll, count > 16 ? count : 16);
	}
	switch (top->kind) {
	case OSC_KIND_DICT:
		if (!top->key) {
			ok = osc_xml_fail(ps, "syntax error");
			break;
		}
		if (OSDictionary_getObject((OSDictionary *)top->coll, top->key)) {
			ok = osc_xml_fail(ps, "duplicate dictionary key");
		} else if (!OSDictionary_setObject((OSDictionary *)top->coll, top->key, obj)) {
			ok = osc_xml_fail(ps, "buildDictionary");
		}
		OSSafeReleaseNULL(top->key);
		break;
	case OSC_KIND_ARRAY:
		if (!OSArray_setObject((OSArray *)top->coll, obj)) {
			ok = osc_xml_fail(ps, "buildArray");
		}
		break;
	case OSC_KIND_SET:
		/* Collected in an array; made a set (duplicates dropped) when it closes. */
		if (!OSArray_setObject((OSArray *)top->coll, obj)) {
			ok = osc_xml_fail(ps, "buildSet");
		}
		break;
	}
	OSObject_release(obj);
	return ok;
}

static bool
osc_xml_open(osc_xml_parser *ps, enum osc_xml_kind kind, long id)
{
	OSCollection *coll = NULL;
	osc_xml_frame *f;

	if (ps->depth == kOSUnserializeMaxDepth) {
		return osc_xml_fail(ps, "maximum nesting depth");
	}
	if (ps->depth == ps->stackCap) {
		unsigned int ncap = ps->stackCap ? ps->stackCap * 2 : 16;
		osc_xml_frame *ns = osc_alloc((size_t)ncap * sizeof(*ns));

		if (!ns) {
			return osc_xml_fail(ps, "out of memory");
		}
		if (ps->stack) {
			memcpy(ns, ps->stack, (size_t)ps->depth * sizeof(*ns));
			osc_free(ps->stack, (size_t)ps->stackCap * sizeof(*ns));
		}
		ps->stack = ns;
		ps->stackCap = ncap;
	}
	switch (kind) {
	case OSC_KIND_DICT:
		coll = (OSCollection *)OSDictionary_withCapacity(0);
		break;
	case OSC_KIND_ARRAY:
		coll = (OSCollection *)OSArray_withCapacity(0);
		break;
	case OSC_KIND_SET:
		coll = (OSCollection *)OSArray_withCapacity(0);
		break;
	}
	if (!coll) {
		return osc_xml_fail(ps, "out of memory");
	}
	f = &ps->stack[ps->depth++];
	f->coll = coll;
	f->kind = kind;
	f->id = id;
	f->key = NULL;
	return true;
}

/*
 * The set of the array's members, first occurrences in order. A pointer hash
 * finds repeats in linear time: OSSet_setObject's membership test is a scan,
 * quadratic over a large set full of IDREFs.
 */
static OSSet *
osc_xml_make_set(osc_xml_parser *ps, const OSArray *array)
{
	unsigned int n = array->count, size = 16, i;
	const OSObject **seen;
	OSSet *set;

	while (size < n * 2u) {
		size <<= 1;
	}
	set = OSSet_withCapacity(n);
	seen = osc_alloc((size_t)size * sizeof(*seen));
	if (!set || !seen) {
		OSSafeReleaseNULL(set);
		osc_free(seen, (size_t)size * sizeof(*seen));
		osc_xml_fail(ps, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		const OSObject *o = array->array[i];
		unsigned int h = osc_ptr_hash(o) & (size - 1);

		while (seen[h] && seen[h] != o) {
			h = (h + 1) & (size - 1);
		}
		if (seen[h]) {
			continue;
		}
		seen[h] = o;
		/* Known to be new: append to the members without the set's scan. */
		if (!OSArray_setObject(set->members, o)) {
			OSSafeReleaseNULL(set);
			osc_xml_fail(ps, "buildSet");
			break;
		}
	}
	osc_free(seen, (size_t)size * sizeof(*seen));
	return set;
}

static bool
osc_xml_close(osc_xml_parser *ps, enum osc_xml_kind kind)
{
	osc_xml_frame *f;

	if (ps->depth == 0 || ps->stack[ps->depth - 1].kind != kind) {
		return osc_xml_fail(ps, "syntax error");
	}
	f = &ps->stack[--ps->depth];
	if (f->key) {
		OSSafeReleaseNULL(f->key);
		OSSafeReleaseNULL(f->coll);
		return osc_xml_fail(ps, "syntax error");
	}
	if (kind == OSC_KIND_SET) {
		OSSet *set = osc_xml_make_set(ps, (OSArray *)f->coll);

		OSSafeReleaseNULL(f->coll);
		if (!set) {
			return false;
		}
		f->coll = (OSCollection *)set;
	}
	return osc_xml_value(ps, OSObj(f->coll), f->id);
}

static bool
osc_xml_key(osc_xml_parser *ps, const osc_xml_tag *tag, long id)
{
	osc_xml_frame *top = ps->depth ? &ps->stack[ps->depth - 1] : NULL;
	const OSSymbol *sym;
	size_t allocLen;
	char *text;

	if (!top || top->kind != OSC_KIND_DICT || top->key) {
		return osc_xml_fail(ps, "syntax error");
	}
	text = osc_xml_read_text(ps, tag, &allocLen);
	if (!text) {
		return false;
	}
	sym = OSSymbol_withCString(text);
	osc_free(text, allocLen);
	if (!sym) {
		return osc_xml_fail(ps, "buildSymbol");
	}
	if (id >= 0 && !osc_xml_remember(ps, id, (OSObject *)OSObj(sym))) {
		OSObject_release(sym);
		return false;
	}
	top->key = sym;
	return true;
}

static bool
osc_xml_kind_of(osc_slice name, enum osc_xml_kind *kind)
{
	if (osc_slice_is(name, "dict")) {
		*kind = OSC_KIND_DICT;
	} else if (osc_slice_is(name, "array")) {
		*kind = OSC_KIND_ARRAY;
	} else if (osc_slice_is(name, "set")) {
		*kind = OSC_KIND_SET;
	} else {
		return false;
	}
	return true;
}

/* One element; false on error. */
static bool
osc_xml_element(osc_xml_parser *ps, const osc_xml_tag *tag)
{
	enum osc_xml_kind kind;
	const osc_slice *idref = osc_xml_attr(tag, "IDREF");
	long id = osc_xml_tag_id(tag);
	OSObject *obj = NULL;
	unsigned long long ref;

	if (id == -2) {
		return osc_xml_fail(ps, "bad ID");
	}
	if (osc_slice_is(tag->name, "plist")) {
		return true;
	}
	if (idref) {
		/* <reference IDREF="n"/>: any empty element naming an earlier ID. */
		if (tag->type != OSC_TAG_EMPTY || !osc_xml_parse_ulong(*idref, 0x7fffffff, &ref)) {
			return osc_xml_fail(ps, "syntax error");
		}
		obj = osc_xml_retrieve(ps, (long)ref);
		if (!obj) {
			return osc_xml_fail(ps, "forward reference detected");
		}
		if (++ps->refCount > kOSUnserializeMaxRefs) {
			return osc_xml_fail(ps, "maximum object reference count");
		}
		OSObject_retain(obj);
		return osc_xml_value(ps, obj, -1);
	}
	if (osc_xml_kind_of(tag->name, &kind)) {
		if (tag->type == OSC_TAG_START) {
			return osc_xml_open(ps, kind, id);
		}
		if (tag->type == OSC_TAG_END) {
			return osc_xml_close(ps, kind);
		}
		return osc_xml_open(ps, kind, id) && osc_xml_close(ps, kind);
	}
	if (tag->type == OSC_TAG_END) {
		return osc_xml_fail(ps, "syntax error");
	}
	if (osc_slice_is(tag->name, "key")) {
		return osc_xml_key(ps, tag, id);
	}
	if (osc_slice_is(tag->name, "string")) {
		size_t allocLen;
		char *text = osc_xml_read_text(ps, tag, &allocLen);

		if (!text) {
			return false;
		}
		obj = (OSObject *)OSString_withCString(text);
		osc_free(text, allocLen);
		if (!obj) {
			return osc_xml_fail(ps, "buildString");
		}
	} else if (osc_slice_is(tag->name, "integer")) {
		obj = osc_xml_read_integer(ps, tag);
	} else if (osc_slice_is(tag->name, "data")) {
		obj = osc_xml_read_data(ps, tag);
	} else if (osc_slice_is(tag->name, "true") || osc_slice_is(tag->name, "false")) {
		if (tag->type != OSC_TAG_EMPTY) {
			return osc_xml_fail(ps, "syntax error");
		}
		obj = OSObj(OSBoolean_withBoolean(osc_slice_is(tag->name, "true")));
	} else if (osc_slice_is(tag->name, "real") || osc_slice_is(tag->name, "date")) {
		return osc_xml_fail(ps, "unsupported element (real and date have no kernel object)");
	} else {
		return osc_xml_fail(ps, "syntax error");
	}
	return obj && osc_xml_value(ps, obj, id);
}

static void
osc_xml_cleanup(osc_xml_parser *ps)
{
	unsigned int i;

	while (ps->depth) {
		osc_xml_frame *f = &ps->stack[--ps->depth];

		OSSafeReleaseNULL(f->key);
		OSSafeReleaseNULL(f->coll);
	}
	osc_free(ps->stack, (size_t)ps->stackCap * sizeof(*ps->stack));
	for (i = 0; i < ps->idCap; i++) {
		if (ps->ids[i].id != -1) {
			OSObject_release(ps->ids[i].obj);
		}
	}
	osc_free(ps->ids, (size_t)ps->idCap * sizeof(*ps->ids));
}

static OSObject *
osc_xml_parse(const char *buffer, size_t length, OSString **errorString)
{
	osc_xml_parser ps;
	osc_xml_tag tag;
	bool eof;

	if (errorString) {
		*errorString = NULL;
	}
	if (!buffer) {
		return NULL;
	}
	bzero(&ps, sizeof(ps));
	ps.buf = buffer;
	ps.len = length;
	ps.line = 1;

	while (!ps.result) {
		if (!osc_xml_next_tag(&ps, &tag, &eof)) {
			break;
		}
		if (eof) {
			osc_xml_fail(&ps, "unexpected end of buffer");
			break;
		}
		if (!osc_xml_element(&ps, &tag)) {
			break;
		}
	}
	if (ps.error) {
		OSSafeReleaseNULL(ps.result);
		if (errorString) {
			char msg[128];

			snprintf(msg, sizeof(msg), "OSUnserializeXML: %s near line %u\n", ps.error, ps.line);
			*errorString = OSString_withCString(msg);
		}
	}
	osc_xml_cleanup(&ps);
	return ps.result;
}

OSObject *
OSUnserializeXML(const char *buffer, OSString **errorString)
{
	return osc_xml_parse(buffer, buffer ? strlen(buffer) : 0, errorString);
}

OSObject *
OSUnserializeXMLWithLength(const char *buffer, size_t bufferSize, OSString **errorString)
{
	/* The binary form (OSSerializeBinary) starts with 0xd3 0x00 0x00 or 0x13/0xd3 bytes. */
	if (buffer && bufferSize >= 4 && (unsigned char)buffer[0] == 0xd3 && buffer[1] == 0 &&
	    buffer[2] == 0) {
		if (errorString) {
			*errorString = OSString_withCString(
			        "OSUnserializeXML: binary serialization is not supported\n");
		}
		return NULL;
	}
	return osc_xml_parse(buffer, buffer ? strnlen(buffer, bufferSize) : 0, errorString);
}
