/*
 * test_osserialize.c — the kernel's XML form: golden output of every class's
 * serialize (IDs, IDREFs, escaping, base64), round trips through
 * OSUnserializeXML, Apple XML property lists, malformed input (an error
 * string, no object, no crash, no leak), the limits, and the libplist bridge
 * for XML and binary property lists.
 */
#include "tests/ktest.h"
#include <kern/kalloc.h>
#include <libkern/c/OSContainers.h>
#include <plist/plist.h>
#include "osfmk/kern/startup.h"

/* Serialize o and compare with the expected text. */
static void
check_xml(const OSObject *o, const char *expected)
{
	OSSerialize *s = OSSerialize_withCapacity(0);

	ck_assert_ptr_nonnull(s);
	ck_assert(OSObject_serialize(o, s));
	ck_assert_str_eq(OSSerialize_text(s), expected);
	ck_assert_uint_eq(OSSerialize_getLength(s), strlen(expected) + 1);
	OSObject_release(s);
}

/* Unserialize text that must fail; returns nothing, checks the error string. */
static void
check_rejected(const char *xml, const char *why)
{
	OSString *err = NULL;
	OSObject *o = OSUnserializeXML(xml, &err);

	ck_assert_msg(o == NULL, "accepted: %s", xml);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(OSString_getCStringNoCopy(err), "OSUnserializeXML: ") != NULL, "%s",
	              OSString_getCStringNoCopy(err));
	ck_assert_msg(strstr(OSString_getCStringNoCopy(err), why) != NULL, "for %s: got %s", xml,
	              OSString_getCStringNoCopy(err));
	ck_assert(strstr(OSString_getCStringNoCopy(err), " near line ") != NULL);
	OSObject_release(err);
}

/* ---- serialize: golden output ------------------------------------------- */

START_TEST(serialize_scalars)
{
	OSString *s = OSString_withCString("a<b>&c");
	const OSSymbol *sym = OSSymbol_withCString("sym");
	OSNumber *n = OSNumber_withNumber(5, 32), *big = OSNumber_withNumber(0x123456789abcdef0ull, 64);
	OSData *d = OSData_withBytes("\0\1\2\3", 4), *d1 = OSData_withBytes("\xff", 1),
	       *empty = OSData_withCapacity(0);

	check_xml(OSObj(s), "<string ID=\"0\">a&lt;b&gt;&amp;c</string>");
	check_xml(OSObj(sym), "<string ID=\"0\">sym</string>");
	check_xml(OSObj(n), "<integer size=\"32\" ID=\"0\">0x5</integer>");
	check_xml(OSObj(big), "<integer size=\"64\" ID=\"0\">0x123456789abcdef0</integer>");
	check_xml(OSObj(kOSBooleanTrue), "<true/>");
	check_xml(OSObj(kOSBooleanFalse), "<false/>");
	check_xml(OSObj(d), "<data ID=\"0\">AAECAw==</data>");
	check_xml(OSObj(d1), "<data ID=\"0\">/w==</data>");
	check_xml(OSObj(empty), "<data ID=\"0\"></data>");
	OSData_setSerializable(d, false);
	check_xml(OSObj(d), "<data ID=\"0\"></data>");
	OSObject_release(s);
	OSObject_release(sym);
	OSObject_release(n);
	OSObject_release(big);
	OSObject_release(d);
	OSObject_release(d1);
	OSObject_release(empty);
}
END_TEST

