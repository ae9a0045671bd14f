#!/usr/bin/env bash
# Host tests of tools/test-vm-ctl against a fake xenstore (fake-xenstore) and
# a fake VM (fake-vm), under every shell in $CTL_SHELLS (default: busybox sh,
# dash, bash).  Prints PASS/FAIL per check and "ctl: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
ctl=$repo/tools/test-vm-ctl
read -r -a shells <<<"${CTL_SHELLS:-busybox_sh dash bash}"

vm_pid=
stop_vm() {
    if [ -n "$vm_pid" ]; then
        kill "$vm_pid" 2>/dev/null
        wait "$vm_pid" 2>/dev/null
    fi
    vm_pid=
}
trap 'stop_vm; rm -rf "$t_dir"' EXIT

# A fresh store with the xenstore-* links on PATH (first), and dom0.
new_store() {
    export FAKE_XS=$t_dir/store
    rm -rf "$FAKE_XS" "${t_dir:?}/bin"
    mkdir -p "$FAKE_XS/n/local/domain/0" "$FAKE_XS/writes" "$t_dir/bin"
    echo n0 >"$FAKE_XS/n/.p"
    : >"$FAKE_XS/n/.v"
    : >"$FAKE_XS/events"
    for t in read write exists list ls rm chmod watch; do
        ln -s "$here/fake-xenstore" "$t_dir/bin/xenstore-$t"
    done
    # Stand-ins that the host may have: test-vm-ctl must do without xl and xe.
    printf '#!/bin/sh\nexit 127\n' >"$t_dir/bin/xl"
    cp "$t_dir/bin/xl" "$t_dir/bin/xe"
    chmod +x "$t_dir/bin/xl" "$t_dir/bin/xe"
    PATH=$t_dir/bin:$base_path
}
base_path=$PATH

