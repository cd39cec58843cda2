/*
 * libkern/c/OSContainers.h — every libkern class in one include.
 */
#ifndef _LIBKERN_C_OSCONTAINERS_H
#define _LIBKERN_C_OSCONTAINERS_H

#include <libkern/c/OSMetaClass.h>
#include <libkern/c/OSObject.h>
#include <libkern/c/OSString.h>
#include <libkern/c/OSSymbol.h>
#include <libkern/c/OSNumber.h>
#include <libkern/c/OSBoolean.h>
#include <libkern/c/OSData.h>
#include <libkern/c/OSCollection.h>
#include <libkern/c/OSArray.h>
#include <libkern/c/OSDictionary.h>
#include <libkern/c/OSSet.h>
#include <libkern/c/OSOrderedSet.h>
#include <libkern/c/OSIterator.h>
#include <libkern/c/OSCollectionIterator.h>
#include <libkern/c/OSSerialize.h>
#include <libkern/c/OSUnserialize.h>

#endif /* _LIBKERN_C_OSCONTAINERS_H */