START_TEST(serialize_collections_and_references)
{
	OSDictionary *dict = OSDictionary_withCapacity(2);
	OSArray *arr = OSArray_withCapacity(3);
	OSSet *set = OSSet_withCapacity(1);
	OSNumber *n = OSNumber_withNumber(7, 32);
	OSOrderedSet *os = OSOrderedSet_withCapacity(0, NULL, NULL);

	OSArray_setObject(arr, n);
	OSArray_setObject(arr, n);
	OSArray_setObject(arr, kOSBooleanFalse);
	check_xml(OSObj(arr), "<array ID=\"0\"><integer size=\"32\" ID=\"1\">0x7</integer>"
	                      "<reference IDREF=\"1\"/><false/></array>");
	OSSet_setObject(set, n);
	OSDictionary_setObjectCString(dict, "a&b", set);
	OSDictionary_setObjectCString(dict, "arr", arr);
	check_xml(OSObj(dict),
	          "<dict ID=\"0\"><key>a&amp;b</key><set ID=\"1\"><integer size=\"32\" ID=\"2\">0x7"
	          "</integer></set><key>arr</key><array ID=\"3\"><reference IDREF=\"2\"/>"
	          "<reference IDREF=\"2\"/><false/></array></dict>");
	/* No serialize method: a string naming the class. */
	check_xml(OSObj(os), "<string ID=\"0\">OSOrderedSet is not serializable</string>");
	OSObject_release(dict);
	OSObject_release(arr);
	OSObject_release(set);
	OSObject_release(n);
	OSObject_release(os);
}
END_TEST

static bool
serializer_cb(void *target, void *ref, OSSerialize *s)
{
	(*(int *)ref)++;
	return OSSerialize_addString(s, (const char *)target);
}

START_TEST(serializer_and_clear_text)
{
	int calls = 0;
	OSSerializer *ser = OSSerializer_forTarget((void *)"<string>x</string>", serializer_cb, &calls);
	OSSerialize *s = OSSerialize_withCapacity(1);
	OSString *str = OSString_withCString("again");

	ck_assert(OSObject_serialize(ser, s));
	ck_assert_int_eq(calls, 1);
	ck_assert_str_eq(OSSerialize_text(s), "<string>x</string>");
	OSSerialize_clearText(s);
	ck_assert_str_eq(OSSerialize_text(s), "");
	ck_assert_uint_eq(OSSerialize_getLength(s), 1);
	/* IDs restart after clearText. */
	ck_assert(OSObject_serialize(str, s));
	ck_assert_str_eq(OSSerialize_text(s), "<string ID=\"0\">again</string>");
	ck_assert_int_eq(OSObject_getRetainCount(str), 2); /* held by the serializer's IDs */
	OSObject_release(s);
	ck_assert_int_eq(OSObject_getRetainCount(str), 1);
	OSObject_release(ser);
	OSObject_release(str);
}
END_TEST

/* A large tree grows the text across several pages. */
START_TEST(serialize_large_round_trip)
{
	OSArray *arr = OSArray_withCapacity(0);
	OSSerialize *s = OSSerialize_withCapacity(16);
	OSObject *back;
	OSString *err = NULL;
	char buf[32];

	for (int i = 0; i < 3000; i++) {
		OSString *str;

		snprintf(buf, sizeof(buf), "element %d <&>", i);
		str = OSString_withCString(buf);
		OSArray_setObject(arr, str);
		OSObject_release(str);
	}
	ck_assert(OSObject_serialize(arr, s));
	ck_assert_uint_gt(OSSerialize_getLength(s), 4096 * 10);
	back = OSUnserializeXML(OSSerialize_text(s), &err);
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_null(err);
	ck_assert(OSObject_isEqualTo(arr, back));
	OSObject_release(back);
	OSObject_release(arr);
	OSObject_release(s);
}
END_TEST

/* ---- unserialize ------------------------------------------------------------ */

