#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2012 # check conditions are eval'd strings; backquotes are markdown; ls for messages
# make bench's collector, README generator and plots (tests/bench/results,
# tests/bench/readme, tests/bench/plot) against recorded output
# (tests/host/bench-sample/): no figure line is dropped or changed on the way
# into results.json, the ratios are the values' quotients, lines that break
# the contract (the old "bench: label: value" among them) are reported, and
# the README's table between its markers holds every figure and nothing else
# of the README changes.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

sample=$repo/tests/host/bench-sample
parts=("tests/bench/lab/latency.sh=$sample/latency.log" "tests/bench/lab/storm.sh=$sample/storm.log"
       "tests/bench/host/sizes.sh=$sample/sizes.log")
json=$work/results.json
"$repo/tests/bench/results" --meta commit=abc1234 --meta xen=4.17.7 "${parts[@]}" >"$json" 2>"$work/results.err"
status=$?
check results-status "expected exit status 0 and no message, saw $status: $(head -n 3 "$work/results.err")" \
    eval '[ "$status" = 0 ] && ! [ -s "$work/results.err" ]'

# Every figure line of the sample, as "FIGURE GUEST VALUE UNIT", against the
# document's (n/a is null there).
cat "$sample"/{latency,storm,sizes}.log | awk '/^bench: / { print $2, $3, $4, $5 }' | sort >"$work/want"
jq -r '.figures[] | .figure as $f | .unit as $u | .values | to_entries[]
    | select(.value != null or false) | "\($f) \(.key) \(.value) \($u)"' "$json" | sort >"$work/got"
# A value printed with a trailing .0 comes back as an integer from JSON.
sed -E 's/ ([0-9]+)\.0 / \1 /; / n\/a /d' "$work/want" >"$work/want.num"
check results-every-figure "expected every figure line in results.json, saw these differ: $(diff "$work/want.num" "$work/got" | head -n 5 | tr '\n' '|')" \
    diff -q "$work/want.num" "$work/got"
nfig=$(cat "$sample"/{latency,storm,sizes}.log | awk '/^bench: / { print $2 }' | sort -u | wc -l)
check results-figure-count "expected $nfig figures, saw $(jq '.figures | length' "$json")" \
    test "$(jq '.figures | length' "$json")" = "$nfig"
check results-na-is-null "expected latency_sysrq_max_us floor (n/a) as null, saw $(jq -c '.figures[] | select(.figure == "latency_sysrq_max_us") | .values' "$json")" \
    test "$(jq '.figures[] | select(.figure == "latency_sysrq_max_us") | .values.floor' "$json")" = null
check results-label-unit-source "expected latency_self_p50_us's label, unit and source, saw $(jq -c '.figures[] | select(.figure == "latency_self_p50_us") | [.unit, .source, .label]' "$json")" \
    test "$(jq -r '.figures[] | select(.figure == "latency_self_p50_us") | "\(.unit)|\(.source)|\(.label)"' "$json")" = \
    "us|tests/bench/lab/latency.sh|dom0 alone: xs_write of a dom0 key until its watch fires and xs_read returns it (the helper's floor), p50"

# The ratios (tests/host/bench-sample/README works them out).
ratios() { jq -c --arg f "$1" '.figures[] | select(.figure == $f) | [.ratios["linux/ours"], .ratios["ours/floor"]]' "$json"; }
check results-ratios-latency "expected latency_sysrq_p50_us [linux/ours, ours/floor] = [3,1.25], saw $(ratios latency_sysrq_p50_us)" \
    test "$(ratios latency_sysrq_p50_us)" = "[3,1.25]"
check results-ratios-image "expected image_bytes [linux/ours, ours/floor] = [350,12.9], saw $(ratios image_bytes)" \
    test "$(ratios image_bytes)" = "[350,12.9]"
check results-ratio-needs-both "expected no ratio for a figure of ours alone, saw $(ratios latency_command_p50_us)" \
    test "$(ratios latency_command_p50_us)" = "[null,null]"
check results-series "expected latency_sysrq's floor series [[5230.6,0.5],[6000.1,1]] and storm_ready's 9 points, saw $(jq -c '[.series.latency_sysrq.floor, (.series.storm_ready.ours | length)]' "$json")" \
    test "$(jq -c '[.series.latency_sysrq.floor, (.series.storm_ready.ours | length)]' "$json")" = '[[[5230.6,0.5],[6000.1,1]],9]'
check results-meta "expected the meta fields given, saw $(jq -c .meta "$json")" \
    test "$(jq -c .meta "$json")" = '{"commit":"abc1234","xen":"4.17.7"}'

# Broken lines: reported, exit 1, the good lines kept.
printf '%s\n' 'bench: xl create -> ready (mean of 5): 844 ms' 'bench: Bad_name ours 1 ms x' \
    'bench: ok_one ours 1.5 ms a label' 'bench: ok_one linux 3 s another label' \
    'bench: no_label ours 1 ms' 'bench: bad_value ours 12ms ms x' 'bench-series: s ours 1' \
    'bench: bad_guest xen 1 ms x' >"$work/bad.log"
