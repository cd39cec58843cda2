# kext.mk — a Makefile fragment for building a kext for kexthost with your own Makefile.
#
#   KEXTHOST ?= /path/to/kexthost          # the kexthost source tree
#   KEXT_NAME := HelloKext                  # bundle name and CFBundleExecutable
#   KEXT_SRCS := hello.c
#   KEXT_PLIST := Info.plist
#   include $(KEXTHOST)/mk/kext.mk
#   all: $(KEXT_BUNDLE)
#
# It compiles KEXT_SRCS with the kernel environment's flags (KEXT_CFLAGS,
# which you may extend), partially links them with `ld -r --build-id`, and
# assembles $(KEXT_BUNDLE) = $(KEXT_BUILD)/$(KEXT_NAME).kext. The sources must
# define kmod_info themselves (KMOD_EXPLICIT_DECL in <mach/kmod.h>); use
# kextbuild if you want it generated from the Info.plist. Install with
# `sudo cp -R Foo.kext <root>/Extensions/` (root-owned, not group/other writable).

KEXTHOST ?= $(dir $(lastword $(MAKEFILE_LIST)))..
KEXT_BUILD ?= build
KEXT_CC ?= $(CC)
KEXT_CFLAGS ?= -O2 -g -Wall
KEXT_ENV_CFLAGS := -nostdinc -isystem $(KEXTHOST)/sdk/Kernel -ffreestanding -fno-builtin -fno-common \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -DKERNEL -DKEXTHOST
KEXT_BUNDLE := $(KEXT_BUILD)/$(KEXT_NAME).kext
KEXT_OBJS := $(KEXT_SRCS:%.c=$(KEXT_BUILD)/$(KEXT_NAME).objs/%.o)

$(KEXT_BUILD)/$(KEXT_NAME).objs/%.o: %.c
	@mkdir -p $(dir $@)
	$(KEXT_CC) $(KEXT_ENV_CFLAGS) $(KEXT_CFLAGS) -c $< -o $@

$(KEXT_BUNDLE): $(KEXT_OBJS) $(KEXT_PLIST)
	rm -rf $@ && mkdir -p $@/Contents/MacOS
	ld -r --build-id -o $@/Contents/MacOS/$(KEXT_NAME) $(KEXT_OBJS)
	cp $(KEXT_PLIST) $@/Contents/Info.plist
	chmod -R go-w $@
