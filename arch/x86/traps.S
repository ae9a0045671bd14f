/*
 * Interrupt entry points and the idle halt.  Exceptions save every register
 * into a struct trap_frame (arch/x86/traps.h) and call trap_handler(), which
 * reports and crashes the domain.  The event upcall saves the caller-saved
 * registers, calls events_upcall_at() with the address of the saved RIP
 * (which it moves past the halt if the upcall came before the halt ran) and
 * returns there (the kernel only takes interrupts in arch_idle()).
 *
 * An NMI (vector 2, `xl trigger DOM nmi`) is not an error: nmi_entry counts
 * it and returns (arch.h, arch_nmi_count()); the idle path reports it.
 */
#include "arch/x86/idt.h"

    .text
    .code64

/* Exceptions for which the CPU pushes no error code get a 0, for one layout. */
.macro EXCEPTION vector, has_error
    .globl exception_\vector
exception_\vector:
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\vector
    jmp exception_common
.endm

EXCEPTION 0, 0
EXCEPTION 1, 0
EXCEPTION 2, 0
EXCEPTION 3, 0
EXCEPTION 4, 0
EXCEPTION 5, 0
EXCEPTION 6, 0
EXCEPTION 7, 0
EXCEPTION 8, 1
EXCEPTION 9, 0
EXCEPTION 10, 1
EXCEPTION 11, 1
EXCEPTION 12, 1
EXCEPTION 13, 1
EXCEPTION 14, 1
EXCEPTION 15, 0
EXCEPTION 16, 0
EXCEPTION 17, 1
EXCEPTION 18, 0
EXCEPTION 19, 0
EXCEPTION 20, 0
EXCEPTION 21, 1
EXCEPTION 22, 0
EXCEPTION 23, 0
EXCEPTION 24, 0
EXCEPTION 25, 0
EXCEPTION 26, 0
EXCEPTION 27, 0
EXCEPTION 28, 0
EXCEPTION 29, 1
EXCEPTION 30, 1
EXCEPTION 31, 0

exception_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call trap_handler             /* does not return */
1:  cli
    hlt
    jmp 1b

/*
 * The NMI handler.  An NMI comes at any time, interrupts off or not, in the
 * middle of any code (a printk, the upcall, a trap handler), so it touches
 * nothing that code uses: it counts, and if it landed in arch_idle before the
 * halt it resumes after it instead (so arch_idle returns and the NMI is
 * reported at once rather than at the next event).  It runs on the stack it
 * interrupted, without an IST stack: the kernel never leaves ring 0 and has
 * no SYSCALL, so that stack is always a good one, and a nested NMI (none can
 * come before our iretq: the CPU blocks NMIs until the next IRET, and nothing
 * here faults or returns early) could not overwrite our frame.  The iretq
 * restores RFLAGS, so the flags cmp changes need no saving.
 */
    .globl nmi_entry
nmi_entry:
    incq nmi_count(%rip)          /* one instruction: nothing can see half of it */
    push %rax
    push %rcx
    mov 16(%rsp), %rax            /* the interrupted RIP, above the 2 registers */
    lea arch_idle(%rip), %rcx
    cmp %rcx, %rax
    jb 1f
    lea arch_idle_woken(%rip), %rcx
    cmp %rcx, %rax
    jae 1f
    lea arch_idle_nmi(%rip), %rax
    mov %rax, 16(%rsp)
1:  pop %rcx
    pop %rax
    iretq

    .globl event_upcall_entry
event_upcall_entry:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    cld
    lea 72(%rsp), %rdi            /* the saved RIP, above the 9 registers */
    call events_upcall_at
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    iretq

/*
 * void arch_idle(void): STI's shadow covers the HLT, unless a virtual CPU
 * loses it (arch.h).  An NMI not yet seen here returns at once instead of
 * halting; nmi_entry sends one that lands before the halt to arch_idle_nmi.
 * Either way each NMI ends at most one idle early.
 */
    .globl arch_idle, arch_idle_halt, arch_idle_woken
arch_idle:
    mov nmi_count(%rip), %rax
    cmp nmi_idle_seen(%rip), %rax
    jne arch_idle_nmi
    sti
arch_idle_halt:
    hlt
arch_idle_woken:
    cli
    ret
arch_idle_nmi:
    cli
    mov nmi_count(%rip), %rax
    mov %rax, nmi_idle_seen(%rip)
    ret

    .section .bss
    .balign 8
    .globl nmi_count
nmi_count:                        /* NMIs received: arch_nmi_count() */
    .skip 8
nmi_idle_seen:                    /* nmi_count when arch_idle last returned for an NMI */
    .skip 8

    .section .rodata
    .balign 8
    .globl exception_entries
exception_entries:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exception_\v
    .endr

    .section .note.GNU-stack, "", @progbits
