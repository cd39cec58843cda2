/*
 * kern/debug.h — panic() and the debug flags a kext may consult.
 */
#ifndef _KERN_DEBUG_H_
#define _KERN_DEBUG_H_

#include <sys/cdefs.h>
#include <stdint.h>

/* Bits of the debug= boot-arg. */
#define DB_HALT 0x1
#define DB_PRT 0x2
#define DB_NMI 0x4
#define DB_KPRT 0x8
#define DB_KDB 0x10
#define DB_ARP 0x40
#define DB_KDP_BP_DIS 0x80
#define DB_LOG_PI_SCRN 0x100
#define DB_KDP_GETC_ENA 0x200
#define DB_KERN_DUMP_ON_PANIC 0x400
#define DB_KERN_DUMP_ON_NMI 0x800
#define DB_DBG_POST_CORE 0x1000
#define DB_PANICLOG_DUMP 0x2000
#define DB_REBOOT_POST_CORE 0x4000

extern unsigned int debug_boot_arg;

__dead2 void panic(const char *string, ...) __printflike(1, 2);
void Debugger(const char *message);

#endif /* _KERN_DEBUG_H_ */
