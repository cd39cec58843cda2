/*
 * ioreg.c — ioreg(8) for the hosted kernel: show the I/O Registry of a
 * booted kernel in Apple's format. It runs as its own user process and
 * reads the registry through IOKitLib, as Apple's ioreg does: from
 * IORegistryGetRootEntry down with IORegistryEntryGetChildIterator, and
 * per entry IORegistryEntryGetNameInPlane / GetLocationInPlane,
 * IOObjectGetClass, IORegistryEntryGetRegistryEntryID,
 * IOObjectGetKernelRetainCount, IOServiceGetBusyStateAndTime (services),
 * IOObjectConformsTo (-c), IORegistryEntryCreateCFProperty (-k),
 * IORegistryEntryCreateCFProperties (the property blocks) and
 * IOObjectCopySuperclassForClass (-i). The tree is read first (every
 * handle released as soon as its subtree is read, so a process holds a few
 * handles at a time) and then drawn as ioreg draws it:
 *
 *   +-o Root  <class IORegistryEntry, id 0x100000100, retain 9>
 *     +-o kexthost1,1  <class IOPlatformExpertDevice, id 0x100000101, registered, matched, active, busy 0 (1 ms), retain 12>
 *       +-o IOResources  <class IOResources, id 0x100000103, ...>
 *       | {
 *       |   "IOKit" = Yes
 *       | }
 *
 * usage: ioreg [-abilrtx] [-c class] [-d depth] [-k key] [-n name] [-p plane] [-w width]
 *
 * Value formats are Apple's: strings quoted, numbers in decimal (hex with
 * -x), booleans Yes/No, data <hex> or <"text"> when it holds strings,
 * dictionaries {"k"=v,...}, arrays (a,b). Keys are shown in sorted order
 * (CoreFoundation's order is a hash order, which says nothing). -a writes
 * the tree as an XML property list with ioreg's archive keys
 * (IORegistryEntryName, IOObjectClass, IORegistryEntryChildren, ...).
 * Lines are clipped to the terminal's width when stdout is a terminal, or
 * to -w N (0: unlimited); a clipped line ends in '$'.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <IOKit/IOKitLib.h>

#define F_ARCHIVE 0x01
#define F_BOLD 0x02
#define F_INHERIT 0x04
#define F_PROPS 0x08
#define F_ROOTED 0x10
#define F_TRACE 0x20
#define F_HEX 0x40

/* ioreg's archive keys (-a); an entry's facts are kept under them. */
#define K_NAME "IORegistryEntryName"
#define K_LOCATION "IORegistryEntryLocation"
#define K_ID "IORegistryEntryID"
#define K_CLASS "IOObjectClass"
#define K_INHERITANCE "IOObjectInheritance"
#define K_RETAIN "IOObjectRetainCount"
#define K_STATE "IOServiceState"
#define K_BUSY "IOServiceBusyState"
#define K_BUSY_TIME "IOServiceBusyTime"
#define K_CHILDREN "IORegistryEntryChildren"

/* Deepest level read below the root (deeper entries are left out). */
#define MAX_DEPTH 64

struct options {
	unsigned int flags;
	const char *cls, *key, *name, *plane;
	unsigned int depth; /* 0: unlimited */
	unsigned int width; /* 0: unlimited */
};

struct node {
	plist_t dict;  /* the entry's facts under the archive keys */
	plist_t props; /* its properties, when shown (-l or a criterion met) */
	int match;     /* meets every criterion given (-c, -k, -n); 0 when none is */
	const char *name, *location, *cls;
	struct node *parent;
	struct node **kids;
	unsigned int nkids, cap, level;
};

static struct options opt = {.plane = "IOService"};

static void
die(const char *what)
{
	fprintf(stderr, "ioreg: error: %s.\n", what);
	exit(1);
}

/* ---- output with clipping ---- */

static char *linebuf;
static size_t linelen;
static int clipped;

static void
print(const char *fmt, ...)
{
	char tmp[4096], *s = tmp;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp)) {
		if ((s = malloc((size_t)n + 1)) == NULL)
			die("can't allocate buffer");
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (opt.width == 0) {
		fputs(s, stdout);
	} else {
		/* Like ioreg: at most width-1 characters, newlines turned into spaces. */
		for (char *c = s; *c; c++) {
			if (linelen + 1 >= opt.width) {
				clipped = 1;
				break;
			}
			linebuf[linelen++] = *c == '\n' ? ' ' : *c;
		}
	}
	if (s != tmp)
		free(s);
}

