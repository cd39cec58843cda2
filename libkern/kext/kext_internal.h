/*
 * kext_internal.h — what the kext system's files share: the OSKext class
 * (one object per kext bundle seen, or per kernel component), the kext
 * lock, diagnostics and logging helpers, and each file's internal entry
 * points. Internal names carry the oskext_ prefix.
 *
 * Ownership: OSKext objects live in the repository index (unloaded
 * records) and in the loaded list; both hold references. Every field of an
 * OSKext is read and written under the kext lock only.
 */
#ifndef _LIBKERN_KEXT_KEXT_INTERNAL_H_
#define _LIBKERN_KEXT_KEXT_INTERNAL_H_

#include <sys/systm.h>
#include <kern/kalloc.h>
#include <mach/kmod.h>
#include <libkern/c/OSContainers.h>
#include "libkern/kext/OSKext.h"

struct kxld_image;

OSDeclareDefaultStructors(OSKext, OSObject);

/*
 * OSDynamicCast for a value that may be NULL: OSObj() adds 0 to its
 * argument, which UBSan reports for a null pointer ("applying zero offset to
 * null pointer"); dictionary lookups here often return NULL.
 */
static inline OSObject *
oskext_cast(const void *obj, const OSMetaClass *type)
{
	return obj != NULL ? OSMetaClassBase_safeMetaCast((const OSObject *)obj, type) : NULL;
}
#define OSKEXT_CAST(Type, obj) ((Type *)oskext_cast((const void *)(obj), OSTypeID(Type)))

/* OSKext.kflags */
#define OSKEXT_F_KERNEL_COMPONENT 0x001u /* the kernel or a KPI pseudo-kext (always loaded) */
#define OSKEXT_F_INTERFACE 0x002u        /* OSBundleIsInterface */
#define OSKEXT_F_EXECUTABLE 0x004u       /* declares CFBundleExecutable */
#define OSKEXT_F_LIBRARY 0x008u          /* valid OSBundleCompatibleVersion */
#define OSKEXT_F_LOADED 0x010u
#define OSKEXT_F_STARTED 0x020u
#define OSKEXT_F_USER_LOAD 0x040u    /* OSBundleAllowUserLoad true */
#define OSKEXT_F_INVALID 0x080u      /* has validation failures */
#define OSKEXT_F_AUTH_CHECKED 0x100u /* authentication done (result in INAUTHENTIC) */
#define OSKEXT_F_INAUTHENTIC 0x200u  /* has authentication failures */
#define OSKEXT_F_CLASSES 0x400u      /* classes registered, constructors run */
#define OSKEXT_F_UNLOADING 0x800u

struct OSKext {
	OSObject super;
	/* From the bundle (or built in for kernel components). */
	OSString *bundleID;              /* NULL when the Info.plist has none */
	OSString *path;                  /* the bundle folder; NULL for kernel components */
	OSString *executablePath;        /* Contents/MacOS/<CFBundleExecutable> when declared */
	OSDictionary *infoDict;          /* the Info.plist, retained (NULL when unreadable) */
	OSKextVersion version;           /* -1 when invalid */
	OSKextVersion compatibleVersion; /* 0 when not declared, -1 when invalid */
	uint32_t kflags;
	OSDictionary *diagnostics;         /* groups -> (diagnostic -> details), see OSKext.h */
	const struct OSKextKPISet *kpiSet; /* KPI pseudo-kexts */

	/* Dependency resolution (direct libraries, OSKext objects). */
	OSArray *dependencies;

	/* Loaded state. */
	OSKextLoadTag loadTag;
	uint32_t dependents; /* loaded kexts linked against this one */
	uint32_t retains;    /* OSKextRetainKextWithLoadTag */
	struct kxld_image *image;
	kmod_info_t *kmodInfo;
	kmod_reference_t *references;
	unsigned int nreferences;
	kern_allocation_name_t allocName;
	uint64_t mallocSerial; /* OSMalloc tag serial at load: tags after it may be the kext's */
	OSMetaClass *const *classesBegin;
	OSMetaClass *const *classesEnd;
	uintptr_t address;
	size_t size;
	size_t wiredSize;
	uint8_t uuid[16];
	bool hasUUID;
};

/* ---- the kext lock (recursive: start/stop may call back in) ------------------- */

void oskext_lock_init(void);
void oskext_lock(void);
void oskext_unlock(void);
bool oskext_lock_held(void);
#define OSKEXT_ASSERT_LOCKED()                                               \
	do {                                                                 \
		if (!oskext_lock_held())                                     \
			panic("%s: called without the kext lock", __func__); \
	} while (0)

/* ---- logging: kernel log + the current request's messages ------------------------ */

#define OSKEXT_LOG_ERROR 0    /* also returned to the requester */
#define OSKEXT_LOG_PROGRESS 1 /* kernel log only */
void oskext_log(int level, const char *fmt, ...) __printflike(2, 3);
/* Install the message sink of a request; returns the previous one (restore it after). */
OSArray *oskext_log_set_sink(OSArray *messages);

/* ---- diagnostics ------------------------------------------------------------------- */

/* Add `detail` (NULL: no detail) under group/diagnostic of k's diagnostics. */
void oskext_diag(OSKext *k, const char *group, const char *diagnostic, const char *detail);
/* Same with a "a -> b" key path as the detail. */
void oskext_diag_path(OSKext *k, const char *group, const char *diagnostic, const char *a, const char *b);
bool oskext_has_diag(const OSKext *k, const char *group);
/* Copy k's diagnostics into out, groups in kextutil's order. */
void oskext_diag_copy_out(const OSKext *k, OSDictionary *out);

