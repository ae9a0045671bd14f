#!/bin/sh
# memcheck=8, then dom0 changes one byte of a filled guest page through a
# foreign mapping (poke-guest-page, libxenforeignmemory), as a toolstack or
# hypervisor that loses a page would: the next check reports it, with the
# frame, in data/test-vm/memcheck and on the console.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm memory=16 cmdline="memcheck=8"
vm_wait_ready vm
expect_key vm data/test-vm/memcheck "filled 2048"
first=$(grep -o 'memcheck: filled 2048 pages (8192 KiB) from pfn 0x[0-9a-f]*' "$(console_log vm)" | tail -n 1 | sed 's/.* pfn //')
[ -n "$first" ] || fail "expected the fill line to name its first pfn, saw none"
target=$(printf '0x%x' $((first + 1000)))
log "filled from pfn $first; changing pfn $target"
poke-guest-page "$(vm_domid vm)" "$target" 123 >poke.log 2>&1 || { cat poke.log; fail "expected poke-guest-page to change a byte of pfn $target, saw it fail"; }
log "$(cat poke.log)"

expect_accepted vm '{"when":"now","action":"memcheck"}'
vm_wait_key vm data/test-vm/memcheck "corrupt 1 first-pfn $target"
expect_console vm "$target"
expect_running vm
pass
