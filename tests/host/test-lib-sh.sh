#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012 # check conditions are eval'd strings; ls for messages
# tests/lab/lib.sh on the host (dash and busybox sh when installed), against
# the fake dom0 tools: vm_create writes configs xl parses back to the values
# given (xl strings undo \\ and \"), refuses what it cannot write, and
# tests/bench/lab/latency.sh ends, failing and naming them, when its helper's
# runs fail (xsbench, faked here to fail as when a guest never acks).
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"
# lib.sh sources its parts from here (in dom0, /lab/lib).
export LAB_LIB_DIR=$repo/tests/lab/lib

shells=(dash)
command -v busybox >/dev/null && shells+=("busybox sh")

# in_dom0 SHELL SCRIPT: run SCRIPT after sourcing lib.sh, in $work/dom0.
in_dom0() {
    mkdir -p "$work/dom0"
    (cd "$work/dom0" && PATH=$fakes:$PATH LAB_KERNEL='/lab/a "b"\k' LAB_WAIT=1 \
        $1 -c ". \"$repo/tests/lab/lib.sh\"; $2") >"$work/dom0.log" 2>&1
}

for sh in "${shells[@]}"; do
    tag=${sh%% *}
    rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
    # shellcheck disable=SC2016 # $-expansions happen in dom0's shell
    in_dom0 "$sh" 'vm_create vm cmdline='\''say="hi" \x $(touch PWNED)'\'' memory=8 extra='\''[ "a" ]'\'
    cfg=$FAKE_XL/cfg/vm.cfg
    check "vm-create-escapes-$tag" "expected cmdline, kernel and name as escaped xl strings, saw $(tr '\n' '|' <"$cfg" 2>/dev/null) ($(tail -n 1 "$work/dom0.log"))" \
        eval 'grep -qxF "cmdline = \"say=\\\"hi\\\" \\\\x \$(touch PWNED)\"" "$cfg" &&
              grep -qxF "kernel = \"/lab/a \\\"b\\\"\\\\k\"" "$cfg" &&
              grep -qxF "name = \"vm\"" "$cfg" && grep -qxF "memory = 8" "$cfg" &&
              grep -qxF "extra = [ \"a\" ]" "$cfg" && [ "$(grep -c "^memory = " "$cfg")" = 1 ]'
    check "vm-create-nothing-ran-$tag" "expected no PWNED file, saw one" nothing_ran

    in_dom0 "$sh" 'vm_create vm2 "cmdline=a
b"'
    check "vm-create-refuses-newline-$tag" "expected FAIL: ... control characters, saw $(tail -n 1 "$work/dom0.log")" \
        eval '! [ -f "$FAKE_XL/cfg/vm2.cfg" ] && grep -q "^FAIL: .*control characters" "$work/dom0.log"'
    in_dom0 "$sh" 'vm_create vm3 "bad key=1"'
    check "vm-create-refuses-bad-key-$tag" "expected FAIL: ... key=value, saw $(tail -n 1 "$work/dom0.log")" \
        grep -q '^FAIL: expected vm_create vm3 key=value' "$work/dom0.log"
done

# Guest kinds: linux gets its kernel, initramfs, tsc_mode and memory unless
# given (one line per key); ready is control/feature-poweroff = "1"; a kind
# whose files dom0 lacks (the floor here) or an unknown one fails saying so.
kinds() {
    mkdir -p "$work/dom0"
    : >"$work/vmlinuz"
    : >"$work/initrd"
    (cd "$work/dom0" && PATH=$fakes:$PATH LAB_WAIT=1 LAB_LINUX_KERNEL=$work/vmlinuz LAB_LINUX_INITRD=$work/initrd \
        LAB_FLOOR_KERNEL=$work/no-floor.xen sh -c ". \"$repo/tests/lab/lib.sh\"; $1") >"$work/dom0.log" 2>&1
}
rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
kinds 'guest_create linux lx memory=100 && guest_create linux ly'
cfg=$FAKE_XL/cfg/lx.cfg
check kind-linux-cfg "expected lx.cfg with ramdisk, tsc_mode native, type pvh and memory 100 once, saw $(tr '\n' '|' <"$cfg" 2>/dev/null) ($(tail -n 1 "$work/dom0.log"))" \
    eval 'grep -qxF "kernel = \"$work/vmlinuz\"" "$cfg" && grep -qxF "ramdisk = \"$work/initrd\"" "$cfg" &&
          grep -qxF "tsc_mode = \"native\"" "$cfg" && grep -qxF "type = \"pvh\"" "$cfg" &&
          [ "$(grep -c "^memory = " "$cfg")" = 1 ] && grep -qxF "memory = 100" "$cfg" &&
          grep -qxF "cmdline = \"console=hvc0 quiet\"" "$cfg"'
check kind-linux-default-memory "expected ly.cfg with memory 96, saw $(grep memory "$FAKE_XL/cfg/ly.cfg" 2>&1)" \
    grep -qxF "memory = 96" "$FAKE_XL/cfg/ly.cfg"
