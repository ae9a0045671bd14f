# shellcheck shell=sh
# tests/lab/lib/names.sh: each scenario's guests in a namespace of their own
# (sourced by lib.sh).
#
# tools/lab/dom0-main runs scenarios side by side in one dom0 (LAB_JOBS, 2
# in make test), and most call their guest "vm".  So a guest a scenario
# names NAME is "$LAB_NS$NAME" in Xen: LAB_NS ("s12-" for the 12th scenario)
# is set by dom0-main when it runs more than one at a time, and is empty in
# the interactive lab, under make bench (one at a time) and in the host
# tests.  vm_create and guest_create register NAME (a line of $LAB_GUESTS, a
# file in the scenario's folder), and xl below gives each argument that is a
# registered NAME to the real xl as its Xen name: a scenario writes
# `xl shutdown vm`, and every helper takes NAME, as if it were alone.  A guest
# created otherwise (README's config, with its own name) keeps that name:
# the scenario declares it ("# lab-guests: NAME ...", see dom0-main), so
# that no two scenarios that use it run at once.
#
#   lab_guest NAME         print NAME's name in Xen (NAME if not registered),
#                          for tools that take a domain's name (test-vm-ctl)
#   lab_with_guests COMMAND ARGS...   run COMMAND (a program) with each ARG
#                          that is a registered NAME given as its name in Xen
#   xl ARGS...             the real xl, so: lab_with_guests xl ARGS...

LAB_GUESTS=${LAB_GUESTS:-$PWD/.lab-guests}
export LAB_GUESTS

# Internal: lab_is_guest NAME: NAME is one of this scenario's namespaced
# guests.  Builtins only: every xl call asks.
lab_is_guest() {
    [ -n "${LAB_NS:-}" ] && [ -f "$LAB_GUESTS" ] || return 1
    while IFS= read -r _lab_g; do
        [ "$_lab_g" = "$1" ] && return 0
    done <"$LAB_GUESTS"
    return 1
}

# Internal: lab_register_guest NAME: from now on NAME is "$LAB_NS$NAME" in Xen.
lab_register_guest() {
    [ -n "${LAB_NS:-}" ] || return 0
    lab_is_guest "$1" || printf '%s\n' "$1" >>"$LAB_GUESTS"
}

lab_guest() {
    if lab_is_guest "$1"; then printf '%s\n' "$LAB_NS$1"; else printf '%s\n' "$1"; fi
}

lab_with_guests() {
    _lab_cmd=$1
    shift
    _lab_n=$#
    while [ "$_lab_n" -gt 0 ]; do
        _lab_a=$1
        shift
        _lab_n=$((_lab_n - 1))
        lab_is_guest "$_lab_a" && _lab_a=$LAB_NS$_lab_a
        set -- "$@" "$_lab_a"
    done
    command "$_lab_cmd" "$@"
}

xl() { lab_with_guests xl "$@"; }
