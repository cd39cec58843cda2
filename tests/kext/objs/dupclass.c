/*
 * dupclass.c — a test kext that defines a class with the same name as classes.c
 * (loading both must fail at the second one): a libkern class (KextTestObject, an
 * OSObject subclass). dupclass_make() creates an instance and keeps it,
 * dupclass_drop() releases it; while it lives the kext can't unload.
 */
#include <mach/kmod.h>
#include <libkern/c/OSContainers.h>

OSDeclareDefaultStructors(KextTestObject, OSObject);

struct KextTestObject {
	OSObject super;
	int value;
};

static const OSMethod KextTestObject_methods[] = {
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(KextTestObject, OSObject, KextTestObject_methods);

static KextTestObject *dupclass_obj;

int
dupclass_make(void)
{
	dupclass_obj = OSTypeAlloc(KextTestObject);
	if (dupclass_obj == NULL || !OSObject_init(dupclass_obj)) {
		return -1;
	}
	dupclass_obj->value = 7;
	return 0;
}

void
dupclass_drop(void)
{
	OSSafeReleaseNULL(dupclass_obj);
}

KMOD_EXPLICIT_DECL(com.example.dupclass, "1.0", 0, 0)
