#!/bin/sh
# What a user copies runs as written: every test-vm-ctl command of README's
# XenServer recipes ("Recipes: failures of xenopsd and xapi this VM
# provokes", the "in dom0" column; tools/lab/run put them in
# /lab/readme/recipes.txt) is taken by the VM as written, VM being the
# name of a fresh lab VM each: "accepted ..." and exit 0, or exit 1 for the
# unknown request the table says is counted as an error.  (What xapi then
# does is the table's reading of its source; only xl runs here.)
# lab-timeout: 600
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

n=0
while IFS= read -r cmd; do
    [ -n "$cmd" ] || continue
    n=$((n + 1))
    vm_destroy rec
    vm_create rec
    vm_wait_ready rec
    run=$(printf '%s\n' "$cmd" | sed "s/ VM / $(lab_guest rec) /")
    out=$(eval "$run" 2>&1)
    rc=$?
    case $cmd in
    *" request VM s3") want=1 ;;
    *) want=0 ;;
    esac
    [ "$rc" = "$want" ] || fail "expected README's recipe command \"$cmd\" to exit $want, saw $rc: $out"
    case $cmd in
    *" now VM "* | *" onshutdown VM "*)
        case $out in accepted*) ;; *) fail "expected README's recipe command \"$cmd\" to be accepted, saw: $out" ;; esac ;;
    esac
    log "README recipe: $cmd -> $rc: $out"
done </lab/readme/recipes.txt
[ "$n" -ge 10 ] || fail "expected README's recipe commands in /lab/readme/recipes.txt, saw $n"
log "$n test-vm-ctl commands from README's recipes taken as written"
pass