static const char apple_plist[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                  "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                                  "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                                  "<plist version=\"1.0\">\n"
                                  "<!-- a comment -->\n"
                                  "<dict>\n"
                                  "\t<key>CFBundleIdentifier</key>\n"
                                  "\t<string>com.example.driver</string>\n"
                                  "\t<key>Count</key>\n"
                                  "\t<integer>42</integer>\n"
                                  "\t<key>Neg</key>\n"
                                  "\t<integer>-1</integer>\n"
                                  "\t<key>Blob</key>\n"
                                  "\t<data>\n\tAAECAw==\n\t</data>\n"
                                  "\t<key>Enabled</key>\n"
                                  "\t<true/>\n"
                                  "\t<key>List</key>\n"
                                  "\t<array>\n"
                                  "\t\t<string>a &amp; b &lt;c&gt; &quot;q&apos; &#65;&#x42;&#233;</string>\n"
                                  "\t\t<dict/>\n"
                                  "\t\t<array/>\n"
                                  "\t\t<string></string>\n"
                                  "\t</array>\n"
                                  "</dict>\n"
                                  "</plist>\n";

START_TEST(unserialize_apple_plist)
{
	OSString *err = NULL;
	OSObject *o = OSUnserializeXML(apple_plist, &err);
	OSDictionary *d = OSDynamicCast(OSDictionary, o);
	OSNumber *n;
	OSData *blob;
	OSArray *list;

	ck_assert_ptr_null(err);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(OSDictionary_getCount(d), 6);
	ck_assert(OSString_isEqualToCString(
	        OSDynamicCast(OSString, OSDictionary_getObjectCString(d, "CFBundleIdentifier")),
	        "com.example.driver"));
	n = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(d, "Count"));
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), 42);
	ck_assert_uint_eq(OSNumber_numberOfBits(n), 64);
	n = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(d, "Neg"));
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), ~0ull);
	blob = OSDynamicCast(OSData, OSDictionary_getObjectCString(d, "Blob"));
	ck_assert(OSData_isEqualToBytes(blob, "\0\1\2\3", 4));
	ck_assert_uint_eq(OSData_getLength(blob), 4);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, "Enabled"), kOSBooleanTrue);
	list = OSDynamicCast(OSArray, OSDictionary_getObjectCString(d, "List"));
	ck_assert_uint_eq(OSArray_getCount(list), 4);
	ck_assert_str_eq(OSString_getCStringNoCopy(OSDynamicCast(OSString, OSArray_getObject(list, 0))),
	                 "a & b <c> \"q' AB\xc3\xa9");
	ck_assert_uint_eq(OSDictionary_getCount(OSDynamicCast(OSDictionary, OSArray_getObject(list, 1))), 0);
	ck_assert_uint_eq(OSArray_getCount(OSDynamicCast(OSArray, OSArray_getObject(list, 2))), 0);
	ck_assert_uint_eq(OSString_getLength(OSDynamicCast(OSString, OSArray_getObject(list, 3))), 0);
	ck_assert_int_eq(OSObject_getRetainCount(o), 1);
	OSObject_release(o);
}
END_TEST

START_TEST(unserialize_kernel_forms)
{
	OSString *err = NULL;
	OSArray *a, *keys;
	OSNumber *n;
	OSData *d;
	OSObject *o;

	o = OSUnserializeXML("<array ID=\"0\"><string ID=\"1\">s</string><reference IDREF=\"1\"/>"
	                     "<integer size=\"8\" ID=\"2\">0x1ff</integer><data format=\"hex\">0a0B ff</data>"
	                     "<set><string>x</string><reference IDREF=\"1\"/></set></array>",
	                     &err);
	a = OSDynamicCast(OSArray, o);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(OSArray_getCount(a), 5);
	ck_assert_ptr_eq(OSArray_getObject(a, 0), OSArray_getObject(a, 1)); /* IDREF: the same object */
	n = OSDynamicCast(OSNumber, OSArray_getObject(a, 2));
	ck_assert_uint_eq(OSNumber_unsigned64BitValue(n), 0xff);
	ck_assert_uint_eq(OSNumber_numberOfBits(n), 8);
	d = OSDynamicCast(OSData, OSArray_getObject(a, 3));
	ck_assert(OSData_isEqualToBytes(d, "\x0a\x0b\xff", 3));
	ck_assert_uint_eq(OSSet_getCount(OSDynamicCast(OSSet, OSArray_getObject(a, 4))), 2);
	OSObject_release(o);

	/* Keys are symbols; trailing text after the root is ignored; length-bounded form. */
	o = OSUnserializeXML("<dict><key>k</key><false/></dict> trailing", NULL);
	keys = OSDictionary_copyKeys(OSDynamicCast(OSDictionary, o));
	ck_assert_ptr_nonnull(OSDynamicCast(OSSymbol, OSArray_getObject(keys, 0)));
	OSObject_release(keys);
	ck_assert_ptr_eq(OSDictionary_getObjectCString((OSDictionary *)o, "k"), kOSBooleanFalse);
	OSObject_release(o);
	o = OSUnserializeXMLWithLength("<true/>", 7, &err);
	ck_assert_ptr_eq(o, kOSBooleanTrue);
	o = OSUnserializeXMLWithLength("<true/>", 3, &err);
	ck_assert_ptr_null(o);
	ck_assert_ptr_nonnull(err);
	OSObject_release(err);
}
END_TEST

