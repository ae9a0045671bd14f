#!/usr/bin/env bash
# shellcheck disable=SC2016 # check conditions are eval'd strings
# The lab's Linux guest: tools/lab/linux-guest builds its initramfs into the
# cache's linux-guest/ with its own stamp (dom0's files untouched, no rebuild
# when nothing changed, a rebuild when busybox does), holding busybox init, an
# inittab whose Ctrl-Alt-Del reboots, and wrappers that power off at once;
# tools/lab/run ships it to dom0 only when asked.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

# A cache as tools/lab/setup leaves it, with a stand-in busybox.
cache=$work/cache/xen-4.17
fake_cache "$cache"
mkdir -p "$cache/pkgs/busybox-static/bin"
cat >"$cache/pkgs/busybox-static/bin/busybox" <<'EOF'
#!/bin/sh
[ "$1" = --list-full ] && printf '%s\n' bin/sh sbin/init sbin/poweroff sbin/reboot sbin/halt bin/mount usr/bin/xargs
EOF
chmod 755 "$cache/pkgs/busybox-static/bin/busybox"
printf 'busybox-static 1:1.35.0-4+b3\nlinux-image-6.1.0-1-amd64 6.1.1-1\n' >"$cache/versions"
echo dom0-stamp >"$cache/stamp"
cp "$cache/dom0-initrd.cpio.gz" "$work/dom0-before"

build() { "$repo/tools/lab/linux-guest" "$cache" >"$work/build.log" 2>&1; build_status=$?; }
list() { gzip -dc "$cache/linux-guest/initrd.cpio.gz" | (cd "$1" && cpio -idm --quiet 2>/dev/null); }

build
root=$work/root
mkdir -p "$root"
list "$root"
check builds "expected status 0 and linux-guest/initrd.cpio.gz + stamp, saw status $build_status: $(tail -n 1 "$work/build.log")" \
    eval '[ "$build_status" = 0 ] && [ -s "$cache/linux-guest/initrd.cpio.gz" ] && [ -s "$cache/linux-guest/stamp" ]'
check dom0-untouched "expected dom0's stamp and initramfs unchanged, saw stamp $(cat "$cache/stamp")" \
    eval '[ "$(cat "$cache/stamp")" = dom0-stamp ] && cmp -s "$cache/dom0-initrd.cpio.gz" "$work/dom0-before"'
check init-is-busybox "expected /init -> /bin/busybox and bin/busybox, saw $(readlink "$root/init")" \
    eval '[ "$(readlink "$root/init")" = /bin/busybox ] && [ -x "$root/bin/busybox" ] && [ "$(readlink "$root/bin/sh")" = /bin/busybox ]'
for w in poweroff reboot halt; do
    check "wrapper-$w" "expected sbin/$w to run \"busybox $w -f\", saw $(tail -n 1 "$root/sbin/$w" 2>&1)" \
        eval '[ -x "$root/sbin/$w" ] && grep -qx "exec /bin/busybox $w -f" "$root/sbin/$w"'
done
check inittab-ctrlaltdel "expected inittab's ctrlaltdel to run /sbin/reboot, saw $(tr '\n' '|' <"$root/etc/inittab" 2>&1)" \
    grep -qx '::ctrlaltdel:/sbin/reboot' "$root/etc/inittab"
check inittab-sysrq "expected inittab to allow every sysrq key (kernel.sysrq 1), saw $(tr '\n' '|' <"$root/etc/inittab" 2>&1)" \
    grep -qF 'echo 1 >/proc/sys/kernel/sysrq' "$root/etc/inittab"
check applet-dirs "expected usr/bin/xargs linked to busybox, saw $(readlink "$root/usr/bin/xargs")" \
    test "$(readlink "$root/usr/bin/xargs")" = /bin/busybox

touch -d '2000-01-01' "$cache/linux-guest/initrd.cpio.gz"
build
check up-to-date "expected no rebuild when nothing changed, saw $(stat -c %y "$cache/linux-guest/initrd.cpio.gz")" \
    eval '[ "$build_status" = 0 ] && [ "$(stat -c %Y "$cache/linux-guest/initrd.cpio.gz")" = "$(date -d 2000-01-01 +%s)" ]'
sed -i 's/^busybox-static .*/busybox-static 1:1.36.1-9/' "$cache/versions"
build
check rebuilt-new-busybox "expected a rebuild for a new busybox, saw $(stat -c %y "$cache/linux-guest/initrd.cpio.gz")" \
    eval '[ "$build_status" = 0 ] && [ "$(stat -c %Y "$cache/linux-guest/initrd.cpio.gz")" != "$(date -d 2000-01-01 +%s)" ]'

# tools/lab/run: the pair lands in dom0 only with --linux-guest or LAB_LINUX_GUEST=1.
cat >"$work/ls.sh" <<'SCENARIO'
#!/bin/sh
for f in vmlinuz initrd; do
    if [ -f "$LAB_ROOT/lab/linux/$f" ]; then echo "$f $(wc -c <"$LAB_ROOT/lab/linux/$f")"; else echo "$f none"; fi
done
SCENARIO
size=$(stat -c %s "$cache/linux-guest/initrd.cpio.gz")
lab_run --out "$work/o1" --linux-guest "$work/ls.sh"
check run-ships-when-asked "expected vmlinuz 5 and initrd $size in dom0, saw $(tr '\n' '|' <"$work/o1/ls/output.log" 2>&1)" \
    eval '[ "$run_status" = 0 ] && grep -qx "vmlinuz 5" "$work/o1/ls/output.log" && grep -qx "initrd $size" "$work/o1/ls/output.log"'
LAB_LINUX_GUEST=1 lab_run --out "$work/o2" "$work/ls.sh"
check run-ships-env "expected LAB_LINUX_GUEST=1 to ship it, saw $(tr '\n' '|' <"$work/o2/ls/output.log" 2>&1)" \
    grep -qx "initrd $size" "$work/o2/ls/output.log"
lab_run --out "$work/o3" "$work/ls.sh"
check run-default-without "expected no /lab/linux by default, saw $(tr '\n' '|' <"$work/o3/ls/output.log" 2>&1)" \
    eval 'grep -qx "vmlinuz none" "$work/o3/ls/output.log" && grep -qx "initrd none" "$work/o3/ls/output.log"'
rm -rf "$cache/linux-guest"
lab_run --out "$work/o4" --linux-guest "$work/ls.sh"
check run-refuses-missing "expected status 2 naming linux-guest/initrd.cpio.gz, saw status $run_status: $(tail -n 1 "$work/run.log")" \
    eval '[ "$run_status" = 2 ] && grep -q "no .*linux-guest/initrd.cpio.gz" "$work/run.log"'
exit 0
