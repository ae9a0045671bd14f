#!/bin/sh
# What a user copies boots as written: every xl config in README.md and
# docs/ (tools/lab/readme-xl-configs put them in /lab/readme/), and the .deb's
# example (tools/xen-test-vm.cfg), with only the kernel path replaced, is created with xl, becomes ready, and powers off on
# `xl shutdown`.  (README's first config once lacked `vcpus = 1`, and xl
# before 4.22 then fails: "Failed to set paging mempool size to 16kB".)
# The names README's configs give (dom0-main runs no two scenarios with one at once):
# lab-guests: test-vm xen-test-vm
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

n=0
for cfg in /lab/readme/*.cfg; do
    [ -f "$cfg" ] || fail "expected the README's xl configs in /lab/readme, saw none"
    n=$((n + 1))
    where=$(head -n 1 "$cfg" | sed 's/^# //')
    # A gzipped kernel stays gzipped (the .deb's example): libxenguest unpacks it.
    kernel=/lab/test-vm.xen
    if grep -q '^kernel *=.*\.gz"' "$cfg"; then
        [ -f test-vm.xen.gz ] || gzip -c /lab/test-vm.xen >test-vm.xen.gz
        kernel=$PWD/test-vm.xen.gz
    fi
    sed "s|^kernel *=.*|kernel = \"$kernel\"|" "$cfg" >"readme-$n.cfg"
    name=$(sed -n 's/^name *= *"\([^"]*\)".*/\1/p' "readme-$n.cfg")
    [ -n "$name" ] || fail "expected a name in the xl config at $where"
    case " $(sed -n 's/^# lab-guests: //p' "$0") " in
    *" $name "*) ;;
    *) fail "expected the name \"$name\" of the xl config at $where on this scenario's lab-guests line, saw it missing" ;;
    esac
    if ! xl create "readme-$n.cfg" >"readme-$n.log" 2>&1; then
        cat "readme-$n.cfg" "readme-$n.log"
        fail "expected the xl config at $where to boot as written, saw xl create fail: $(grep -i -m1 -e error -e fail "readme-$n.log")"
    fi
    vm_wait_ready "$name"
    log "the xl config at $where booted and is ready (domid $(vm_domid "$name"))"
    xl shutdown "$name"
    vm_wait_shutdown "$name"
    expect_reason "$name" poweroff
    vm_destroy "$name"
done
log "$n xl configs from README.md, docs/ and the .deb booted as written"
pass
