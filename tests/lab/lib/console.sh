# shellcheck shell=sh
# tests/lab/lib/console.sh: a guest's console, what it must show, and
# guest_diagnose for a guest that stopped answering (sourced by lib.sh).
#
# Console (xenconsoled's log of the guest's PV console, guest-NAME.log):
#   expect_console NAME TEXT [timeout_s]       a line contains TEXT (fixed string)
#   expect_console_re NAME REGEX [timeout_s]   a line matches REGEX (grep -E)
#   console_log NAME       print the log's path
#   guest_diagnose NAME    print what to look at when it stopped answering (below)

console_log() { echo "$LAB_CONSOLE_DIR/guest-$(lab_guest "$1").log"; }

# Internal: expect_console and expect_console_re; $1 is the grep flag.
lab_expect_console() {
    _f=$(console_log "$2")
    _end=$(lab_deadline "${4:-}")
    while lab_before "$_end"; do
        grep -q "$1" -e "$3" "$_f" 2>/dev/null && { log "$2 console: $3"; return 0; }
        usleep 50000
    done
    if [ -s "$_f" ]; then
        echo "--- last lines of $_f:"
        tail -n 5 "$_f"
        fail "expected \"$3\" on $2's console within ${4:-$LAB_WAIT}s, saw $(wc -l <"$_f") lines ending \"$(tail -n 1 "$_f")\""
    fi
    fail "expected \"$3\" on $2's console within ${4:-$LAB_WAIT}s, saw no console output"
}
expect_console() { lab_expect_console -F "$@"; }
expect_console_re() { lab_expect_console -E "$@"; }

# guest_diagnose NAME: what to look at when a guest stopped answering, printed
# into the scenario's output: xl's view of it, its control/ and data/ keys,
# Xen's view of its vCPU and event channels (debug keys q and e), its own
# port-0xe9 lines from xl dmesg ("(dN)": they do not need xenconsoled) and
# the end of its console.  Never fails: it runs on the way to a failure.
guest_diagnose() {
    _d=$(vm_domid "$1") || { echo "--- diagnose $1: no such domain"; return 0; }
    echo "--- diagnose $1 (domid $_d) at $(lab_now_ms) ms"
    xl list -v "$1" 2>&1
    xenstore-ls -f "/local/domain/$_d/control" 2>&1 | head -n 40
    xenstore-ls -f "/local/domain/$_d/data" 2>&1 | head -n 60
    xl debug-keys q >/dev/null 2>&1
    xl debug-keys e >/dev/null 2>&1
    echo "--- Xen's view of d$_d (debug keys q and e)"
    xl dmesg 2>&1 | awk -v d="$_d" '
        / for domain [0-9]*:|pressed ->/ { on = ($0 ~ " for domain " d ":") }
        on' | tail -n 80
    echo "--- its port 0xe9 lines, (d$_d), last 60"
    xl dmesg 2>&1 | grep -F "(d$_d)" | tail -n 60
    echo "--- its console, last 60 lines"
    tail -n 60 "$(console_log "$1")" 2>&1
    echo "--- end of diagnose $1"
}