START_TEST(round_trip_is_equal)
{
	OSDictionary *d = OSDictionary_withCapacity(0);
	OSArray *a = OSArray_withCapacity(0);
	OSSet *set = OSSet_withCapacity(0);
	OSString *s = OSString_withCString("shared & <escaped>");
	OSNumber *n = OSNumber_withNumber(0xfedcba9876543210ull, 64);
	OSData *data = OSData_withBytes("binary\0data\xff", 12);
	OSSerialize *ser = OSSerialize_withCapacity(0);
	OSObject *back;
	OSString *err = NULL;

	OSArray_setObject(a, s);
	OSArray_setObject(a, s);
	OSArray_setObject(a, n);
	OSSet_setObject(set, data);
	OSDictionary_setObjectCString(d, "array", a);
	OSDictionary_setObjectCString(d, "set", set);
	OSDictionary_setObjectCString(d, "string", s);
	OSDictionary_setObjectCString(d, "bool", kOSBooleanTrue);
	OSDictionary_setObjectCString(d, "empty", OSArray_withCapacity(0));
	OSObject_release(OSDictionary_getObjectCString(d, "empty")); /* drop our reference */
	ck_assert(OSObject_serialize(d, ser));
	back = OSUnserializeXML(OSSerialize_text(ser), &err);
	ck_assert_ptr_null(err);
	ck_assert(OSObject_isEqualTo(d, back));
	ck_assert(OSObject_isEqualTo(back, d));
	/* The shared string comes back shared. */
	a = (OSArray *)OSDictionary_getObjectCString((OSDictionary *)back, "array");
	ck_assert_ptr_eq(OSArray_getObject(a, 0), OSArray_getObject(a, 1));
	ck_assert_ptr_eq(OSArray_getObject(a, 0),
	                 OSDictionary_getObjectCString((OSDictionary *)back, "string"));
	OSObject_release(back);
	OSObject_release(ser);
	OSObject_release(d);
	OSObject_release(s);
	OSObject_release(n);
	OSObject_release(data);
	OSObject_release(set);
}
END_TEST

/* A set drops repeats (pointer identity), in linear time even with many IDREFs. */
START_TEST(unserialize_set_with_many_references)
{
	const unsigned int refs = 60000;
	size_t len = 256 + (size_t)refs * 22, n = 0;
	char *buf = kalloc(len);
	OSArray *a;
	OSSet *set;
	OSObject *o;
	OSString *err = NULL;

	ck_assert_ptr_nonnull(buf);
	n += (size_t)snprintf(buf, len, "<array><string ID=\"0\">a</string><set>");
	for (unsigned int i = 0; i < refs; i++) {
		memcpy(buf + n, "<reference IDREF=\"0\"/>", 22);
		n += 22;
	}
	n += (size_t)snprintf(buf + n, len - n, "<string>a</string><true/><true/></set></array>");
	o = OSUnserializeXML(buf, &err);
	kfree(buf, len);
	ck_assert_msg(err == NULL, "%s", err ? OSString_getCStringNoCopy(err) : "");
	a = OSDynamicCast(OSArray, o);
	ck_assert_ptr_nonnull(a);
	set = OSDynamicCast(OSSet, OSArray_getObject(a, 1));
	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(OSSet_getCount(set), 3); /* the shared "a", an equal but distinct "a", true */
	ck_assert(OSSet_containsObject(set, OSArray_getObject(a, 0)));
	ck_assert(OSSet_containsObject(set, kOSBooleanTrue));
	OSObject_release(o);
}
END_TEST

