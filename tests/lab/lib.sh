# shellcheck shell=sh
# tests/lab/lib.sh: helpers for lab scenarios.  busybox sh, sourced inside the
# lab's dom0 (tools/lab/run copies it to /lab/lib.sh).
#
# A scenario is a busybox sh script, tests/lab/scenarios/NN-name.sh:
#
#     . /lab/lib.sh
#     vm_create boot                        # xl create, type "pvh", memory $LAB_MEMORY (2)
#     expect_console boot "xen-test-vm "    # polls guest-boot.log
#     vm_wait_ready boot                    # data/test-vm/state = "ready"
#     pass
#
# Its verdict is its exit status: 0 passes, anything else fails.  fail prints
# "FAIL: <reason>" and exits 1; the host shows that reason, so say what was
# expected and what was seen.  The runner destroys every guest after each
# scenario and collects their console logs, so a scenario need not clean up.
#
# Guests (NAME is the xl domain name; configs and logs go to the current folder):
#   vm_create NAME [key=value ...]   write NAME.cfg and `xl create` it.  Defaults:
#                          type="pvh" kernel=$LAB_KERNEL memory=$LAB_MEMORY (2) vcpus=1 and
#                          on_poweroff/on_reboot/on_crash="preserve" (a domain that
#                          shut down stays, with its reason).  key=value adds or
#                          replaces a line; a value is written as an xl string
#                          (in double quotes, with \ and " escaped as \\ and \")
#                          unless it is a number or a list (starts with [).  A
#                          value with a control character (a newline...) fails.
#                          E.g. cmdline="debug=fault", cmdline='say="hi"'.
# Guest kinds (KIND: ours, linux or floor; the same measures for each):
#   guest_create KIND NAME [key=value ...]   ours: vm_create.  linux: Debian's
#                          kernel with a busybox initramfs ($LAB_LINUX_KERNEL,
#                          $LAB_LINUX_INITRD: tools/lab/run --linux-guest ships
#                          them), memory $LAB_LINUX_MEMORY, tsc_mode "native",
#                          console hvc0 ("quiet").  floor: $LAB_FLOOR_KERNEL
#                          (make floor), memory $LAB_MEMORY.  The common
#                          defaults and key=value rules are vm_create's; a
#                          kind whose files are not in dom0 fails saying so.
#   guest_cfg KIND NAME [key=value ...]   only write NAME.cfg as guest_create
#                          would (for a tool that runs xl create itself: xsbench);
#                          for ours without vm_create's control/testing (xsbench
#                          makes it)
#   guest_cfgs KIND PREFIX N              guest_cfg of PREFIX-1 .. PREFIX-N
#                                         (on_poweroff=destroy); their files in $_cfgs
#   guest_kinds            print the kinds whose files this lab's dom0 has, one a
#                          line: ours, then floor and linux if shipped
#   guest_ready_key KIND   print the key "ready" is read from (relative):
#                          ours data/test-vm/state = "ready", linux and floor
#                          control/feature-poweroff = "1" (which they write)
#   guest_wait_ready KIND NAME [timeout_s]   wait until it is ready
#   guest_sysrq NAME [timeout_s]   write $LAB_SYSRQ_KEY ("4", harmless for
#                          every kind: Linux sets console loglevel 4, which
#                          "quiet" set; ours logs and ignores it) into
#                          control/sysrq and wait for the guest's ack ("")
#   guest_sysrq_wait NAME [timeout_s]   only the wait (for many guests at once)
#   (Linux after xl restore: libxl remakes control/feature-* empty and Linux
#   does not write them again; a sysrq ack shows that it runs.)
#   vm_domid NAME          print the domid (status 1 if there is no such domain)
#   vm_destroy NAME        xl destroy (no error if already gone)
#   vm_state NAME          print xl's state flags, e.g. "-b----" or "---sc-"
#   vm_wait_shutdown NAME [timeout_s]   wait until the domain has shut down
#   expect_reason NAME CODE             its shutdown reason is CODE (0 poweroff,
#                          1 reboot, 2 suspend, 3 crash, 4 watchdog; the names
#                          work too), read from `xl list -v` (Reason-Code)
# Xenstore (RELPATH is relative to /local/domain/<domid>/):
#   vm_read_key NAME RELPATH            print the value (status 1 if missing)
#   vm_write_key NAME RELPATH VALUE     write it (as dom0)
#   expect_key NAME RELPATH VALUE       the key holds VALUE now
#   vm_wait_key NAME RELPATH VALUE [timeout_s]   poll every 50 ms until it does
#   vm_wait_ready NAME [timeout_s]      data/test-vm/state becomes "ready".  (xl
#                          makes control/feature-* keys itself, empty: readiness
#                          must be a value the guest wrote.)
#   expect_no_key NAME RELPATH          the key does not exist
#   vm_key_path NAME RELPATH            print /local/domain/<domid>/RELPATH (and
#                          set $_p to it, for use without a subshell)
# The test VM's control protocol (README.md, "The protocol"):
#   vm_request NAME VALUE  write VALUE into control/shutdown, as a toolstack does
#                          (test-vm-ctl request: logs how it was acked)
#   vm_testing_key NAME    print the path of control/testing (and set $_p), made
#                          first, empty and owned by the guest, if missing: a key
#                          dom0 makes is read-only for the guest, which then
#                          cannot ack (EACCES).  expect_accepted/rejected do this.
#   expect_accepted NAME JSON [timeout_s]   test-vm-ctl send: write JSON into control/testing and
#                          wait until data/test-vm/commands goes up by one (fails
#                          with last-error if errors goes up instead)
#   expect_rejected NAME JSON REASON [timeout_s]   the same, but errors must go up
#                          and last-error contain REASON (fixed string)
#   expect_running NAME    the domain exists and has not shut down
# Console (xenconsoled's log of the guest's PV console, guest-NAME.log):
#   expect_console NAME TEXT [timeout_s]       a line contains TEXT (fixed string)
#   expect_console_re NAME REGEX [timeout_s]   a line matches REGEX (grep -E)
#   console_log NAME       print the log's path
# Verdicts and logging:
#   fail "expected X, saw Y"   print FAIL: ... and exit 1
#   pass                   print PASS and exit 0
#   log TEXT               print "lab: TEXT" with the seconds since the scenario began
#   lab_now_ms, lab_now_us  dom0's clock (/proc/uptime: 10 ms steps; /proc/timer_list: ns)
# $LAB_MEMORY (MiB, default 2: the smallest memory= at which the VM boots and every
# scenario passes, on both labs; tests/bench/lab/memory.sh finds it) is every
# vm_create's memory unless a scenario gives its own (memcheck's 16);
# `LAB_MEMORY=4 tests/run-lab` runs the suite at another (tools/lab/run passes it on).
# The lab: $LAB_XEN is the Xen version the scenario runs on, "4.17" or "4.20"
# (for what cannot mean the same on both; say why where it is used).
# Timeouts default to $LAB_WAIT (10 s).  Helpers that end in fail must not run in
# $(...): fail would only leave the subshell.

