/*
 * IOKit/IOCatalogue.h — the catalogue of driver personalities (gIOCatalogue).
 *
 * Every kext's IOKitPersonalities (each an OSDictionary, with the kext's
 * CFBundleIdentifier added) are kept here, indexed by IOProviderClass, so a
 * published nub finds its candidates by walking its own class chain through
 * the index instead of testing every personality. Adding personalities can
 * start matching on the services already registered (doNubMatching); the
 * generation count lets a matching pass notice that the catalogue changed
 * while it ran and go round again.
 */
#ifndef _IOKIT_IOCATALOGUE_H
#define _IOKIT_IOCATALOGUE_H

#include <IOKit/IOService.h>

typedef struct IOCatalogue IOCatalogue;

OSDeclareDefaultStructors(IOCatalogue, OSObject);

struct IOCatalogue {
	OSObject super;
	/* Private. */
	OSDictionary *personalities; /* IOProviderClass symbol -> OSArray of personalities */
	SInt32 generation;
	void *lock; /* lck_mtx_t * */
};

extern IOCatalogue *gIOCatalogue;

/*
 * Add personalities (an OSArray of OSDictionary). A personality equal to one
 * already present is not added twice. With doNubMatching, registered services
 * rematch against the new ones. false on a bad argument or no memory.
 */
bool IOCatalogue_addDrivers(IOCatalogue *self, OSArray *array, bool doNubMatching);
/*
 * Remove every personality that has all the keys and values of matching (for
 * example { CFBundleIdentifier: id }); with doNubMatching, start matching on
 * the services again afterwards. false on a bad argument.
 */
bool IOCatalogue_removeDrivers(IOCatalogue *self, OSDictionary *matching, bool doNubMatching);
/*
 * The personalities whose IOProviderClass is service's class or one of its
 * superclasses, sorted by IOProbeScore (highest first): a retained
 * OSOrderedSet. *generationCount gets the catalogue generation.
 */
OSOrderedSet *IOCatalogue_findDrivers(IOCatalogue *self, IOService *service, SInt32 *generationCount);
/* Every personality that has all the keys and values of matching: retained OSOrderedSet. */
OSOrderedSet *IOCatalogue_findDriversMatching(IOCatalogue *self, OSDictionary *matching,
                                              SInt32 *generationCount);
SInt32 IOCatalogue_getGenerationCount(const IOCatalogue *self);
/* Restart matching on every registered service whose class matches matching's IOProviderClass. */
bool IOCatalogue_startMatching(IOCatalogue *self, OSDictionary *matching);
/*
 * Terminate every instance of the class named (kextunload -c) and remove
 * the personalities that would start it again; kIOReturnSuccess, or
 * kIOReturnUnsupported when some instance refused to go.
 */
IOReturn IOCatalogue_terminateDriversForModule(IOCatalogue *self, const char *moduleName, bool unload);
IOReturn IOCatalogue_terminateDrivers(IOCatalogue *self, OSDictionary *matching);
/* Number of personalities held. */
unsigned int IOCatalogue_getCount(const IOCatalogue *self);

#endif /* _IOKIT_IOCATALOGUE_H */