kinds 'guest_wait_ready linux lx'
check kind-linux-not-ready "expected FAIL: expected .../control/feature-poweroff = \"1\", saw $(tail -n 1 "$work/dom0.log")" \
    grep -q '^FAIL: expected /local/domain/1/control/feature-poweroff = "1" within 1s' "$work/dom0.log"
# ... after telling what to look at (a wait that never ends is a guest to diagnose).
check wait-key-diagnoses "expected guest_diagnose's lines before the FAIL, saw $(grep -c '^--- ' "$work/dom0.log") of them" \
    eval 'grep -q "^--- diagnose lx (domid 1) at" "$work/dom0.log" && grep -qx -- "--- end of diagnose lx" "$work/dom0.log"'
kinds 'xenstore-write /local/domain/1/control/feature-poweroff 1 && guest_wait_ready linux lx && [ "$(guest_ready_key linux)" = control/feature-poweroff ] && [ "$(guest_ready_key ours)" = data/test-vm/state ] && echo READY'
check kind-linux-ready "expected READY, saw $(tail -n 1 "$work/dom0.log")" grep -qx READY "$work/dom0.log"
kinds 'guest_create floor fl'
check kind-floor-missing "expected FAIL naming $work/no-floor.xen, saw $(tail -n 1 "$work/dom0.log")" \
    eval 'grep -q "^FAIL: expected the floor guest at $work/no-floor.xen" "$work/dom0.log" && ! [ -f "$FAKE_XL/cfg/fl.cfg" ]'
kinds 'guest_create bsd b'
check kind-unknown "expected FAIL: expected a guest kind ..., saw $(tail -n 1 "$work/dom0.log")" \
    grep -q '^FAIL: expected a guest kind ours, linux or floor, saw "bsd"' "$work/dom0.log"
kinds 'guest_create ours o && guest_wait_ready ours o && echo OURS'
check kind-ours "expected ours through vm_create (memory 2, LAB_MEMORY's default; ready), saw $(tail -n 1 "$work/dom0.log")" \
    eval 'grep -qx OURS "$work/dom0.log" && grep -qxF "memory = 2" "$FAKE_XL/cfg/o.cfg"'

# vm_create_paused: the same guest, created paused (xl create -p) for the
# scenario to prepare; plain vm_create leaves it running.
rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
kinds 'vm_create_paused p && vm_create q && echo CREATED'
check create-paused "expected p created paused and q not, saw $(ls "$FAKE_XL/paused" 2>&1 | tr '\n' ' '): $(tail -n 1 "$work/dom0.log")" \
    eval 'grep -qx CREATED "$work/dom0.log" && [ -f "$FAKE_XL/paused/p" ] && ! [ -f "$FAKE_XL/paused/q" ] && [ -f "$FAKE_XL/cfg/p.cfg" ]'

# libxc's XZ flake (see lab_xl_create): retried, at most 3 tries in all.
rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
FAKE_XL_XZ_FAILS=2 kinds 'guest_create linux lz && echo CREATED'
check create-retries-xz-flake "expected lz created on the 3rd try, saw $(wc -l <"$FAKE_XL/creates") tries: $(tail -n 1 "$work/dom0.log")" \
    eval 'grep -qx CREATED "$work/dom0.log" && [ "$(wc -l <"$FAKE_XL/creates")" = 3 ]'
rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
FAKE_XL_XZ_FAILS=5 kinds 'guest_create linux lz && echo CREATED'
check create-gives-up-xz "expected FAIL after 3 tries, saw $(wc -l <"$FAKE_XL/creates") tries: $(tail -n 1 "$work/dom0.log")" \
    eval '! grep -qx CREATED "$work/dom0.log" && [ "$(wc -l <"$FAKE_XL/creates")" = 3 ] && grep -q "^FAIL: expected xl create lz to succeed, saw: xc: error: panic" "$work/dom0.log"'

# latency.sh: every xsbench run fails (a guest that never acks): the bench
# must end, failing, and say which runs failed.
rm -rf "$work/dom0" "$FAKE_XL" "$FAKE_XS"
mkdir -p "$work/dom0" "$work/bin"
printf '#!/bin/sh\necho "xsbench: round 1: expected an ack" >&2\nexit 1\n' >"$work/bin/xsbench"
chmod +x "$work/bin/xsbench"
sed "s#/lab/lib.sh#$repo/tests/lab/lib.sh#" "$repo/tests/bench/lab/latency.sh" >"$work/latency.sh"
start=$SECONDS
(cd "$work/dom0" && PATH=$work/bin:$fakes:$PATH LAB_WAIT=1 BENCH_ROUNDS=2 BENCH_TOOLS_ROUNDS=2 timeout 20 sh "$work/latency.sh") >"$work/latency.log" 2>&1
status=$?
check latency-bounded "expected latency.sh to fail naming dom0/self and ours' three runs, saw status $status after $((SECONDS - start)) s: $(tail -n 1 "$work/latency.log")" \
    eval '[ "$status" = 1 ] && grep -q "^FAIL: .*xsbench fail for: dom0/self ours/command ours/shutdown ours/sysrq" "$work/latency.log"'
exit 0
