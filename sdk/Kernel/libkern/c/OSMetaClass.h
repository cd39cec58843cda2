/*
 * libkern/c/OSMetaClass.h — the run-time type system of libkern, in C.
 *
 * Every libkern class Foo is three things:
 *   - an instance struct `Foo` whose first member, named `super`, is the
 *     superclass's instance struct (the root OSMetaClassBase holds the
 *     vtable pointer), so a Foo * is also a pointer to each of its bases;
 *   - a vtable type `Foo_vtbl` whose first member is the superclass's vtable
 *     (or simply the superclass's vtable type when Foo adds no virtual
 *     method), made only of function pointers after the metaclass slot;
 *   - a metaclass record `Foo_gMetaClass` (name, superclass, sizes, the
 *     table of method overrides, storage for the built vtable, the live
 *     instance count).
 *
 * OSDeclareDefaultStructors() goes in a header, OSDefineMetaClassAndStructors()
 * in the one .c file of the class. The define macro places a pointer to the
 * record in the ELF section "osmetaclass"; libkern_init() registers every
 * record of the kernel, the kext loader those of a kext, superclasses first.
 * Registration builds each vtable: a copy of the superclass's vtable with the
 * class's overrides applied.
 *
 * Methods are called through the vtable by static inline wrappers named
 * Class_method(); OSSuperCall() calls the superclass's implementation.
 * OSMethodOverride() checks at compile time that the function has exactly the
 * type of the vtable slot. See docs/OBJECTS.md for a complete example.
 */
#ifndef _LIBKERN_C_OSMETACLASS_H
#define _LIBKERN_C_OSMETACLASS_H

#include <sys/cdefs.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libkern/OSTypes.h>
#include <libkern/OSReturn.h>

/* The classes of libkern, declared up front so any header may name them. */
typedef struct OSMetaClass OSMetaClass;
typedef struct OSMetaClassBase OSMetaClassBase;
typedef struct OSObject OSObject;
typedef struct OSObject_vtbl OSObject_vtbl;
typedef struct OSString OSString;
typedef struct OSSymbol OSSymbol;
typedef struct OSData OSData;
typedef struct OSNumber OSNumber;
typedef struct OSBoolean OSBoolean;
typedef struct OSCollection OSCollection;
typedef struct OSArray OSArray;
typedef struct OSDictionary OSDictionary;
typedef struct OSSet OSSet;
typedef struct OSOrderedSet OSOrderedSet;
typedef struct OSIterator OSIterator;
typedef struct OSCollectionIterator OSCollectionIterator;
typedef struct OSSerialize OSSerialize;
typedef struct OSSerializer OSSerializer;

/* The root of every instance: the vtable pointer. */
struct OSMetaClassBase {
	const OSObject_vtbl *vtbl;
};

/* Generic function pointer stored in override tables (cast back on use). */
typedef void (*OSMethodImp)(void);

/* One entry of a class's override table: the vtable slot (byte offset) and its new function. */
typedef struct OSMethod {
	size_t offset;
	OSMethodImp fn;
} OSMethod;

/* OSMetaClass.flags */
#define kOSMetaClassFlagAbstract 0x1u   /* OSTypeAlloc refuses; unimplemented slots are allowed */
#define kOSMetaClassFlagRegistered 0x2u /* set while the class is registered (internal) */

/*
 * The metaclass record. The define macros fill the first block statically;
 * the fields after it belong to the registration code.
 */
struct OSMetaClass {
	const char *className;
	const OSMetaClass *superClass;
	unsigned int classSize;  /* sizeof the instance struct */
	unsigned int vtblSize;   /* sizeof the vtable struct */
	const OSMethod *methods; /* overrides, ended by OSMethodEnd (or NULL) */
	void *vtbl;              /* vtblSize bytes of storage, filled at registration */
	uint32_t flags;

	/* Run-time state (registration code only). */
	volatile uint32_t instanceCount;
	volatile uint32_t retain; /* copyMetaClassWithName references */
	void *kmod;               /* owning kext (opaque), NULL for the kernel */
	const OSSymbol *classNameSymbol;
	OSMetaClass *hashNext;
};

/* ---- declaring and defining classes ---------------------------------- */

