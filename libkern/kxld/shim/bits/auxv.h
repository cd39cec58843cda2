/*
 * bits/auxv.h — kernel-environment stand-in for glibc's header of the same
 * name, which <elf.h> includes at its end for the AT_* auxiliary-vector
 * constants. The kext linker never needs them, so this is empty; it is copied
 * into $(BUILD)/kinclude/bits/ with libelf.h, gelf.h and elf.h.
 */
