/* The PVH start info, read within bounds: see boot_info.h. */
#include "kernel/boot_info.h"

#include "arch/arch.h"
#include "lib/log.h"
#include "lib/quote.h"
#include "lib/string.h"

/* How much of the command line its console line shows (it stays one line). */
#define CMDLINE_SHOWN_MAX 400

static void read_cmdline(struct boot_info *bi, uint64_t paddr)
{
    bi->cmdline[0] = '\0';
    bi->cmdline_cut = false;
    if (!paddr)
        return;
    const char *src = arch_paddr_to_ptr(paddr);
    /* One byte more than is kept tells a cut one from one that just fits. */
    size_t n = strnlen(src, sizeof(bi->cmdline));
    if (n == sizeof(bi->cmdline)) {
        bi->cmdline_cut = true;
        n--;
    }
    memcpy(bi->cmdline, src, n);
    bi->cmdline[n] = '\0';
}

static void read_memmap(struct boot_info *bi, const struct hvm_start_info *si)
{
    bi->ram_bytes = 0;
    bi->image_ram_end = 0;
    bi->memmap_entries = bi->memmap_read = 0;
    /* Version 0 ends before memmap_paddr: not even its fields are read. */
    bi->has_memmap = si->version >= 1 && si->memmap_paddr && si->memmap_entries;
    if (!bi->has_memmap)
        return;
    bi->memmap_entries = si->memmap_entries;
    bi->memmap_read = si->memmap_entries < BOOT_MEMMAP_MAX ? si->memmap_entries : BOOT_MEMMAP_MAX;
    const struct hvm_memmap_table_entry *map = arch_paddr_to_ptr(si->memmap_paddr);
    for (uint32_t i = 0; i < bi->memmap_read; i++) {
        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        bi->ram_bytes += map[i].size;
        /* The image is loaded at 1 MiB (linker.ld): what follows it here is free. */
        if (map[i].addr <= 0x100000 && map[i].size > 0x100000 - map[i].addr)
            bi->image_ram_end = map[i].addr + map[i].size;
    }
}

void boot_info_read(struct boot_info *bi, const struct hvm_start_info *si)
{
    bi->version = si->version;
    bi->flags = si->flags;
    bi->dom0 = (si->flags & SIF_INITDOMAIN) != 0;
    read_cmdline(bi, si->cmdline_paddr);
    read_memmap(bi, si);
}

void boot_info_log(const struct boot_info *bi)
{
    char shown[CMDLINE_SHOWN_MAX];
    quote(shown, sizeof(shown), bi->cmdline, strlen(bi->cmdline), QUOTE_LOG, sizeof(shown));
    log_plain("start_info version %u, flags 0x%x, command line %s", bi->version, bi->flags, shown);
    if (bi->cmdline_cut)
        log_error("cmdline", "longer than %d bytes: only the first %d are used",
                  BOOT_CMDLINE_MAX - 1, BOOT_CMDLINE_MAX - 1);

    if (!bi->has_memmap) {
        log_info("memory", "no memory map in start_info");
        return;
    }
    if (bi->memmap_read < bi->memmap_entries)
        log_error(
            "memory",
            "start_info claims %u memory map entries: read the first %u, ignored the other %u",
            bi->memmap_entries, bi->memmap_read, bi->memmap_entries - bi->memmap_read);
    log_info("memory", "%lu KiB of RAM in %u memory map entries",
             (unsigned long)(bi->ram_bytes / 1024), bi->memmap_read);
}
