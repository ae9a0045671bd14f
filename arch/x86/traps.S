/*
 * Interrupt entry points and the idle halt.  Exceptions save every register
 * into a struct trap_frame (arch/x86/traps.h) and call trap_handler(), which
 * reports and crashes the domain.  The event upcall saves the caller-saved
 * registers, calls events_upcall_at() with the address of the saved RIP
 * (which it moves past the halt if the upcall came before the halt ran) and
 * returns there (the kernel only takes interrupts in arch_idle()).
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

/* void arch_idle(void): STI's shadow covers the HLT, unless a virtual CPU loses it (arch.h). */
    .globl arch_idle, arch_idle_halt, arch_idle_woken
arch_idle:
    sti
arch_idle_halt:
    hlt
arch_idle_woken:
    cli
    ret

    .section .rodata
    .balign 8
    .globl exception_entries
exception_entries:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exception_\v
    .endr

    .section .note.GNU-stack, "", @progbits
