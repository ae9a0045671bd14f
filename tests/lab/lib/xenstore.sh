# shellcheck shell=sh
# tests/lab/lib/xenstore.sh: a guest's xenstore keys, read, written, expected
# and waited for (sourced by lib.sh).
#
# Xenstore (RELPATH is relative to /local/domain/<domid>/):
#   vm_read_key NAME RELPATH            print the value (status 1 if missing)
#   vm_write_key NAME RELPATH VALUE     write it (as dom0)
#   expect_key NAME RELPATH VALUE       the key holds VALUE now
#   vm_wait_key NAME RELPATH VALUE [timeout_s]   poll every 50 ms until it does
#                          (if it never does: guest_diagnose NAME, then fail)
#   vm_wait_ready NAME [timeout_s]      data/test-vm/state becomes "ready".  (xl
#                          makes control/feature-* keys itself, empty: readiness
#                          must be a value the guest wrote.)
#   expect_no_key NAME RELPATH          the key does not exist
#   vm_key_path NAME RELPATH            print /local/domain/<domid>/RELPATH (and
#                          set $_p to it, for use without a subshell)

# Internal: sets _p to /local/domain/<domid>/RELPATH, or fails (and _d to
# the domid, which kinds.sh and control.sh use too).
lab_key_path() {
    _d=$(vm_domid "$1") || fail "expected domain $1 to exist, saw none"
    _p=/local/domain/$_d/$2
}

vm_read_key() {
    _d=$(vm_domid "$1") || return 1
    xenstore-read "/local/domain/$_d/$2" 2>/dev/null
}

vm_write_key() {
    lab_key_path "$1" "$2"
    xenstore-write "$_p" "$3" || fail "expected to write $_p, saw xenstore-write fail"
}

expect_key() {
    if _saw=$(vm_read_key "$1" "$2"); then
        [ "$_saw" = "$3" ] || fail "expected $1's $2 = \"$3\", saw \"$_saw\""
    else
        fail "expected $1's $2 = \"$3\", saw no such key"
    fi
}

expect_no_key() {
    if _saw=$(vm_read_key "$1" "$2"); then
        fail "expected no key $2 in $1, saw \"$_saw\""
    fi
    vm_domid "$1" >/dev/null || fail "expected domain $1 to exist, saw none"
}

vm_key_path() {
    lab_key_path "$1" "$2"
    echo "$_p"
}

vm_wait_key() {
    lab_key_path "$1" "$2"
    _end=$(lab_deadline "${4:-}")
    _saw="<no such key>"
    while lab_before "$_end"; do
        if _v=$(xenstore-read "$_p" 2>/dev/null); then
            _saw="\"$_v\""
            [ "$_v" = "$3" ] && { log "$_p = \"$3\""; return 0; }
        fi
        usleep 50000
    done
    guest_diagnose "$1"
    fail "expected $_p = \"$3\" within ${4:-$LAB_WAIT}s, saw $_saw"
}

vm_wait_ready() {
    vm_wait_key "$1" data/test-vm/state ready "${2:-}"
}
