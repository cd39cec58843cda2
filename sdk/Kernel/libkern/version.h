/*
 * libkern/version.h — the running kernel's version, as exported by the
 * Libkern KPI: the banner string, the Darwin release and its parts.
 */
#ifndef LIBKERN_VERSION_H
#define LIBKERN_VERSION_H

/* "Darwin Kernel Version 19.6.0: <build date>; root:<build>/RELEASE_X86_64" */
extern const char version[];
/* Darwin release ("19.6.0") and operating system type ("Darwin"). */
extern const char osrelease[];
extern const char ostype[];
extern const int version_major;
extern const int version_minor;
extern const int version_revision;
/* Release stage: 0x20 development, 0x40 alpha, 0x60 beta, 0x80 final. */
extern const int version_stage;
extern const int version_prerelease_level;
extern const char version_variant[];

#endif /* LIBKERN_VERSION_H */
