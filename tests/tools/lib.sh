# shellcheck shell=bash
# tests/tools/lib.sh: helpers for the host tests of tools/ (bash, sourced).
#
#   check NAME COMMAND...   run a test function; PASS NAME / FAIL NAME: reason
#   t_run COMMAND...        run it; sets $rc, $out (stdout) and $err (stderr)
#   expect_rc N, expect_out TEXT, expect_out_has TEXT, expect_err_has TEXT
#   expect_eq WHAT WANT SAW
#   finish PART             print "PART: N passed, N failed"; exit status
# A test function fails with `bad "expected X, saw Y"` (it returns 1).

t_passed=0
t_failed=0
t_dir=$(mktemp -d /tmp/xtv-tools-test.XXXXXX)
trap 'rm -rf "$t_dir"' EXIT

bad() {
    [ -n "$t_reason" ] || t_reason=$*
    return 1
}

check() {
    local name=$1
    shift
    t_reason=
    if "$@" && [ -z "$t_reason" ]; then
        echo "PASS $name"
        t_passed=$((t_passed + 1))
    else
        echo "FAIL $name: ${t_reason:-the test returned non-zero}"
        t_failed=$((t_failed + 1))
    fi
}

t_run() {
    "$@" >"$t_dir/out" 2>"$t_dir/err"
    rc=$?
    out=$(cat "$t_dir/out")
    err=$(cat "$t_dir/err")
}

expect_rc() {
    [ "$rc" = "$1" ] || bad "expected exit status $1, saw $rc (stdout \"$out\", stderr \"$err\")"
}
expect_out() {
    [ "$out" = "$1" ] || bad "expected stdout \"$1\", saw \"$out\" (stderr \"$err\")"
}
expect_out_has() {
    case $out in *"$1"*) ;; *) bad "expected stdout to contain \"$1\", saw \"$out\" (stderr \"$err\")" ;; esac
}
expect_err_has() {
    case $err in *"$1"*) ;; *) bad "expected stderr to contain \"$1\", saw \"$err\"" ;; esac
}
expect_eq() {
    [ "$2" = "$3" ] || bad "expected $1 \"$2\", saw \"$3\""
}

finish() {
    echo "$1: $t_passed passed, $t_failed failed"
    [ "$t_failed" = 0 ]
}
