# xen-test-vm: a tiny PVH guest kernel for testing Xen toolstacks.
#
#   make              build/test-vm.xen and build/test-vm.xen.gz
#   make unit         host unit tests (cmocka, ASan+UBSan) against a simulated Xen
#   make fuzz         run every fuzz target for FUZZ_SECONDS (default 60) each
#   make test         unit tests, a short fuzz run and the lab scenarios on real Xen
#   make lab          the lab (Xen + dom0 under QEMU) with the VM booted in it
#   make bench        benchmarks that print figures
#   make format       clang-format every source file

VERSION    := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV    := $(shell git rev-parse --short HEAD 2>/dev/null || echo nogit)

CROSS_COMPILE ?=
CC         := $(CROSS_COMPILE)gcc
LD         := $(CROSS_COMPILE)ld
OBJCOPY    := $(CROSS_COMPILE)objcopy
HOSTCC     ?= gcc
CLANG      ?= clang
B          := build

WARN       := -Wall -Wextra -Werror
COMMON     := -std=c11 $(WARN) -I. -DTEST_VM_VERSION='"$(VERSION)-$(GIT_REV)"'

# The kernel: freestanding, no red zone (interrupts land on the same stack),
# no SSE (the kernel never saves vector state), no stack protector or PIE.
KCFLAGS    := $(COMMON) -ffreestanding -nostdlib -mno-red-zone -mgeneral-regs-only \
              -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
              -fno-builtin -fno-tree-loop-distribute-patterns -fcf-protection=none -mcmodel=small -Os -g -MMD -MP
KASFLAGS   := $(KCFLAGS) -D__ASSEMBLY__
KLDFLAGS   := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 --build-id=none --no-warn-rwx-segments \
              -T linker.ld

# The portable sources: they build into the kernel and, unchanged, into the
# host tests.  Only boot/ and arch/x86/ (and kernel/main.c, the bring-up
# order and idle loop) are kernel-only.
PORTABLE_SRCS := $(wildcard lib/*.c drivers/*.c) $(filter-out kernel/main.c,$(wildcard kernel/*.c))
KERNEL_SRCS   := $(wildcard boot/*.S arch/x86/*.S arch/x86/*.c) kernel/main.c $(PORTABLE_SRCS)
KERNEL_OBJS   := $(patsubst %,$(B)/kernel/%.o,$(KERNEL_SRCS))

.PHONY: all kernel deps unit unit-build fuzz fuzz-build test lab bench format clean size
all: kernel
kernel: $(B)/test-vm.xen $(B)/test-vm.xen.gz

$(B)/kernel/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/kernel/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# build/test-vm.elf keeps symbols and debug info (for gdb); the image Xen
# loads is the same ELF stripped.
$(B)/test-vm.elf: $(KERNEL_OBJS) linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS)

$(B)/test-vm.xen: $(B)/test-vm.elf
	$(OBJCOPY) --strip-all $< $@

$(B)/test-vm.xen.gz: $(B)/test-vm.xen
	gzip -9 -n -c $< > $@

size: $(B)/test-vm.xen $(B)/test-vm.xen.gz
	@size $(B)/test-vm.xen
	@stat -c '%n: %s bytes' $^

# ---- host build: the same portable sources, with sanitizers, against tests/sim
HCFLAGS    := $(COMMON) -g -O1 -DHOST_BUILD -D_DEFAULT_SOURCE -Itests -fsanitize=address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP
HLDFLAGS   := -fsanitize=address,undefined
SIM_SRCS   := $(wildcard tests/sim/*.c)
HOST_OBJS  := $(patsubst %,$(B)/host/%.o,$(PORTABLE_SRCS) $(SIM_SRCS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(B)/host/unit/%,$(UNIT_SRCS))

$(B)/host/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HCFLAGS) -c $< -o $@

$(B)/host/libtestvm.a: $(HOST_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/host/unit/%: tests/unit/%.c $(B)/host/libtestvm.a
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HCFLAGS) $< -o $@ $(B)/host/libtestvm.a $(HLDFLAGS) -lcmocka

unit: $(UNIT_BINS)
	@tests/run-unit $(UNIT_BINS)

# ---- fuzzing (libFuzzer, clang), same sources again
FUZZ_SECONDS ?= 60
FZCFLAGS   := $(COMMON) -g -O1 -DHOST_BUILD -D_DEFAULT_SOURCE -DFUZZ_BUILD -Itests \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))

$(B)/fuzz/%: tests/fuzz/%.c $(PORTABLE_SRCS) $(SIM_SRCS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FZCFLAGS) $< $(PORTABLE_SRCS) $(SIM_SRCS) -o $@

fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_BINS)
	@tests/run-fuzz $(FUZZ_SECONDS) $(FUZZ_BINS)

# ---- everything.  `make test` and `make lab` first install any missing
# Debian package (tools/install-deps), so both work on a fresh machine.
deps:
	@tools/install-deps

test: deps
	@$(MAKE) --no-print-directory kernel unit-build fuzz-build
	@tests/run-all

unit-build: $(UNIT_BINS)

lab: deps
	@$(MAKE) --no-print-directory kernel
	@tools/lab/run --interactive

bench: kernel
	@tests/bench/run

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
