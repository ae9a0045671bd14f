#!/bin/sh
# Soak (a lab bench scenario): BENCH_SOAK_COMMANDS (default 1000) good and bad
# control/testing commands, spread over BENCH_SOAK_VMS (default 4) of our VMs, each
# VM's share sent back to back as a toolstack does: write the command, wait
# for the VM's ack ("" in control/testing), write the next.  Asserts what a
# tester checks: none lost (every command acked, every verdict counted, every
# mark there), none out of order (the console shows the marks in the order
# sent), the counters and last-* keys in data/test-vm/ match what was sent.
# Prints the counts and the time it took (not asserted).
#
# Good: xenstore-write of data/soak/N = N (a mark: N is the command's number),
# ignore.  Bad: not JSON, an unknown field "soak_N" (a mark too: the error
# line names it), a wrong type, binary junk, a trailing comma, a value of
# 3960 bytes, an unknown action.
# shellcheck source=SCRIPTDIR/../../lab/lib.sh
. /lab/lib.sh

TOTAL=${BENCH_SOAK_COMMANDS:-1000}
VMS=${BENCH_SOAK_VMS:-4}
junk=$(printf '\001\002\003\377\376junk\033[0m')
big=$(head -c 3960 /dev/zero | tr '\0' 'x')

# soak_command N: sets cmd, kind (good or bad), mark (N or "") and reason (what
# last-error must contain for a bad one).  The kind goes by N / VMS, so that
# each VM gets every kind in turn.
soak_command() {
    mark='' reason=''
    case $(($1 / VMS % 10)) in
    0 | 4 | 6 | 8)
        kind=good mark=$1
        cmd="{\"when\":\"now\",\"ack\":\"ok\",\"action\":\"xenstore-write\",\"path\":\"data/soak/$1\",\"value\":\"$1\"}" ;;
    2) kind=good cmd='{"when":"now","ack":"ok","action":"ignore"}' ;;
    1) kind=bad cmd='not json at all' reason='not valid JSON' ;;
    3) kind=bad mark=$1 cmd="{\"when\":\"now\",\"action\":\"ignore\",\"soak_$1\":1}" reason="unknown field \"soak_$1\"" ;;
    5) kind=bad cmd='{"when":1,"action":"ignore"}' reason='field "when" must be a string, not a number' ;;
    7)
        if [ $(($1 / VMS / 10 % 2)) = 0 ]; then
            kind=bad cmd=$junk reason='not valid JSON'
        else
            kind=bad cmd='{"when":"now","action":"ignore",}' reason='not valid JSON'
        fi ;;
    9)
        if [ $(($1 / VMS / 10 % 2)) = 0 ]; then
            kind=bad cmd="{\"when\":\"now\",\"action\":\"$big\"}" reason='field "action" must be'
        else
            kind=bad cmd='{"when":"now","action":"explode"}' reason='field "action" must be'
        fi ;;
    esac
}

# worker W: sends commands W-1, W-1+VMS, W-1+2*VMS, ... to soakW; records in files
# soak.W.*: marks sent in order (and those of good ones, keys), counts, the last good
# and bad, the time.
worker() {
    w=$1 name=soak$1
    key=$(vm_testing_key "$name")
    good=0 bad=0 unacked=0 last_good='' last_reason='' n=$((w - 1)) max=0
    : >"soak.$w.marks"
    : >"soak.$w.keys"
    t0=$(lab_now_ms)
    while [ "$n" -lt "$TOTAL" ]; do
        soak_command "$n"
        tc=$(lab_now_ms)
        xenstore-write "$key" "$cmd" || echo "xenstore-write of command $n failed" >>soak.problems
        [ -z "$mark" ] || echo "$mark" >>"soak.$w.marks"
        [ -z "$mark" ] || [ "$kind" = bad ] || echo "$mark" >>"soak.$w.keys"
        if [ "$kind" = good ]; then
            good=$((good + 1)) last_good=$cmd
        else
            bad=$((bad + 1)) last_reason=$reason
        fi
        end=$(lab_deadline 30)
        # Polled every 10 ms: a busy loop of four would starve dom0's xenstored.
        while v=$(xenstore-read "$key" 2>/dev/null) || v="<no key>"; [ "$v" != "" ]; do
            lab_before "$end" && { usleep 10000; continue; }
            echo "$name: command $n not acked within 30 s (control/testing \"$(printf '%.60s' "$v")\")" >>soak.problems
            unacked=$((unacked + 1))
            break
        done
        tc=$(($(lab_now_ms) - tc))
        [ "$tc" -le "$max" ] || max=$tc
        n=$((n + VMS))
        [ $((n / VMS % 50)) != 0 ] || log "$name: $((n / VMS)) commands sent"
    done
    echo "$good $bad $unacked $(($(lab_now_ms) - t0)) $max" >"soak.$w.counts"
    printf '%s\n' "$last_good" >"soak.$w.last-good"
    printf '%s\n' "$last_reason" >"soak.$w.last-reason"
}

