#!/bin/sh
# Chaos over three VMs at once: a fixed pseudo-random sequence of NMIs,
# sysrq keys, good and bad commands, onshutdown commands cancelled, and
# checkpoints (xl save -c), each VM's steps interleaved with the others'.
# Every step must be seen by its VM (its console line, its counter or its
# key), and at the end each VM obeys `xl shutdown`.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

VMS="ca cb cc"
STEPS=${CHAOS_STEPS:-6} # per VM
for v in $VMS; do vm_create "$v"; done
for v in $VMS; do vm_wait_ready "$v"; done

# wait_count VM TEXT N: the VM's console shows TEXT (a fixed string) N times.
wait_count() {
    _f=$(console_log "$1")
    _end=$(lab_deadline 10)
    while lab_before "$_end"; do
        [ "$(grep -cF -- "$2" "$_f" 2>/dev/null)" -ge "$3" ] && return 0
        usleep 50000
    done
    fail "expected \"$2\" $3 times on $1's console within 10s, saw $(grep -cF -- "$2" "$_f" 2>/dev/null)"
}

# Per VM: NMIs, sysrq keys and checkpoints seen so far ("n_ca" ...).
for v in $VMS; do eval "nmi_$v=0 sysrq_$v=0 ckpt_$v=0"; done
seed=6 n=0 # with 6 steps on 3 VMs: every kind of step at least twice
start=$(lab_now_ms)
i=0
while [ "$i" -lt "$STEPS" ]; do
    for v in $VMS; do
        seed=$(((seed * 1103515245 + 12345) % 2147483648))
        case $((seed / 65536 % 6)) in
        0)
            xl trigger "$v" nmi || fail "expected xl trigger $v nmi to succeed"
            eval "nmi_$v=\$((nmi_$v + 1)); n=\$nmi_$v"
            expect_console "$v" "test-vm: nmi: received ($n so far)"
            ;;
        1)
            xl sysrq "$v" h || fail "expected xl sysrq $v h to succeed"
            eval "sysrq_$v=\$((sysrq_$v + 1)); n=\$sysrq_$v"
            wait_count "$v" 'test-vm: control/sysrq: key "h" ignored' "$n"
            ;;
        2) expect_accepted "$v" '{"when":"now","action":"ignore"}' ;;
        3) expect_rejected "$v" '{"when":"now","action":"explode"}' 'field "action" must be' ;;
        4)
            expect_accepted "$v" '{"when":"onshutdown","action":"reboot"}'
            vm_wait_key "$v" data/test-vm/state pending
            expect_accepted "$v" '{"when":"now","action":"ignore"}'
            vm_wait_key "$v" data/test-vm/pending ""
            ;;
        5)
            xl save -c "$v" "$v.save" >"$v.save.log" 2>&1 || { cat "$v.save.log"; fail "expected xl save -c $v to succeed"; }
            rm -f "$v.save"
            eval "ckpt_$v=\$((ckpt_$v + 1)); n=\$ckpt_$v"
            wait_count "$v" 'test-vm: suspend: cancelled' "$n"
            ;;
        esac
    done
    i=$((i + 1))
done
log "$STEPS steps on each of $VMS in $(($(lab_now_ms) - start)) ms: every step seen"
for v in $VMS; do
    expect_running "$v"
    xl shutdown "$v"
done
for v in $VMS; do
    vm_wait_shutdown "$v"
    expect_reason "$v" poweroff
done
pass