static void
println(const char *text)
{
	print("%s", text);
	if (opt.width != 0) {
		fwrite(linebuf, 1, linelen, stdout);
		if (clipped)
			putchar('$');
		linelen = 0;
		clipped = 0;
	}
	putchar('\n');
}

/* ---- plist helpers ---- */

static const char *
dict_string(plist_t d, const char *key)
{
	plist_t v = plist_dict_get_item(d, key);
	return v != NULL && plist_get_node_type(v) == PLIST_STRING ? plist_get_string_ptr(v, NULL) : NULL;
}

static int
dict_uint(plist_t d, const char *key, uint64_t *out)
{
	plist_t v = plist_dict_get_item(d, key);

	if (v == NULL || plist_get_node_type(v) != PLIST_UINT)
		return 0;
	plist_get_uint_val(v, out);
	return 1;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of a dictionary, sorted (free each and the array). */
static char **
dict_sorted_keys(plist_t d, unsigned int *count)
{
	unsigned int n = plist_dict_get_size(d), i = 0;
	char **keys = calloc(n + 1, sizeof(*keys));
	plist_dict_iter it = NULL;

	if (keys == NULL)
		die("can't allocate keys");
	plist_dict_new_iter(d, &it);
	while (it != NULL && i < n) {
		char *k = NULL;
		plist_t v = NULL;
		plist_dict_next_item(d, it, &k, &v);
		if (k == NULL)
			break;
		keys[i++] = k;
	}
	free(it);
	qsort(keys, i, sizeof(*keys), cmpstr);
	*count = i;
	return keys;
}

static void
free_keys(char **keys, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* ---- values in ioreg's notation ---- */

static void show_value(plist_t v);

static void
show_data(const unsigned char *b, uint64_t len)
{
	uint64_t i = 0, normal = 0, symbol = 0;
	int quoted = 0;

	print("<");
	/*
	 * ioreg's rule: bytes that are one or more NUL-separated runs of
	 * printable characters (zero padding allowed at the end, at least 80%
	 * plain ASCII, more than one byte) are shown as strings; -x turns it off.
	 */
	while (i < len) {
		if (b[i] == 0) {
			while (i < len && b[i] == 0)
				i++;
			break;
		}
		for (; i < len; i++) {
			if (isprint(b[i]))
				normal++;
			else if (b[i] >= 128 && b[i] <= 254)
				symbol++;
			else
				break;
		}
		if (i < len && b[i] == 0)
			continue;
		break;
	}
	if ((opt.flags & F_HEX) || (normal >> 2) < symbol || len == 1)
		i = 0;
	if (i >= len && normal != 0) {
		for (i = 0; i < len; i++) {
			if (b[i] != 0) {
				if (!quoted) {
					print(i ? ",\"" : "\"");
					quoted = 1;
				}
				print("%c", b[i]);
			} else if (quoted) {
				print("\"");
				quoted = 0;
			} else {
				break;
			}
		}
		if (quoted)
			print("\"");
	} else {
		for (i = 0; i < len; i++)
			print("%02x", b[i]);
	}
	print(">");
}

static void
show_value(plist_t v)
{
	uint64_t u = 0, len = 0;
	uint8_t bval = 0;

	switch (plist_get_node_type(v)) {
	case PLIST_STRING:
		print("\"%s\"", plist_get_string_ptr(v, NULL));
		break;
	case PLIST_UINT:
		plist_get_uint_val(v, &u);
		print((opt.flags & F_HEX) ? "0x%" PRIx64 : "%" PRIu64, u);
		break;
	case PLIST_BOOLEAN:
		plist_get_bool_val(v, &bval);
		print(bval ? "Yes" : "No");
		break;
	case PLIST_DATA: {
		const char *p = plist_get_data_ptr(v, &len);
		show_data((const unsigned char *)p, p != NULL ? len : 0);
		break;
	}
	case PLIST_ARRAY:
		print("(");
		for (uint32_t i = 0; i < plist_array_get_size(v); i++) {
			if (i)
				print(",");
			show_value(plist_array_get_item(v, i));
		}
		print(")");
		break;
	case PLIST_DICT: {
		unsigned int n;
		char **keys = dict_sorted_keys(v, &n);

		print("{");
		for (unsigned int i = 0; i < n; i++) {
			print(i ? ",\"%s\"=" : "\"%s\"=", keys[i]);
			show_value(plist_dict_get_item(v, keys[i]));
		}
		print("}");
		free_keys(keys, n);
		break;
	}
	default:
		print("<unknown object>");
	}
}

/* ---- the tree ---- */

static struct node *
node_add(struct node *parent, plist_t dict, unsigned int level)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		die("can't allocate node");
	n->dict = dict;
	n->level = level;
	n->parent = parent;
	n->name = dict_string(dict, K_NAME);
	n->location = dict_string(dict, K_LOCATION);
	n->cls = dict_string(dict, K_CLASS);
	if (n->name == NULL)
		n->name = "<name error>";
	if (n->cls == NULL)
		n->cls = "<class error>";
	if (parent != NULL) {
		if (parent->nkids == parent->cap) {
			parent->cap = parent->cap ? parent->cap * 2 : 4;
			parent->kids = realloc(parent->kids, parent->cap * sizeof(*parent->kids));
			if (parent->kids == NULL)
				die("can't allocate children");
		}
		parent->kids[parent->nkids++] = n;
	}
	return n;
}

static void
node_free(struct node *n)
{
	for (unsigned int i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	plist_free(n->dict);
	plist_free(n->props);
	free(n);
}

/* Classes already walked up with IOObjectCopySuperclassForClass (-i). */
struct chain {
	char *cls;
	plist_t names; /* base class first, OSObject left out */
	struct chain *next;
};
static struct chain *chains;

/* A copy of cls's class chain below OSObject, base first ("IORegistryEntry", ..., cls). */
static plist_t
class_chain(const char *cls)
{
	char *up[MAX_DEPTH];
	unsigned int k = 0;
	struct chain *c;

	for (c = chains; c != NULL; c = c->next) {
		if (strcmp(c->cls, cls) == 0)
			return plist_copy(c->names);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL || (c->cls = strdup(cls)) == NULL)
		die("can't allocate class chain");
	up[k++] = strdup(cls);
	while (k < MAX_DEPTH && up[k - 1] != NULL) {
		char *super = IOObjectCopySuperclassForClass(up[k - 1]);
		if (super == NULL || strcmp(super, "OSObject") == 0) {
			free(super);
			break;
		}
		up[k++] = super;
	}
	c->names = plist_new_array();
	while (k > 0) {
		k--;
		if (up[k] != NULL)
			plist_array_append_item(c->names, plist_new_string(up[k]));
		free(up[k]);
	}
	c->next = chains;
	chains = c;
	return plist_copy(c->names);
}

/* Does the entry meet every criterion given (-c, -k, -n)? False when none is given. */
static int
entry_matches(io_registry_entry_t e, const struct node *n)
{
	int any = 0;

	if (opt.cls != NULL) {
		if (!IOObjectConformsTo(e, opt.cls))
			return 0;
		any = 1;
	}
	if (opt.key != NULL) {
		plist_t v = IORegistryEntryCreateCFProperty(e, opt.key, NULL, 0);
		if (v == NULL)
			return 0;
		plist_free(v);
		any = 1;
	}
	if (opt.name != NULL) {
		char full[512];
		if (strchr(opt.name, '@') != NULL)
			snprintf(full, sizeof(full), "%s@%s", n->name, n->location ? n->location : "");
		else
			snprintf(full, sizeof(full), "%s", n->name);
		return strcmp(full, opt.name) == 0;
	}
	return any;
}

/*
 * Read entry e (at level below the root) and, while level + 1 < levels, its
 * children in the plane, each child's handle released once its subtree is
 * read. Dies with ioreg's messages when a call fails.
 */
static struct node *
fetch(io_registry_entry_t e, struct node *parent, unsigned int level, unsigned int levels)
{
	io_name_t name, location, cls;
	io_iterator_t kids;
	io_registry_entry_t kid;
	uint64_t id = 0, state = 0, busyTime = 0;
	uint32_t busy = 0;
	plist_t d = plist_new_dict();
	struct node *n;

	if (d == NULL)
		die("can't allocate entry");
	if (IORegistryEntryGetNameInPlane(e, opt.plane, name) != KERN_SUCCESS)
		die("can't obtain name");
	plist_dict_set_item(d, K_NAME, plist_new_string(name));
	if (IORegistryEntryGetLocationInPlane(e, opt.plane, location) == KERN_SUCCESS)
		plist_dict_set_item(d, K_LOCATION, plist_new_string(location));
	if (IORegistryEntryGetRegistryEntryID(e, &id) == KERN_SUCCESS)
		plist_dict_set_item(d, K_ID, plist_new_uint(id));
	if (IOObjectGetClass(e, cls) != KERN_SUCCESS)
		die("can't obtain class name");
	plist_dict_set_item(d, K_CLASS, plist_new_string(cls));
	if (opt.flags & F_INHERIT)
		plist_dict_set_item(d, K_INHERITANCE, class_chain(cls));
	plist_dict_set_item(d, K_RETAIN, plist_new_uint(IOObjectGetKernelRetainCount(e)));
	if (IOObjectConformsTo(e, "IOService")) {
		if (IOServiceGetBusyStateAndTime(e, &state, &busy, &busyTime) != KERN_SUCCESS)
			die("can't obtain state");
		plist_dict_set_item(d, K_STATE, plist_new_uint(state));
		plist_dict_set_item(d, K_BUSY, plist_new_uint(busy));
		plist_dict_set_item(d, K_BUSY_TIME, plist_new_uint(busyTime));
	}
	n = node_add(parent, d, level);
	n->match = entry_matches(e, n);
	if (((opt.flags & F_PROPS) || n->match) &&
	    IORegistryEntryCreateCFProperties(e, &n->props, NULL, 0) != KERN_SUCCESS)
		die("can't obtain properties");
	if (level + 1 >= levels)
		return n;
	if (IORegistryEntryGetChildIterator(e, opt.plane, &kids) != KERN_SUCCESS)
		die("can't obtain children");
	while ((kid = IOIteratorNext(kids)) != IO_OBJECT_NULL) {
		fetch(kid, n, level + 1, levels);
		IOObjectRelease(kid);
	}
	IOObjectRelease(kids);
	return n;
}

static plist_t
properties_of(const struct node *n)
{
	return n->props != NULL && plist_get_node_type(n->props) == PLIST_DICT ? n->props : NULL;
}

static int
matches(const struct node *n)
{
	return n->match;
}

/* ---- text output ---- */

static void
indent(int isNode, unsigned int depth, uint64_t bits)
{
	if (isNode) {
		for (unsigned int i = 0; i < depth; i++)
			print((bits & (1ull << i)) ? "| " : "  ");
		print("+-o ");
	} else {
		for (unsigned int i = 0; i <= depth + 1; i++)
			print((bits & (1ull << i)) ? "| " : "  ");
	}
}

static void
show_class(const struct node *n)
{
	plist_t chain = plist_dict_get_item(n->dict, K_INHERITANCE);
	uint32_t cnt = chain != NULL ? plist_array_get_size(chain) : 0;

	if (!(opt.flags & F_INHERIT) || cnt == 0) {
		print("%s", n->cls);
		return;
	}
	for (uint32_t i = 0; i < cnt; i++)
		print(i ? ":%s" : "%s", plist_get_string_ptr(plist_array_get_item(chain, i), NULL));
}

static void
show_node(const struct node *n, unsigned int depth, uint64_t bits)
{
	uint64_t id = 0, state = 0, busy = 0, busyTime = 0, retain = 0;

	indent(1, depth, bits);
	if (opt.flags & F_BOLD)
		print("\033[1m%s\033[0m", n->name);
	else
		print("%s", n->name);
	if (n->location != NULL)
		print("@%s", n->location);
	print("  <class ");
	show_class(n);
	if (dict_uint(n->dict, K_ID, &id))
		print(", id 0x%" PRIx64, id);
	if (dict_uint(n->dict, K_STATE, &state)) {
		(void)dict_uint(n->dict, K_BUSY, &busy);
		(void)dict_uint(n->dict, K_BUSY_TIME, &busyTime);
		print(", %sregistered, %smatched, %sactive", (state & kIOServiceRegisteredState) ? "" : "!",
		      (state & kIOServiceMatchedState) ? "" : "!",
		      (state & kIOServiceInactiveState) ? "in" : "");
		print(", busy %" PRIu64, busy);
		if (busyTime != 0)
			print(" (%" PRIu64 " ms)", busyTime / 1000000);
	}
	(void)dict_uint(n->dict, K_RETAIN, &retain);
	print(", retain %" PRIu64, retain);
	println(">");

	if ((opt.flags & F_PROPS) || matches(n)) {
		plist_t p = properties_of(n);
		unsigned int cnt = 0;
		char **keys = p != NULL ? dict_sorted_keys(p, &cnt) : NULL;

		indent(0, depth, bits);
		println("{");
		for (unsigned int i = 0; i < cnt; i++) {
			indent(0, depth, bits);
			print("  \"%s\" = ", keys[i]);
			show_value(plist_dict_get_item(p, keys[i]));
			println("");
		}
		indent(0, depth, bits);
		println("}");
		indent(0, depth, bits);
		println("");
		if (keys != NULL)
			free_keys(keys, cnt);
	}
}

/* Show n at depth and its children down to limit levels (0: all); bits as ioreg's stackOfBits. */
static void
scan(const struct node *n, int moreSiblings, unsigned int depth, uint64_t bits, unsigned int limit)
{
	int showKids = n->nkids > 0 && (limit == 0 || depth + 1 < limit) && depth + 1 < 63;

	bits = moreSiblings ? bits | (1ull << depth) : bits & ~(1ull << depth);
	bits = showKids ? bits | (2ull << depth) : bits & ~(2ull << depth);
	show_node(n, depth, bits);
	for (unsigned int i = 0; showKids && i < n->nkids; i++)
		scan(n->kids[i], i + 1 < n->nkids, depth + 1, bits, limit);
}

/* -r: every subtree whose root meets the criteria (not again inside a shown subtree). */
static void
scan_rooted(const struct node *n, unsigned int floor)
{
	if (n->level + 1 > floor && matches(n)) {
		unsigned int base = 0;

		if (opt.flags & F_TRACE) {
			const struct node *chain[MAX_DEPTH + 1];
			unsigned int k = 0;
			for (const struct node *a = n->parent; a != NULL && k <= MAX_DEPTH; a = a->parent)
				chain[k++] = a;
			for (unsigned int i = 0; i < k; i++)
				show_node(chain[k - 1 - i], i, 2ull << i);
			base = k;
		}
		scan(n, 0, base, 0, opt.depth ? opt.depth + base : 0);
		println("");
		floor = opt.depth ? opt.depth + n->level : UINT32_MAX;
	}
	for (unsigned int i = 0; i < n->nkids; i++)
		scan_rooted(n->kids[i], floor);
}

/* ---- archive output (-a) ---- */

/* The archive dictionary of n (ioreg's keys; properties when -l or n matches) with children to limit. */
static plist_t
archive_node(const struct node *n, unsigned int depth, unsigned int limit)
{
	static const char *const synth[] = {K_NAME,   K_LOCATION, K_ID,   K_CLASS,
	                                    K_RETAIN, K_STATE,    K_BUSY, K_BUSY_TIME};
	plist_t d = NULL, p = properties_of(n);

	if (p != NULL && ((opt.flags & F_PROPS) || matches(n)))
		d = plist_copy(p);
	if (d == NULL)
		d = plist_new_dict();
	for (size_t i = 0; i < sizeof(synth) / sizeof(synth[0]); i++) {
		plist_t v = plist_dict_get_item(n->dict, synth[i]);
		if (v != NULL)
			plist_dict_set_item(d, synth[i], plist_copy(v));
	}
	if (opt.flags & F_INHERIT) {
		plist_t v = plist_dict_get_item(n->dict, K_INHERITANCE);
		if (v != NULL)
			plist_dict_set_item(d, "IOObjectInheritance", plist_copy(v));
	}
	if (n->nkids > 0 && (limit == 0 || depth + 1 < limit)) {
		plist_t kids = plist_new_array();
		for (unsigned int i = 0; i < n->nkids; i++)
			plist_array_append_item(kids, archive_node(n->kids[i], depth + 1, limit));
		plist_dict_set_item(d, K_CHILDREN, kids);
	}
	return d;
}

static void
archive_rooted(const struct node *n, unsigned int floor, plist_t out)
{
	if (n->level + 1 > floor && matches(n)) {
		plist_t sub = archive_node(n, 0, opt.depth);

		if (opt.flags & F_TRACE) {
			/* Wrap the subtree in its ancestors, each with only that child. */
			for (const struct node *a = n->parent; a != NULL; a = a->parent) {
				plist_t up = archive_node(a, 0, 1);
				plist_t kids = plist_new_array();
				plist_array_append_item(kids, sub);
				plist_dict_set_item(up, K_CHILDREN, kids);
				sub = up;
			}
		}
		plist_array_append_item(out, sub);
		floor = opt.depth ? opt.depth + n->level : UINT32_MAX;
	}
	for (unsigned int i = 0; i < n->nkids; i++)
		archive_rooted(n->kids[i], floor, out);
}

static void
write_archive(plist_t p)
{
	char *xml = NULL;
	uint32_t len = 0;

	plist_to_xml(p, &xml, &len);
	if (xml == NULL)
		die("CFPropertyListWrite(): error");
	fwrite(xml, 1, len, stdout);
	plist_to_xml_free(xml);
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: ioreg [-abilrtx] [-c class] [-d depth] [-k key] [-n name] [-p plane] [-w width]\n"
	        "where options are:\n"
	        "\t-a archive output\n"
	        "\t-b show object name in bold\n"
	        "\t-c list properties of objects with the given class\n"
	        "\t-d limit tree to the given depth\n"
	        "\t-i show object inheritance\n"
	        "\t-k list properties of objects with the given key\n"
	        "\t-l list properties of all objects\n"
	        "\t-n list properties of objects with the given name\n"
	        "\t-p traverse registry over the given plane (IOService is default)\n"
	        "\t-r show subtrees rooted by the given criteria\n"
	        "\t-t show location of each subtree\n"
	        "\t-w clip output to the given line width (0 is unlimited)\n"
	        "\t-x show data and numbers as hexadecimal\n");
	exit(1);
}

static unsigned int
parse_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 100000)
		usage();
	return (unsigned int)v;
}

