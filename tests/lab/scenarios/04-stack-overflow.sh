#!/bin/sh
# Stack overflow: with cmdline "debug=stack-overflow" the kernel recurses
# until its stack reaches the unmapped guard page below it.  The page fault
# cannot be delivered on that stack, so the CPU raises a double fault, which
# runs on its own stack (IST 1): the register dump, a line naming the
# overflow, and a crash (Reason-Code 3), never a silent triple fault.
# shellcheck source=SCRIPTDIR/../lib.sh
. /lab/lib.sh

vm_create overflow cmdline="debug=stack-overflow"
vm_wait_shutdown overflow
expect_reason overflow crash
expect_console overflow "FATAL: exception 8 (#DF double fault)"
expect_console overflow "test-vm: FATAL: the kernel's stack overflowed (16 KiB"
pass
