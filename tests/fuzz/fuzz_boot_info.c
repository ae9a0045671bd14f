/*
 * Fuzz the reading of the PVH start info (kernel/boot_info.c): Xen and the
 * toolstack write it, so for the VM it is outside input.
 *
 * Input: [version] [flags] [claimed entries, 2 bytes LE] [cut] [cmdline...]
 *   claimed  the memmap_entries start_info claims; the table really holds
 *            min(claimed, BOOT_MEMMAP_MAX) entries, from the last bytes of
 *            the input (zeros where it runs out), in a heap block of exactly
 *            that size: ASan sees any entry read past what the VM may trust
 *   cut      0..255: how many of the remaining bytes are the command line,
 *            times 8 (so it can pass 1023), placed in a heap block that ends
 *            with its NUL
 *
 * Checked, beyond "no crash":
 *  - the command line kept is the first min(strlen, 1023) bytes, NUL-ended,
 *    and cmdline_cut says whether there were more;
 *  - the RAM counted is the sum of the RAM entries read, and no more than
 *    BOOT_MEMMAP_MAX are read;
 *  - every console line boot_info_log() prints is one whole, printable line,
 *    and the "ignored" line comes exactly when entries were ignored.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/boot_info.h"
#include "lib/printk.h"
#include "sim/log_capture.h"

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_boot_info: property violated: %s\n", what);
        abort();
    }
}

static unsigned int ignored_lines, cut_lines;

static bool starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* Lines are told apart by how they start: the command line, shown quoted, may hold any text. */
static void sink(const char *s, size_t len, void *ctx)
{
    log_line_check_sink(s, len, ctx);
    if (starts(s, len, "test-vm: memory: error: start_info claims "))
        ignored_lines++;
    if (starts(s, len, "test-vm: cmdline: error: longer than "))
        cut_lines++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool sink_added;
    static struct boot_info bi;
    if (!sink_added)
        sink_added = printk_add_sink(sink, "fuzz_boot_info") == 0;
    if (size < 5)
        return 0;

    struct hvm_start_info si = {.magic = XEN_HVM_START_MAGIC_VALUE, .version = data[0]};
    si.flags = data[1];
    uint32_t claimed = (uint32_t)data[2] | (uint32_t)data[3] << 8;
    size_t rest = size - 5, cmd_len = (size_t)data[4] * 8;
    if (cmd_len > rest)
        cmd_len = rest;
    const uint8_t *cmd = data + 5, *table = cmd + cmd_len;
    size_t table_bytes = rest - cmd_len;

    char *cmdline = malloc(cmd_len + 1);
    memcpy(cmdline, cmd, cmd_len);
    cmdline[cmd_len] = '\0';
    si.cmdline_paddr = data[4] ? (uint64_t)(uintptr_t)cmdline : 0;

    size_t entries = claimed < BOOT_MEMMAP_MAX ? claimed : BOOT_MEMMAP_MAX;
    struct hvm_memmap_table_entry *map = calloc(entries ? entries : 1, sizeof(*map));
    memcpy(map, table, table_bytes < entries * sizeof(*map) ? table_bytes : entries * sizeof(*map));
    si.memmap_paddr = (uint64_t)(uintptr_t)map;
    si.memmap_entries = claimed;

    ignored_lines = cut_lines = 0;
    boot_info_read(&bi, &si);
    boot_info_log(&bi);

    size_t kept = si.cmdline_paddr ? strlen(cmdline) : 0;
    bool cut = kept > BOOT_CMDLINE_MAX - 1;
    if (cut)
        kept = BOOT_CMDLINE_MAX - 1;
    check(strlen(bi.cmdline) == kept, "the command line kept is min(its length, 1023) bytes");
    check(memcmp(bi.cmdline, cmdline, kept) == 0, "the command line kept is its start");
    check(bi.cmdline_cut == cut, "cmdline_cut says whether it was cut");
    check(cut_lines == (cut ? 1u : 0u), "a cut command line is said once, and only then");
    check(bi.dom0 == ((si.flags & SIF_INITDOMAIN) != 0), "dom0 is SIF_INITDOMAIN");

    bool has_map = si.version >= 1 && claimed;
    check(bi.has_memmap == has_map, "a memory map is read from version 1 with entries");
    uint64_t ram = 0;
    for (size_t i = 0; has_map && i < entries; i++) {
        if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
            ram += map[i].size;
    }
    check(bi.ram_bytes == ram, "the RAM is the sum of the RAM entries read");
    check(bi.memmap_read == (has_map ? entries : 0), "at most BOOT_MEMMAP_MAX entries are read");
    check(ignored_lines == (has_map && claimed > BOOT_MEMMAP_MAX ? 1u : 0u),
          "ignored entries are said once, and only then");

    free(map);
    free(cmdline);
    return 0;
}