LAB_KERNEL=${LAB_KERNEL:-/lab/test-vm.xen}
LAB_MEMORY=${LAB_MEMORY:-2}
LAB_LINUX_KERNEL=${LAB_LINUX_KERNEL:-/lab/linux/vmlinuz}
LAB_LINUX_INITRD=${LAB_LINUX_INITRD:-/lab/linux/initrd}
LAB_LINUX_MEMORY=${LAB_LINUX_MEMORY:-96}
LAB_FLOOR_KERNEL=${LAB_FLOOR_KERNEL:-/lab/floor.xen}
# A sysrq key every kind acks and that changes nothing: Linux sets its console
# loglevel to 4 (what "quiet" set), ours logs it, the floor acks anything.
LAB_SYSRQ_KEY=4
LAB_WAIT=${LAB_WAIT:-10}
LAB_CONSOLE_DIR=${LAB_CONSOLE_DIR:-/var/log/xen/console}

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

# Internal: VALUE as an xl config string: "...", with \ and " escaped (xl's
# parser, libxlu_cfg.c, undoes \\ and \").
lab_xl_string() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

vm_create() {
    lab_xl_create ours "$@"
    # control/testing, writable by the guest from the start (xl makes control/
    # read-only for it), so that plain xenstore-write commands work as on XenServer.
    lab_testing_key "$1"
}

