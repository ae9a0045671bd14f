#!/bin/sh
# The guest-agent keys (docs/protocol.md, "Guest-agent keys") as xapi would read
# them: PV drivers version, OS, addresses from ip=, memory in KiB and
# data/updated; the boot-id; the heartbeat.  After xl save -c (a checkpoint)
# and xl save + xl restore (a new domain) the boot-id is the same and the keys
# are back; the heartbeat goes on counting.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create vm cmdline="ip=192.0.2.10 ip=2001:db8::10 heartbeat=1 agent-version=9.1.2.3"
vm_wait_ready vm

expect_agent_keys() {
    expect_key vm attr/PVAddons/MajorVersion 9
    expect_key vm attr/PVAddons/MinorVersion 1
    expect_key vm attr/PVAddons/MicroVersion 2
    expect_key vm attr/PVAddons/BuildVersion 3
    expect_key vm data/os_distro xen-test-vm
    expect_key vm data/os_uname "$(vm_read_key vm data/test-vm/version)"
    expect_key vm data/os_name "xen-test-vm $(vm_read_key vm data/test-vm/version)"
    expect_key vm attr/vif/0/ipv4/0 192.0.2.10
    expect_key vm attr/vif/0/ipv6/0 2001:db8::10
    total=$(vm_read_key vm data/meminfo_total) || fail "expected data/meminfo_total, saw none"
    free=$(vm_read_key vm data/meminfo_free) || fail "expected data/meminfo_free, saw none"
    # memory = $LAB_MEMORY (MiB): the memory map has that much RAM; the image takes some.
    [ "$total" = $((LAB_MEMORY * 1024)) ] ||
        fail "expected meminfo_total $((LAB_MEMORY * 1024)) (KiB, memory = $LAB_MEMORY), saw \"$total\""
    if [ "$free" -le 0 ] || [ "$free" -ge "$total" ]; then
        fail "expected 0 < meminfo_free < $total, saw \"$free\""
    fi
    vm_read_key vm data/updated >/dev/null || fail "expected data/updated (a running agent), saw none"
    log "agent keys: total $total KiB, free $free KiB, updated at $(vm_read_key vm data/updated) ms"
}

# The heartbeat counts up within a few seconds (every 1 s on the VM's clock).
expect_heartbeat() {
    h0=$(vm_read_key vm data/test-vm/heartbeat) || fail "expected data/test-vm/heartbeat, saw none"
    _t=$(lab_now_ms)
    _end=$(lab_deadline)
    while lab_before "$_end"; do
        h=$(vm_read_key vm data/test-vm/heartbeat)
        [ "$h" -gt "$h0" ] 2>/dev/null && {
            log "heartbeat $h0 -> $h after $(($(lab_now_ms) - _t)) ms (uptime-ms $(vm_read_key vm data/test-vm/uptime-ms))"
            return 0
        }
        usleep 100000
    done
    fail "expected data/test-vm/heartbeat to go up from $h0 within ${LAB_WAIT}s, saw $h"
}

expect_agent_keys
expect_console vm "test-vm: agent: PVAddons 9.1.2.3"
id=$(vm_read_key vm data/test-vm/boot-id)
case $id in
*[!0-9a-f]*) fail "expected a boot-id of 32 hex digits, saw \"$id\"" ;;
esac
[ ${#id} = 32 ] || fail "expected a boot-id of 32 hex digits, saw \"$id\""
expect_console vm "test-vm: boot-id: $id ("
log "boot-id $id ($(grep -o 'boot-id: [0-9a-f]* ([a-z+]*)' "$(console_log vm)" | sed 's/.*(//; s/)//'))"
expect_heartbeat

_t=$(lab_now_ms)
xl save -c vm vm.save >save.log 2>&1 || { cat save.log; fail "expected xl save -c to succeed, saw it fail"; }
rm -f vm.save
vm_wait_key vm data/test-vm/last-suspend cancelled
log "checkpoint in $(($(lab_now_ms) - _t)) ms"
expect_key vm data/test-vm/boot-id "$id"
expect_heartbeat

_t=$(lab_now_ms)
xl save vm vm.save >save.log 2>&1 || { cat save.log; fail "expected xl save to succeed, saw it fail"; }
xl restore vm.save >restore.log 2>&1 || { cat restore.log; fail "expected xl restore to succeed, saw it fail"; }
rm -f vm.save
vm_wait_key vm data/test-vm/resumes 1
vm_wait_ready vm
log "save and restore in $(($(lab_now_ms) - _t)) ms"
expect_key vm data/test-vm/boot-id "$id"
expect_agent_keys
expect_heartbeat
pass
