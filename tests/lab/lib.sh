# shellcheck shell=sh
# tests/lab/lib.sh: helpers for lab scenarios.  busybox sh, sourced inside the
# lab's dom0 (tools/lab/run copies it to /lab/lib.sh and the parts it sources,
# tests/lab/lib/*.sh, to /lab/lib/).
#
# A scenario is a busybox sh script, tests/lab/scenarios/NN-name.sh, that
# sources this one file:
#
#     . /lab/lib.sh
#     vm_create boot                        # xl create, type "pvh", memory $LAB_MEMORY (2)
#     expect_console boot "xen-test-vm "    # polls guest-boot.log
#     vm_wait_ready boot                    # data/test-vm/state = "ready"
#     pass
#
# Its verdict is its exit status: 0 passes, anything else fails.  fail prints
# "FAIL: <reason>" and exits 1; the host shows that reason, so say what was
# expected and what was seen.  The runner destroys the scenario's guests after
# it and collects their console logs, so a scenario need not clean up.  It may
# run beside other scenarios in the same dom0 (tools/lab/dom0-main): its
# guests are its own (lib/names.sh), and its files go in its own folder (the
# current one), never to a shared path such as /tmp/vm.save.
#
# The helpers, each part listing its own with their arguments at its top:
#   lib/names.sh      each scenario's guests in their own namespace: lab_guest,
#                     and xl, which maps a guest's NAME to its name in Xen
#   lib/time-log.sh   fail, pass, log, lab_now_ms, lab_now_us (and deadlines)
#   lib/create.sh     vm_create, vm_create_paused: a guest's xl config and xl create
#   lib/kinds.sh      guest kinds ours, linux and floor: guest_create, guest_cfg,
#                     guest_cfgs, guest_kinds, guest_ready_key, guest_wait_ready,
#                     guest_sysrq, guest_sysrq_wait
#   lib/domain.sh     vm_domid, vm_destroy, vm_state, vm_wait_shutdown,
#                     expect_reason, expect_running
#   lib/xenstore.sh   vm_read_key, vm_write_key, expect_key, vm_wait_key,
#                     vm_wait_ready, expect_no_key, vm_key_path
#   lib/console.sh    expect_console, expect_console_re, console_log, guest_diagnose
#   lib/control.sh    the control protocol: vm_request, vm_testing_key,
#                     expect_accepted, expect_rejected
#
# $LAB_MEMORY (MiB, default 2: the smallest memory= at which the VM boots and every
# scenario passes, on both labs; tests/bench/lab/memory.sh finds it) is every
# vm_create's memory unless a scenario gives its own (memcheck's 16);
# `LAB_MEMORY=4 tests/run-lab` runs the suite at another (tools/lab/run passes it on).
# The lab: $LAB_XEN is the Xen version the scenario runs on, "4.17" or "4.20"
# (for what cannot mean the same on both; say why where it is used).
# Timeouts default to $LAB_WAIT (10 s).  Helpers that end in fail must not run in
# $(...): fail would only leave the subshell.
# $LAB_LIB_DIR is where the parts are: /lab/lib in dom0 ($LAB_ROOT/lab/lib
# under the host tests' fake dom0); a host test that sources tests/lab/lib.sh
# sets it to tests/lab/lib (a sourced sh script cannot know its own path).

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
LAB_LIB_DIR=${LAB_LIB_DIR:-${LAB_ROOT:-}/lab/lib}

# The parts: each only defines functions (time-log.sh also sets LAB_T0), so
# their order does not matter.  (shellcheck finds them from the repository's
# top, where tests/host/test-shellcheck.sh runs it.)
if ! [ -d "$LAB_LIB_DIR" ]; then
    echo "FAIL: expected the lab helpers' parts in LAB_LIB_DIR=$LAB_LIB_DIR (tests/lab/lib/), saw no such folder"
    exit 1
fi
# shellcheck source=tests/lab/lib/names.sh
. "$LAB_LIB_DIR/names.sh"
# shellcheck source=tests/lab/lib/time-log.sh
. "$LAB_LIB_DIR/time-log.sh"
# shellcheck source=tests/lab/lib/create.sh
. "$LAB_LIB_DIR/create.sh"
# shellcheck source=tests/lab/lib/kinds.sh
. "$LAB_LIB_DIR/kinds.sh"
# shellcheck source=tests/lab/lib/domain.sh
. "$LAB_LIB_DIR/domain.sh"
# shellcheck source=tests/lab/lib/xenstore.sh
. "$LAB_LIB_DIR/xenstore.sh"
# shellcheck source=tests/lab/lib/console.sh
. "$LAB_LIB_DIR/console.sh"
# shellcheck source=tests/lab/lib/control.sh
. "$LAB_LIB_DIR/control.sh"