/* ---- OSKext objects (OSKextBundle.c) ------------------------------------------------ */

/* Read and validate the bundle at path (always returns an object unless out of memory). */
OSKext *oskext_create_from_path(const char *path);
/* The same from Info.plist bytes, as if read from <path>/Contents/Info.plist (fuzzing, tests). */
OSKext *oskext_create_from_plist(const char *path, const void *bytes, size_t len);
/* A kernel component (the kernel, a KPI pseudo-kext). */
OSKext *oskext_create_component(const char *bundleID, const char *version, const char *compatibleVersion,
                                const struct OSKextKPISet *set);
const char *oskext_id(const OSKext *k); /* "(unknown)" when missing */
bool oskext_is_compatible(const OSKext *k, OSKextVersion requested);
/* Read the executable into fresh pages (khost_vm_free to release). 0 or an errno. */
int oskext_read_executable(OSKext *k, void **bytes, size_t *len);
/* Offline executable check: an ELF relocatable object defining kmod_info (ExecutableBad otherwise). */
void oskext_validate_executable(OSKext *k);
/* Call fn for each nested kext folder path in <bundle>/Contents/PlugIns. */
void oskext_plugins_apply(const char *bundlePath, void (*fn)(void *ctx, const char *path), void *ctx);

/* ---- authentication (OSKextAuth.c) ---------------------------------------------------- */

/* Check owners and permissions of every file and folder of the bundle (once; cached). */
bool oskext_authenticate(OSKext *k);
/* kext-dev-mode=1 boot-arg. */
bool oskext_dev_mode(void);
/* -x boot-arg: safe boot. */
bool oskext_safe_boot(void);
/* May k load now? FALSE in safe boot unless OSBundleRequired names a boot-time need. */
bool oskext_loadable_in_safe_boot(OSKext *k);

/* ---- kernel components and KPI sets (OSKextKPI.c) -------------------------------------- */

/* Create the kernel and the pseudo-kexts, loaded with tags 0.. (OSKext_init). */
int oskext_kpi_init(void);
/* Resolve `name` for kext k: only its direct dependencies' exports. */
int oskext_resolve_symbol(void *ctx, const char *name, uintptr_t *addr);

/* ---- repository (OSKextRepository.c) ------------------------------------------------- */

/* Set the kernel root (the repository is <root>/Extensions unless overridden). */
void oskext_repo_set_root(const char *root);
/* Rescan if the folder changed (or never scanned). */
void oskext_repo_refresh(void);
/* Records with this identifier (array of OSKext, highest version first) or NULL; not retained. */
OSArray *oskext_repo_lookup(OSDictionary *index, const char *bundleID);
/* Add the kext bundle at path (and, with plugins, its PlugIns) to an index and to all (may be NULL). */
void oskext_index_add_bundle(OSDictionary *index, OSArray *all, const char *path, bool plugins);
/* Add every *.kext of a folder (and their PlugIns). */
void oskext_index_add_folder(OSDictionary *index, OSArray *all, const char *folder);
/* The main repository index and list (may be empty). Not retained. */
OSDictionary *oskext_repo_index(void);
OSArray *oskext_repo_all(void);
void oskext_repo_shutdown(void);

/* ---- dependencies (OSKextDeps.c) --------------------------------------------------------- */

struct oskext_resolve_ctx {
	OSDictionary *extra; /* -d / -r / the target's PlugIns: searched with the repository */
	uint32_t flags;      /* kOSKextLoadFlag* */
	OSArray *loadList;   /* out: unloaded kexts to load, dependencies first, target last */
};
/* Resolve k's dependencies (recursively); diagnostics go to k. kOSReturnSuccess or ...Dependencies. */
OSReturn oskext_resolve_dependencies(OSKext *k, struct oskext_resolve_ctx *ctx);

/* ---- the loaded list (OSKextLoad.c) ------------------------------------------------------- */

OSArray *oskext_loaded(void); /* loaded kexts in load order (not retained) */
OSKext *oskext_loaded_with_id(const char *bundleID);
OSKext *oskext_loaded_with_tag(OSKextLoadTag tag);
OSKext *oskext_loaded_with_address(uintptr_t addr);
/* Add a kernel component as loaded with the next load tag. */
bool oskext_add_loaded_component(OSKext *k);
/* Link and map k against its dependencies (no start); undo with oskext_unlink. */
OSReturn oskext_link(OSKext *k);
void oskext_unlink(OSKext *k);
/* Load (link, start) one kext whose dependencies are loaded. */
OSReturn oskext_load_one(OSKext *k, uint32_t flags);
/* Stop and unload one kext (checks references and instances). */
OSReturn oskext_unload_one(OSKext *k, bool shutdown);
/* Stop every started kext in reverse load order (shutdown). */
void oskext_stop_all(void);
void oskext_loaded_reset(void);

/* The I/O Kit catalogue's hooks (OSKext_setPersonalityHooks), NULL until it sets them. */
extern void (*oskext_personalities_add)(OSDictionary *infoDict);
extern void (*oskext_personalities_remove)(const char *bundleID);
void oskext_personalities_publish(OSArray *kexts);

#endif /* _LIBKERN_KEXT_KEXT_INTERNAL_H_ */
