#!/bin/sh
# What a user copies runs as written: every ```sh block of README.md and docs/
# (tools/lab/readme-sh-blocks put them in /lab/readme-sh/; a block marked
# "<!-- not run: ... -->" is left out), in order, with sh, against the VM
# "test-vm" booted from README's xl config (only the kernel path replaced) and
# $DOMID its domid, as the blocks assume.  A block that shut the VM down gets
# a fresh one for the next.  Each must exit 0 with no "not found", syntax or
# usage error on its output.  Two blocks wait out xl's ack time-out (a
# command told not to ack): about 200 s on a loaded machine, hence:
# lab-timeout: 600
# README's test-vm is no other scenario's (dom0-main runs no two at once):
# lab-guests: test-vm
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

cfg=
for c in /lab/readme/*.cfg; do
    if grep -q '^name *= *"test-vm"' "$c"; then cfg=$c && break; fi
done
[ -n "$cfg" ] || fail "expected README's xl config for \"test-vm\" in /lab/readme, saw none"
sed 's|^kernel *=.*|kernel = "/lab/test-vm.xen"|' "$cfg" >test-vm.cfg

# A running test-vm (a fresh one if the last block shut it down); DOMID.
fresh_vm() {
    case $(vm_state test-vm) in
    *r* | *b*) ;;
    *)
        vm_destroy test-vm
        xl create test-vm.cfg >create.log 2>&1 || fail "expected README's xl config to boot, saw: $(cat create.log)"
        vm_wait_ready test-vm ;;
    esac
    DOMID=$(vm_domid test-vm)
    export DOMID
}

n=0
for blk in /lab/readme-sh/*.sh; do
    [ -f "$blk" ] || fail "expected README's shell blocks in /lab/readme-sh, saw none"
    n=$((n + 1))
    where=$(head -n 1 "$blk" | sed 's/^# //')
    fresh_vm
    # Its own output, not the scenario's (a block that is a scenario prints PASS).
    if ! timeout 200 sh "$blk" >"block-$n.log" 2>&1; then
        sed 's/^/  | /' "block-$n.log"
        fail "expected the shell block at $where to run as written and exit 0, saw it fail"
    fi
    if grep -n -i -e 'not found' -e 'syntax error' -e 'usage:' -e "Try '" "block-$n.log"; then
        fail "expected no missing command, syntax or usage error from the block at $where"
    fi
    log "the shell block at $where ran as written"
    # VMs a block made itself (lab scenarios shown as examples, in this
    # scenario's namespace: lib/names.sh): gone.  Other scenarios' stay.
    for d in $(command xl list | awk -v ns="${LAB_NS:-}" 'NR > 2 && $1 != "test-vm" && (ns == "" || index($1, ns) == 1) { print $1 }'); do
        command xl destroy "$d" >/dev/null 2>&1
    done
done
log "$n shell blocks from README.md and docs/ ran as written"
pass
