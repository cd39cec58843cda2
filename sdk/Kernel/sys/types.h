/*
 * sys/types.h — the BSD and kernel data types as Kernel.framework defines them
 * on x86_64 (KERNEL view: user_addr_t and friends are always 64-bit).
 */
#ifndef _SYS_TYPES_H_
#define _SYS_TYPES_H_

#include <sys/cdefs.h>
#include <sys/_types.h>
#include <stdint.h>
#include <stddef.h>

typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef unsigned short ushort;
typedef unsigned int uint;

typedef uint8_t u_int8_t;
typedef uint16_t u_int16_t;
typedef uint32_t u_int32_t;
typedef uint64_t u_int64_t;
typedef int64_t quad_t;
typedef uint64_t u_quad_t;
typedef quad_t *qaddr_t;

typedef char *caddr_t;
typedef int32_t daddr_t;
typedef __darwin_dev_t dev_t;
typedef u_int32_t fixpt_t;
typedef __darwin_blkcnt_t blkcnt_t;
typedef __darwin_blksize_t blksize_t;
typedef __darwin_gid_t gid_t;
typedef __uint32_t in_addr_t;
typedef __uint16_t in_port_t;
typedef __darwin_ino_t ino_t;
typedef __darwin_ino64_t ino64_t;
typedef __int32_t key_t;
typedef __darwin_mode_t mode_t;
typedef __uint16_t nlink_t;
typedef __darwin_id_t id_t;
typedef __darwin_pid_t pid_t;
typedef __darwin_off_t off_t;
typedef int32_t segsz_t;
typedef int32_t swblk_t;
typedef __darwin_uid_t uid_t;
typedef __darwin_ssize_t ssize_t;
typedef __darwin_time_t time_t;
typedef __darwin_useconds_t useconds_t;
typedef __darwin_suseconds_t suseconds_t;
typedef __darwin_sigset_t sigset_t;
typedef unsigned long clock_t;
typedef int errno_t;
typedef __int64_t rsize_t;
typedef __darwin_uuid_t uuid_t;
typedef __darwin_uuid_string_t uuid_string_t;

/* User-space addresses and sizes as the kernel sees them: always 64-bit. */
typedef __uint64_t user_addr_t;
typedef __uint64_t user_size_t;
typedef __int64_t user_ssize_t;
typedef __int64_t user_long_t;
typedef __uint64_t user_ulong_t;
typedef __int64_t user_time_t;
typedef __int64_t user_off_t;
#define USER_ADDR_NULL ((user_addr_t)0)
#define CAST_USER_ADDR_T(a_ptr) ((user_addr_t)((uintptr_t)(a_ptr)))

#define major(x) ((int32_t)(((u_int32_t)(x) >> 24) & 0xff))
#define minor(x) ((int32_t)((x)&0xffffff))
#define makedev(x, y) ((dev_t)(((x) << 24) | (y)))
#define NODEV (dev_t)(-1)

#include <sys/kernel_types.h>

#endif /* _SYS_TYPES_H_ */
