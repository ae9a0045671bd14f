#!/usr/bin/env bash
# shellcheck disable=SC2016 # check conditions are eval'd strings
# tools/stack-budget: on call graphs made up here (GCC's -fcallgraph-info=su
# format), it passes a kernel within its stacks and fails one that is over
# budget, one with a call cycle, and one with an indirect call it does not
# list; and the real kernel's call graphs pass.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

# graph FILE FRAME_OF_DEEP [EXTRA_LINES]: kernel_entry -> kernel_main -> deep,
# trap_handler and events_upcall_at small.
graph() {
    cat >"$1" <<CI
graph: { title: "x.c"
node: { title: "kernel_entry" label: "kernel_entry\nx.c:1:1\n64 bytes (static)" }
node: { title: "kernel_main" label: "kernel_main\nx.c:2:1\n128 bytes (static)" }
node: { title: "deep" label: "deep\nx.c:3:1\n$2 bytes (static)" }
node: { title: "trap_handler" label: "trap_handler\nx.c:4:1\n200 bytes (static)" }
node: { title: "events_upcall_at" label: "events_upcall_at\nx.c:5:1\n48 bytes (static)" }
edge: { sourcename: "kernel_entry" targetname: "kernel_main" label: "x.c:1:2" }
edge: { sourcename: "kernel_main" targetname: "deep" label: "x.c:2:2" }
${3:-}
}
CI
}

budget() { "$repo/tools/stack-budget" 16384 8192 "$@" >"$work/out.log" 2>&1; }

graph "$work/ok.ci" 4000
check stack-within-budget "expected a 4 KiB chain to pass, saw: $(budget "$work/ok.ci"; cat "$work/out.log")" \
    eval 'budget "$work/ok.ci" && grep -q "^stack: 2 passed, 0 failed" "$work/out.log"'

graph "$work/over.ci" 16000
check stack-over-budget "expected a 16000-byte frame to fail the 16 KiB stack, saw: $(budget "$work/over.ci"; cat "$work/out.log")" \
    eval '! budget "$work/over.ci" && grep -q "^FAIL stack: kernel stack" "$work/out.log"'

graph "$work/cycle.ci" 100 'edge: { sourcename: "deep" targetname: "kernel_main" label: "x.c:3:2" }'
check stack-cycle-fails "expected a call cycle to fail, saw: $(budget "$work/cycle.ci"; cat "$work/out.log")" \
    eval '! budget "$work/cycle.ci" && grep -q "a call cycle: kernel_main -> deep -> kernel_main" "$work/out.log"'

graph "$work/indirect.ci" 100 'edge: { sourcename: "deep" targetname: "__indirect_call" label: "x.c:3:2" }'
check stack-unlisted-indirect-fails "expected an unlisted indirect call to fail, saw: $(budget "$work/indirect.ci"; cat "$work/out.log")" \
    eval '! budget "$work/indirect.ci" && grep -q "an indirect call in deep" "$work/out.log"'

# wait_for_event_until entered again from inside itself costs one frame, not a cycle.
graph "$work/reentry.ci" 100 'node: { title: "wait_for_event_until" label: "w\nx.c:6:1\n32 bytes (static)" }
node: { title: "printk" label: "p\nx.c:7:1\n16 bytes (static)" }
edge: { sourcename: "deep" targetname: "wait_for_event_until" label: "x.c:3:2" }
edge: { sourcename: "wait_for_event_until" targetname: "printk" label: "x.c:6:2" }
edge: { sourcename: "printk" targetname: "wait_for_event_until" label: "x.c:7:2" }'
check stack-wait-reentry-once "expected a wait entered again once to pass, saw: $(budget "$work/reentry.ci"; cat "$work/out.log")" \
    eval 'budget "$work/reentry.ci" && grep -q "wait_for_event_until (again: returns at once)" "$work/out.log"'
