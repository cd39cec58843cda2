/*
 * relocs.S — one of every x86-64 relocation kxld supports that the
 * compilers rarely emit on their own (GOTPCREL without relaxation, PC32 on a
 * jmp, PC64, GOTPCREL64, GOTOFF64, GOTPC32/64, GOT64, PLTOFF64, SIZE32/64,
 * GOT32, 8/16/32/32S/64 absolute, PC8/PC16, NONE), for test_relocs.c to check value by value.
 * Imports: kxld_test_kernel_value (data), kxld_test_kernel_callback (code),
 * kxld_test_small16 / kxld_test_small8 (absolute values given by the resolver).
 */
	.text
	.globl	relocs_target
	.type	relocs_target, @function
relocs_target:
	leal	(%rdi,%rdi,2), %eax
	ret
	.size	relocs_target, .-relocs_target

	/* GOTPCREL, not relaxable: the address of kernel data from the GOT. */
	.globl	relocs_got_load
	.type	relocs_got_load, @function
relocs_got_load:
	.reloc	. + 3, R_X86_64_GOTPCREL, kxld_test_kernel_value - 4
	movq	0(%rip), %rax
	ret
	.size	relocs_got_load, .-relocs_got_load

	/* PC32 on a jmp (what older toolchains emit for tail calls). */
	.globl	relocs_tail_pc32
	.type	relocs_tail_pc32, @function
relocs_tail_pc32:
	.byte	0xe9
	.reloc	., R_X86_64_PC32, kxld_test_kernel_callback - 4
	.long	0
	.size	relocs_tail_pc32, .-relocs_tail_pc32

	/* 32S: a sign-extended 32-bit immediate address (-mcmodel=kernel style). */
	.globl	relocs_abs32s
	.type	relocs_abs32s, @function
relocs_abs32s:
	movq	$kxld_test_kernel_value, %rax
	ret
	.size	relocs_abs32s, .-relocs_abs32s

	.data
	.p2align 3
	.globl	relocs_table
relocs_table:
	.reloc	., R_X86_64_PC64, relocs_target
	.quad	0					/* 0: relocs_target - &table[0] */
	.reloc	., R_X86_64_GOTPCREL64, kxld_test_kernel_value
	.quad	0					/* 8: GOT slot - &table[8] */
	.reloc	., R_X86_64_GOTPC64, _GLOBAL_OFFSET_TABLE_
	.quad	0					/* 16: GOT - &table[16] */
	.reloc	., R_X86_64_GOTOFF64, relocs_target
	.quad	0					/* 24: relocs_target - GOT */
	.reloc	., R_X86_64_GOT64, kxld_test_kernel_value
	.quad	0					/* 32: slot - GOT */
	.reloc	., R_X86_64_PLTOFF64, kxld_test_kernel_callback
	.quad	0					/* 40: callback - GOT */
	.reloc	., R_X86_64_SIZE64, relocs_target + 1
	.quad	0					/* 48: sizeof relocs_target + 1 */
	.reloc	., R_X86_64_GOTPC32, _GLOBAL_OFFSET_TABLE_
	.long	0					/* 56: GOT - &table[56] */
	.reloc	., R_X86_64_SIZE32, relocs_target
	.long	0					/* 60: sizeof relocs_target */
	.reloc	., R_X86_64_32, kxld_test_kernel_value
	.long	0					/* 64: &kxld_test_kernel_value */
	.reloc	., R_X86_64_16, kxld_test_small16
	.short	0					/* 68: 0x1234 */
	.reloc	., R_X86_64_8, kxld_test_small8
	.byte	0					/* 70: 0x56 */
	.reloc	., R_X86_64_PC8, relocs_near + 1
	.byte	0					/* 71: &near + 1 - &table[71] */
	.reloc	., R_X86_64_PC16, relocs_near
	.short	0					/* 72: &near - &table[72] */
	.short	0
	.reloc	., R_X86_64_64, relocs_target + 5
	.quad	0					/* 76: relocs_target + 5 */
	.reloc	., R_X86_64_NONE, relocs_target
	.long	0x11223344				/* 84: untouched */
	.reloc	., R_X86_64_GOT32, kxld_test_kernel_value
	.long	0					/* 88: slot - GOT */
	.globl	relocs_near
relocs_near:
	.long	0
