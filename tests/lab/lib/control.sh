# shellcheck shell=sh
# tests/lab/lib/control.sh: the test VM's control protocol (docs/protocol.md, "The
# protocol"): control/shutdown requests and control/testing commands, through
# test-vm-ctl (sourced by lib.sh).
#
#   vm_request NAME VALUE  write VALUE into control/shutdown, as a toolstack does
#                          (test-vm-ctl request: logs how it was acked)
#   vm_testing_key NAME    print the path of control/testing (and set $_p), made
#                          first, empty and owned by the guest, if missing: a key
#                          dom0 makes is read-only for the guest, which then
#                          cannot ack (EACCES).  expect_accepted/rejected do this.
#   expect_accepted NAME JSON [timeout_s]   test-vm-ctl send: write JSON into control/testing and
#                          wait until data/test-vm/commands goes up by one (fails
#                          with last-error if errors goes up instead; with
#                          guest_diagnose's view if neither does)
#   expect_rejected NAME JSON REASON [timeout_s]   the same, but errors must go up
#                          and last-error contain REASON (fixed string)

# Through test-vm-ctl (on dom0's PATH): it writes the request and says how it
# was acked; the scenario checks the outcome, so its exit status is only logged.
# shellcheck disable=SC2154 # _d: set by lab_key_path (xenstore.sh)
vm_request() {
    lab_key_path "$1" control/shutdown
    _ack=$(test-vm-ctl --timeout 5 request -- "$_d" "$2" 2>&1)
    log "$1: control/shutdown <- \"$2\": $_ack (test-vm-ctl status $?)"
}

# Internal: sets _p to control/testing, made first if missing.  A node dom0
# creates inherits control/'s permissions, which do not let the guest write:
# its ack would fail with EACCES.  So make it empty, owned by the guest (as
# libxl makes control/shutdown), before the first command.
# shellcheck disable=SC2154 # _p, _d: set by lab_key_path (xenstore.sh)
lab_testing_key() {
    lab_key_path "$1" control/testing
    xenstore-exists "$_p" 2>/dev/null && return 0
    if ! xenstore-write "$_p" "" || ! xenstore-chmod "$_p" "n$_d"; then
        fail "expected to create $_p owned by domain $_d, saw xenstore fail"
    fi
}

# shellcheck disable=SC2154 # _p: set by lab_key_path (xenstore.sh)
vm_testing_key() {
    lab_testing_key "$1"
    echo "$_p"
}

# Internal: a counter under data/test-vm/ (0 while missing).
lab_counter() {
    _c=$(vm_read_key "$1" "data/test-vm/$2") || _c=0
    echo "${_c:-0}"
}

# Internal: lab_command NAME JSON TIMEOUT: `test-vm-ctl send` writes the
# command and waits for its verdict; sets _verdict (accepted, rejected or
# none), _err and _cmd (JSON cut to 100 bytes, for messages).
# shellcheck disable=SC2154 # _d: set by lab_key_path (xenstore.sh)
lab_command() {
    lab_key_path "$1" control/testing
    _cmd=$(printf '%.100s' "$2")
    [ "$_cmd" = "$2" ] || _cmd="$_cmd..."
    _out=$(test-vm-ctl --timeout "${3:-$LAB_WAIT}" send -- "$_d" "$2" 2>&1)
    case $? in
    0) _verdict=accepted ;;
    1) _verdict=rejected ;;
    3) _verdict=none ;;
    *) fail "expected test-vm-ctl send to give a verdict, saw: $_out" ;;
    esac
    _err=$(vm_read_key "$1" data/test-vm/last-error)
    # No verdict: the guest did not read its command; the caller fails.
    [ "$_verdict" != none ] || guest_diagnose "$1"
}

expect_accepted() {
    lab_command "$1" "$2" "${3:-}"
    case $_verdict in
    accepted) log "$1 accepted $_cmd" ;;
    rejected) fail "expected $1 to accept $_cmd, saw it rejected: $_err" ;;
    *) fail "expected $1 to accept $_cmd within ${3:-$LAB_WAIT}s, saw no verdict (commands $(lab_counter "$1" commands), errors $(lab_counter "$1" errors), control/testing \"$(vm_read_key "$1" control/testing)\")" ;;
    esac
}

expect_rejected() {
    lab_command "$1" "$2" "${4:-}"
    case $_verdict in
    rejected)
        case $_err in
        *"$3"*) log "$1 rejected it: $_err" ;;
        *) fail "expected $1 to reject it with \"$3\", saw \"$_err\"" ;;
        esac ;;
    accepted) fail "expected $1 to reject $_cmd, saw it accepted" ;;
    *) fail "expected $1 to reject $_cmd within ${4:-$LAB_WAIT}s, saw no verdict (errors $(lab_counter "$1" errors))" ;;
    esac
}
