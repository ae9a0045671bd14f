#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012 # check conditions are eval'd strings; ls for messages
# tests/lab/lib.sh on the host (dash and busybox sh when installed), against
# the fake dom0 tools: vm_create writes configs xl parses back to the values
# given (xl strings undo \\ and \"), refuses what it cannot write, and
# tests/bench/lab/latency.sh ends, failing and naming them, when its helper's
# runs fail (xsbench, faked here to fail as when a guest never acks).
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

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
              grep -qxF "extra = [ \"a\" ]" "$cfg" && ! grep -q "^memory = 4" "$cfg"'
    check "vm-create-nothing-ran-$tag" "expected no PWNED file, saw one" nothing_ran

    in_dom0 "$sh" 'vm_create vm2 "cmdline=a
b"'
    check "vm-create-refuses-newline-$tag" "expected FAIL: ... control characters, saw $(tail -n 1 "$work/dom0.log")" \
        eval '! [ -f "$FAKE_XL/cfg/vm2.cfg" ] && grep -q "^FAIL: .*control characters" "$work/dom0.log"'
    in_dom0 "$sh" 'vm_create vm3 "bad key=1"'
    check "vm-create-refuses-bad-key-$tag" "expected FAIL: ... key=value, saw $(tail -n 1 "$work/dom0.log")" \
        grep -q '^FAIL: expected vm_create vm3 key=value' "$work/dom0.log"
done

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
