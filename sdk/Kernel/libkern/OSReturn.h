/*
 * libkern/OSReturn.h — status codes of libkern: OSReturn is a kern_return_t
 * whose failures live in the libkern error system (0x37), split into a
 * common subsystem and the class-registration (metaclass) subsystem.
 */
#ifndef _LIBKERN_OSRETURN_H
#define _LIBKERN_OSRETURN_H

#include <sys/cdefs.h>
#include <mach/kern_return.h>

typedef kern_return_t OSReturn;

/* Mach error-code layout: system in bits 26..31, subsystem in bits 14..25. */
#ifndef err_system
#define err_system(x) ((signed)((((unsigned)(x)) & 0x3f) << 26))
#define err_sub(x) (((x)&0xfff) << 14)
#endif

#ifndef sys_libkern
#define sys_libkern err_system(0x37)
#endif
#define sub_libkern_common err_sub(0)
#define sub_libkern_metaclass err_sub(1)
#define sub_libkern_reserved err_sub(-1)

#define libkern_common_err(code) (sys_libkern | sub_libkern_common | (code))
#define libkern_metaclass_err(code) (sys_libkern | sub_libkern_metaclass | (code))

#define kOSReturnSuccess KERN_SUCCESS
#define kOSReturnError libkern_common_err(1) /* not KERN_FAILURE */

#define kOSMetaClassInternal libkern_metaclass_err(1)        /* runtime internal error */
#define kOSMetaClassHasInstances libkern_metaclass_err(2)    /* classes still have instances */
#define kOSMetaClassNoInit libkern_metaclass_err(3)          /* registration not set up */
#define kOSMetaClassNoTempData libkern_metaclass_err(4)      /* allocation failure, temporary data */
#define kOSMetaClassNoDicts libkern_metaclass_err(5)         /* allocation failure, class tables */
#define kOSMetaClassNoKModSet libkern_metaclass_err(6)       /* allocation failure, kext class set */
#define kOSMetaClassNoInsKModSet libkern_metaclass_err(7)    /* could not record a class in its kext */
#define kOSMetaClassNoSuper libkern_metaclass_err(8)         /* superclass not found */
#define kOSMetaClassInstNoSuper libkern_metaclass_err(9)     /* instance construction: superclass unknown */
#define kOSMetaClassDuplicateClass libkern_metaclass_err(10) /* a class by that name is loaded */
#define kOSMetaClassNoKext libkern_metaclass_err(11)         /* kext of a class not found */

#endif /* _LIBKERN_OSRETURN_H */