int
main(int argc, char **argv)
{
	struct winsize ws;
	io_registry_entry_t rootEntry;
	io_iterator_t kids;
	struct node *root;
	int c;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		opt.width = ws.ws_col;
	while ((c = getopt(argc, argv, ":abc:d:fik:ln:p:rsStw:xy")) != -1) {
		switch (c) {
		case 'a':
			opt.flags |= F_ARCHIVE;
			break;
		case 'b':
			opt.flags |= F_BOLD;
			break;
		case 'c':
			opt.cls = optarg;
			break;
		case 'd':
			opt.depth = parse_count(optarg);
			break;
		case 'i':
			opt.flags |= F_INHERIT;
			break;
		case 'k':
			opt.key = optarg;
			break;
		case 'l':
			opt.flags |= F_PROPS;
			break;
		case 'n':
			opt.name = optarg;
			break;
		case 'p':
			opt.plane = optarg;
			break;
		case 'r':
			opt.flags |= F_ROOTED;
			break;
		case 't':
			opt.flags |= F_TRACE;
			break;
		case 'w':
			opt.width = parse_count(optarg);
			break;
		case 'x':
			opt.flags |= F_HEX;
			break;
		case 'f': /* smart formatting: nothing to format specially here */
		case 's':
		case 'S':
		case 'y':
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (opt.width != 0 && (linebuf = malloc(opt.width)) == NULL)
		die("can't allocate buffer");

	rootEntry = IORegistryGetRootEntry(kIOMasterPortDefault);
	if (rootEntry == IO_OBJECT_NULL) {
		if (getenv("KEXTHOST_SOCKET") == NULL || *getenv("KEXTHOST_SOCKET") == '\0')
			die("can't obtain I/O Kit's root service ($KEXTHOST_SOCKET is not set)");
		die("can't obtain I/O Kit's root service");
	}
	/* The registry refuses an iterator over a plane it doesn't have. */
	if (IORegistryEntryGetChildIterator(rootEntry, opt.plane, &kids) != KERN_SUCCESS) {
		fprintf(stderr, "ioreg: error: no plane named \"%s\".\n", opt.plane);
		return 1;
	}
	IOObjectRelease(kids);
	/* Without -r the depth limit applies from the root: read no more than is shown. */
	root = fetch(rootEntry, NULL, 0,
	             opt.depth != 0 && !(opt.flags & F_ROOTED) ? opt.depth : MAX_DEPTH + 1);
	IOObjectRelease(rootEntry);

	if (opt.flags & F_ARCHIVE) {
		plist_t out;
		if (opt.flags & F_ROOTED) {
			out = plist_new_array();
			archive_rooted(root, 0, out);
		} else {
			out = archive_node(root, 0, opt.depth);
		}
		write_archive(out);
		plist_free(out);
	} else if (opt.flags & F_ROOTED) {
		scan_rooted(root, 0);
	} else {
		scan(root, 0, 0, 0, opt.depth);
	}
	fflush(stdout);
	node_free(root);
	while (chains != NULL) {
		struct chain *ch = chains;
		chains = ch->next;
		plist_free(ch->names);
		free(ch->cls);
		free(ch);
	}
	free(linebuf);
	return 0;
}
