/*
 * pexpert/pexpert.h — the platform expert's boot-argument interface.
 */
#ifndef _PEXPERT_PEXPERT_H_
#define _PEXPERT_PEXPERT_H_

#include <sys/cdefs.h>
#include <mach/boolean.h>

/*
 * PE_parse_boot_argn: look up `arg_string` in the boot-args. A bare flag
 * ("-v") stores 1 into an int; "name=number" stores the number (decimal,
 * 0x hex, 0 octal) truncated to max_arg bytes; "name=string" copies the
 * string (NUL-terminated, at most max_arg bytes). TRUE when found.
 */
boolean_t PE_parse_boot_argn(const char *arg_string, void *arg_ptr, int max_arg);
boolean_t PE_parse_boot_arg_str(const char *arg_string, char *arg_ptr, int strlen);
const char *PE_boot_args(void);

#endif /* _PEXPERT_PEXPERT_H_ */
