#!/usr/bin/env bash
# tools/install.sh: put xen-test-vm on a XenServer (or XCP-ng) host or pool,
# from the tester's machine, over root ssh.  See docs/xenserver.md, "XenServer".
#
#   tools/install.sh [options] HOST [KERNEL]
#
# HOST is the pool master or a lone host ([user@]address; user root by
# default).  KERNEL defaults to build/test-vm.xen.gz (or, from a release
# tarball, the xen-test-vm-*.xen.gz beside this script).
#
#   --name NAME      the VM's name-label (default "xen-test-vm VERSION")
#   --memory MiB     all four memory limits (default 16, see docs/xenserver.md)
#   --cmdline TEXT   the kernel command line (PV-args), e.g. "feature-suspend=0"
#   --start          start the VM, wait until it is ready, print "domid N"
#   --template       make a template instead of a VM
#   --replace        remove any VM or template of that name first
#   --hosts A,B,...  copy the kernel to these hosts, not those xe host-list gives
#   --uninstall      remove what install.sh made instead: every VM and template
#                    marked other-config:xen-test-vm (shut down first), and on
#                    every host its kernels and test-vm-ctl (no KERNEL then)
#   --dry-run        print every command, one per line as "HOST: command",
#                    and run nothing (no ssh at all)
#   --version        print install.sh's version
#   -h, --help
#
# It copies the kernel to /var/lib/xcp/guest/xen-test-vm-VERSION.xen.gz and
# test-vm-ctl to /var/lib/xcp/guest/test-vm-ctl (linked from
# /usr/local/bin) on every host of the pool, creates the VM with xe, and
# prints its UUID alone on the last line of stdout.  Exit status: 0 done,
# 1 failed (with a message on stderr), 2 usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=install.sh
guest_dir=/var/lib/xcp/guest

# A VM made and kept (from step 5 on) is named on failure too: its UUID alone
# on stdout's last line, as on success, so a caller can find it.
kept=
die() {
    printf '%s: error: %s\n' "$prog" "$*" >&2
    if [ -n "$kept" ]; then
        printf '%s: the VM %s stays installed (not started); install.sh --replace replaces it\n' "$prog" "$kept" >&2
        echo "$kept"
    fi
    exit 1
}
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; }
# Stamped by tools/dist in place of the placeholder; in a source tree, VERSION.
tool_version=@VERSION@
print_version() {
    case $tool_version in
    @*) if read -r v <"$here/../VERSION"; then tool_version="$v (source tree)"; else tool_version=unknown; fi ;;
    esac
    echo "$prog $tool_version"
    exit 0
}
usage_error() { printf '%s: %s\nTry %s --help.\n' "$prog" "$*" "$prog" >&2; exit 2; }

name='' memory=16 cmdline='' start=0 template=0 replace=0 dry_run=0 hosts='' uninstall=0
args=()
while [ $# -gt 0 ]; do
    case $1 in
    --name | --memory | --cmdline | --hosts)
        [ $# -ge 2 ] || usage_error "$1 needs a value"
        case $1 in
        --name) name=$2 ;; --memory) memory=$2 ;; --cmdline) cmdline=$2 ;; --hosts) hosts=$2 ;;
        esac
        shift ;;
    --name=*) name=${1#*=} ;;
    --memory=*) memory=${1#*=} ;;
    --cmdline=*) cmdline=${1#*=} ;;
    --hosts=*) hosts=${1#*=} ;;
    --start) start=1 ;;
    --template) template=1 ;;
    --replace) replace=1 ;;
    --uninstall) uninstall=1 ;;
    --dry-run) dry_run=1 ;;
    -h | --help) usage ;;
    --version) print_version ;;
    --) shift; args+=("$@"); break ;;
    -*) usage_error "unknown option $1" ;;
    *) args+=("$1") ;;
    esac
    shift