w=1
while [ "$w" -le "$VMS" ]; do
    vm_create "soak$w"
    w=$((w + 1))
done
w=1
while [ "$w" -le "$VMS" ]; do
    vm_wait_ready "soak$w" 30
    w=$((w + 1))
done

: >soak.problems
t0=$(lab_now_ms)
w=1
while [ "$w" -le "$VMS" ]; do
    worker "$w" &
    w=$((w + 1))
done
wait
ms=$(($(lab_now_ms) - t0))

# The verdicts, per VM: counted, the marks there and in order, the last-* keys.
lost=0 out_of_order=0 sent=0 worker_ms=0 all_retries=0 max_ms=0 timeouts=0 console_drops=0
w=1
while [ "$w" -le "$VMS" ]; do
    name=soak$w
    read -r good bad unacked wms wmax <"soak.$w.counts" || fail "expected worker $w's counts, saw none"
    sent=$((sent + good + bad))
    worker_ms=$((worker_ms + wms))
    [ "$wmax" -le "$max_ms" ] || max_ms=$wmax
    lost=$((lost + unacked))
    end=$(lab_deadline 30)
    while [ $(($(lab_counter "$name" commands) + $(lab_counter "$name" errors))) -lt $((good + bad)) ] &&
        lab_before "$end"; do
        usleep 100000
    done
    commands=$(lab_counter "$name" commands)
    errors=$(lab_counter "$name" errors)
    console=$(console_log "$name")
    # errors also counts the VM's own failed xenstore requests (a reply later
    # than 5 s when dom0 is slow): it retries, and the command is read again.
    retries=$(tr -d '\r' <"$console" | grep -c -E 'control/testing: error: (acking|reading) it failed')
    all_retries=$((all_retries + retries))
    timeouts=$((timeouts + $(tr -d '\r' <"$console" | grep -c -E 'xenstore: request type [0-9]+ req_id [0-9]+: ETIMEDOUT')))
    errors=$((errors - retries))
    log "$name: sent $good good, $bad bad; counted $commands accepted, $errors rejected (and $retries failed xenstore requests, retried)"
    [ "$commands" -ge "$good" ] || lost=$((lost + good - commands))
    [ "$errors" -ge "$bad" ] || lost=$((lost + bad - errors))
    [ "$commands" -le "$good" ] || echo "$name: $commands accepted, more than the $good good commands sent" >>soak.problems
    [ "$errors" -le "$bad" ] || echo "$name: $errors rejected, more than the $bad bad commands sent" >>soak.problems

    # Marks: each good one's key holds its number; on the console, the marks
    # (good and bad) come in the order sent, each once.
    while read -r m; do
        [ "$(vm_read_key "$name" "data/soak/$m")" = "$m" ] || {
            echo "$name: data/soak/$m missing or wrong" >>soak.problems
            lost=$((lost + 1))
        }
    done <"soak.$w.keys"
    # A VM drops console output rather than stall when xenconsoled does not
    # read (docs/protocol.md, "Console lines"): then marks missing there are not lost
    # (their keys and the counters say so), and only the order of those seen
    # is checked.
    dropped=0
    if tr -d '\r' <"$console" | grep -q 'bytes were dropped while the ring was full'; then
        dropped=1 console_drops=$((console_drops + 1))
        log "$name: the VM dropped console output (xenconsoled too slow): marks missing there are not counted"
    fi
    tr -d '\r' <"$console" | sed -n -e 's/.*xenstore-write: "data\/soak\/\([0-9]*\)".*/\1/p' \
        -e 's/.*error: unknown field "soak_\([0-9]*\)".*/\1/p' >"soak.$w.seen"
    missing=$(grep -c -v -x -F -f "soak.$w.seen" "soak.$w.marks")
    if [ "$missing" != 0 ] && [ "$dropped" = 0 ]; then
        echo "$name: $missing marks not on the console" >>soak.problems
        lost=$((lost + missing))
    fi
    # Each mark once, in the order sent: a mark repeated counts too.
    prev=-1
    while read -r m; do
        [ "$m" -gt "$prev" ] || {
            out_of_order=$((out_of_order + 1))
            echo "$name: mark $m on the console after mark $prev" >>soak.problems
        }
        prev=$m
    done <"soak.$w.seen"

    # The last-* keys: as the last good and bad commands left them.  The last
    # error may also be the VM's own failed read or ack of control/testing,
    # counted above, if it came after the last bad command.
    [ "$(vm_read_key "$name" data/test-vm/last-command)" = "$(cat "soak.$w.last-good")" ] ||
        echo "$name: last-command \"$(vm_read_key "$name" data/test-vm/last-command)\", not the last good command" >>soak.problems
    last_result=$(vm_read_key "$name" data/test-vm/last-result)
    [ "$last_result" = ok ] || echo "$name: last-result \"$last_result\", not ok" >>soak.problems
    last_error=$(vm_read_key "$name" data/test-vm/last-error)
    case $last_error in
    *"$(cat "soak.$w.last-reason")"* | "control/testing: error: acking it failed"* | "control/testing: error: reading it failed"*) ;;
    *) echo "$name: last-error \"$last_error\", not the last bad command's \"$(cat "soak.$w.last-reason")\"" >>soak.problems ;;
    esac
    expect_key "$name" data/test-vm/state ready
    expect_running "$name"
    w=$((w + 1))