START_TEST(unserialize_malformed)
{
	check_rejected("", "unexpected end of buffer");
	check_rejected("   \n  ", "unexpected end of buffer");
	check_rejected("<dict>", "unexpected end of buffer");
	check_rejected("<dict><key>a</key></dict>", "syntax error");
	check_rejected("<dict><string>x</string></dict>", "syntax error");
	check_rejected("<dict><key>a</key><key>b</key></dict>", "syntax error");
	check_rejected("<array></dict>", "syntax error");
	check_rejected("</array>", "syntax error");
	check_rejected("<key>a</key>", "syntax error");
	check_rejected("text", "syntax error");
	check_rejected("<integer>12x</integer>", "bad integer");
	check_rejected("<integer></integer>", "bad integer");
	check_rejected("<integer>99999999999999999999</integer>", "bad integer");
	check_rejected("<integer size=\"65\">1</integer>", "bad integer size");
	check_rejected("<integer size=\"0\">1</integer>", "bad integer size");
	check_rejected("<data>!!!!</data>", "bad data");
	check_rejected("<data>AA=A</data>", "bad data");
	check_rejected("<data format=\"hex\">abc</data>", "bad data");
	check_rejected("<reference IDREF=\"5\"/>", "forward reference detected");
	check_rejected("<array ID=\"0\"><reference IDREF=\"0\"/></array>", "forward reference detected");
	check_rejected("<string IDREF=\"0\">x</string>", "syntax error");
	check_rejected("<string ID=\"x\">a</string>", "bad ID");
	check_rejected("<string>a&bogus;</string>", "bad entity");
	check_rejected("<string>a&#0;</string>", "bad entity");
	check_rejected("<string>a&#xd800;</string>", "bad entity");
	check_rejected("<string>a & b</string>", "bad entity");
	check_rejected("<real>1.0</real>", "unsupported element");
	check_rejected("<date>2001-01-01T00:00:00Z</date>", "unsupported element");
	check_rejected("<dict><key>a</key><true/><key>a</key><false/></dict>", "duplicate dictionary key");
	check_rejected("<string>unterminated", "unexpected end of buffer");
	check_rejected("<string>x</strin>", "syntax error");
	check_rejected("<!-- unterminated", "unterminated comment");
	check_rejected("<?xml", "unterminated processing instruction");
	check_rejected("<!DOCTYPE", "unterminated declaration");
	check_rejected("<true>x</true>", "syntax error");
	check_rejected("<unknown/>", "syntax error");
	check_rejected("<x", "syntax error");
	check_rejected(
	        "<string a=\"1\" b=\"1\" c=\"1\" d=\"1\" e=\"1\" f=\"1\" g=\"1\" h=\"1\" i=\"1\">x</string>",
	        "too many attributes");
	check_rejected("<aVeryLongElementNameThatGoesOnAndOn/>", "name too long");
	check_rejected("<string a=\"1>x</string>", "syntax error");
	check_rejected("<array>\n<true/>\n<bogus/>\n</array>", "near line 3");
}
END_TEST

