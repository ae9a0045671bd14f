#!/bin/sh
# Lab benchmark (a lab scenario that prints figures; it asserts nothing about
# time): how fast the VM boots and reacts to xenstore, measured from dom0 on
# real Xen under QEMU (TCG: everything is slower than on hardware).  dom0's
# clock is /proc/uptime (10 ms steps), so each figure is an average over many
# rounds.  Prints "bench: <label>: <value>" lines.
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

ROUNDS=${BENCH_ROUNDS:-40}

figure() { echo "bench: $1: $2"; }

# Boot: xl create until data/test-vm/state = "ready", over 5 guests.
t0=$(lab_now_ms)
for i in 1 2 3 4 5; do
    vm_create "boot$i"
    vm_wait_ready "boot$i" 30
done
figure "xl create -> data/test-vm/state ready (mean of 5)" "$((($(lab_now_ms) - t0) / 5)) ms"
for i in 1 2 3 4 5; do vm_destroy "boot$i"; done

vm_create vm on_poweroff=destroy
vm_wait_ready vm 30
key=$(vm_testing_key vm)
dom=$(vm_domid vm)
count=/local/domain/$dom/data/test-vm/commands

# The cost of dom0's tools alone: one xenstore-write and one xenstore-read.
t0=$(lab_now_ms)
i=0
while [ $i -lt "$ROUNDS" ]; do
    xenstore-write /bench/scratch "$i"
    xenstore-read /bench/scratch >/dev/null
    i=$((i + 1))
done
tools=$((($(lab_now_ms) - t0) * 1000 / ROUNDS))
figure "dom0: one xenstore-write + one xenstore-read (mean of $ROUNDS)" "$tools us"

# A command round trip: write control/testing, then read data/test-vm/commands
# until it counts the command (the VM has read, acked, parsed and counted it).
t0=$(lab_now_ms)
first=0 reads=0 i=0
while [ $i -lt "$ROUNDS" ]; do
    want=$(($(lab_counter vm commands) + 1))
    xenstore-write "$key" '{"when":"now","action":"ignore"}'
    n=0
    # Bounded: the deadline is checked every 16 reads, to keep the figure a
    # measure of the reads themselves.
    end=$(lab_deadline)
    while [ "$(xenstore-read "$count" 2>/dev/null)" != "$want" ]; do
        n=$((n + 1))
        [ $((n % 16)) != 0 ] || lab_before "$end" ||
            fail "expected the VM to count command $want within ${LAB_WAIT}s, saw $count = \"$(xenstore-read "$count" 2>/dev/null)\" after $n reads"
    done
    [ $n -eq 0 ] && first=$((first + 1))
    [ $n -eq 0 ] || log "round $i: counted after $n extra reads"
    reads=$((reads + n + 1))
    i=$((i + 1))
done
trip=$((($(lab_now_ms) - t0) * 1000 / ROUNDS))
figure "command written -> counted by the VM, seen by dom0 (mean of $ROUNDS, dom0 tools included)" "$trip us"
figure "commands already counted at dom0's first read after the write" "$first of $ROUNDS (reads per command $((reads * 10 / ROUNDS / 10)).$((reads * 10 / ROUNDS % 10)))"

# xl shutdown -w: request, ack, SCHEDOP_shutdown, domain gone from xl's view.
t0=$(lab_now_ms)
xl shutdown -w vm >/dev/null 2>&1
figure "xl shutdown -w (request -> ack -> poweroff -> xl returns)" "$(($(lab_now_ms) - t0)) ms"
pass
