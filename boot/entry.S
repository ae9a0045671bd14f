/*
 * The PVH entry (docs/misc/pvh.pandoc): Xen starts us in 32-bit protected
 * mode, paging off, flat segments, interrupts off, with %ebx holding the
 * physical address of struct hvm_start_info.  We check its magic, clear BSS,
 * identity-map the first 4 GiB (the console ring sits just under 4 GiB) with
 * 2 MiB pages, but for the first 2 MiB, mapped with 4 KiB pages so that the
 * page below the stack (boot_stack_guard) stays unmapped: an overflow faults
 * there (and ends in the double-fault handler, on its own stack) instead of
 * silently overwriting the page tables below.  Then we enter long mode, set
 * up the stack and call C.  The very first
 * instruction reads the TSC, where the guest's boot time starts
 * (kernel/boot_time.h): boot_entry_tsc is in .data, which the BSS clearing
 * leaves alone.
 */
#include "boot/layout.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_HVM_START_MAGIC      0x336ec578
#define DEBUG_PORT               0xe9

#define CR0_PE    (1 << 0)
#define CR0_NE    (1 << 5)
#define CR0_WP    (1 << 16)
#define CR0_PG    (1 << 31)
#define CR4_PAE   (1 << 5)
#define MSR_EFER  0xc0000080
#define EFER_LME  (1 << 8)
#define PTE_P_RW  0x003
#define PTE_LARGE 0x080

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                       /* name size */
    .long 4                       /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_start32

    .section .text.entry, "ax", @progbits
    .code32
    .globl pvh_start32
pvh_start32:
    rdtsc                         /* before anything else: the boot time's zero */
    mov %eax, boot_entry_tsc
    mov %edx, boot_entry_tsc + 4
    cld
    cmpl $XEN_HVM_START_MAGIC, (%ebx)
    jne bad_magic
    mov %ebx, %esi                /* keep start_info out of stosb's way */

    /* Clear BSS (page tables and the stack live there). */
    xor %eax, %eax
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    rep stosb

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
    movl $(boot_pdpt + PTE_P_RW), boot_pml4
    mov $boot_pdpt, %edi
    mov $boot_pd + PTE_P_RW, %eax
    mov $BOOT_MAPPED_GIB, %ecx
1:  mov %eax, (%edi)
    add $8, %edi
    add $4096, %eax
    loop 1b

    /* PD[0] -> boot_pt0: the first 2 MiB in 4 KiB pages, all but the guard. */
    mov $boot_pt0, %edi
    mov $PTE_P_RW, %eax
    mov $512, %ecx
6:  mov %eax, (%edi)
    add $8, %edi
    add $4096, %eax
    loop 6b
    mov $boot_stack_guard, %eax
    shr $12, %eax
    and $511, %eax
    movl $0, boot_pt0(, %eax, 8)

    mov $boot_pd, %edi
    mov $PTE_P_RW + PTE_LARGE, %eax
    xor %edx, %edx                /* high half of the physical address */
    mov $(BOOT_MAPPED_GIB * 512), %ecx
2:  mov %eax, (%edi)
    mov %edx, 4(%edi)
    add $8, %edi
    add $0x200000, %eax
    adc $0, %edx
    loop 2b
    movl $(boot_pt0 + PTE_P_RW), boot_pd

    /* Long mode: PAE, the page tables, EFER.LME, then paging. */
    mov $CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov $(CR0_PE | CR0_NE | CR0_WP | CR0_PG), %eax
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $BOOT_CS64, $long_mode

bad_magic:
    /* No start_info: say so on Xen's debug port and stop. */
    mov $bad_magic_msg, %esi
    mov $DEBUG_PORT, %dx
3:  lodsb
    test %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  cli
    hlt
    jmp 4b

    .code64
long_mode:
    mov $BOOT_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %esi, %edi                /* arg 0: the start_info (zero-extended) */
    call kernel_entry
5:  cli
    hlt
    jmp 5b

    .section .data
    .balign 8
    .globl boot_entry_tsc
boot_entry_tsc:
    .quad 0

    .section .rodata
bad_magic_msg:
    .asciz "test-vm: FATAL: no PVH start_info (bad magic in %ebx)\n"

    .balign 8
boot_gdt:
    .quad 0                       /* null */
    .quad 0x00af9a000000ffff      /* BOOT_CS64: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff      /* BOOT_DS: flat data */
boot_gdt_end:
    .globl boot_gdt_ptr
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .bss
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096 * BOOT_MAPPED_GIB
boot_pt0:
    .skip 4096

/*
 * The stacks, in a section of their own (linker.ld keeps them under 2 MiB,
 * where boot_pt0 maps 4 KiB pages): the unmapped guard page, the kernel's
 * stack, and the double-fault handler's (IST 1, arch/x86/idt.c).
 */
    .section .bss.stacks, "aw", @nobits
    .balign 4096
    .globl boot_stack_guard, boot_stack, boot_stack_top, df_stack_top
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
    .skip BOOT_DF_STACK_SIZE
df_stack_top:

    .section .note.GNU-stack, "", @progbits
