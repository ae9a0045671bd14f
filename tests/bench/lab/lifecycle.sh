#!/bin/sh
# Lab benchmark (prints figures, asserts nothing about time): what a guest's
# life costs the toolstack, for ours, linux and floor measured the same way:
#   image_kernel_bytes, image_initrd_bytes   what Xen loads, apart (their sum,
#                          image_bytes, is tests/bench/host/sizes.sh's, on the host)
#   shutdown_ms            xl shutdown -w of a ready guest (on_poweroff "destroy"):
#                          request -> the guest acks -> it powers off -> gone
#   save_ms, restore_ms    xl save of a ready guest, xl restore of that file
#   save_file_bytes        the save file's size (floor: n/a, it cannot suspend)
# Each time is a mean over BENCH_LIFECYCLE_ROUNDS rounds (default 3), taken with
# dom0's /proc/timer_list clock (lab_now_us; one read's cost, dom0_clock_us,
# is in every interval once).  A kind whose kernel dom0 lacks prints n/a.
# Prints "bench: FIGURE GUEST VALUE UNIT LABEL" lines (docs/bench.md, "Size and speed").
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

ROUNDS=${BENCH_LIFECYCLE_ROUNDS:-3}
WAIT=${BENCH_LINUX_WAIT:-90}
SAVE=/tmp/bench-lifecycle.save

figure() { echo "bench: $*"; }
# na FIGURE KIND UNIT LABEL REASON: the same LABEL as the kinds that have the
# figure (the contract); the reason goes on a line of its own.
na() {
    figure "$1" "$2" n/a "$3" "$4"
    log "$1 $2: n/a: $5"
}
# mean_ms TOTAL_US: the mean of $ROUNDS intervals in ms, one decimal.
mean_ms() { _m=$(($1 / ROUNDS / 100)); echo "$((_m / 10)).$((_m % 10))"; }
size() { stat -c %s "$1"; }
have() {
    case $1 in
    ours) [ -f "$LAB_KERNEL" ] ;;
    linux) [ -f "$LAB_LINUX_KERNEL" ] && [ -f "$LAB_LINUX_INITRD" ] ;;
    floor) [ -f "$LAB_FLOOR_KERNEL" ] ;;
    esac
}

# settle KIND NAME: ready, and booted through: it acks a sysrq, and Linux's
# init (which runs /sbin/poweroff) is up.  Once on 4.20 an xl shutdown -w sent
# to Linux right at "ready" was never obeyed (60 s): each figure here is of a
# guest that has finished booting.
settle() {
    guest_wait_ready "$1" "$2" "$WAIT"
    guest_sysrq "$2" "$WAIT"
    [ "$1" != linux ] || expect_console "$2" "lab linux guest: init up" "$WAIT"
}

t0=$(lab_now_us)
t1=$(lab_now_us)
figure dom0_clock_us dom0 "$((t1 - t0))" us "dom0's clock: one /proc/timer_list read (in each timed interval once)"

L_KER="image Xen loads: the kernel"
L_INI="image Xen loads: the initramfs"
for kind in ours linux floor; do
    case $kind in
    ours) k=$LAB_KERNEL i= ;;
    linux) k=$LAB_LINUX_KERNEL i=$LAB_LINUX_INITRD ;;
    floor) k=$LAB_FLOOR_KERNEL i= ;;
    esac
    if ! have "$kind"; then
        na image_kernel_bytes "$kind" bytes "$L_KER" "no $kind guest in this lab"
        na image_initrd_bytes "$kind" bytes "$L_INI" "no $kind guest in this lab"
        continue
    fi
    ks=$(size "$k")
    is=0
    [ -z "$i" ] || is=$(size "$i")
    figure image_kernel_bytes "$kind" "$ks" bytes "$L_KER"
    figure image_initrd_bytes "$kind" "$is" bytes "$L_INI"
done

L_SHUT="xl shutdown -w: request -> ack -> powered off -> gone (mean of $ROUNDS)"
L_SAVE="xl save of a ready guest (mean of $ROUNDS)"
L_REST="xl restore of that save file (mean of $ROUNDS)"
L_FILE="xl save file size"
for kind in ours linux floor; do
    if ! have "$kind"; then
        na shutdown_ms "$kind" ms "$L_SHUT" "no $kind guest in this lab"
        na save_ms "$kind" ms "$L_SAVE" "no $kind guest in this lab"
        na restore_ms "$kind" ms "$L_REST" "no $kind guest in this lab"
        na save_file_bytes "$kind" bytes "$L_FILE" "no $kind guest in this lab"
        continue
    fi
    shut=0 save=0 rest=0 bytes=0
    r=1
    while [ "$r" -le "$ROUNDS" ]; do
        g=$kind-s$r
        guest_create "$kind" "$g" on_poweroff=destroy
        settle "$kind" "$g"
        t0=$(lab_now_us)
        timeout 60 xl shutdown -w "$g" >/dev/null 2>&1 ||
            fail "expected xl shutdown -w $g to succeed within 60 s, saw status $? (control/shutdown \"$(vm_read_key "$g" control/shutdown)\", state $(vm_state "$g"))"
        t1=$(lab_now_us)
        shut=$((shut + t1 - t0))
        vm_domid "$g" >/dev/null && fail "expected $g gone after xl shutdown -w, saw it in xl list ($(vm_state "$g"))"
        if [ "$kind" != floor ]; then
            g=$kind-r$r
            guest_create "$kind" "$g"
            settle "$kind" "$g"
            t0=$(lab_now_us)
            timeout 120 xl save "$g" "$SAVE" >save.log 2>&1 || { cat save.log; fail "expected xl save $g to succeed, saw: $(tail -n 1 save.log)"; }
            t1=$(lab_now_us)
            bytes=$(size "$SAVE")
            timeout 120 xl restore "$SAVE" >restore.log 2>&1 || { cat restore.log; fail "expected xl restore of $g to succeed, saw: $(tail -n 1 restore.log)"; }
            t2=$(lab_now_us)
            rm -f "$SAVE"
            save=$((save + t1 - t0))
            rest=$((rest + t2 - t1))
            guest_sysrq "$g" 30 # it runs on after the restore
            vm_destroy "$g"
        fi
        log "$kind round $r done"
        r=$((r + 1))
    done
    figure shutdown_ms "$kind" "$(mean_ms "$shut")" ms "$L_SHUT"
    if [ "$kind" = floor ]; then
        na save_ms floor ms "$L_SAVE" "the floor cannot suspend"
        na restore_ms floor ms "$L_REST" "the floor cannot suspend"
        na save_file_bytes floor bytes "$L_FILE" "the floor cannot suspend"
    else
        figure save_ms "$kind" "$(mean_ms "$save")" ms "$L_SAVE"
        figure restore_ms "$kind" "$(mean_ms "$rest")" ms "$L_REST"
        figure save_file_bytes "$kind" "$bytes" bytes "$L_FILE"
    fi
done
pass