START_TEST(unserialize_limits)
{
	const unsigned int depth = kOSUnserializeMaxDepth + 1;
	size_t len = (size_t)depth * 7 + (kOSUnserializeMaxObjects + 1) * 7 + 16, n = 0;
	char *buf = kalloc(len);
	unsigned int i;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < depth; i++) {
		memcpy(buf + n, "<array>", 7);
		n += 7;
	}
	buf[n] = 0;
	check_rejected(buf, "maximum nesting depth");

	/* Exactly the maximum depth parses. */
	n = 0;
	for (i = 0; i < kOSUnserializeMaxDepth; i++) {
		memcpy(buf + n, "<array>", 7);
		n += 7;
	}
	for (i = 0; i < kOSUnserializeMaxDepth; i++) {
		memcpy(buf + n, "</array>", 8);
		n += 8;
	}
	buf[n] = 0;
	OSObject *o = OSUnserializeXML(buf, NULL);
	ck_assert_ptr_nonnull(o);
	OSObject_release(o);

	n = 0;
	memcpy(buf + n, "<set>", 5);
	n += 5;
	for (i = 0; i < kOSUnserializeMaxObjects + 1; i++) {
		memcpy(buf + n, "<true/>", 7);
		n += 7;
	}
	buf[n] = 0;
	check_rejected(buf, "maximum object count");
	kfree(buf, len);
}
END_TEST

/* The parser cleans up after every error: no object survives. */
START_TEST(malformed_input_leaks_nothing)
{
	static const char *inputs[] = {
	        "<dict><key>a</key><array><string>x</string><data>AAAA</data></array><key>a</key>",
	        "<array ID=\"1\"><dict ID=\"2\"><key>k</key><set><integer>1</integer></set></dict><reference "
	        "IDREF=\"9\"/>",
	        "<dict><key ID=\"3\">shared</key><string>v</string><key>x</key><reference IDREF=\"3\"/><key>",
	        "<array><string ID=\"1\">a</string><string ID=\"1\">b</string><reference IDREF=\"1\"/>",
	};
	unsigned int before[4];
	const OSMetaClass *classes[4] = {OSTypeID(OSString), OSTypeID(OSArray), OSTypeID(OSDictionary),
	                                 OSTypeID(OSData)};
	unsigned int i, symbols = OSSymbol_poolCount();

	for (i = 0; i < 4; i++) {
		before[i] = OSMetaClass_getInstanceCount(classes[i]);
	}
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		OSString *err = NULL;

		ck_assert_ptr_null(OSUnserializeXML(inputs[i], &err));
		ck_assert_ptr_nonnull(err);
		OSObject_release(err);
	}
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(OSMetaClass_getInstanceCount(classes[i]), before[i]);
	}
	ck_assert_uint_eq(OSSymbol_poolCount(), symbols);
}
END_TEST

START_TEST(selfcheck_passes)
{
	ck_assert_int_eq(libkern_selfcheck(), 0);
}
END_TEST

/* ---- the libplist bridge ---------------------------------------------------- */

static const char plist_xml[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<plist version=\"1.0\"><dict>"
        "<key>name</key><string>kexthost</string>"
        "<key>n</key><integer>-7</integer>"
        "<key>big</key><integer>18446744073709551615</integer>"
        "<key>yes</key><true/>"
        "<key>d</key><data>AAECAw==</data>"
        "<key>when</key><date>2001-01-02T00:00:10Z</date>"
        "<key>before</key><date>1969-12-31T23:59:59Z</date>"
        "<key>r</key><real>2.75</real>"
        "<key>nr</key><real>-1e3</real>"
        "<key>list</key><array><string>a</string><dict><key>x</key><false/></dict></array>"
        "</dict></plist>";

static const char *
dict_string(OSDictionary *d, const char *key)
{
	OSString *s = OSDynamicCast(OSString, OSDictionary_getObjectCString(d, key));

	ck_assert_msg(s != NULL, "no string for %s", key);
	return OSString_getCStringNoCopy(s);
}

static unsigned long long
dict_number(OSDictionary *d, const char *key)
{
	OSNumber *n = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(d, key));

	ck_assert_msg(n != NULL, "no number for %s", key);
	return OSNumber_unsigned64BitValue(n);
}

