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

#define NMI_VECTOR 2

static struct idt_entry idt[256];

static void set_gate(unsigned int vector, uint64_t handler)
{
    idt[vector] = (struct idt_entry){
        .offset_low = (uint16_t)handler,
        .selector = BOOT_CS64,
        .type_attr = IDT_INTERRUPT_GATE,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

void idt_init(void)
{
    for (unsigned int v = 0; v < 32; v++)
        set_gate(v, exception_entries[v]);
    /* Not an error: nmi_entry (traps.S) counts it and returns, as Linux carries on. */
    set_gate(NMI_VECTOR, (uint64_t)(uintptr_t)nmi_entry);
    set_gate(EVENT_UPCALL_VECTOR, (uint64_t)(uintptr_t)event_upcall_entry);

    struct idt_ptr ptr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(ptr));
}
