/*
 * MyLibrary.h — the interface of the MyLibrary library kext. A library kext
 * has OSBundleCompatibleVersion in its Info.plist and exports its global
 * symbols to the kexts that name it in their OSBundleLibraries.
 */
#ifndef _MYLIBRARY_H_
#define _MYLIBRARY_H_

/* Adds a and b, and counts the call in MyLibrary_calls. */
int MyLibrary_add(int a, int b);

/* How many times MyLibrary_add ran since the library started. */
extern unsigned int MyLibrary_calls;

#endif /* _MYLIBRARY_H_ */
