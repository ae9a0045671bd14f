#!/bin/sh
# The Linux guest the benchmarks compare with (guest_create linux: Debian's
# kernel + a busybox initramfs, tools/lab/linux-guest) works as a tester
# would use it: it boots ready, acks a sysrq, obeys xl shutdown, xl reboot
# and a "halt" request, leaves "crash" unacked (Linux knows no such request),
# crashes on sysrq c, and survives an xl save / xl restore round trip.  A
# check, not a figure: it fails if Linux does not do one of these, so that
# make bench never compares against a guest that did not work.
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

WAIT=${BENCH_LINUX_WAIT:-90} # Linux boots in ~5 s here, slower on a busy host

# Two at a time: each xl create of Linux needs dom0 memory too (see density.sh).
guest_create linux lx
guest_create linux lr
for g in lx lr; do
    guest_wait_ready linux "$g" "$WAIT"
    # Ready comes from the kernel; init runs the wrappers that power off.
    expect_console "$g" "lab linux guest: init up" "$WAIT"
done

guest_sysrq lx
log "lx acked sysrq $LAB_SYSRQ_KEY"

# xl save / xl restore: Linux suspends in the kernel; after the restore it
# still answers (libxl remakes control/feature-* empty, so no "ready" key).
xl save lx /tmp/lx.save >lx-save.log 2>&1 || { cat lx-save.log; fail "expected xl save lx to succeed, saw: $(tail -n 1 lx-save.log)"; }
log "saved lx: $(stat -c %s /tmp/lx.save) bytes"
xl restore /tmp/lx.save >lx-restore.log 2>&1 || { cat lx-restore.log; fail "expected xl restore to succeed, saw: $(tail -n 1 lx-restore.log)"; }
rm -f /tmp/lx.save
expect_running lx
guest_sysrq lx 30
log "restored lx acked sysrq"

# xl shutdown -w: the kernel acks, runs /sbin/poweroff, the domain powers off.
timeout 60 xl shutdown -w lx >/dev/null 2>&1 || fail "expected xl shutdown -w lx to return 0 within 60 s, saw $?"
expect_reason lx poweroff

timeout 60 xl reboot lr >/dev/null 2>&1 || fail "expected xl reboot lr to succeed, saw $?"
vm_wait_shutdown lr 30
expect_reason lr reboot

vm_destroy lx
vm_destroy lr
guest_create linux lh
guest_create linux lc
for g in lh lc; do
    guest_wait_ready linux "$g" "$WAIT"
    expect_console "$g" "lab linux guest: init up" "$WAIT"
done

# "halt": Linux acks it and powers off (its halt request is a poweroff).
vm_write_key lh control/shutdown halt
vm_wait_shutdown lh 30
expect_key lh control/shutdown ""
expect_reason lh poweroff

# "crash" is no request Linux knows: never acked, the guest runs on.
vm_write_key lc control/shutdown crash
sleep 2
expect_key lc control/shutdown crash
expect_running lc
xl sysrq lc c
vm_wait_shutdown lc 30
expect_reason lc crash
pass
