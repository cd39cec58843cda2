/*
 * panics.h — saved panic reports (host/panics.c): `kexthost panics` and
 * `kexthost symbolicate`.
 */
#ifndef KEXTHOST_HOST_PANICS_H
#define KEXTHOST_HOST_PANICS_H

#include <stdio.h>

/* List <root>/Library/Logs/DiagnosticReports/Kernel-*.panic, oldest first. 0. */
int panics_list(const char *root, FILE *out);
/* Print the report with its backtrace re-symbolicated; extra: bundles to search first. 0 or 1. */
int panics_symbolicate(const char *report_path, const char *root, const char *const *extra, unsigned nextra,
                       FILE *out);

#endif
