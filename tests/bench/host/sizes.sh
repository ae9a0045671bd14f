#!/usr/bin/env bash
# Host benchmark: the images each guest kind boots from, as Xen loads them and
# gzipped (-9).  ours: build/test-vm.xen; floor: build/floor.xen (make floor);
# linux: the lab's Linux guest, Debian's kernel + its busybox initramfs
# (lab-cache/xen-$BENCH_XEN/vmlinuz and linux-guest/initrd.cpio.gz, there once
# the lab is set up: tests/bench/run runs this after the lab).  Prints
# "bench: FIGURE GUEST VALUE UNIT LABEL" lines; a missing image is "n/a".
set -u
cd "$(dirname "$0")/../../.." || exit 1
cache=${LAB_CACHE:-lab-cache}/xen-${BENCH_XEN:-4.17}

# figure GUEST FILE...: the bytes of FILE... together, raw and gzipped.
figure() {
    local guest=$1 raw=0 gz=0 f
    shift
    for f in "$@"; do
        if ! [ -f "$f" ]; then
            echo "sizes: no $f" >&2
            raw=n/a gz=n/a
            break
        fi
        raw=$((raw + $(stat -L -c %s "$f")))
        gz=$((gz + $(gzip -9 -n -c "$f" | wc -c)))
    done
    echo "bench: image_bytes $guest $raw bytes the image the guest boots from, as Xen loads it (linux: kernel + initramfs)"
    echo "bench: image_gz_bytes $guest $gz bytes the same, gzip -9 (linux: kernel + initramfs, each gzipped again)"
}

figure ours build/test-vm.xen
figure floor build/floor.xen
figure linux "$cache/vmlinuz" "$cache/linux-guest/initrd.cpio.gz"
