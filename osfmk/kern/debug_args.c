/*
 * debug_args.c — debug boot-args that no single subsystem owns.
 *
 *   keepsyms=1  keep symbol information for panic reports (panic reports
 *               consult the keepsyms global)
 *
 * debug= and -v are read with the message buffer (bsd/kern/subr_log.c),
 * io= by the I/O Kit (iokit/Kernel/IOKitDebug.c), -x and kext-dev-mode=1 by
 * the kext system (libkern/kext/OSKextAuth.c), and the checking boot-args
 * by their subsystems (lock order: lock_order.c, zone poisoning:
 * zalloc_debug.c, the watchdog: watchdog.c). docs/DEBUGGING.md lists them
 * all.
 */
#include <pexpert/pexpert.h>
#include "osfmk/kern/debug_internal.h"

int keepsyms;

void
debug_args_init(void)
{
	keepsyms = 0;
	(void)PE_parse_boot_argn("keepsyms", &keepsyms, sizeof(keepsyms));
}