done

echo "bench: soak_commands ours $sent count commands sent in the soak (mixed good and bad, over $VMS VMs)"
echo "bench: soak_commands_lost ours $lost count soak commands lost (not acked, not counted, or their mark missing)"
echo "bench: soak_commands_out_of_order ours $out_of_order count soak commands carried out out of order or twice"
echo "bench: soak_console_drops ours $console_drops count soak: VMs that dropped console output (xenconsoled too slow)"
echo "bench: soak_xenstore_timeouts ours $timeouts count soak: the VM's xenstore requests without a reply within 5 s (ETIMEDOUT)"
echo "bench: soak_xenstore_retries ours $all_retries count soak: reads and acks of control/testing that failed so and were retried"
echo "bench: soak_commands_ms ours $ms ms soak: time for all the commands ($VMS VMs at once)"
mean=n/a
[ "$sent" = 0 ] || mean=$((worker_ms / sent))
echo "bench: soak_command_ms ours $mean ms soak: one command, written -> acked (mean, $VMS VMs at once)"
echo "bench: soak_command_max_ms ours $max_ms ms soak: one command, written -> acked (max, $VMS VMs at once)"
if [ -s soak.problems ]; then
    head -n 20 soak.problems
    fail "expected 0 lost, 0 out of order and the verdicts counted, saw $(wc -l <soak.problems) problems (lost $lost, out of order $out_of_order): $(head -n 1 soak.problems)"
fi
[ "$sent" = "$TOTAL" ] || fail "expected $TOTAL commands sent, saw $sent"
pass
