/*
 * libkern/c/OSSymbol.h — interned strings: there is at most one OSSymbol
 * for a given string, so symbols compare by pointer. Dictionary keys are
 * symbols.
 *
 * The factories return a retained symbol (an existing one when the string is
 * already interned). The pool is protected by a lock; a symbol leaves the
 * pool when its last reference is released, and the drop to zero happens
 * under the pool lock so a concurrent lookup can never resurrect it.
 */
#ifndef _LIBKERN_C_OSSYMBOL_H
#define _LIBKERN_C_OSSYMBOL_H

#include <libkern/c/OSString.h>

OSDeclareDefaultStructors(OSSymbol, OSString);

struct OSSymbol {
	OSString super;
	OSSymbol *poolNext; /* pool hash chain (pool lock) */
	uint32_t hash;
	uint32_t inPool;
};

const OSSymbol *OSSymbol_withString(const OSString *aString);
const OSSymbol *OSSymbol_withCString(const char *cString);
/* The string must outlive the symbol (class names, literals). */
const OSSymbol *OSSymbol_withCStringNoCopy(const char *cString);
/* The interned symbol (retained), or NULL when there is none. */
const OSSymbol *OSSymbol_existingSymbolForString(const OSString *aString);
const OSSymbol *OSSymbol_existingSymbolForCString(const char *cString);

static inline bool
OSSymbol_isEqualToSymbol(const OSSymbol *self, const OSSymbol *aSymbol)
{
	return self == aSymbol;
}
bool OSSymbol_isEqualToCString(const OSSymbol *self, const char *cString);

static inline const char *
OSSymbol_getCStringNoCopy(const OSSymbol *self)
{
	return self->super.string;
}
static inline unsigned int
OSSymbol_getLength(const OSSymbol *self)
{
	return self->super.length - 1;
}

/* Number of symbols in the pool (diagnostics and tests). */
unsigned int OSSymbol_poolCount(void);

#endif /* _LIBKERN_C_OSSYMBOL_H */