#define OSDeclareCommonStructors_(Class, Super)                                                 \
	typedef struct Class Class;                                                             \
	typedef Super##_vtbl Class##_super_vtbl;                                                \
	extern OSMetaClass Class##_gMetaClass;                                                  \
	/* unused: a class declared in a .c file may never make a super call */                 \
	static inline __attribute__((unused)) const Class##_super_vtbl *Class##_superVtbl(void) \
	{                                                                                       \
		return (const Class##_super_vtbl *)Super##_gMetaClass.vtbl;                     \
	}

/* A class that adds no virtual method: its vtable type is its superclass's. */
#define OSDeclareDefaultStructors(Class, Super) \
	OSDeclareCommonStructors_(Class, Super) typedef Super##_vtbl Class##_vtbl
/* A class that adds virtual methods: define `struct Class_vtbl { Super_vtbl super; ... };`. */
#define OSDeclareDefaultStructorsWithVtbl(Class, Super) \
	OSDeclareCommonStructors_(Class, Super) typedef struct Class##_vtbl Class##_vtbl
/* XNU's names for the same declarations (abstractness is chosen at the definition). */
#define OSDeclareAbstractStructors(Class, Super) OSDeclareDefaultStructors(Class, Super)
#define OSDeclareFinalStructors(Class, Super) OSDeclareDefaultStructors(Class, Super)
#define OSDeclareAbstractStructorsWithVtbl(Class, Super) OSDeclareDefaultStructorsWithVtbl(Class, Super)

/*
 * One override: {slot offset, fn}, checked at compile time that fn has the
 * exact type of the slot `member` of Class_vtbl. Name the class that
 * introduced the method (the slot has the same offset in every subclass's
 * vtable): OSMethodOverride(OSObject, free, MyDriver_free). Also used to
 * implement the virtual methods a class introduces.
 */
#define OSMethodOverride(Class, member, fn)                                                                  \
	{                                                                                                    \
		offsetof(Class##_vtbl, member) +                                                             \
		        0 * sizeof(struct {                                                                  \
			        _Static_assert(                                                              \
			                __builtin_types_compatible_p(                                        \
			                        __typeof__(((Class##_vtbl *)0)->member), __typeof__(&(fn))), \
			                "OSMethodOverride(" #Class ", " #member ", " #fn                     \
			                "): function type does not match the vtable slot");                  \
			        int osmethod_unused_;                                                        \
		        }),                                                                                  \
		        (OSMethodImp)(fn)                                                                    \
	}
#define OSMethodEnd               \
	{                         \
		0, (OSMethodImp)0 \
	}

#define OSMETACLASS_SECTION "osmetaclass"

/* The record and the vtable storage, without registering the class anywhere. */
#define OSDefineMetaClassRecord(Class, Super, methodTable, classFlags)                                   \
	_Static_assert(__builtin_offsetof(Class, super) == 0 &&                                          \
	                       __builtin_types_compatible_p(__typeof__(((Class *)0)->super), Super),     \
	               #Class ": the first member must be `" #Super " super`");                          \
	_Static_assert(sizeof(Class##_vtbl) >= sizeof(Super##_vtbl),                                     \
	               #Class "_vtbl must begin with " #Super "_vtbl");                                  \
	static void *Class##_vtblStorage_[(sizeof(Class##_vtbl) + sizeof(void *) - 1) / sizeof(void *)]; \
	OSMetaClass Class##_gMetaClass = {                                                               \
	        .className = #Class,                                                                     \
	        .superClass = &Super##_gMetaClass,                                                       \
	        .classSize = sizeof(Class),                                                              \
	        .vtblSize = sizeof(Class##_vtbl),                                                        \
	        .methods = (methodTable),                                                                \
	        .vtbl = Class##_vtblStorage_,                                                            \
	        .flags = (classFlags),                                                                   \
	}

/* The record plus its entry in the "osmetaclass" section, registered at load. */
#define OSDefineMetaClassWithFlags(Class, Super, methodTable, classFlags)                      \
	OSDefineMetaClassRecord(Class, Super, methodTable, classFlags);                        \
	static OSMetaClass *const Class##_gMetaClassEntry_                                     \
	        __attribute__((section(OSMETACLASS_SECTION), used, aligned(sizeof(void *)))) = \
	                &Class##_gMetaClass

#define OSDefineMetaClassAndStructors(Class, Super, methodTable) \
	OSDefineMetaClassWithFlags(Class, Super, methodTable, 0)
#define OSDefineMetaClassAndAbstractStructors(Class, Super, methodTable) \
	OSDefineMetaClassWithFlags(Class, Super, methodTable, kOSMetaClassFlagAbstract)
#define OSDefineMetaClassAndFinalStructors(Class, Super, methodTable) \
	OSDefineMetaClassWithFlags(Class, Super, methodTable, 0)

/* ---- types, casts, calls -------------------------------------------- */

/*
 * Upcast any libkern object pointer to OSObject *. Compile-time check: x
 * must point to a struct with a `super` member (every class has one).
 */
#define OSObj(x) ((void)sizeof((x)->super), (OSObject *)(void *)(x))

#define OSTypeID(Type) ((const OSMetaClass *)&Type##_gMetaClass)
#define OSTypeIDInst(obj) OSMetaClassBase_getMetaClass(OSObj(obj))

/* Allocate an instance of Type (zeroed, retain count 1; not initialised). */
#define OSTypeAlloc(Type) ((Type *)OSMetaClass_allocInstance(OSTypeID(Type)))

/* obj as a Type *, or NULL when obj is NULL or not a kind of Type. */
#define OSDynamicCast(Type, obj) ((Type *)OSMetaClassBase_safeMetaCast(OSObj(obj), OSTypeID(Type)))
/* Like OSDynamicCast but panics when a non-NULL obj is not a Type. */
#define OSRequiredCast(Type, obj) ((Type *)OSMetaClassBase_requiredMetaCast(OSObj(obj), OSTypeID(Type)))
/* Is inst a kind of typeinst's class? */
#define OSCheckTypeInst(typeinst, inst) OSMetaClassBase_checkTypeInst(OSObj(inst), OSObj(typeinst))

/* The vtable of obj seen as Class's vtable. */
#define OSVtbl(Class, obj) ((const Class##_vtbl *)(const void *)OSObj(obj)->super.vtbl)

/*
 * Call the superclass's implementation of a virtual method from Class's
 * override. Methods are named through the class that introduced them (the
 * vtables nest, so an inherited slot sits under `super` members):
 * OSSuperCall(Class, ...) reaches the methods introduced by the superclass
 * (more precisely, members of the superclass's vtable struct),
 * OSSuperCallAs(Class, Introducer, ...) any inherited method:
 *   OSSuperCall(MyDriver, start, self, provider)     IOService::start
 *   OSSuperCallAs(MyDriver, OSObject, free, self)     OSObject::free
 */
#define OSSuperCall(Class, method, ...) (Class##_superVtbl()->method(__VA_ARGS__))
#define OSSuperCallAs(Class, Introducer, method, ...) \
	(((const Introducer##_vtbl *)(const void *)Class##_superVtbl())->method(__VA_ARGS__))

/* ---- the OSMetaClass API ------------------------------------------------ */

const OSMetaClass *OSMetaClassBase_getMetaClass(const OSObject *obj);
OSObject *OSMetaClassBase_safeMetaCast(const OSObject *obj, const OSMetaClass *toType);
OSObject *OSMetaClassBase_requiredMetaCast(const OSObject *obj, const OSMetaClass *toType);
bool OSMetaClassBase_checkTypeInst(const OSObject *inst, const OSObject *typeinst);
/* obj if it is a kind of the class named (symbol, string or C string), else NULL. */
OSObject *OSMetaClassBase_metaCastWithName(const OSObject *obj, const OSSymbol *className);
OSObject *OSMetaClassBase_metaCastWithCString(const OSObject *obj, const char *className);

/* Register the records in [begin, end) (superclasses may come in any order). */
OSReturn OSMetaClass_registerClasses(OSMetaClass *const *begin, OSMetaClass *const *end, void *kmod);
/* Unregister them; kOSMetaClassHasInstances (nothing done) while any has instances. */
OSReturn OSMetaClass_unregisterClasses(OSMetaClass *const *begin, OSMetaClass *const *end);
/* Does any class registered for kmod have live instances? */
bool OSMetaClass_modHasInstance(void *kmod);
/* Log the classes of kmod that have live instances. */
void OSMetaClass_reportModInstances(void *kmod);

/* Class lookup; the result is not referenced (see copyMetaClassWithName). */
const OSMetaClass *OSMetaClass_getMetaClassWithName(const OSSymbol *name);
const OSMetaClass *OSMetaClass_getMetaClassWithCString(const char *name);
/* Lookup that keeps the class from being unregistered until releaseMetaClass. */
const OSMetaClass *OSMetaClass_copyMetaClassWithName(const OSSymbol *name);
void OSMetaClass_releaseMetaClass(const OSMetaClass *meta);
/* New instance of the class named (not initialised), or NULL. */
OSObject *OSMetaClass_allocClassWithName(const OSSymbol *name);
OSObject *OSMetaClass_allocClassWithString(const OSString *name);
OSObject *OSMetaClass_allocClassWithCString(const char *name);
/* Is obj a kind of the class named? Returns obj or NULL. */
OSObject *OSMetaClass_checkMetaCastWithName(const OSSymbol *name, const OSObject *obj);
OSObject *OSMetaClass_checkMetaCastWithCString(const char *name, const OSObject *obj);

/* Allocate a zeroed instance: vtable set, retain count 1, instance counted. */
OSObject *OSMetaClass_allocInstance(const OSMetaClass *meta);
/* obj if meta is obj's class or one of its superclasses, else NULL. */
OSObject *OSMetaClass_checkMetaCast(const OSMetaClass *meta, const OSObject *obj);

const char *OSMetaClass_getClassName(const OSMetaClass *meta);
const OSSymbol *OSMetaClass_getClassNameSymbol(const OSMetaClass *meta);
const OSMetaClass *OSMetaClass_getSuperClass(const OSMetaClass *meta);
unsigned int OSMetaClass_getClassSize(const OSMetaClass *meta);
/*
 * As XNU counts: a class's count is its own live instances plus one for each
 * direct subclass that has a non-zero count.
 */
unsigned int OSMetaClass_getInstanceCount(const OSMetaClass *meta);
void *OSMetaClass_getKmod(const OSMetaClass *meta);
/* Instance accounting (OSTypeAlloc and OSObject's free call these). */
void OSMetaClass_instanceConstructed(const OSMetaClass *meta);
void OSMetaClass_instanceDestructed(const OSMetaClass *meta);

/* printf every registered class's instance count and size. */
void OSMetaClass_printInstanceCounts(void);
/* Set "Classes" in dict to a dictionary of class name -> instance count. */
void OSMetaClass_serializeClassDictionary(OSDictionary *dict);

#endif /* _LIBKERN_C_OSMETACLASS_H */
