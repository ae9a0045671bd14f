#!/bin/sh
# fault, triple-fault, soft-reset on real Xen.  fault: a page fault, the
# register dump, reason 3 (crash).  triple-fault: Xen, not the guest, decides:
# it shuts the domain down with HVM_PARAM_TRIPLE_FAULT_REASON, which Xen sets
# to SHUTDOWN_reboot (reason 1) and libxl leaves alone, on 4.17 and 4.20
# alike.  soft-reset: reason 5; xl's default on_soft_reset ("soft-reset")
# cannot soft-reset a PVH domain (libxl_domain_soft_reset accepts HVM only),
# so xl destroys it; with on_soft_reset="restart" xl boots it again from
# scratch, and the new domain works.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create fault
vm_create triple
vm_create kept on_soft_reset=preserve
vm_create xldefault
vm_create restarted on_soft_reset=restart
for vm in fault triple kept xldefault restarted; do vm_wait_ready "$vm"; done

expect_accepted fault '{"when":"now","action":"fault"}'
vm_wait_shutdown fault
expect_reason fault crash
expect_console fault 'test-vm: action: fault (reading unmapped address 0x800000000)'
expect_console fault 'test-vm: FATAL: exception 14 (#PF page fault)'
expect_console_re fault 'rip +(0x)?[0-9a-f]{16}'

expect_accepted triple '{"when":"now","action":"triple-fault"}'
vm_wait_shutdown triple
expect_console triple 'test-vm: action: triple-fault (an exception with no IDT: Xen decides what becomes of the domain)'
log "Xen: $(xl dmesg | grep -i 'triple fault' | tail -n 1)"
expect_reason triple reboot

expect_accepted kept '{"when":"now","action":"soft-reset"}'
vm_wait_shutdown kept
expect_reason kept 5
expect_console kept 'test-vm: action: soft-reset'

# Written, not expect_accepted: xl may replace the domain before dom0 sees
# the VM count the command.
old=$(vm_domid restarted)
for vm in xldefault restarted; do
    lab_testing_key "$vm"
    xenstore-write "$_p" '{"when":"now","action":"soft-reset"}'
done
end=$(lab_deadline 30)
while vm_domid xldefault >/dev/null && lab_before "$end"; do usleep 100000; done
vm_domid xldefault >/dev/null && fail "expected xl to destroy xldefault after its soft reset, saw $(vm_state xldefault)"
# xl's own log of the domain, under its name in Xen (lib/names.sh).
xl_log=/var/log/xen/xl-$(lab_guest xldefault).log
grep -q 'Action for shutdown reason code 5 is soft-reset' "$xl_log" ||
    fail "expected xl's log to show its soft-reset action, saw: $(tail -n 3 "$xl_log")"
log "xldefault: destroyed by xl after its soft reset"

end=$(lab_deadline 30)
while { [ "$(vm_domid restarted)" = "$old" ] || ! vm_domid restarted >/dev/null; } && lab_before "$end"; do
    usleep 100000
done
new=$(vm_domid restarted) || fail "expected xl to restart restarted, saw no such domain"
[ "$new" != "$old" ] || fail "expected a new domain after on_soft_reset=restart, saw domid $old still"
vm_wait_ready restarted 30
expect_key restarted data/test-vm/boots 1
log "restarted: domid $old -> $new, ready"
expect_accepted restarted '{"when":"now","action":"poweroff"}'
vm_wait_shutdown restarted
expect_reason restarted poweroff
pass
