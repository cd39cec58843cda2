/*
 * kexthost/darwin_names.h — Darwin names for the kexthost system calls, for
 * porting Darwin user tools: include it after the system headers and calls
 * such as open(), read() and ioctl() go to the hosted kernel instead of
 * Linux. Do not include it in code that also needs the Linux calls.
 */
#ifndef _KEXTHOST_DARWIN_NAMES_H_
#define _KEXTHOST_DARWIN_NAMES_H_

#include <kexthost/kh_syscall.h>
#include <kexthost/kh_mach.h>

#define getpid kh_getpid
#define getppid kh_getppid
#define getuid kh_getuid
#define geteuid kh_geteuid
#define getgid kh_getgid
#define getegid kh_getegid
#define open kh_open
#define close kh_close
#define read kh_read
#define write kh_write
#define pread kh_pread
#define pwrite kh_pwrite
#define lseek kh_lseek
#define ioctl kh_ioctl

/* Mach (<kexthost/kh_mach.h>). */
#define mach_task_self() kh_mach_task_self()
#define mach_task_self_ kh_mach_task_self()
#define task_self_trap kh_task_self_trap
#define mach_host_self kh_mach_host_self
#define mach_reply_port kh_mach_reply_port
#define mig_get_reply_port kh_mig_get_reply_port
#define mach_msg kh_mach_msg
#define mach_port_allocate kh_mach_port_allocate
#define mach_port_destroy kh_mach_port_destroy
#define mach_port_deallocate kh_mach_port_deallocate
#define mach_port_mod_refs kh_mach_port_mod_refs
#define mach_port_names kh_mach_port_names
#define mach_port_type kh_mach_port_type
#define mach_port_get_refs kh_mach_port_get_refs
#define host_info kh_host_info
#define host_kernel_version kh_host_kernel_version
#define host_page_size kh_host_page_size
#define mach_zone_info kh_mach_zone_info
#define host_get_io_master kh_host_get_io_master
#define kext_request kh_kext_request
#define vm_deallocate kh_vm_deallocate

#endif /* _KEXTHOST_DARWIN_NAMES_H_ */
