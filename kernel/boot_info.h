/*
 * What the kernel takes from the PVH start info (struct hvm_start_info,
 * arch-x86/hvm/start_info.h): the command line, the memory map and the dom0
 * flag.  Xen and the toolstack write it, so it is read within bounds like
 * any other outside input: at most BOOT_CMDLINE_MAX - 1 bytes of command
 * line and BOOT_MEMMAP_MAX memory map entries, whatever it claims, each
 * excess said in a log line.
 */
#ifndef KERNEL_BOOT_INFO_H
#define KERNEL_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/xen.h"

#define BOOT_CMDLINE_MAX 1024
/* Far more than a toolstack writes (the lab's xl writes 5). */
#define BOOT_MEMMAP_MAX 128

struct boot_info {
    uint32_t version, flags;
    bool dom0;                      /* SIF_INITDOMAIN: started as dom0 */
    char cmdline[BOOT_CMDLINE_MAX]; /* NUL-terminated; "" if there is none */
    bool cmdline_cut;               /* it was longer than BOOT_CMDLINE_MAX - 1 bytes */
    bool has_memmap;                /* version 1 or later, with a memory map */
    uint32_t memmap_entries;        /* as many as start_info says */
    uint32_t memmap_read;           /* as many as were read: at most BOOT_MEMMAP_MAX */
    uint64_t ram_bytes;             /* RAM in the entries read */
    uint64_t image_ram_end;         /* the end of the RAM entry holding 1 MiB (the image), or 0 */
};

/* Read si into *bi (physical addresses through arch_paddr_to_ptr()). */
void boot_info_read(struct boot_info *bi, const struct hvm_start_info *si);

/*
 * Log it: "test-vm: start_info version 1, flags 0x0, command line "..."" (the
 * command line quoted), a line for a command line that was cut, and the
 * memory lines.
 */
void boot_info_log(const struct boot_info *bi);

#endif
