#!/usr/bin/env bash
# tests/lab/host/offxen.sh: a host-side check, no Xen.  The kernel booted by
# plain QEMU (which follows the PVH ELF note) finds no Xen CPUID leaves, says
# "not running on Xen" on port 0xe9 and ends QEMU through isa-debug-exit:
# writing 1 to port 0xf4 makes QEMU exit with status (1 << 1) | 1 = 3.
#
#   tests/lab/host/offxen.sh [KERNEL]     (default $LAB_KERNEL or build/test-vm.xen)
# The port 0xe9 log goes to $LAB_OUT/debugcon.log (default: a temporary file).
# Exit status 0 passes; on failure the last line is "FAIL: expected ..., saw ...".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
kernel=${1:-${LAB_KERNEL:-$repo/build/test-vm.xen}}
fail() { echo "FAIL: $*"; exit 1; }

[ -f "$kernel" ] || fail "expected a kernel at $kernel, saw none (run make)"
if [ -n "${LAB_OUT:-}" ]; then
    mkdir -p "$LAB_OUT"
    log=$LAB_OUT/debugcon.log
else
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
fi
: >"$log"

set +e
timeout 20 qemu-system-x86_64 -kernel "$kernel" -debugcon "file:$log" \
    -device isa-debug-exit,iobase=0xf4 -display none -monitor none -serial none \
    -no-reboot
status=$?
set -e

sed 's/^/  0xe9: /' "$log"
grep -q "not running on Xen" "$log" ||
    fail "expected \"not running on Xen\" on port 0xe9, saw $(wc -l <"$log") lines${status:+ (QEMU status $status)}"
[ "$status" = 3 ] ||
    fail "expected QEMU to exit with status 3 (isa-debug-exit, value 1), saw $status$([ "$status" = 124 ] && echo ': timed out after 20 s')"
echo "PASS"
