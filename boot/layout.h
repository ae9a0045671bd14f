/* Constants shared by the boot assembly and C. */
#ifndef BOOT_LAYOUT_H
#define BOOT_LAYOUT_H

#define BOOT_CS64       0x08
#define BOOT_DS         0x10
#define BOOT_MAPPED_GIB 4 /* identity-mapped from 0; the console ring is at 0xfefff000 */
#define BOOT_STACK_SIZE (16 * 1024)
/* The double-fault handler's own stack (IST 1): the register dump and the crash. */
#define BOOT_DF_STACK_SIZE (8 * 1024)
#define BOOT_TSS_SEL       0x18 /* arch/x86/idt.c's GDT: null, code, data, the TSS */

#endif