START_TEST(plist_xml_bridge)
{
	OSString *err = NULL;
	OSObject *o = OSUnserializePlist(plist_xml, sizeof(plist_xml) - 1, &err);
	OSDictionary *d = OSDynamicCast(OSDictionary, o), *inner;
	OSArray *list;

	ck_assert_msg(err == NULL, "%s", err ? OSString_getCStringNoCopy(err) : "");
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(OSDictionary_getCount(d), 10);
	ck_assert_str_eq(dict_string(d, "name"), "kexthost");
	ck_assert_uint_eq(dict_number(d, "n"), (unsigned long long)-7);
	ck_assert_uint_eq(dict_number(d, "big"), ~0ull);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, "yes"), kOSBooleanTrue);
	ck_assert(OSData_isEqualToBytes(OSDynamicCast(OSData, OSDictionary_getObjectCString(d, "d")),
	                                "\0\1\2\3", 4));
	ck_assert_str_eq(dict_string(d, "when"), "2001-01-02T00:00:10Z");
	ck_assert_str_eq(dict_string(d, "before"), "1969-12-31T23:59:59Z");
	ck_assert_uint_eq(dict_number(d, "r"), 2);
	ck_assert_uint_eq(dict_number(d, "nr"), (unsigned long long)-1000);
	list = OSDynamicCast(OSArray, OSDictionary_getObjectCString(d, "list"));
	ck_assert_uint_eq(OSArray_getCount(list), 2);
	inner = OSDynamicCast(OSDictionary, OSArray_getObject(list, 1));
	ck_assert_ptr_eq(OSDictionary_getObjectCString(inner, "x"), kOSBooleanFalse);
	OSObject_release(o);
}
END_TEST

START_TEST(plist_binary_bridge)
{
	plist_t root = plist_new_dict(), arr = plist_new_array(), sub = plist_new_dict();
	char *bin = NULL;
	uint32_t binLen = 0;
	OSString *err = NULL;
	OSObject *o;
	OSDictionary *d;
	OSArray *a;

	plist_dict_set_item(root, "CFBundleIdentifier", plist_new_string("com.example.bin"));
	plist_dict_set_item(root, "count", plist_new_uint(123456789012ull));
	plist_dict_set_item(root, "flag", plist_new_bool(0));
	plist_dict_set_item(root, "blob", plist_new_data("\xde\xad\xbe\xef", 4));
	plist_dict_set_item(root, "uid", plist_new_uid(9));
	plist_dict_set_item(sub, "deep", plist_new_string("yes"));
	plist_array_append_item(arr, plist_new_string("first"));
	plist_array_append_item(arr, sub);
	plist_dict_set_item(root, "items", arr);
	plist_to_bin(root, &bin, &binLen);
	plist_free(root);
	ck_assert_ptr_nonnull(bin);
	ck_assert(plist_is_binary(bin, binLen));

	o = OSUnserializePlist(bin, binLen, &err);
	plist_to_bin_free(bin);
	ck_assert_msg(err == NULL, "%s", err ? OSString_getCStringNoCopy(err) : "");
	d = OSDynamicCast(OSDictionary, o);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(dict_string(d, "CFBundleIdentifier"), "com.example.bin");
	ck_assert_uint_eq(dict_number(d, "count"), 123456789012ull);
	ck_assert_uint_eq(dict_number(d, "uid"), 9);
	ck_assert_ptr_eq(OSDictionary_getObjectCString(d, "flag"), kOSBooleanFalse);
	ck_assert(OSData_isEqualToBytes(OSDynamicCast(OSData, OSDictionary_getObjectCString(d, "blob")),
	                                "\xde\xad\xbe\xef", 4));
	a = OSDynamicCast(OSArray, OSDictionary_getObjectCString(d, "items"));
	ck_assert_uint_eq(OSArray_getCount(a), 2);
	ck_assert_str_eq(dict_string(OSDynamicCast(OSDictionary, OSArray_getObject(a, 1)), "deep"), "yes");
	OSObject_release(o);
}
END_TEST

