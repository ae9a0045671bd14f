/*
 * poke-guest-page DOMID PFN [OFFSET]: in dom0, flip every bit of one byte of
 * a guest's page (the byte at OFFSET, default 0, of guest frame PFN), through
 * a foreign mapping (libxenforeignmemory), as a buggy toolstack or hypervisor
 * losing a page in a migration would.  The lab's memcheck scenario uses it to
 * show that the VM reports such a page.  Exit status 0 when the byte was
 * changed; 1 with a message otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenforeignmemory.h>

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: poke-guest-page DOMID PFN [OFFSET]\n");
        return 1;
    }
    uint32_t domid = (uint32_t)strtoul(argv[1], NULL, 0);
    xen_pfn_t pfn = (xen_pfn_t)strtoull(argv[2], NULL, 0);
    unsigned long offset = argc == 4 ? strtoul(argv[3], NULL, 0) : 0;
    if (offset >= 4096) {
        fprintf(stderr, "poke-guest-page: OFFSET must be below 4096\n");
        return 1;
    }

    xenforeignmemory_handle *fmem = xenforeignmemory_open(NULL, 0);
    if (!fmem) {
        fprintf(stderr, "poke-guest-page: xenforeignmemory_open: %s\n", strerror(errno));
        return 1;
    }
    int err = 0;
    uint8_t *page = xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, 1, &pfn, &err);
    if (!page || err) {
        fprintf(stderr, "poke-guest-page: mapping frame 0x%lx of domain %u: %s\n",
                (unsigned long)pfn, domid, strerror(page ? -err : errno));
        xenforeignmemory_close(fmem);
        return 1;
    }
    uint8_t before = page[offset];
    page[offset] = (uint8_t)~before;
    printf("domain %u frame 0x%lx byte %lu: 0x%02x -> 0x%02x\n", domid, (unsigned long)pfn, offset,
           before, page[offset]);
    xenforeignmemory_unmap(fmem, page, 1);
    xenforeignmemory_close(fmem);
    return 0;
}