# mkdomain DOMID NAME [UUID]: a domain as xl makes it, running the test VM.
mkdomain() {
    local d=$1 h=/local/domain/$1
    xenstore-write "$h" "" "$h/name" "$2" "$h/domid" "$d" "$h/vm" "/vm/${3:-00000000-0000-0000-0000-00000000000$d}"
    xenstore-chmod "$h" n0 "r$d"
    xenstore-write "$h/control" ""
    xenstore-chmod "$h/control" n0 "r$d"
    xenstore-write "$h/control/shutdown" ""
    xenstore-chmod "$h/control/shutdown" "n$d"
    xenstore-write "$h/data" ""
    xenstore-chmod "$h/data" "n$d"
    local t=$h/data/test-vm
    xenstore-write "$t/version" 0.1.0-test "$t/pending" "" "$t/last-command" "" "$t/last-action" "" \
        "$t/last-suspend" "" "$t/last-error" "" "$t/commands" 0 "$t/errors" 0 "$t/boots" 1 "$t/resumes" 0 \
        "$t/state" ready
}
start_vm() {
    echo "${2:-0.1}" >"$FAKE_XS/vm-delay"
    "$here/fake-vm" "$1" &
    vm_pid=$!
}
# set_vm_mode MODE: written whole (a reader never sees it half-written), then
# wait until the fake VM is between passes with it, however loaded the machine.
set_vm_mode() {
    printf '%s\n' "$1" >"$FAKE_XS/vm-mode.tmp" && mv -f "$FAKE_XS/vm-mode.tmp" "$FAKE_XS/vm-mode"
    for _ in $(seq 1 1000); do
        [ "$(cat "$FAKE_XS/vm-mode-seen" 2>/dev/null)" = "$1" ] && return 0
        sleep 0.01
    done
    bad "expected the fake VM to take mode $1 within 10 s"
}
# The bytes of the last xenstore-write to PATH.
last_write() {
    local n
    n=$(grep -lxF -e "$1" "$FAKE_XS"/writes/*.path 2>/dev/null | sed 's/.*\/\([0-9]*\)\.path$/\1/' | sort -n | tail -n 1)
    [ -n "$n" ] && cat "$FAKE_XS/writes/$n.value"
}
# A store with domain 5 ("vm 5"), its fake VM running.
setup5() {
    new_store
    mkdomain 5 "vm 5"
    start_vm 5
}

ctl_in() { # SHELL ARGS...
    local sh=$1
    shift
    case $sh in
    busybox_sh) busybox sh "$ctl" "$@" ;;
    *) "$sh" "$ctl" "$@" ;;
    esac
}

# ---- the checks; $sh is the shell under test.
t_usage() {
    new_store
    mkdomain 5 vm
    t_run ctl_in "$sh"; expect_rc 2; expect_err_has "no command given"
    t_run ctl_in "$sh" --help; expect_rc 0; expect_out_has "test-vm-ctl wait-ready VM"
    t_run ctl_in "$sh" frob 5; expect_rc 2; expect_err_has 'unknown command "frob"'
    t_run ctl_in "$sh" now 5; expect_rc 2; expect_err_has "wrong number of arguments"
    t_run ctl_in "$sh" send 5 a b; expect_rc 2
    t_run ctl_in "$sh" status; expect_rc 2
    t_run ctl_in "$sh" --timeout 0 status 5; expect_rc 2; expect_err_has "--timeout"
    t_run ctl_in "$sh" --timeout 1.5 status 5; expect_rc 2
    t_run ctl_in "$sh" --timeout 00 status 5; expect_rc 2; expect_err_has "--timeout" # 0, which never timed out
    t_run ctl_in "$sh" --timeout 99999999 status 5; expect_rc 2
    t_run ctl_in "$sh" --timeout 007 status 5; expect_rc 0 # 7 s, not octal
    t_run ctl_in "$sh" request 5 ''; expect_rc 2; expect_err_has "must not be empty" # "" read as acked at once
    t_run ctl_in "$sh" status 5 --timeout; expect_rc 2
    t_run ctl_in "$sh" now 5 ignore --ack none; expect_rc 2; expect_err_has "--ack is for onshutdown only"
    t_run ctl_in "$sh" now 5 ignore --json; expect_rc 2
    t_run ctl_in "$sh" now 5 ignore bare; expect_rc 2; expect_err_has '"bare" is not FIELD=VALUE'
    t_run ctl_in "$sh" now 5 ignore =x; expect_rc 2; expect_err_has "needs a field name"
    t_run ctl_in "$sh" --frob status 5; expect_rc 2; expect_err_has "unknown option --frob"
    t_run ctl_in "$sh" status ""; expect_rc 2
    # Nothing was written to the store by any of these.
    [ -z "$(last_write /local/domain/5/control/testing)" ] || bad "expected no write to control/testing, saw one"
}

t_no_domain() {
    new_store
    mkdomain 5 vm
    xenstore-write /local/domain/6/name plain /local/domain/6/domid 6
    t_run ctl_in "$sh" status 99; expect_rc 4; expect_err_has "no domain 99"
    t_run ctl_in "$sh" now nosuch ignore; expect_rc 4; expect_err_has 'no running domain "nosuch"'
    t_run ctl_in "$sh" status 12345678-abcd-abcd-abcd-1234567890ab; expect_rc 4
    t_run ctl_in "$sh" now plain ignore; expect_rc 4; expect_err_has "not a test VM"
    t_run ctl_in "$sh" status 6; expect_rc 4; expect_err_has "not a test VM"
    t_run ctl_in "$sh" cancel 6; expect_rc 4
    # A request to a domain that is not a test VM is not written (exit 4).
    t_run ctl_in "$sh" --timeout 1 request 6 poweroff; expect_rc 4; expect_err_has "not a test VM"
    xenstore-exists /local/domain/6/control/shutdown && bad "expected no control/shutdown written for domain 6"
    # Never dom0, by domid or by name: "request 0 poweroff" would power the host off.
    xenstore-write /local/domain/0/name Domain-0 /local/domain/0/domid 0
    xenstore-write /local/domain/0/data/test-vm/state ready
    for dom0 in 0 Domain-0 00; do
        t_run ctl_in "$sh" --timeout 1 request "$dom0" poweroff; expect_rc 4; expect_err_has "is dom0, the host itself"
        t_run ctl_in "$sh" --timeout 1 now "$dom0" crash; expect_rc 4
    done
    xenstore-exists /local/domain/0/control/shutdown && bad "expected dom0's control/shutdown untouched"
    xenstore-exists /local/domain/0/control/testing && bad "expected dom0's control/testing untouched"
    return 0
}

t_find_vm() {
    # shellcheck disable=SC2016 # a name with shell syntax in it, on purpose
    local hostile='a b"c*$(echo no)\x41 -n'
    new_store
    # Doubled: xenstore-write takes \x41 for "A".
    mkdomain 5 "${hostile//\\/\\\\}" 12345678-abcd-abcd-abcd-1234567890ab
    mkdomain 7 "twin"
    mkdomain 8 "twin"
    mkdomain 9 "-n"
    t_run ctl_in "$sh" status -- "$hostile"; expect_rc 0; expect_out_has "state: ready"
    t_run ctl_in "$sh" status 12345678-abcd-abcd-abcd-1234567890ab; expect_rc 0
    t_run ctl_in "$sh" status 12345678-ABCD-abcd-abcd-1234567890ab; expect_rc 4
    t_run ctl_in "$sh" status "a b"; expect_rc 4
    t_run ctl_in "$sh" status twin; expect_rc 4; expect_err_has "more than one domain"
    t_run ctl_in "$sh" status -- -n; expect_rc 0
    t_run ctl_in "$sh" --timeout 1 wait-ready -- -n; expect_rc 0; expect_out 9
}

t_now_accepted() {
    setup5
    t_run ctl_in "$sh" now 5 ignore; expect_rc 0
    expect_out 'accepted {"when":"now","ack":"ok","action":"ignore"}'
    expect_eq "JSON written" '{"when":"now","action":"ignore"}' "$(last_write /local/domain/5/control/testing)"
    t_run ctl_in "$sh" now "vm 5" ignore; expect_rc 0
    expect_eq "commands" 2 "$(xenstore-read /local/domain/5/data/test-vm/commands)"
    grep -qx /local/domain/5/data/test-vm "$FAKE_XS/watch.log" || bad "expected test-vm-ctl to watch /local/domain/5/data/test-vm, saw: $(cat "$FAKE_XS/watch.log")"
}

t_onshutdown() {
    setup5
    t_run ctl_in "$sh" onshutdown 5 reboot --ack none; expect_rc 0
    expect_eq "JSON written" '{"when":"onshutdown","ack":"none","action":"reboot"}' "$(last_write /local/domain/5/control/testing)"
    t_run ctl_in "$sh" --timeout 5 request 5 poweroff; expect_rc 3
    expect_err_has 'not acked: the pending command {"when":"onshutdown","ack":"none","action":"reboot"} took the request and left it unacked'
    t_run ctl_in "$sh" onshutdown 5 crash; expect_rc 0
    expect_eq "JSON written" '{"when":"onshutdown","action":"crash"}' "$(last_write /local/domain/5/control/testing)"
    t_run ctl_in "$sh" onshutdown 5 crash --ack=; expect_rc 0
    expect_eq "JSON written" '{"when":"onshutdown","ack":"","action":"crash"}' "$(last_write /local/domain/5/control/testing)"
    # The accepted line is the command exactly as the VM wrote it: JSON, with
    # its quotes, backslashes and UTF-8, the same under every shell.
    t_run ctl_in "$sh" onshutdown 5 reboot --ack $'q"b\\c \xc3\xa9'; expect_rc 0
    expect_out $'accepted {"when":"onshutdown","ack":"q\\"b\\\\c \xc3\xa9","action":"reboot"}'
    printf '%s' "${out#accepted }" | jq -e '.ack == "q\"b\\c \u00e9"' >/dev/null ||
        bad "expected the accepted line to be JSON holding the ack as given, saw $out"
}

t_fields() {
    setup5
    local q='a"b\c' nl=$'x\ny' cc=$'\001\037\t\r' utf=$'\xc3\xa9'
    t_run ctl_in "$sh" now 5 ignore n=3 f=-1.5e3 z=0 s=007 e=1e q="$q" nl="$nl" ctl="$cc" u="$utf" "raw:=[true,null]" empty= "sp ace=x=y"
    expect_rc 1
    expect_err_has "rejected: control/testing: error: not a valid command (fake VM)"
    local w
    w=$(last_write /local/domain/5/control/testing)
    expect_eq "JSON written" '{"when":"now","action":"ignore","n":3,"f":-1.5e3,"z":0,"s":"007","e":"1e","q":"a\"b\\c","nl":"x\ny","ctl":"\u0001\u001f\t\r","u":"'"$utf"'","raw":[true,null],"empty":"","sp ace":"x=y"}' "$w"
    printf '%s' "$w" | jq -e --arg q "$q" --arg nl "$nl" --arg ctl "$cc" --arg u "$utf" \
        '.q == $q and .nl == $nl and .ctl == $ctl and .u == $u and .n == 3 and .s == "007"' >/dev/null ||
        bad "expected jq to read the fields back as given, saw $w"
    # The string fields stay strings, whatever they look like; ":=" sends JSON as written.
    t_run ctl_in "$sh" now 5 xenstore-write path=123 value=123 count=5 "size:=7"
    expect_eq "JSON written" '{"when":"now","action":"xenstore-write","path":"123","value":"123","count":5,"size":7}' \
        "$(last_write /local/domain/5/control/testing)"
}

t_send() {
    setup5
    # Backslashes reach the VM as written (xenstore-write would take \u as an escape).
    local j='{"when":"now","action":"ig\u006eore","ack":"\\\t"}'
    t_run ctl_in "$sh" send 5 "$j"; expect_rc 0
    expect_eq "value written" "$j" "$(last_write /local/domain/5/control/testing)"
    t_run ctl_in "$sh" send 5 'not json'; expect_rc 1; expect_err_has "rejected: control/testing: error:"
    t_run ctl_in "$sh" send 5 '-x'; expect_rc 2
    t_run ctl_in "$sh" send 5 -- '-x'; expect_rc 1
    expect_eq "value written" "-x" "$(last_write /local/domain/5/control/testing)"
    t_run ctl_in "$sh" cancel 5; expect_rc 0
    expect_eq "JSON written" '{"when":"now","action":"ignore"}' "$(last_write /local/domain/5/control/testing)"
}

t_permissions() {
    setup5
    # As under xl: control/testing made by dom0, read-only for the guest.
    xenstore-write /local/domain/5/control/testing ""
    xenstore-chmod /local/domain/5/control/testing n0 r5
    : >"$FAKE_XS/chmod.log"
    t_run ctl_in "$sh" now 5 ignore; expect_rc 0
    expect_eq "chmod calls" "/local/domain/5/control/testing n5" "$(cat "$FAKE_XS/chmod.log")"
    # Writable already (xenopsd, or after the first run): no chmod.
    : >"$FAKE_XS/chmod.log"
    t_run ctl_in "$sh" now 5 ignore; expect_rc 0
    expect_eq "chmod calls" "" "$(cat "$FAKE_XS/chmod.log")"
    xenstore-chmod /local/domain/5/control/testing n0 r5 w5
    : >"$FAKE_XS/chmod.log"
    t_run ctl_in "$sh" now 5 ignore; expect_rc 0
    expect_eq "chmod calls" "" "$(cat "$FAKE_XS/chmod.log")"
    # Missing: created and made the guest's.
    xenstore-rm /local/domain/5/control/testing
    t_run ctl_in "$sh" now 5 ignore; expect_rc 0
    expect_eq "permissions" n5 "$(cat "$FAKE_XS/n/local/domain/5/control/testing/.p")"
}

t_stuck() {
    setup5
    set_vm_mode stuck
    t_run ctl_in "$sh" --timeout 1 now 5 ignore; expect_rc 3
    expect_err_has "the VM never took the command within 1s"
    t_run ctl_in "$sh" --timeout 1 request 5 poweroff; expect_rc 3
    expect_err_has 'not acked within 1s: control/shutdown still holds "poweroff"'
}

t_wait_ready() {
    new_store
    mkdomain 5 vm
    xenstore-write /local/domain/5/data/test-vm/state booting
    (sleep 0.5; xenstore-write /local/domain/5/data/test-vm/state ready) &
    t_run ctl_in "$sh" --timeout 5 wait-ready vm; expect_rc 0; expect_out 5
    wait
    xenstore-write /local/domain/5/data/test-vm/state pending
    t_run ctl_in "$sh" --timeout 1 wait-ready 5; expect_rc 3
    expect_err_has 'data/test-vm/state is "pending", not "ready", after 1s'
    xenstore-rm /local/domain/5/data/test-vm
    t_run ctl_in "$sh" --timeout 1 wait-ready 5; expect_rc 3; expect_err_has "no data/test-vm/state"
}

t_request() {
    setup5
    t_run ctl_in "$sh" request 5 poweroff; expect_rc 0; expect_out 'acked (wrote "")'
    t_run ctl_in "$sh" request 5 s3; expect_rc 1
    expect_err_has 'rejected, not acked: control/shutdown: error: unknown request "s3", not acked'
    xenstore-write /local/domain/5/control/shutdown ""
    ctl_in "$sh" onshutdown 5 ignore --ack delete >/dev/null
    t_run ctl_in "$sh" request 5 reboot; expect_rc 0; expect_out "acked (removed the key)"
    ctl_in "$sh" onshutdown 5 ignore --ack 'mark "er"' >/dev/null
    t_run ctl_in "$sh" request 5 'hostile\x41"'; expect_rc 0
    expect_out "acked with \"mark \"er\"\" (an ack for libxl's suspend only)"
    expect_eq "value written" 'hostile\x41"' "$(last_write /local/domain/5/control/shutdown)"
    set_vm_mode vanish
    t_run ctl_in "$sh" request 5 poweroff; expect_rc 3; expect_err_has "domain 5 went away before an ack was seen"
}

t_status() {
    setup5
    xenstore-write /local/domain/5/data/test-vm/last-error 'q"b\\s\tnl\nc\x01e\xc3\xa9'
    local want=$'q"b\\s\tnl\nc\001e\xc3\xa9'
    t_run ctl_in "$sh" status 5; expect_rc 0
    expect_out_has "state: ready"
    expect_out_has "commands: 0"
    expect_out_has 'last-error: q"b\\s\tnl\nc\001e\xc3\xa9'
    [ "$(printf '%s\n' "$out" | wc -l)" = 11 ] || bad "expected 11 lines (one per key), saw: $out"
    t_run ctl_in "$sh" status 5 --json; expect_rc 0
    printf '%s' "$out" | jq -e --arg e "$want" '.state == "ready" and .commands == 0 and .errors == 0 and
        .version == "0.1.0-test" and .pending == "" and ."last-error" == $e and (keys | length) == 11' >/dev/null ||
        bad "expected the JSON status to hold every key with its exact value, saw $out"
}

# Without xenstore-watch (or timeout): it polls, and still works.
t_no_watch() {
    setup5
    rm "$t_dir/bin/xenstore-watch"
    t_run ctl_in "$sh" now 5 ignore; expect_rc 0
    [ ! -e "$FAKE_XS/watch.log" ] || bad "expected no watch, saw one"
    set_vm_mode stuck
    t_run ctl_in "$sh" --timeout 1 now 5 ignore; expect_rc 3
}

# help lists every action and field of the protocol's table (docs/protocol.md, "control/testing"), and
# nothing else; help NAME is that one line; --version the source tree's.
t_help() {
    new_store
    local readme=$repo/docs/protocol.md actions fields listed name
    # shellcheck disable=SC2016 # markdown's backquotes, not the shell's
    actions=$(grep -m1 '^| `action` | yes |' "$readme" | grep -o '`"[a-z-]*"`' | tr -d '`"' | sort -u)
    # shellcheck disable=SC2016 # the same
    fields=$(sed -n '/^| field | required | values |$/,/^$/p' "$readme" | sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' | sort -u)
    if [ "$(wc -l <<<"$actions")" -lt 15 ] || [ "$(wc -l <<<"$fields")" -lt 12 ]; then
        bad "expected README's tables to name 15 actions and 12 fields, saw: $actions / $fields"
    fi
    t_run ctl_in "$sh" help; expect_rc 0
    listed=$(sed -n 's/^  \([a-z_-]*\) .*/\1/p' <<<"$out" | sort -u)
    expect_eq "help's names" "$(sort -u <<<"$actions$nl$fields")" "$listed"
    for name in $actions $fields; do
        t_run ctl_in "$sh" help "$name"; expect_rc 0
        [[ $out =~ ^(action|field)\ $name\  ]] || bad "expected help $name to be its line, saw: $out"
    done
    t_run ctl_in "$sh" help nosuch; expect_rc 2; expect_err_has 'no action or field "nosuch"'
    t_run ctl_in "$sh" --version; expect_rc 0; expect_out "test-vm-ctl $(cat "$repo/VERSION") (source tree)"
    t_run ctl_in "$sh" version; expect_rc 0; expect_out "test-vm-ctl $(cat "$repo/VERSION") (source tree)"
}
nl=$'\n'

# The process budget (issue 18: every process start is slow in a loaded dom0
# or under TCG): now, send and request start at most 8 processes, status
# (--json too) at most 3, counted by strace (tests/tools/count-starts: the
# script's own forks and timeout's, not those inside the fake xenstore-*
# scripts, each a single binary on a real dom0).  By domid, control/testing
# already the guest's (the first command under xl makes it so: one chmod more).
budget() { # MAX ARGS...
    local max=$1 n
    shift
    local run=("$sh" "$ctl")
    [ "$sh" = busybox_sh ] && run=(busybox sh "$ctl")
    strace -f -qq -e trace=process -o "$t_dir/strace.log" "${run[@]}" "$@" >"$t_dir/out" 2>&1 ||
        { bad "expected test-vm-ctl $* to succeed, saw: $(cat "$t_dir/out")"; return; }
    n=$("$here/count-starts" "$t_dir/strace.log" | head -n 1)
    echo "  $sh test-vm-ctl $*: $n process starts (budget $max)"
    [ "$n" -le "$max" ] || bad "expected at most $max process starts for test-vm-ctl $*, saw $n: $("$here/count-starts" "$t_dir/strace.log" | tail -n +2 | tr '\n' ';')"
}
t_process_budget() {
    command -v strace >/dev/null || { bad "expected strace (tools/install-deps installs it)"; return; }
    setup5
    ctl_in "$sh" now 5 ignore >/dev/null
    budget 8 now 5 ignore
    budget 8 send 5 '{"when":"now","action":"ignore","ack":"a \\ b"}'
    budget 3 status 5
    budget 3 status 5 --json
    budget 8 request 5 poweroff
}

command -v jq >/dev/null || { echo "FAIL ctl-setup: expected jq (tools/install-deps installs it)"; echo "ctl: 0 passed, 1 failed"; exit 1; }
for sh in "${shells[@]}"; do
    case $sh in busybox_sh) command -v busybox ;; *) command -v "$sh" ;; esac >/dev/null ||
        { check "ctl-$sh" bad "expected the shell $sh to be installed (tools/install-deps)"; continue; }
    for t in usage no_domain find_vm now_accepted onshutdown fields send permissions stuck wait_ready request status no_watch process_budget help; do
        check "ctl-$sh-$t" "t_$t"
        stop_vm
    done
done
finish ctl
