/*
 * mach/kmod.h — the kmod_info_t record every kext carries. The loader finds
 * the global `kmod_info` in a kext's executable, fills in its load tag
 * (id), address and size, and calls start(kmod_info, data) after the kext's
 * dependencies have started; stop() before it unloads. The layout is Mac OS
 * X's: packed to 4 bytes, 196 bytes on x86_64, so kmod_info built by any kext
 * tool and read by any debugger agree.
 */
#ifndef _MACH_KMOD_H_
#define _MACH_KMOD_H_

#include <sys/cdefs.h>
#include <stdint.h>
#include <mach/kern_return.h>
#include <mach/vm_types.h>

__BEGIN_DECLS

#define KMOD_MAX_NAME 64
#define KMOD_RETURN_SUCCESS KERN_SUCCESS
#define KMOD_RETURN_FAILURE KERN_FAILURE

typedef int kmod_t;

struct kmod_info;
typedef kern_return_t kmod_start_func_t(struct kmod_info *ki, void *data);
typedef kern_return_t kmod_stop_func_t(struct kmod_info *ki, void *data);

#pragma pack(push, 4)

/* One link dependency of a kext (kept for debuggers; the loader fills it). */
typedef struct kmod_reference {
	struct kmod_reference *next;
	struct kmod_info *info;
} kmod_reference_t;

typedef struct kmod_info {
	struct kmod_info *next;           /* previous kext loaded (the loader's list) */
	int32_t info_version;             /* KMOD_INFO_VERSION */
	uint32_t id;                      /* load tag, set by the loader */
	char name[KMOD_MAX_NAME];         /* bundle identifier */
	char version[KMOD_MAX_NAME];      /* CFBundleVersion */
	int32_t reference_count;          /* kexts linked against this one */
	kmod_reference_t *reference_list; /* kexts this one links against */
	vm_address_t address;             /* start of the kext's memory, set by the loader */
	vm_size_t size;                   /* bytes mapped, set by the loader */
	vm_size_t hdr_size;               /* unwired header bytes (0 here) */
	kmod_start_func_t *start;
	kmod_stop_func_t *stop;
} kmod_info_t;

#pragma pack(pop)

#if defined(__x86_64__)
_Static_assert(sizeof(kmod_info_t) == 196, "kmod_info_t must be 196 bytes on x86_64");
#endif

typedef kmod_info_t *kmod_info_array_t;

#define KMOD_INFO_NAME kmod_info
#define KMOD_INFO_VERSION 1

/* kmod_info for a kext whose start/stop are <name>_module_start/_module_stop (defined by the kext). */
#define KMOD_DECL(name, version)                           \
	static kmod_start_func_t name##_module_start;      \
	static kmod_stop_func_t name##_module_stop;        \
	kmod_info_t KMOD_INFO_NAME = {0,                   \
	                              KMOD_INFO_VERSION,   \
	                              -1U,                 \
	                              {#name},             \
	                              {version},           \
	                              -1,                  \
	                              0,                   \
	                              0,                   \
	                              0,                   \
	                              0,                   \
	                              name##_module_start, \
	                              name##_module_stop};

/* kmod_info with explicit start and stop functions (either may be 0). */
#define KMOD_EXPLICIT_DECL(name, version, start, stop) \
	kmod_info_t KMOD_INFO_NAME = {                 \
	        0, KMOD_INFO_VERSION, -1U, {#name}, {version}, -1, 0, 0, 0, 0, start, stop};

__END_DECLS

#endif /* _MACH_KMOD_H_ */