START_TEST(plist_bridge_errors)
{
	static const unsigned char junk[] = {0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xff, 0xff};
	OSString *err = NULL;
	char *deep;
	size_t n = 0, len = 64 + (kOSUnserializeMaxDepth + 2) * 15;
	unsigned int i;

	ck_assert_ptr_null(OSUnserializePlist(junk, sizeof(junk), &err));
	ck_assert_ptr_nonnull(err);
	ck_assert(strstr(OSString_getCStringNoCopy(err), "OSUnserializePlist: ") != NULL);
	OSSafeReleaseNULL(err);
	ck_assert_ptr_null(OSUnserializePlist("not a plist", 11, &err));
	OSSafeReleaseNULL(err);
	ck_assert_ptr_null(OSUnserializePlist(NULL, 0, &err));
	OSSafeReleaseNULL(err);

	deep = kalloc(len);
	n += (size_t)snprintf(deep, len, "<plist>");
	for (i = 0; i < kOSUnserializeMaxDepth + 1; i++) {
		memcpy(deep + n, "<array>", 7);
		n += 7;
	}
	for (i = 0; i < kOSUnserializeMaxDepth + 1; i++) {
		memcpy(deep + n, "</array>", 8);
		n += 8;
	}
	n += (size_t)snprintf(deep + n, len - n, "</plist>");
	ck_assert_ptr_null(OSUnserializePlist(deep, n, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert(strstr(OSString_getCStringNoCopy(err), "maximum nesting depth") != NULL);
	OSSafeReleaseNULL(err);
	kfree(deep, len);
}
END_TEST

/* Regression (found by fuzz_kext_plist): libplist aborts on a binary plist key holding a NUL. */
START_TEST(plist_binary_nul_key_refused)
{
	uint8_t b[52] = {
	        'b',  'p',  'l',  'i', 's', 't', '0', '0', /* header */
	        0xd1, 0x01, 0x02,                          /* 8: dict, 1 entry: key 1 -> value 2 */
	        0x53, 'a',  0x00, 'b',                     /* 11: ASCII string "a\0b" */
	        0x51, 'x',                                 /* 15: ASCII string "x" */
	        0x08, 0x0b, 0x0f,                          /* 17: offset table */
	};
	OSString *err = NULL;
	OSObject *o;

	b[20 + 6] = 1;   /* offset-table entry size */
	b[20 + 7] = 1;   /* object reference size */
	b[20 + 15] = 3;  /* object count */
	b[20 + 31] = 17; /* offset-table offset */
	o = OSUnserializePlist(b, sizeof(b), &err);
	ck_assert_ptr_null(o);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(OSString_getCStringNoCopy(err), "NUL"));
	OSSafeReleaseNULL(err);

	b[13] = 'c'; /* the same plist without the NUL parses */
	o = OSUnserializePlist(b, sizeof(b), &err);
	ck_assert_ptr_nonnull(o);
	OSDictionary *d = OSDynamicCast(OSDictionary, o);
	ck_assert_ptr_nonnull(d);
	OSString *v = OSDynamicCast(OSString, OSDictionary_getObjectCString(d, "acb"));
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(OSString_getCStringNoCopy(v), "x");
	OSSafeReleaseNULL(o);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("osserialize");
	TCase *tc = ktest_tcase("serialize");

	tcase_add_test(tc, serialize_scalars);
	tcase_add_test(tc, serialize_collections_and_references);
	tcase_add_test(tc, serializer_and_clear_text);
	tcase_add_test(tc, serialize_large_round_trip);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("unserialize");
	tcase_add_test(tc, unserialize_apple_plist);
	tcase_add_test(tc, unserialize_kernel_forms);
	tcase_add_test(tc, round_trip_is_equal);
	tcase_add_test(tc, unserialize_set_with_many_references);
	tcase_add_test(tc, unserialize_malformed);
	tcase_add_test(tc, unserialize_limits);
	tcase_add_test(tc, malformed_input_leaks_nothing);
	tcase_add_test(tc, selfcheck_passes);
	suite_add_tcase(s, tc);

	tc = ktest_tcase("plist");
	tcase_add_test(tc, plist_xml_bridge);
	tcase_add_test(tc, plist_binary_bridge);
	tcase_add_test(tc, plist_bridge_errors);
	tcase_add_test(tc, plist_binary_nul_key_refused);
	suite_add_tcase(s, tc);
	return s;
}
