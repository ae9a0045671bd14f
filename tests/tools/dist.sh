#!/usr/bin/env bash
# make dist, twice, from two clones of the committed HEAD at different paths
# (and a different umask and time): the kernels (ELF and .gz) and the tarball
# must be byte-identical.  Also checks the tarball's contents, its SHA256SUMS,
# and the version a tag gives.  Prints "dist: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"

head=$(git -C "$repo" rev-parse HEAD)
rev=$(git -C "$repo" rev-parse --short HEAD)
fileversion=$(cat "$repo/VERSION")
clone() { # DIR: a clone of HEAD there
    git clone -q --no-checkout "$repo" "$1" && git -C "$1" checkout -q --detach "$head"
}
build() { # DIR: make dist there; its log in DIR.log
    (cd "$1" && make -s dist) >"$1.log" 2>&1 || { bad "expected make dist in $1 to work, saw: $(tail -n 3 "$1.log")"; return 1; }
}

t_reproducible() {
    local a=$t_dir/a b=$t_dir/build-two-with-a-longer-path
    if ! clone "$a" || ! clone "$b"; then bad "expected to clone $repo"; return; fi
    build "$a" || return
    sleep 1
    (umask 077 && build "$b") || return
    local f
    for f in build/test-vm.xen build/test-vm.xen.gz "build/dist/xen-test-vm-$fileversion-$rev.tar.gz" build/dist/SHA256SUMS; do
        cmp -s "$a/$f" "$b/$f" || bad "expected $f identical in both builds, saw it differ"
    done
    local tgz=$a/build/dist/xen-test-vm-$fileversion-$rev.tar.gz n=xen-test-vm-$fileversion-$rev
    local list
    list=$(tar -tzvf "$tgz" | awk '{ print $1, $2, $6 }' | paste -sd' ' -)
    expect_eq "tarball listing" "drwxr-xr-x 0/0 $n/ -rw-r--r-- 0/0 $n/LICENSE -rw-r--r-- 0/0 $n/README.md -rw-r--r-- 0/0 $n/SHA256SUMS -rwxr-xr-x 0/0 $n/install.sh -rwxr-xr-x 0/0 $n/test-vm-ctl -rw-r--r-- 0/0 $n/$n.xen -rw-r--r-- 0/0 $n/$n.xen.gz" "$list"
    mkdir -p "$t_dir/x"
    tar -C "$t_dir/x" -xzf "$tgz"
    (cd "$t_dir/x/$n" && sha256sum -c --quiet SHA256SUMS) || bad "expected the tarball's SHA256SUMS to verify"
    (cd "$a/build/dist" && sha256sum -c --quiet SHA256SUMS) || bad "expected build/dist/SHA256SUMS to verify"
    cmp -s "$t_dir/x/$n/$n.xen" "$a/build/test-vm.xen" || bad "expected the tarball's kernel to be build/test-vm.xen"
    # The kernel holds no build path.
    if grep -aqF -e "$a" -e "$b" "$a/build/test-vm.xen" "$a/build/test-vm.xen.gz"; then bad "expected no build path in the kernel"; fi
    local when
    when=$(git -C "$repo" log -1 --format=%ct "$head")
    tar -tzvf "$tgz" --full-time | awk '{ print $4 " " $5 }' | sort -u | while read -r d; do
        [ "$(date -u -d "$d" +%s 2>/dev/null || date -d "$d" +%s)" = "$when" ] || { echo "mtime $d"; }
    done | grep -q mtime && bad "expected every file's time to be the commit's ($when)"
    # The release install.sh finds the kernel beside it.
    t_run "$t_dir/x/$n/install.sh" --dry-run xs1.test
    expect_rc 0
    expect_out_has "/var/lib/xcp/guest/xen-test-vm-$fileversion-$rev"
    # Both tools say the release's version, stamped by tools/dist.
    t_run "$t_dir/x/$n/install.sh" --version; expect_rc 0; expect_out "install.sh $fileversion-$rev"
    t_run sh "$t_dir/x/$n/test-vm-ctl" --version; expect_rc 0; expect_out "test-vm-ctl $fileversion-$rev"
}

t_tag_version() {
    local c=$t_dir/tagged
    clone "$c" || return
    git -C "$c" tag "v$fileversion"
    build "$c" || return
    [ -f "$c/build/dist/xen-test-vm-$fileversion.tar.gz" ] || bad "expected build/dist/xen-test-vm-$fileversion.tar.gz from tag v$fileversion, saw: $(ls "$c/build/dist")"
    git -C "$c" tag -d "v$fileversion" >/dev/null
    git -C "$c" tag v99.0.0
    t_run make -s -C "$c" dist
    expect_rc 2
    expect_err_has "HEAD is tagged v99.0.0 but VERSION says $fileversion"
}

check dist-reproducible t_reproducible
check dist-tag-version t_tag_version
finish dist