done
if [ ${#args[@]} -lt 1 ] || [ ${#args[@]} -gt 2 ]; then
    usage_error "give HOST and, optionally, KERNEL"
fi
host=${args[0]}
[ -n "$host" ] || usage_error "HOST is empty"
# 2 MiB is the least the VM boots with (docs/lab.md, "Memory"); 1048576 (1 TiB) keeps
# the bytes well inside 64 bits and any host.
case $memory in '' | *[!0-9]* | 0*) usage_error "--memory takes a whole number of MiB, not \"$memory\"" ;; esac
{ [ "${#memory}" -le 7 ] && [ "$memory" -ge 2 ] && [ "$memory" -le 1048576 ]; } ||
    usage_error "--memory takes MiB from 2 to 1048576, not $memory"
# xe takes one parameter a line: a newline (or any control character) in a
# value would become a parameter of its own (--cmdline $'x\nis-a-template=true'
# made a template).
for _v in "$name" "$cmdline"; do
    case $_v in *[[:cntrl:]]*) usage_error "--name and --cmdline must not hold control characters (a newline would be another xe parameter)" ;; esac
done
[ "$start" = 0 ] || [ "$template" = 0 ] || usage_error "--start and --template exclude each other"
if [ "$uninstall" = 1 ]; then
    [ ${#args[@]} = 1 ] || usage_error "--uninstall takes HOST only"
    if [ "$start$template$replace" != 000 ] || [ -n "$name$cmdline" ]; then
        usage_error "--uninstall takes no --name, --cmdline, --start, --template or --replace"
    fi
fi

if [ "$uninstall" = 1 ]; then
    kernel=
elif [ ${#args[@]} -ge 2 ]; then
    kernel=${args[1]}
elif [ -f "$here/../build/test-vm.xen.gz" ]; then
    kernel=$here/../build/test-vm.xen.gz
else
    kernel=$(find "$here" -maxdepth 1 -name 'xen-test-vm-*.xen.gz' | sort | tail -n 1)
    kernel=${kernel:-build/test-vm.xen.gz}
fi
[ "$uninstall" = 1 ] || [ -f "$kernel" ] || die "no kernel at $kernel (build it with make, or give KERNEL)"
ctl=$here/test-vm-ctl
[ -f "$ctl" ] || die "no test-vm-ctl beside $0"

# The version the kernel carries ("0.1.0-abc1234"): its file name on the host.
if [ "$uninstall" = 1 ]; then
    version=uninstall ext=
elif [ "$(head -c 2 "$kernel" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
    version=$(gzip -dc "$kernel" | LC_ALL=C grep -aoE '[0-9]+\.[0-9]+\.[0-9]+-[0-9a-z]+(-dirty)?' | head -n 1) || true
    ext=.xen.gz
else
    version=$(LC_ALL=C grep -aoE '[0-9]+\.[0-9]+\.[0-9]+-[0-9a-z]+(-dirty)?' "$kernel" | head -n 1) || true
    ext=.xen
fi
[ -n "$version" ] || die "$kernel does not look like xen-test-vm (no version string in it)"
name=${name:-xen-test-vm $version}
bytes=$((memory * 1024 * 1024))

case $host in *@*) user=${host%%@*}; host=${host#*@} ;; *) user=root ;; esac
ssh_opts=(-o BatchMode=yes -o ConnectTimeout=15)

# quote WORD...: the words as one shell command line, quoted where needed.
quote() {
    local w out=
    for w in "$@"; do
        case $w in
        '' | *[!A-Za-z0-9_./:=,@%+-]*) w="'${w//\'/\'\\\'\'}'" ;;
        esac
        out+=${out:+ }$w
    done
    printf '%s' "$out"
}
# on HOST COMMAND...: run it on HOST over ssh (or print it); stdout is its own.
on() {
    local h=$1
    shift
    if [ "$dry_run" = 1 ]; then
        printf '%s: %s\n' "$h" "$(quote "$@")"
        return 0
    fi
    # shellcheck disable=SC2029 # quoted here on purpose, for the remote shell
    ssh "${ssh_opts[@]}" "$user@$h" "$(quote "$@")"
}
# xe_on HOST ARGS...: xe there; its error, if any, ends the install.
xe_out=
xe_on() {
    local h=$1 err
    shift
    if [ "$dry_run" = 1 ]; then
        on "$h" xe "$@"
        xe_out="<$1-result>"
        return 0
    fi
    err=$(mktemp)
    if ! xe_out=$(on "$h" xe "$@" 2>"$err"); then
        local msg
        msg=$(tr '\n' ' ' <"$err")
        rm -f "$err"
        undo
        die "xe $1 failed on $h: ${msg:-no message}"
    fi
    rm -f "$err"
}
copy() { # HOST LOCAL REMOTE
    if [ "$dry_run" = 1 ]; then
        printf '%s: %s\n' "$1" "$(quote scp "$2" "$user@$1:$3")"
        return 0
    fi
    scp -q "${ssh_opts[@]}" "$2" "$user@$1:$3" || die "copying $2 to $1:$3 failed"
}
# A VM made by this run that a later failure should not leave behind.
made=
undo() {
    [ -n "$made" ] || return 0
    say "removing the half-made VM $made"
    on "$host" xe vm-destroy "uuid=$made" >/dev/null 2>&1 || say "could not remove $made: remove it by hand"
    made=
}

# remove_ours KIND UUID: remove a VM or template install.sh made (marked
# other-config:xen-test-vm; the caller checked): shut down, uninstalled with
# its disks (it has none of its own).
remove_ours() {
    if [ "$1" = vm ]; then
        xe_on "$host" vm-param-get "uuid=$2" param-name=power-state
        [ "$xe_out" = halted ] || xe_on "$host" vm-shutdown "uuid=$2" force=true
    else
        xe_on "$host" template-param-set "uuid=$2" is-a-template=false
    fi
    xe_on "$host" vm-uninstall "uuid=$2" force=true
}
# ours UUID: true if install.sh made it (other-config:xen-test-vm is set).
ours() {
    xe_out=$(on "$host" xe vm-param-get "uuid=$1" param-name=other-config param-key=xen-test-vm 2>/dev/null)
}

# ---- 1. HOST answers and is a XenServer host.
if [ "$dry_run" = 0 ]; then
    err=$(mktemp)
    trap 'rm -f "$err"' EXIT
    set +e
    on "$host" command -v xe >/dev/null 2>"$err"
    rc=$?
    set -e
    case $rc in
    0) ;;
    255) die "cannot reach $user@$host over ssh (root access with a key is needed): $(tail -n 1 "$err")" ;;
    *) die "$host has no xe: it is not a XenServer or XCP-ng host (or xe is not on root's PATH)" ;;
    esac
fi

# pool_hosts: the hosts to copy to or clean (--hosts, else xe host-list).
pool_hosts() {
    if [ -n "$hosts" ]; then
        IFS=, read -r -a pool <<<"$hosts"
        return
    fi
    xe_on "$host" host-list params=address --minimal
    if [ "$dry_run" = 1 ]; then
        pool=("$host")
        say "dry run: the pool's hosts are not asked for; showing $host only (--hosts names them)"
    else
        IFS=, read -r -a pool <<<"$xe_out"
        [ ${#pool[@]} -gt 0 ] || die "xe host-list on $host listed no host"
    fi
}

# ---- --uninstall: every VM and template install.sh made, then its files on
# every host (the kernels in both directories xapi has read them from).
if [ "$uninstall" = 1 ]; then
    removed=0
    for kind in vm template; do
        xe_on "$host" "$kind-list" params=uuid --minimal
        [ "$dry_run" = 1 ] && continue
        IFS=, read -r -a found <<<"$xe_out"
        for u in "${found[@]}"; do
            if [ -z "$u" ] || ! ours "$u"; then continue; fi
            say "removing the $kind $u (made by install.sh $xe_out)"
            remove_ours "$kind" "$u"
            removed=$((removed + 1))
        done
    done
    pool_hosts
    for h in "${pool[@]}"; do
        [ -n "$h" ] || continue
        files=()
        if [ "$dry_run" = 1 ]; then
            on "$h" find "$guest_dir" /boot/guest -maxdepth 1 -name 'xen-test-vm-*.xen*'
        else
            xe_out=$(on "$h" find "$guest_dir" /boot/guest -maxdepth 1 -name 'xen-test-vm-*.xen*' 2>/dev/null) || true
            while IFS= read -r f; do [ -z "$f" ] || files+=("$f"); done <<<"$xe_out"
        fi
        on "$h" rm -f "${files[@]}" "$guest_dir/test-vm-ctl" /usr/local/bin/test-vm-ctl ||
            die "removing the files on $h failed"
        say "removed on $h: $(printf '%s ' "${files[@]}")$guest_dir/test-vm-ctl and its link"
    done
    say "uninstalled: $removed VMs and templates made by install.sh on $host"
    exit 0
fi

# ---- 1b. Where this xapi reads guest kernels from.  /var/lib/xcp/guest/
# from xapi v23.9.0 (ocaml/xapi/xapi_xenops.ml, CP-30367 d582ce3df7: beside
# /boot/guest/; only there from v24.20.0, IH-507 5dc2900f1f, and by realpath);
# /boot/guest/ only before, e.g. Citrix Hypervisor 8.2 and XCP-ng 8.2 (xapi
# 1.249), which boot a kernel found elsewhere as "" without a word
# (is_boot_file_whitelisted: "not in the whitelist: ignoring").  The
# master's host.software_version has "xapi" = MAJOR.MINOR (xapi_globs.ml,
# software_version).
kernel_dir=$guest_dir
xe_on "$host" pool-list params=master --minimal
if [ "$dry_run" = 1 ]; then
    say "dry run: xapi's version is not asked for; showing $kernel_dir, as xapi 23.9 or later reads it (/boot/guest before)"
else
    xe_on "$host" host-param-get "uuid=$xe_out" param-name=software-version param-key=xapi
    [[ $xe_out =~ ^([0-9]+)\.([0-9]+)$ ]] ||
        die "$host's xapi version (software-version:xapi) is \"$xe_out\", not MAJOR.MINOR: cannot tell where it reads guest kernels from"
    if ((BASH_REMATCH[1] < 23 || (BASH_REMATCH[1] == 23 && BASH_REMATCH[2] < 9))); then
        kernel_dir=/boot/guest
        say "xapi $xe_out reads guest kernels from /boot/guest only (before 23.9): the kernel goes there"
    fi
fi
remote_kernel=$kernel_dir/xen-test-vm-$version$ext

# ---- 2. Every host of the pool: a PVH kernel is read from the dom0 of the
# host that starts the VM.
pool_hosts
for h in "${pool[@]}"; do
    [ -n "$h" ] || continue
    dirs=("$guest_dir")
    [ "$kernel_dir" = "$guest_dir" ] || dirs+=("$kernel_dir")
    if ! on "$h" mkdir -p "${dirs[@]}"; then
        # A member is reached by the address xe host-list gives, whose host key
        # ssh may never have accepted (BatchMode does not ask).
        [ "$h" = "$host" ] || [ -n "$hosts" ] ||
            say "pool members are reached by the address xe host-list gives ($h): accept its host key once (ssh $user@$h true), or name the hosts as ssh knows them with --hosts"
        die "cannot reach $user@$h over ssh to copy the kernel there"
    fi
    copy "$h" "$kernel" "$remote_kernel"
    copy "$h" "$ctl" "$guest_dir/test-vm-ctl"
    # From a source tree, test-vm-ctl --version says the kernel's version there.
    on "$h" sed -i "s/^tool_version=@VERSION@\$/tool_version=$version/" "$guest_dir/test-vm-ctl" ||
        die "stamping the version of test-vm-ctl on $h failed"
    on "$h" chmod 755 "$guest_dir/test-vm-ctl" || die "chmod on $h failed"
    on "$h" ln -sf "$guest_dir/test-vm-ctl" /usr/local/bin/test-vm-ctl || die "ln on $h failed"
done

# ---- 3. The name: free, or freed with --replace.
in_use=()
for kind in vm template; do
    xe_on "$host" "$kind-list" "name-label=$name" params=uuid --minimal
    [ "$dry_run" = 1 ] && continue
    IFS=, read -r -a found <<<"$xe_out"
    for u in "${found[@]}"; do [ -z "$u" ] || in_use+=("$kind:$u"); done
done
for k in "${in_use[@]}"; do
    u=${k#*:}
    [ "$replace" = 1 ] || die "a ${k%%:*} named \"$name\" already exists on $host (uuid $u): pass --replace to remove it, or choose --name"
    # Only what install.sh made (other-config:xen-test-vm, below): --replace must
    # never uninstall someone's VM or template, disks and snapshots included.
    ours "$u" ||
        die "the ${k%%:*} named \"$name\" on $host (uuid $u) was not made by install.sh (no other-config:xen-test-vm): --replace removes only those; choose another --name"
    say "removing the ${k%%:*} $u named \"$name\" (--replace)"
    remove_ours "${k%%:*}" "$u"
done

# ---- 4. The VM.  Memory: the same figure for all four limits, in bytes, in
# the order xapi requires them (static-min <= dynamic-min <= dynamic-max <=
# static-max); ballooning has nothing to do here.
xe_on "$host" vm-create "name-label=$name"
uuid=$xe_out
[ "$dry_run" = 1 ] && uuid="<vm-uuid>"
case $uuid in *[!0-9a-f-]* | '') [ "$dry_run" = 1 ] || die "xe vm-create on $host printed \"$uuid\", not a UUID" ;; esac
made=$uuid
[ "$dry_run" = 1 ] && made=
# domain-type last, and no HVM-boot-policy: xe sets the pairs in order, and
# xapi's set_HVM_boot_policy "" makes the VM pv again (xapi_vm.ml), while
# set_domain_type pvh clears the boot policy itself.
xe_on "$host" vm-param-set "uuid=$uuid" \
    "name-description=xen-test-vm $version, a PVH test guest (tools/install.sh)" \
    "other-config:xen-test-vm=$version" \
    "PV-kernel=$remote_kernel" "PV-args=$cmdline" VCPUs-max=1 VCPUs-at-startup=1 \
    actions-after-shutdown=destroy actions-after-reboot=restart actions-after-crash=restart \
    domain-type=pvh
xe_on "$host" vm-memory-limits-set "uuid=$uuid" \
    "static-min=$bytes" "dynamic-min=$bytes" "dynamic-max=$bytes" "static-max=$bytes"
if [ "$template" = 1 ]; then
    xe_on "$host" vm-param-set "uuid=$uuid" is-a-template=true
fi
made=
[ "$dry_run" = 1 ] || kept=$uuid

# ---- 5. --start: start it, find its domain and host, wait until it is ready.
if [ "$start" = 1 ]; then
    xe_on "$host" vm-start "uuid=$uuid"
    xe_on "$host" vm-param-get "uuid=$uuid" param-name=dom-id
    domid=$xe_out
    xe_on "$host" vm-param-get "uuid=$uuid" param-name=resident-on
    [ "$dry_run" = 0 ] || { domid="<dom-id>"; xe_out="<resident-on>"; }
    xe_on "$host" host-param-get "uuid=$xe_out" param-name=address
    resident=$xe_out
    [ "$dry_run" = 0 ] || resident=$host
    if ! ready=$(on "$resident" "$guest_dir/test-vm-ctl" --timeout 60 wait-ready "$domid"); then
        die "the VM started (uuid $uuid, domid $domid on $resident) but did not become ready within 60 s: see its console (xl console $domid there)"
    fi
    [ "$dry_run" = 0 ] || printf '%s\n' "$ready"
    echo "domid $domid"
fi
if [ "$dry_run" = 0 ]; then
    say "installed \"$name\" ($remote_kernel, ${memory} MiB) on $host"
fi
echo "$uuid"