"$repo/tests/bench/results" "x=$work/bad.log" >"$work/bad.json" 2>"$work/bad.err"
status=$?
check results-broken-lines "expected exit status 1 and 7 complaints (6 lines, 1 label/unit clash), saw $status and $(grep -c . "$work/bad.err"): $(tr '\n' '|' <"$work/bad.err")" \
    eval '[ "$status" = 1 ] && [ "$(grep -c "^results: x line" "$work/bad.err")" = 6 ] && grep -q "differs between guests: ok_one linux" "$work/bad.err"'
check results-broken-keeps-good "expected ok_one ours 1.5 in the document, saw $(jq -c '.figures' "$work/bad.json")" \
    test "$(jq -c '[.figures[] | [.figure, .values.ours]]' "$work/bad.json")" = '[["ok_one",1.5]]'

# The README generator: every figure a row between the markers, the rest kept.
readme=$work/README.md
{
    echo "# t"
    echo "before"
    echo "<!-- bench: begin (tests/bench/readme writes this part) -->"
    echo "old table"
    echo "<!-- bench: end -->"
    echo "after"
} >"$readme"
cp "$readme" "$work/README.orig"
mkdir -p "$work/res"
cp "$json" "$work/res/results.json"
printf 'PNG' >"$work/res/latency.png"
"$repo/tests/bench/readme" "$work/res/results.json" "$readme" "$work/plots" >"$work/readme.log" 2>&1
status=$?
rows=$(grep -c '^| [^-f].*(`[a-z0-9_]*`)' "$readme")
check readme-rows "expected exit 0 and one row per figure ($nfig), saw status $status and $rows rows: $(tail -n 2 "$work/readme.log")" \
    eval '[ "$status" = 0 ] && [ "$rows" = "$nfig" ]'
check readme-row-values "expected the latency_sysrq_p50_us row with its values and ratios, saw $(grep -F '`latency_sysrq_p50_us`' "$readme")" \
    grep -qF '(`latency_sysrq_p50_us`) | us | 6,538.2 | 19,615 | 5,230.6 |  | 3 | 1.25 |' "$readme"
check readme-keeps-the-rest "expected the lines outside the markers unchanged, saw $(diff <(sed '/^<!-- bench: begin/,/^<!-- bench: end/d' "$work/README.orig") <(sed '/^<!-- bench: begin/,/^<!-- bench: end/d' "$readme") | head -n 3 | tr '\n' '|')" \
    diff -q <(sed '/^<!-- bench: begin/,/^<!-- bench: end/d' "$work/README.orig") <(sed '/^<!-- bench: begin/,/^<!-- bench: end/d' "$readme")
check readme-old-table-gone "expected the old table replaced, saw it" eval '! grep -q "^old table" "$readme"'
check readme-plots "expected latency.png copied and linked from the page folder (storm.png is not there), saw $(ls "$work/plots" 2>&1 | tr '\n' ' ')" \
    eval '[ -f "$work/plots/latency.png" ] && ! [ -f "$work/plots/storm.png" ] && grep -qF "[latency.png](plots/latency.png)" "$readme"'
"$repo/tests/bench/readme" "$work/res/results.json" "$readme" "$work/plots" >/dev/null 2>&1
cp "$readme" "$work/README.twice"
check readme-idempotent "expected a second run to change nothing, saw a difference" diff -q "$readme" "$work/README.twice"
printf '# no markers\n' >"$work/README.none"
"$repo/tests/bench/readme" "$work/res/results.json" "$work/README.none" "$work/plots" >/dev/null 2>&1
status=$?
check readme-needs-markers "expected exit 1 and the file unchanged without markers, saw $status and $(cat "$work/README.none")" \
    eval '[ "$status" = 1 ] && [ "$(cat "$work/README.none")" = "# no markers" ]'

# The plots, drawn from the series (if gnuplot is installed: tools/install-deps).
if command -v gnuplot >/dev/null; then
    "$repo/tests/bench/plot" "$json" "$work/out" >"$work/plot.log" 2>&1
    status=$?
    check plot-pngs "expected latency.png and storm.png (PNG files) and series .dat files, saw status $status: $(ls "$work/out" "$work/out/series" 2>&1 | tr '\n' ' ')" \
        eval '[ "$status" = 0 ] && [ "$(head -c 4 "$work/out/latency.png" | tail -c 3)" = PNG ] &&
              [ "$(head -c 4 "$work/out/storm.png" | tail -c 3)" = PNG ] &&
              [ "$(cat "$work/out/series/latency_sysrq.floor.dat")" = "$(printf "5230.6 0.5\n6000.1 1")" ]'
else
    fail plot-pngs "expected gnuplot installed (tools/install-deps: gnuplot-nox), saw none"
fi
exit 0
