#!/bin/sh
# Soak (a lab bench scenario): BENCH_SOAK_CYCLES (default 100) `xl save` /
# `xl restore` cycles of one of our VMs.  Asserts what a tester checks: every
# save and restore succeeds, the VM resumes each time (data/test-vm/resumes
# counts it, state ready), it is the same boot throughout (data/test-vm/boot-id
# unchanged), and it obeys a command after the last cycle.  Prints the
# per-cycle mean and max times and the total (not asserted).
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

CYCLES=${BENCH_SOAK_CYCLES:-100}
save=/tmp/soak-vm.save

vm_create vm
vm_wait_ready vm 30
boot_id=$(vm_read_key vm data/test-vm/boot-id) || fail "expected data/test-vm/boot-id, saw none"

save_total=0 save_max=0 restore_total=0 restore_max=0 ready_total=0 ready_max=0 bytes=0
t0=$(lab_now_ms)
i=1
while [ "$i" -le "$CYCLES" ]; do
    t=$(lab_now_ms)
    xl save vm "$save" >save.log 2>&1 || { cat save.log; fail "expected xl save to succeed (cycle $i), saw it fail"; }
    s=$(($(lab_now_ms) - t))
    bytes=$(wc -c <"$save")
    t=$(lab_now_ms)
    xl restore "$save" >restore.log 2>&1 || { cat restore.log; fail "expected xl restore to succeed (cycle $i), saw it fail"; }
    r=$(($(lab_now_ms) - t))
    rm -f "$save"
    # Resumed: its own count of resumes, then ready again.
    t=$(lab_now_ms)
    vm_wait_key vm data/test-vm/resumes "$i" 30
    vm_wait_key vm data/test-vm/state ready 30
    k=$(($(lab_now_ms) - t))
    save_total=$((save_total + s)) restore_total=$((restore_total + r)) ready_total=$((ready_total + k))
    [ "$s" -le "$save_max" ] || save_max=$s
    [ "$r" -le "$restore_max" ] || restore_max=$r
    [ "$k" -le "$ready_max" ] || ready_max=$k
    [ $((i % 10)) != 0 ] || log "cycle $i: save $s ms, restore $r ms, resumed and ready $k ms later"
    i=$((i + 1))
done
total=$(($(lab_now_ms) - t0))

expect_key vm data/test-vm/boot-id "$boot_id"
expect_key vm data/test-vm/resumes "$CYCLES"
expect_key vm data/test-vm/last-suspend resumed
expect_accepted vm '{"when":"now","ack":"ok","action":"xenstore-write","path":"data/soak-after","value":"obeyed"}'
vm_wait_key vm data/soak-after obeyed
expect_running vm

n=$CYCLES
[ "$n" -gt 0 ] || n=1
echo "bench: soak_save_restore_cycles ours $CYCLES count xl save + xl restore cycles in the soak, 0 failures"
echo "bench: soak_save_ms ours $((save_total / n)) ms soak: xl save (mean of the cycles)"
echo "bench: soak_save_max_ms ours $save_max ms soak: xl save (max of the cycles)"
echo "bench: soak_restore_ms ours $((restore_total / n)) ms soak: xl restore (mean of the cycles)"
echo "bench: soak_restore_max_ms ours $restore_max ms soak: xl restore (max of the cycles)"
echo "bench: soak_resume_ready_ms ours $((ready_total / n)) ms soak: xl restore returned -> resumes counted and state ready (mean)"
echo "bench: soak_resume_ready_max_ms ours $ready_max ms soak: xl restore returned -> resumes counted and state ready (max)"
echo "bench: soak_save_restore_s ours $((total / 1000)).$((total % 1000 / 100)) s soak: all the save/restore cycles"
echo "bench: soak_save_file_bytes ours $bytes bytes soak: the save file (last cycle)"
pass