# Internal: lab_xl_create KIND NAME [key=value ...]: NAME.cfg from the
# arguments, then KIND's defaults (lab_kind_cfg) and the common ones for keys
# not given; then xl create.
lab_xl_create() {
    lab_xl_cfg "$@"
    _t=$(lab_now_ms)
    _try=1
    # libxc's XZ decompression of Debian's kernel in dom0 fails now and then
    # under QEMU TCG while other guests boot ("File is corrupt"; the same file
    # decompresses on the next try): the lab's flake, not the guest's.
    until xl create "$_cfg" >"$_name.xl-create.log" 2>&1; do
        if [ "$_try" -ge 3 ] || ! grep -q 'unable to XZ decompress kernel' "$_name.xl-create.log"; then
            cat "$_cfg" "$_name.xl-create.log"
            fail "expected xl create $_name to succeed, saw: $(grep -m1 -i error "$_name.xl-create.log" || tail -n 1 "$_name.xl-create.log")"
        fi
        log "xl create $_name: libxc could not XZ-decompress the kernel (try $_try), again"
        _try=$((_try + 1))
    done
    log "created $_kind guest $_name (domid $(vm_domid "$_name")) in $(($(lab_now_ms) - _t)) ms"
}

# Internal: lab_xl_cfg KIND NAME [key=value ...]: lab_xl_create's config,
# $PWD/NAME.cfg (its path in $_cfg; $_kind, $_name set).
lab_xl_cfg() {
    _kind=$1
    _name=$2
    shift 2
    _cfg=$PWD/$_name.cfg
    : >"$_cfg"
    for _kv in "$@"; do
        _k=${_kv%%=*}
        _v=${_kv#*=}
        case $_kv in
        [A-Za-z_]*=*) case $_k in *[!A-Za-z0-9_]*) _kv= ;; esac ;;
        *) _kv= ;;
        esac
        [ -n "$_kv" ] || fail "expected vm_create $_name key=value arguments (key: letters, digits, _), saw \"$_k\""
        case $_k$_v in
        *[[:cntrl:]]*) fail "expected vm_create $_name $_k=... without control characters (xl config lines), saw one" ;;
        esac
        case $_v in
        '' | *[!0-9]*) case $_v in \[*) ;; *) _v=$(lab_xl_string "$_v") ;; esac ;;
        esac
        printf '%s = %s\n' "$_k" "$_v" >>"$_cfg"
    done
    lab_kind_cfg "$_kind" >"$_cfg.defaults" || fail "expected a guest kind ours, linux or floor, saw \"$_kind\""
    printf '%s = %s\n' name "$(lab_xl_string "$_name")" type '"pvh"' vcpus 1 \
        on_poweroff '"preserve"' on_reboot '"preserve"' on_crash '"preserve"' >>"$_cfg.defaults"
    while IFS= read -r _kv; do
        grep -q "^${_kv%% = *} =" "$_cfg" || printf '%s\n' "$_kv" >>"$_cfg"
    done <"$_cfg.defaults"
    rm -f "$_cfg.defaults"
}

# Internal: lab_kind_cfg KIND: the xl config lines KIND's guests default to
# (status 1 for an unknown kind).
lab_kind_cfg() {
    case $1 in
    ours) printf '%s = %s\n' kernel "$(lab_xl_string "$LAB_KERNEL")" memory "$LAB_MEMORY" ;;
    linux)
        # tsc_mode "native": under QEMU TCG, Linux hangs at boot otherwise.
        printf '%s = %s\n' kernel "$(lab_xl_string "$LAB_LINUX_KERNEL")" \
            ramdisk "$(lab_xl_string "$LAB_LINUX_INITRD")" cmdline '"console=hvc0 quiet"' \
            memory "$LAB_LINUX_MEMORY" tsc_mode '"native"' ;;
    floor) printf '%s = %s\n' kernel "$(lab_xl_string "$LAB_FLOOR_KERNEL")" memory "$LAB_MEMORY" ;;
    *) return 1 ;;
    esac
}

guest_create() {
    case $1 in
    ours) shift; vm_create "$@"; return ;;
    esac
    lab_kind_files "$1"
    lab_xl_create "$@"
}

