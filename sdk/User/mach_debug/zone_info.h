/*
 * mach_debug/zone_info.h — what mach_zone_info() returns for each kernel
 * zone (the macOS 10.8-era records zprint reads): a name record and a
 * statistics record, both arrays out of line (vm_deallocate them).
 *
 *   mach_zone_name_t (80 bytes)   mzn_name   the zone's name, NUL-terminated
 *
 *   mach_zone_info_t (64 bytes, each field uint64_t)
 *   | field           | meaning                                              |
 *   |-----------------|------------------------------------------------------|
 *   | mzi_count       | elements in use                                      |
 *   | mzi_cur_size    | bytes of memory the zone holds                       |
 *   | mzi_max_size    | the zone's limit (all ones: none)                    |
 *   | mzi_elem_size   | bytes per element                                    |
 *   | mzi_alloc_size  | bytes the zone grows by                              |
 *   | mzi_sum_size    | bytes ever allocated (allocations x element size)    |
 *   | mzi_exhaustible | a full zone fails allocations rather than panicking  |
 *   | mzi_collectable | garbage collection may take its free pages back      |
 */
#ifndef _MACH_DEBUG_ZONE_INFO_H_
#define _MACH_DEBUG_ZONE_INFO_H_

#include <stdint.h>

#define ZONE_NAME_MAX_LEN 80
#define MACH_ZONE_NAME_MAX_LEN ZONE_NAME_MAX_LEN

typedef struct mach_zone_name {
	char mzn_name[ZONE_NAME_MAX_LEN];
} mach_zone_name_t;
typedef mach_zone_name_t *mach_zone_name_array_t;

typedef struct mach_zone_info_data {
	uint64_t mzi_count;
	uint64_t mzi_cur_size;
	uint64_t mzi_max_size;
	uint64_t mzi_elem_size;
	uint64_t mzi_alloc_size;
	uint64_t mzi_sum_size;
	uint64_t mzi_exhaustible;
	uint64_t mzi_collectable;
} mach_zone_info_t;
typedef mach_zone_info_t *mach_zone_info_array_t;

#endif /* _MACH_DEBUG_ZONE_INFO_H_ */
