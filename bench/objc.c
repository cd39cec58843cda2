/*
 * objc.c — host side of the libkern object-model benchmark. Baselines run
 * in the same process right after each kernel figure:
 *   retain+release      vs a bare atomic increment+decrement pair (the floor)
 *   OSDynamicCast       vs the same two-step parent walk written inline
 *   getObjectCString    vs libplist's plist_dict_get_item on the same keys
 *   OSSymbol lookup     vs glibc hsearch_r of an existing key
 *   serialize / parse   vs libplist's plist_to_xml / plist_from_xml of the same tree
 * Figures are medians of several runs.
 */
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <plist/plist.h>
#include "bench/bench.h"
#include "bench/k_objc.h"

void bench_objc(bench_report_fn report);

#define OBJC_RUNS 7
#define OBJC_PAIRS 5000000ull
#define OBJC_LOOKUPS 2000000ull
#define OBJC_TREE_ROUNDS 2000u

static double
objc_atomic_pairs(uint64_t pairs)
{
	static volatile uint32_t count = 1;
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < pairs; i++) {
		__atomic_fetch_add(&count, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&count, 1, __ATOMIC_ACQ_REL);
	}
	return (double)(bench_now_ns() - t0) / (double)pairs;
}

struct objc_meta {
	const struct objc_meta *super;
};

static double
objc_inline_walk(uint64_t casts)
{
	static const struct objc_meta root = {NULL}, mid = {&root}, leaf = {&mid};
	const struct objc_meta *volatile obj = &leaf;
	uint64_t hits = 0, t0 = bench_now_ns();

	for (uint64_t i = 0; i < casts; i++) {
		const struct objc_meta *m;

		for (m = obj; m && m != &mid; m = m->super) {
		}
		hits += m != NULL;
	}
	return hits == casts ? (double)(bench_now_ns() - t0) / (double)casts : -1;
}

static double
objc_plist_dict_get(uint32_t entries, uint64_t lookups)
{
	plist_t d = plist_new_dict();
	char names[256][16];
	uint64_t found = 0, t0;
	uint32_t k = 0;

	for (uint32_t i = 0; i < entries; i++) {
		snprintf(names[i], sizeof(names[i]), K_OBJC_KEY_FORMAT, i);
		plist_dict_set_item(d, names[i], plist_new_bool(1));
	}
	t0 = bench_now_ns();
	for (uint64_t i = 0; i < lookups; i++) {
		found += plist_dict_get_item(d, names[k]) != NULL;
		k = (k + 7) % entries;
	}
	double ns = (double)(bench_now_ns() - t0) / (double)lookups;
	plist_free(d);
	return found == lookups ? ns : -1;
}

static double
objc_hsearch(uint64_t ops)
{
	struct hsearch_data h;
	ENTRY e = {.key = (char *)"IOProviderClass", .data = NULL}, *found;
	char name[32];
	uint64_t hits = 0, t0;

	memset(&h, 0, sizeof(h));
	if (!hcreate_r(512, &h)) {
		return -1;
	}
	for (int i = 0; i < 200; i++) {
		ENTRY other;

		snprintf(name, sizeof(name), "other%d", i);
		other.key = strdup(name);
		other.data = NULL;
		hsearch_r(other, ENTER, &found, &h);
	}
	hsearch_r(e, ENTER, &found, &h);
	t0 = bench_now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		ENTRY q = {.key = (char *)"IOProviderClass", .data = NULL};

		hits += hsearch_r(q, FIND, &found, &h) != 0;
	}
	double ns = (double)(bench_now_ns() - t0) / (double)ops;
	hdestroy_r(&h);
	return hits == ops ? ns : -1;
}