# Internal: lab_kind_files KIND: fails unless KIND's files are in dom0.
lab_kind_files() {
    case $1 in
    ours) ;;
    linux) { [ -f "$LAB_LINUX_KERNEL" ] && [ -f "$LAB_LINUX_INITRD" ]; } ||
        fail "expected the Linux guest at $LAB_LINUX_KERNEL and $LAB_LINUX_INITRD (tools/lab/run --linux-guest or LAB_LINUX_GUEST=1), saw none" ;;
    floor) [ -f "$LAB_FLOOR_KERNEL" ] ||
        fail "expected the floor guest at $LAB_FLOOR_KERNEL (make floor, shipped by tools/lab/run), saw none" ;;
    *) fail "expected a guest kind ours, linux or floor, saw \"$1\"" ;;
    esac
}

guest_cfg() {
    lab_kind_files "$1"
    lab_xl_cfg "$@"
}

guest_cfgs() {
    _cfgs=
    _i=1
    while [ "$_i" -le "$3" ]; do
        guest_cfg "$1" "$2-$_i" on_poweroff=destroy
        _cfgs="$_cfgs $2-$_i.cfg"
        _i=$((_i + 1))
    done
}

guest_kinds() {
    echo ours
    [ -f "$LAB_FLOOR_KERNEL" ] && echo floor
    { [ -f "$LAB_LINUX_KERNEL" ] && [ -f "$LAB_LINUX_INITRD" ]; } && echo linux
    return 0
}

guest_ready_key() {
    case $1 in
    ours) echo data/test-vm/state ;;
    *) echo control/feature-poweroff ;;
    esac
}

guest_wait_ready() {
    case $1 in
    ours) vm_wait_key "$2" data/test-vm/state ready "${3:-}" ;;
    linux | floor) vm_wait_key "$2" control/feature-poweroff 1 "${3:-}" ;;
    *) fail "expected a guest kind ours, linux or floor, saw \"$1\"" ;;
    esac
}

guest_sysrq() {
    vm_write_key "$1" control/sysrq "$LAB_SYSRQ_KEY"
    guest_sysrq_wait "$@"
}

guest_sysrq_wait() {
    lab_key_path "$1" control/sysrq
    _end=$(lab_deadline "${2:-}")
    while lab_before "$_end"; do
        [ "$(xenstore-read "$_p" 2>/dev/null)" = "" ] && return 0
        usleep 10000
    done
    fail "expected $1 to ack $_p (\"\") within ${2:-$LAB_WAIT}s, saw \"$(xenstore-read "$_p" 2>/dev/null)\""
}

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

# Internal: sets _p to /local/domain/<domid>/RELPATH, or fails.
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
    fail "expected $_p = \"$3\" within ${4:-$LAB_WAIT}s, saw $_saw"
}

vm_wait_ready() {
    vm_wait_key "$1" data/test-vm/state ready "${2:-}"
}

console_log() { echo "$LAB_CONSOLE_DIR/guest-$1.log"; }

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

# Through test-vm-ctl (on dom0's PATH): it writes the request and says how it
# was acked; the scenario checks the outcome, so its exit status is only logged.
vm_request() {
    lab_key_path "$1" control/shutdown
    _ack=$(test-vm-ctl --timeout 5 request -- "$_d" "$2" 2>&1)
    log "$1: control/shutdown <- \"$2\": $_ack (test-vm-ctl status $?)"
}

# Internal: sets _p to control/testing, made first if missing.  A node dom0
# creates inherits control/'s permissions, which do not let the guest write:
# its ack would fail with EACCES.  So make it empty, owned by the guest (as
# libxl makes control/shutdown), before the first command.
lab_testing_key() {
    lab_key_path "$1" control/testing
    xenstore-exists "$_p" 2>/dev/null && return 0
    if ! xenstore-write "$_p" "" || ! xenstore-chmod "$_p" "n$_d"; then
        fail "expected to create $_p owned by domain $_d, saw xenstore fail"
    fi
}

vm_testing_key() {
    lab_testing_key "$1"
    echo "$_p"
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

# Internal: a counter under data/test-vm/ (0 while missing).
lab_counter() {
    _c=$(vm_read_key "$1" "data/test-vm/$2") || _c=0
    echo "${_c:-0}"
}

# Internal: lab_command NAME JSON TIMEOUT: `test-vm-ctl send` writes the
# command and waits for its verdict; sets _verdict (accepted, rejected or
# none), _err and _cmd (JSON cut to 100 bytes, for messages).
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
