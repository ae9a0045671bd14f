#include <stdint.h>

#include "arch/x86/idt.h"
#include "boot/layout.h"

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct idt_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define IDT_INTERRUPT_GATE 0x8e /* present, ring 0, 64-bit interrupt gate */

extern const uint64_t exception_entries[32];
extern char event_upcall_entry[], nmi_entry[];

#define NMI_VECTOR          2
#define DOUBLE_FAULT_VECTOR 8
#define DOUBLE_FAULT_IST    1

static struct idt_entry idt[256];

/* The 64-bit TSS: only its IST 1 is used, the double-fault handler's stack. */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss;
extern char df_stack_top[]; /* boot/entry.S */

/*
 * boot/entry.S's GDT again (null, 64-bit code, flat data, the same
 * selectors), and a TSS descriptor (16 bytes, at BOOT_TSS_SEL): in .data,
 * since LTR marks the descriptor busy.
 */
static uint64_t gdt[5] = {0, 0x00af9a000000ffff, 0x00cf92000000ffff, 0, 0};

static void set_gate(unsigned int vector, uint64_t handler, uint8_t ist)
{
    idt[vector] = (struct idt_entry){
        .offset_low = (uint16_t)handler,
        .selector = BOOT_CS64,
        .ist = ist,
        .type_attr = IDT_INTERRUPT_GATE,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

/*
 * A double fault runs on its own stack (IST 1): a kernel stack overflow hits
 * the guard page below it (boot/entry.S), the CPU cannot push the page fault's
 * frame there, and raises #DF, which then still has a stack for the register
 * dump and the crash.
 */
static void load_tss(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
    tss.ist[DOUBLE_FAULT_IST - 1] = (uint64_t)(uintptr_t)df_stack_top;
    tss.iomap_base = sizeof(tss);
    gdt[BOOT_TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                            (0x89ull << 40) /* present, 64-bit TSS (available) */ |
                            ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[BOOT_TSS_SEL / 8 + 1] = base >> 32;

    struct idt_ptr ptr = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};
    __asm__ volatile("lgdt %0" ::"m"(ptr));
    __asm__ volatile("ltr %w0" ::"r"((uint16_t)BOOT_TSS_SEL));
}

void idt_init(void)
{
    load_tss();
    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, exception_entries[v], v == DOUBLE_FAULT_VECTOR ? DOUBLE_FAULT_IST : 0);
    /* Not an error: nmi_entry (traps.S) counts it and returns, as Linux carries on. */
    set_gate(NMI_VECTOR, (uint64_t)(uintptr_t)nmi_entry, 0);
    set_gate(EVENT_UPCALL_VECTOR, (uint64_t)(uintptr_t)event_upcall_entry, 0);

    struct idt_ptr ptr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(ptr));
}