/* The same tree as kb_objc_tree() in k_objc.c. */
static plist_t
objc_plist_tree(void)
{
	static const char bytes[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	plist_t d = plist_new_dict();
	char key[16], text[32];

	for (uint32_t i = 0; i < K_OBJC_TREE_ENTRIES; i++) {
		plist_t v;

		snprintf(key, sizeof(key), K_OBJC_KEY_FORMAT, i);
		snprintf(text, sizeof(text), "value number %u", i);
		switch (i % 5) {
		case 0:
			v = plist_new_string(text);
			break;
		case 1:
			v = plist_new_uint(i * 1000u);
			break;
		case 2:
			v = plist_new_bool(i & 1);
			break;
		case 3:
			v = plist_new_data(bytes, sizeof(bytes));
			break;
		default:
			v = plist_new_dict();
			for (int j = 0; j < 3; j++) {
				char sub[8];

				snprintf(sub, sizeof(sub), "sub%d", j);
				plist_dict_set_item(v, sub, plist_new_string(text));
			}
		}
		plist_dict_set_item(d, key, v);
	}
	return d;
}

static double
objc_plist_to_xml(uint32_t rounds)
{
	plist_t tree = objc_plist_tree();
	uint64_t t0 = bench_now_ns();

	for (uint32_t i = 0; i < rounds; i++) {
		char *xml = NULL;
		uint32_t len = 0;

		plist_to_xml(tree, &xml, &len);
		if (!xml) {
			return -1;
		}
		plist_to_xml_free(xml);
	}
	double ns = (double)(bench_now_ns() - t0) / rounds;
	plist_free(tree);
	return ns;
}

static double
objc_plist_from_xml(uint32_t rounds)
{
	plist_t tree = objc_plist_tree();
	char *xml = NULL;
	uint32_t len = 0;
	uint64_t t0;

	plist_to_xml(tree, &xml, &len);
	plist_free(tree);
	if (!xml) {
		return -1;
	}
	t0 = bench_now_ns();
	for (uint32_t i = 0; i < rounds; i++) {
		plist_t p = NULL;

		plist_from_xml(xml, len, &p);
		if (!p) {
			return -1;
		}
		plist_free(p);
	}
	double ns = (double)(bench_now_ns() - t0) / rounds;
	plist_to_xml_free(xml);
	return ns;
}

/* Run kernel and baseline OBJC_RUNS times each, interleaved; report medians. */
#define OBJC_MEASURE(label, unit, kexpr, blabel, bexpr)                                                \
	do {                                                                                           \
		double k_[OBJC_RUNS], b_[OBJC_RUNS];                                                   \
		for (int r_ = 0; r_ < OBJC_RUNS; r_++) {                                               \
			k_[r_] = (kexpr);                                                              \
			b_[r_] = (bexpr);                                                              \
			if (k_[r_] < 0 || b_[r_] < 0) {                                                \
				fprintf(stderr, "bench_objc: %s failed\n", label);                     \
				return;                                                                \
			}                                                                              \
		}                                                                                      \
		report(label, unit, bench_median(k_, OBJC_RUNS), blabel, bench_median(b_, OBJC_RUNS)); \
	} while (0)

void
bench_objc(bench_report_fn report)
{
	uint64_t bytes = 0;

	OBJC_MEASURE("OSObject retain+release", "ns",
	             (double)k_objc_retain_release(OBJC_PAIRS) / (double)OBJC_PAIRS, "atomic inc+dec pair",
	             objc_atomic_pairs(OBJC_PAIRS));
	OBJC_MEASURE("OSDynamicCast(OSString, symbol)", "ns",
	             (double)k_objc_dynamic_cast(OBJC_LOOKUPS) / (double)OBJC_LOOKUPS,
	             "inline 2-level parent walk", objc_inline_walk(OBJC_LOOKUPS));
	OBJC_MEASURE("OSDictionary getObjectCString, 8 keys", "ns",
	             (double)k_objc_dict_get_cstring(8, OBJC_LOOKUPS) / (double)OBJC_LOOKUPS,
	             "libplist plist_dict_get_item, 8 keys", objc_plist_dict_get(8, OBJC_LOOKUPS));
	OBJC_MEASURE("OSDictionary getObjectCString, 64 keys", "ns",
	             (double)k_objc_dict_get_cstring(64, OBJC_LOOKUPS) / (double)OBJC_LOOKUPS,
	             "libplist plist_dict_get_item, 64 keys", objc_plist_dict_get(64, OBJC_LOOKUPS));
	OBJC_MEASURE("OSDictionary getObject(symbol), 64 keys", "ns",
	             (double)k_objc_dict_get_symbol(64, OBJC_LOOKUPS) / (double)OBJC_LOOKUPS,
	             "libplist plist_dict_get_item, 64 keys", objc_plist_dict_get(64, OBJC_LOOKUPS));
	OBJC_MEASURE("OSSymbol_withCString (interned) + release", "ns",
	             (double)k_objc_symbol_lookup(OBJC_LOOKUPS) / (double)OBJC_LOOKUPS,
	             "glibc hsearch_r FIND", objc_hsearch(OBJC_LOOKUPS));
	OBJC_MEASURE("OSSerialize 40-entry dictionary", "us",
	             (double)k_objc_serialize(OBJC_TREE_ROUNDS, &bytes) / OBJC_TREE_ROUNDS / 1000.0,
	             "libplist plist_to_xml, same tree", objc_plist_to_xml(OBJC_TREE_ROUNDS) / 1000.0);
	OBJC_MEASURE("OSUnserializeXML 40-entry dictionary", "us",
	             (double)k_objc_unserialize(OBJC_TREE_ROUNDS) / OBJC_TREE_ROUNDS / 1000.0,
	             "libplist plist_from_xml, same tree", objc_plist_from_xml(OBJC_TREE_ROUNDS) / 1000.0);
}
