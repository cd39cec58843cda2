/*
 * classes.c — a test kext that defines a libkern class (KextTestObject, an
 * OSObject subclass). classes_make() creates an instance and keeps it,
 * classes_drop() releases it; while it lives the kext can't unload.
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

static KextTestObject *classes_obj;

int
classes_make(void)
{
	classes_obj = OSTypeAlloc(KextTestObject);
	if (classes_obj == NULL || !OSObject_init(classes_obj)) {
		return -1;
	}
	classes_obj->value = 7;
	return 0;
}

void
classes_drop(void)
{
	OSSafeReleaseNULL(classes_obj);
}

KMOD_EXPLICIT_DECL(com.example.classes, "1.0", 0, 0)
