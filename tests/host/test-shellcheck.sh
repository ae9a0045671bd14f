#!/usr/bin/env bash
# Runs shellcheck over every shell script in the repository, found by what it is,
# not by a list: tracked and new (not ignored) files named *.sh or *.bash, or
# whose first line is a sh/bash/dash/ash shebang or a "# shellcheck shell="
# directive.  One case per script.  Also: no awk system() in them (paths and names must stay data, never shell code).
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"
cd "$repo" || exit 1

if ! command -v shellcheck >/dev/null; then
    fail shellcheck "expected shellcheck installed (tools/install-deps), saw none"
    exit 0
fi

# shell_scripts: NUL-separated paths, relative to the repo.
shell_scripts() {
    local f first
    # Outside a git checkout (a release tarball): every file but build output.
    { git ls-files -z --cached --others --exclude-standard 2>/dev/null ||
        find . -path ./build -prune -o -path ./lab-cache -prune -o -path ./lab-out -prune \
            -o -type f -printf '%P\0'; } | while IFS= read -r -d '' f; do
        { [ -f "$f" ] && [ ! -L "$f" ]; } || continue
        case $f in
        *.sh | *.bash) printf '%s\0' "$f"; continue ;;
        esac
        IFS= read -r first <"$f" 2>/dev/null || continue
        case $first in
        '#!'*[/\ ]sh | '#!'*[/\ ]sh\ * | '#!'*[/\ ]bash | '#!'*[/\ ]bash\ * | \
            '#!'*[/\ ]dash | '#!'*[/\ ]dash\ * | '#!'*[/\ ]ash | '#!'*[/\ ]ash\ * | \
            '# shellcheck shell='*) printf '%s\0' "$f" ;;
        esac
    done
}

n=0
while IFS= read -r -d '' f; do
    n=$((n + 1))
    if out=$(shellcheck -x "$f" 2>&1); then
        pass "shellcheck $f"
    else
        printf '%s\n' "$out" | head -n 40
        fail "shellcheck $f" "expected no shellcheck findings, saw $(printf '%s\n' "$out" | grep -c '^In ') (above)"
    fi
    # A file name inside awk's system() or "print | cmd" is shell code again.
    # (This file names the call in its own messages.)
    [ "$f" = tests/host/test-shellcheck.sh ] && continue
    if grep -nE 'system *\(' "$f" | grep -v '^[0-9]*: *#' >"$work/awk.txt"; then
        fail "no-system-call $f" "expected no awk system(), saw line $(head -n 1 "$work/awk.txt")"
    fi
done < <(shell_scripts)
check shellcheck-found-scripts "expected to find the shell scripts (tools/lab/run...), saw $n" test "$n" -ge 10
exit 0
