# shellcheck shell=sh
# tests/lab/lib/domain.sh: a domain's id and state as xl sees them, its
# shutdown and its reason (sourced by lib.sh).
#
#   vm_domid NAME          print the domid (status 1 if there is no such domain)
#   vm_destroy NAME        xl destroy (no error if already gone)
#   vm_state NAME          print xl's state flags, e.g. "-b----" or "---sc-"
#   vm_wait_shutdown NAME [timeout_s]   wait until the domain has shut down (else
#                          guest_diagnose NAME, then fail)
#   expect_reason NAME CODE             its shutdown reason is CODE (0 poweroff,
#                          1 reboot, 2 suspend, 3 crash, 4 watchdog; the names
#                          work too), read from `xl list -v` (Reason-Code)
#   expect_running NAME    the domain exists and has not shut down

# Asks xl each time: a domain's id changes when it reboots or is restored.
vm_domid() { xl domid "$1" 2>/dev/null; }

vm_destroy() {
    xl destroy "$1" >/dev/null 2>&1 || true
}

vm_state() {
    xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

vm_wait_shutdown() {
    _end=$(lab_deadline "${2:-}")
    while lab_before "$_end"; do
        case $(vm_state "$1") in
        '') fail "expected $1 to shut down, saw the domain gone" ;;
        *s*) log "$1 shut down: $(vm_state "$1")"; return 0 ;;
        esac
        usleep 50000
    done
    guest_diagnose "$1"
    fail "expected $1 to shut down within ${2:-$LAB_WAIT}s, saw state $(vm_state "$1")"
}

# Internal: the name of a shutdown reason code and back.
lab_reason_name() {
    case $1 in
    0) echo poweroff ;; 1) echo reboot ;; 2) echo suspend ;; 3) echo crash ;;
    4) echo watchdog ;; -) echo "none (still running)" ;; *) echo "unknown" ;;
    esac
}
lab_reason_code() {
    case $1 in
    poweroff) echo 0 ;; reboot) echo 1 ;; suspend) echo 2 ;; crash) echo 3 ;;
    watchdog) echo 4 ;; *) echo "$1" ;;
    esac
}

# The Reason-Code column of `xl list -v NAME` ("-" while running).
vm_reason() {
    xl list -v "$1" 2>/dev/null | awk '
        NR == 1 { for (i = 1; i <= NF; i++) if ($i == "Reason-Code") col = i }
        NR == 2 && col { print $col }'
}

expect_reason() {
    _want=$(lab_reason_code "$2")
    _saw=$(vm_reason "$1")
    [ -n "$_saw" ] || fail "expected $1 shut down with reason $_want ($(lab_reason_name "$_want")), saw no such domain"
    [ "$_saw" = "$_want" ] ||
        fail "expected $1 shut down with reason $_want ($(lab_reason_name "$_want")), saw $_saw ($(lab_reason_name "$_saw"))"
    log "$1 reason $_saw ($(lab_reason_name "$_saw"))"
}

expect_running() {
    _s=$(vm_state "$1")
    [ -n "$_s" ] || fail "expected $1 running, saw no such domain"
    case $_s in
    *s* | *c* | *d*)
        _r=$(vm_reason "$1")
        fail "expected $1 running, saw state $_s (reason $_r, $(lab_reason_name "$_r"))" ;;
    esac
}
