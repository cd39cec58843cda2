/*
 * kern_credential.c — kauth credentials: immutable, reference-counted sets
 * of user and group ids. A client process gets one built from its socket's
 * peer credentials at connect; the kernel's own (kernproc) is root.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kauth.h>
#include <kern/kalloc.h>
#include "bsd/sys/proc_internal.h"

kauth_cred_t
kauth_cred_create_ids(uid_t uid, gid_t gid)
{
	kauth_cred_t c = kalloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->cr_ref = 1;
	c->cr_uid = c->cr_ruid = c->cr_svuid = uid;
	c->cr_rgid = c->cr_svgid = gid;
	c->cr_ngroups = 1;
	c->cr_groups[0] = gid;
	return c;
}

void
kauth_cred_ref(kauth_cred_t cred)
{
	if (cred == NULL)
		panic("kauth_cred_ref: NULL credential");
	if (__atomic_fetch_add(&cred->cr_ref, 1, __ATOMIC_RELAXED) == 0)
		panic("kauth_cred_ref: credential %p already freed", cred);
}

void
kauth_cred_unref(kauth_cred_t *credp)
{
	kauth_cred_t c;

	if (credp == NULL || (c = *credp) == NULL)
		return;
	*credp = NULL;
	uint32_t old = __atomic_fetch_sub(&c->cr_ref, 1, __ATOMIC_ACQ_REL);
	if (old == 0)
		panic("kauth_cred_unref: over-release of credential %p", c);
	if (old == 1)
		kfree(c, sizeof(*c));
}

kauth_cred_t
kauth_cred_get(void)
{
	return current_proc()->p_ucred;
}

kauth_cred_t
kauth_cred_get_with_ref(void)
{
	kauth_cred_t c = kauth_cred_get();
	kauth_cred_ref(c);
	return c;
}

kauth_cred_t
kauth_cred_proc_ref(proc_t procp)
{
	kauth_cred_t c;

	if (procp == NULL)
		procp = current_proc();
	/* A process's credential never changes after creation here, so no lock is needed to read it. */
	c = procp->p_ucred;
	kauth_cred_ref(c);
	return c;
}

uid_t
kauth_cred_getuid(kauth_cred_t cred)
{
	return cred != NULL ? cred->cr_uid : KAUTH_UID_NONE;
}

uid_t
kauth_cred_getruid(kauth_cred_t cred)
{
	return cred != NULL ? cred->cr_ruid : KAUTH_UID_NONE;
}

uid_t
kauth_cred_getsvuid(kauth_cred_t cred)
{
	return cred != NULL ? cred->cr_svuid : KAUTH_UID_NONE;
}

gid_t
kauth_cred_getgid(kauth_cred_t cred)
{
	return cred != NULL ? cred->cr_groups[0] : KAUTH_GID_NONE;
}

gid_t
kauth_cred_getrgid(kauth_cred_t cred)
{
	return cred != NULL ? cred->cr_rgid : KAUTH_GID_NONE;
}

gid_t
kauth_cred_getsvgid(kauth_cred_t cred)
{
	return cred != NULL ? cred->cr_svgid : KAUTH_GID_NONE;
}

int
kauth_cred_issuser(kauth_cred_t cred)
{
	return cred != NULL && cred->cr_uid == 0;
}

int
kauth_cred_ismember_gid(kauth_cred_t cred, gid_t gid, int *resultp)
{
	if (cred == NULL || resultp == NULL)
		return EINVAL;
	*resultp = 0;
	for (int i = 0; i < cred->cr_ngroups; i++) {
		if (cred->cr_groups[i] == gid) {
			*resultp = 1;
			break;
		}
	}
	return 0;
}

int
suser(kauth_cred_t cred, u_short *acflag)
{
	if (kauth_cred_issuser(cred)) {
		if (acflag != NULL)
			*acflag |= ASU;
		return 0;
	}
	return EPERM;
}
