/*
 * sys/kauth.h — credentials (the kauth KPI). A credential holds the user and
 * group ids a process acts with; in kexthost they come from the client
 * socket's peer credentials (SO_PEERCRED), never from the client's words.
 * Credentials are reference counted and immutable once made.
 */
#ifndef _SYS_KAUTH_H_
#define _SYS_KAUTH_H_

#include <sys/cdefs.h>
#include <sys/types.h>
#include <sys/kernel_types.h>

#define KAUTH_UID_NONE (~(uid_t)0 - 100) /* as Darwin: not a valid uid */
#define KAUTH_GID_NONE (~(gid_t)0 - 100)

__BEGIN_DECLS
/* The current process's credential, without a reference (valid during the call). */
kauth_cred_t kauth_cred_get(void);
kauth_cred_t kauth_cred_get_with_ref(void);
kauth_cred_t kauth_cred_proc_ref(proc_t procp);
void kauth_cred_ref(kauth_cred_t cred);
/* Drop a reference and clear *credp. */
void kauth_cred_unref(kauth_cred_t *credp);
uid_t kauth_cred_getuid(kauth_cred_t cred);
uid_t kauth_cred_getruid(kauth_cred_t cred);
uid_t kauth_cred_getsvuid(kauth_cred_t cred);
gid_t kauth_cred_getgid(kauth_cred_t cred);
gid_t kauth_cred_getrgid(kauth_cred_t cred);
gid_t kauth_cred_getsvgid(kauth_cred_t cred);
int kauth_cred_issuser(kauth_cred_t cred);
/* Whether gid is among the credential's groups: 0 with *resultp set, or an errno. */
int kauth_cred_ismember_gid(kauth_cred_t cred, gid_t gid, int *resultp);
__END_DECLS

/* 0 when cred is the superuser, else EPERM; *acflag gets ASU when not NULL and root. */
#define ASU 0x02
__BEGIN_DECLS
int suser(kauth_cred_t cred, u_short *acflag);
__END_DECLS

#endif /* _SYS_KAUTH_H_ */
