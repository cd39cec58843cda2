/*
 * comdat.S — a COMDAT group (as C++ inline functions and templates produce):
 * the group's function and data must be loaded and callable like any other.
 */
	.section .text.comdat_twice,"axG",@progbits,comdat_twice,comdat
	.globl	comdat_twice
	.type	comdat_twice, @function
comdat_twice:
	leal	(%rdi,%rdi), %eax
	addl	comdat_bias(%rip), %eax
	ret
	.size	comdat_twice, .-comdat_twice

	.section .data.comdat_bias,"awG",@progbits,comdat_twice,comdat
	.globl	comdat_bias
	.type	comdat_bias, @object
comdat_bias:
	.long	5
	.size	comdat_bias, 4

	.text
	.globl	comdat_call
	.type	comdat_call, @function
comdat_call:
	jmp	comdat_twice
	.size	comdat_call, .-comdat_call

	.data
	.globl	kmod_info
kmod_info:
	.long	1
	.section .note.GNU-stack,"",@progbits
