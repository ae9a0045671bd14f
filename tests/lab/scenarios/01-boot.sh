#!/bin/sh
# Boot: `xl create` of the kernel as a PVH guest.  Its banner, with the Xen
# version, reaches xenconsoled's log of the guest's PV console (guest-boot.log),
# and the guest says it is ready in xenstore (data/test-vm/state = "ready").
# The PV console is a terminal: every line ends in CR LF, as Linux and Mini-OS
# send it, so `xl console` shows no staircase.  The guest's own boot time:
# data/test-vm/boot-us (entry -> ready) and boot-stages ("c-entry=N ...
# ready=N"), every stage there, in order, non-decreasing, ending at boot-us,
# and the same on the console; printed, not judged.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create boot
expect_console_re boot "^xen-test-vm [^ ]+ on Xen $(echo "$LAB_XEN" | sed 's/\./\\./')([^0-9]|\$)"
vm_wait_ready boot
cr=$(printf '\r')
bare=$(grep -c -v "$cr\$" "$(console_log boot)")
[ "$bare" = 0 ] || fail "expected every console line to end in CR LF, saw $bare ending in a bare LF"

boot_us=$(vm_read_key boot data/test-vm/boot-us) || fail "expected data/test-vm/boot-us, saw no such key"
case $boot_us in
'' | *[!0-9]*) fail "expected data/test-vm/boot-us to be a number of microseconds, saw \"$boot_us\"" ;;
esac
stages=$(vm_read_key boot data/test-vm/boot-stages) || fail "expected data/test-vm/boot-stages, saw no such key"
want="c-entry hypercall-page events console xenstore domid features watches ready"
names=$(echo "$stages" | tr ' ' '\n' | sed 's/=.*//' | tr '\n' ' ')
[ "$names" = "$want " ] || fail "expected the stages \"$want\" in that order, saw \"$stages\""
prev=0
for kv in $stages; do
    v=${kv#*=}
    case $v in
    '' | *[!0-9]*) fail "expected a number of microseconds in \"$kv\" (boot-stages \"$stages\")" ;;
    esac
    [ "$v" -ge "$prev" ] || fail "expected non-decreasing stages, saw $kv after $prev (\"$stages\")"
    prev=$v
done
[ "$prev" = "$boot_us" ] || fail "expected the last stage (ready) to be boot-us $boot_us, saw $prev"
expect_console boot "test-vm: boot: $boot_us us from entry to ready ($stages)"
log "boot-us $boot_us; boot-stages $stages"
pass
