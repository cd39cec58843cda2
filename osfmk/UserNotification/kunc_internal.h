/*
 * kunc_internal.h — KUNC's entry for the kernel: kunc_init registers the
 * agent's kernel control (called once by the PF_SYSTEM domain's init).
 */
#ifndef _KUNC_INTERNAL_H_
#define _KUNC_INTERNAL_H_

void kunc_init(void);

#endif /* _KUNC_INTERNAL_H_ */
