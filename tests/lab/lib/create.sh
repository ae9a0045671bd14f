# shellcheck shell=sh
# tests/lab/lib/create.sh: writing a guest's xl config and creating it
# (sourced by lib.sh; the guest kinds' defaults are in kinds.sh).
#
# Guests (NAME is the xl domain name, in the scenario's namespace: names.sh;
# configs and logs go to the current folder):
#   vm_create NAME [key=value ...]   write NAME.cfg and `xl create` it.  Defaults:
#                          type="pvh" kernel=$LAB_KERNEL memory=$LAB_MEMORY (2) vcpus=1 and
#                          on_poweroff/on_reboot/on_crash="preserve" (a domain that
#                          shut down stays, with its reason).  key=value adds or
#                          replaces a line; a value is written as an xl string
#                          (in double quotes, with \ and " escaped as \\ and \")
#                          unless it is a number or a list (starts with [).  A
#                          value with a control character (a newline...) fails.
#                          E.g. cmdline="debug=fault", cmdline='say="hi"'.
#   vm_create_paused NAME [key=value ...]   the same, but created paused (xl
#                          create -p), for a scenario to prepare the guest's
#                          xenstore before it runs; `xl unpause NAME` starts it.

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

vm_create_paused() {
    _paused=1
    vm_create "$@"
    _paused=
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
    until xl create ${_paused:+-p} "$_cfg" >"$_name.xl-create.log" 2>&1; do
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
    # Its name in Xen: NAME in this scenario's namespace (names.sh).
    lab_register_guest "$_name"
    printf '%s = %s\n' name "$(lab_xl_string "$(lab_guest "$_name")")" type '"pvh"' vcpus 1 \
        on_poweroff '"preserve"' on_reboot '"preserve"' on_crash '"preserve"' >>"$_cfg.defaults"
    while IFS= read -r _kv; do
        grep -q "^${_kv%% = *} =" "$_cfg" || printf '%s\n' "$_kv" >>"$_cfg"
    done <"$_cfg.defaults"
    rm -f "$_cfg.defaults"
}
