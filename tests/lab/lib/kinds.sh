# shellcheck shell=sh
# tests/lab/lib/kinds.sh: guest kinds, ours, linux and floor, made and
# measured the same way (sourced by lib.sh).
#
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

# shellcheck disable=SC2154 # _p: set by lab_key_path (xenstore.sh)
guest_sysrq_wait() {
    lab_key_path "$1" control/sysrq
    _end=$(lab_deadline "${2:-}")
    while lab_before "$_end"; do
        [ "$(xenstore-read "$_p" 2>/dev/null)" = "" ] && return 0
        usleep 10000
    done
    fail "expected $1 to ack $_p (\"\") within ${2:-$LAB_WAIT}s, saw \"$(xenstore-read "$_p" 2>/dev/null)\""
}
