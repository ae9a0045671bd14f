#!/usr/bin/env bash
# Host benchmark: the VM's hot paths built for the host (tests/bench/bench_*.c:
# the portable sources and the simulation, as make unit builds them but -Os
# like the kernel and without sanitizers, so that the counts resemble the
# kernel's), timed (ns per operation, with the simulated Xen and backend) and
# counted under callgrind (instructions per operation, guest code only: the
# simulation's share taken out).  ours only: the other kinds have no such
# build.  Prints "bench: FIGURE ours VALUE UNIT LABEL" lines, what it ran on
# stderr.
#   BENCH_OPS=N            operations per timed run (default 200000)
#   BENCH_CALLGRIND_OPS=N  operations per callgrind run (default 2000)
set -u
cd "$(dirname "$0")/../../.." || exit 1

B=build/bench/host
OPS=${BENCH_OPS:-200000}
CG_OPS=${BENCH_CALLGRIND_OPS:-2000}
CC=${HOSTCC:-gcc}
mkdir -p "$B"

# (-D_DEFAULT_SOURCE as in make unit: libc's strnlen is POSIX.)
SRCS=(lib/*.c drivers/*.c kernel/*.c tests/sim/*.c)
CFLAGS=(-std=c11 -Wall -Wextra -Werror -I. -Ibuild -Itests -DHOST_BUILD -D_DEFAULT_SOURCE -Os -g)

# Inclusive instruction count of function $2 in callgrind_annotate output $1
# (the largest, as callgrind_annotate may list a function under two names).
inclusive() {
    awk -v fn="$2" '
        { line = $0; sub(/^ +/, "", line) }
        index(line, ":" fn " [") {
            n = line; sub(/ .*/, "", n); gsub(",", "", n)
            if (n + 0 > max) max = n + 0
        }
        END { print max + 0 }' "$1"
}

# Instructions spent in the simulation (Xen and the backends) from guest code:
# the arch.h functions the sim implements, minus the guest's upcall handler
# that arch_idle() calls on the "interrupt".
sim_instructions() {
    local total=0 f
    for f in hypercall_sched_op hypercall_event_channel_op hypercall_hvm_op hypercall_memory_op \
             hypercall_vcpu_op hypercall_xen_version arch_idle arch_rdtsc arch_debug_write; do
        total=$((total + $(inclusive "$1" "$f")))
    done
    echo $((total - $(inclusive "$1" events_upcall)))
}

# measure PROGRAM FIGURE FUNCTION OPS CG_OPS LABEL
measure() {
    local name=$1 figure=$2 fn=$3 ops=$4 cg_ops=$5 label=$6
    local bin=$B/$name
    local cmd=("$CC" "${CFLAGS[@]}" "tests/bench/$name.c" tests/bench/common.c "${SRCS[@]}" -o "$bin")
    echo "instructions: $bin (gcc -Os: tests/bench/$name.c, the portable sources, tests/sim)" >&2
    "${cmd[@]}" || { echo "instructions: $name does not build: no figures" >&2; return; }

    local out ns=n/a
    out=$("$bin" time "$ops") && ns=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9.]*\) ns\/op.*/\1/p')
    echo "bench: host_ns_$figure ours ${ns:-n/a} ns $label: host ns per operation, with the simulated Xen and backend ($bin time $ops)"

    if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
        echo "instructions: valgrind not installed: no instruction counts" >&2
        return
    fi
    local cg="$B/cg.$name" ann="$B/cg.$name.txt" all=n/a guest=n/a
    rm -f "$cg" "$cg".*
    if valgrind --tool=callgrind "--callgrind-out-file=$cg" "$bin" callgrind "$cg_ops" >/dev/null 2>&1 &&
        [ -f "$cg.1" ]; then
        callgrind_annotate --inclusive=yes --threshold=100 "$cg.1" >"$ann"
        all=$(inclusive "$ann" "$fn")
        guest=$(((all - $(sim_instructions "$ann")) / cg_ops))
        all=$((all / cg_ops))
    else
        echo "instructions: the callgrind run of $bin failed" >&2
    fi
    echo "bench: instructions_$figure ours $guest instructions $label: instructions per operation, guest code only (callgrind, -Os host build)"
    echo "bench: instructions_sim_$figure ours $all instructions $label: instructions per operation, with the simulated Xen and backend"
}

measure bench_console console_write console_write "$OPS" "$CG_OPS" "console_write of an 80-byte line"
measure bench_xenstore xenstore_read xenstore_read "$OPS" "$CG_OPS" "a xenstore read request/reply round trip"
# An operation is 1 MiB checked: fewer of them than of the others.
measure bench_memcheck memcheck_mib memcheck_verify 1024 4 "memcheck_verify of 1 MiB"
