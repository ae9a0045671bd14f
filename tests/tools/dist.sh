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
    local docs d
    docs=$(cd "$repo/docs" && for d in *.md; do printf ' -rw-r--r-- 0/0 %s' "$n/docs/$d"; done)
    expect_eq "tarball listing" "drwxr-xr-x 0/0 $n/ -rw-r--r-- 0/0 $n/LICENSE -rw-r--r-- 0/0 $n/README.md -rw-r--r-- 0/0 $n/SHA256SUMS drwxr-xr-x 0/0 $n/docs/$docs -rwxr-xr-x 0/0 $n/install.sh -rwxr-xr-x 0/0 $n/test-vm-ctl -rw-r--r-- 0/0 $n/$n.xen -rw-r--r-- 0/0 $n/$n.xen.gz" "$list"
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
    t_packages "$a" "$b"
    # The release install.sh finds the kernel beside it.
    t_run "$t_dir/x/$n/install.sh" --dry-run xs1.test
    expect_rc 0
    expect_out_has "/var/lib/xcp/guest/xen-test-vm-$fileversion-$rev"
    # Both tools say the release's version, stamped by tools/dist.
    t_run "$t_dir/x/$n/install.sh" --version; expect_rc 0; expect_out "install.sh $fileversion-$rev"
    t_run sh "$t_dir/x/$n/test-vm-ctl" --version; expect_rc 0; expect_out "test-vm-ctl $fileversion-$rev"
}

# The packages (tools/dist-packages), built in both clones: identical, and
# what a dom0 expects of them.
t_packages() { # BUILD-A BUILD-B
    local v=$fileversion-$rev rpm deb
    rpm=xen-test-vm-$fileversion.$rev-1.noarch.rpm
    deb=xen-test-vm_$fileversion+${rev}_all.deb
    for f in "$rpm" "$deb"; do
        cmp -s "$1/build/dist/$f" "$2/build/dist/$f" || bad "expected build/dist/$f identical in both builds"
        grep -q " $f\$" "$1/build/dist/SHA256SUMS" || bad "expected $f in build/dist/SHA256SUMS"
    done
    rpm="$1/build/dist/$rpm"
    deb="$1/build/dist/$deb"
    # rpm: the kernel a real file where xapi reads it, test-vm-ctl, the licence; nothing run at install.
    expect_eq "rpm files" "-rwxr-xr-x root root /usr/bin/test-vm-ctl -rw-r--r-- root root /usr/share/licenses/xen-test-vm/LICENSE -rw-r--r-- root root /var/lib/xcp/guest/xen-test-vm-$v.xen.gz" \
        "$(rpm -qlvp "$rpm" 2>/dev/null | awk '{ print $1, $3, $4, $9 }' | sort -k4 | paste -sd' ' -)"
    expect_eq "rpm requires" "/bin/sh rpmlib(CompressedFileNames) <= 3.0.4-1 rpmlib(FileDigests) <= 4.6.0-1 rpmlib(PayloadFilesHavePrefix) <= 4.0-1" \
        "$(rpm -qp --requires "$rpm" 2>/dev/null | paste -sd' ' -)"
    expect_eq "rpm payload, licence, scriptlets" "gzip MIT" "$(rpm -qp --qf '%{PAYLOADCOMPRESSOR} %{LICENSE}' "$rpm" 2>/dev/null)$(rpm -qp --scripts "$rpm" 2>/dev/null)"
    cmp -s <(rpm2cpio "$rpm" | (cd "$t_dir" && cpio -i --quiet --to-stdout ./var/lib/xcp/guest/xen-test-vm-"$v".xen.gz)) "$1/build/test-vm.xen.gz" ||
        bad "expected the rpm's kernel to be build/test-vm.xen.gz"
    # deb: the files, lintian clean of errors, and the example config's kernel in the package.
    expect_eq "deb files" "./usr/bin/test-vm-ctl ./usr/lib/xen-test-vm/xen-test-vm.xen.gz ./usr/share/doc/xen-test-vm/changelog.gz ./usr/share/doc/xen-test-vm/copyright ./usr/share/doc/xen-test-vm/examples/xen-test-vm.cfg" \
        "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort | paste -sd' ' -)"
    lintian --fail-on error "$deb" >"$t_dir/lintian.log" 2>&1 || bad "expected lintian to find no error in the .deb, saw: $(cat "$t_dir/lintian.log")"
    local root=$t_dir/debroot
    dpkg-deb -x "$deb" "$root"
    local k
    k=$(sed -n 's/^kernel *= *"\(.*\)"/\1/p' "$root/usr/share/doc/xen-test-vm/examples/xen-test-vm.cfg")
    cmp -s "$root$k" "$1/build/test-vm.xen.gz" || bad "expected the example config's kernel ($k) in the .deb, as build/test-vm.xen.gz"
    t_run sh "$root/usr/bin/test-vm-ctl" --version; expect_out "test-vm-ctl $v"
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
