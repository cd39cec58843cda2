/*
 * k_objc.h — kernel-side libkern object-model measurements for bench/objc.c
 * (basic C types only: included by host and kernel code). Each function
 * returns elapsed nanoseconds for the whole loop, or < 0 on error; kernel
 * code has no floating point, the host side divides.
 */
#ifndef KEXTHOST_BENCH_K_OBJC_H
#define KEXTHOST_BENCH_K_OBJC_H

#include <stdint.h>

/* Keys of the benchmark dictionaries: "key00".."keyNN" (printf "key%02u"). */
#define K_OBJC_KEY_FORMAT "key%02u"
/* Entries of the serialization tree (see k_objc_build_tree in k_objc.c and its twin in objc.c). */
#define K_OBJC_TREE_ENTRIES 40u

/* OSObject_retain + OSObject_release of one object, `pairs` times. */
int64_t k_objc_retain_release(uint64_t pairs);
/* OSDynamicCast(OSString, symbol): a two-step superclass walk, `casts` times. */
int64_t k_objc_dynamic_cast(uint64_t casts);
/* OSDictionary_getObjectCString on a dictionary of `entries` keys, cycling through them. */
int64_t k_objc_dict_get_cstring(uint32_t entries, uint64_t lookups);
/* OSDictionary_getObject with the key symbols themselves. */
int64_t k_objc_dict_get_symbol(uint32_t entries, uint64_t lookups);
/* OSSymbol_withCString of an interned name + release, `ops` times. */
int64_t k_objc_symbol_lookup(uint64_t ops);
/* Serialize the benchmark tree `rounds` times; *bytes gets the text length. */
int64_t k_objc_serialize(uint32_t rounds, uint64_t *bytes);
/* OSUnserializeXML of the serialized benchmark tree, `rounds` times. */
int64_t k_objc_unserialize(uint32_t rounds);

#endif /* KEXTHOST_BENCH_K_OBJC_H */
