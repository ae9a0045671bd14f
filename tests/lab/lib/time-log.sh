# shellcheck shell=sh
# tests/lab/lib/time-log.sh: dom0's clock, logging, verdicts and deadlines,
# which every other part of the lab's helpers uses (sourced by lib.sh).
#
# Verdicts and logging:
#   fail "expected X, saw Y"   print FAIL: ... and exit 1
#   pass                   print PASS and exit 0
#   log TEXT               print "lab: TEXT" with the seconds since the scenario began
#   lab_now_ms, lab_now_us  dom0's clock (/proc/uptime: 10 ms steps; /proc/timer_list: ns)

# Milliseconds since dom0 booted (/proc/uptime has hundredths).  No fork: it
# runs in every polling loop.  "12.05" -> "12050" (not 05 * 10: sh reads a
# leading 0 as octal).
lab_now_ms() {
    read -r _up _ </proc/uptime
    echo "${_up%.*}${_up#*.}0"
}
LAB_T0=${LAB_T0:-$(lab_now_ms)}

# Microseconds since dom0 booted, from the "now at N nsecs" line of
# /proc/timer_list (busybox date has no %N, /proc/uptime 10 ms steps); else
# from /proc/uptime.  The time is taken when the file is opened; reading it
# costs sh a few ms, which a timed interval includes once (bench scenarios
# measure an empty interval and say so).
lab_now_us() {
    if [ -r /proc/timer_list ]; then
        { read -r _ && read -r _ && read -r _ _ _ns _; } </proc/timer_list
        echo $((_ns / 1000))
    else
        echo $(($(lab_now_ms) * 1000))
    fi
}

log() {
    _ms=$(($(lab_now_ms) - LAB_T0))
    printf 'lab: [%d.%03ds] %s\n' $((_ms / 1000)) $((_ms % 1000)) "$*"
}

fail() {
    echo "FAIL: $*"
    exit 1
}

pass() {
    echo "PASS"
    exit 0
}

# Internal: true while the deadline ($1, from lab_deadline) has not passed.
lab_deadline() { echo $(($(lab_now_ms) + ${1:-$LAB_WAIT} * 1000)); }
lab_before() { [ "$(lab_now_ms)" -lt "$1" ]; }
