#!/usr/bin/env bash
# Host tests of tools/install.sh: its --dry-run output checked command by
# command, and whole runs against fake ssh, scp and xe (tests/tools/fake-xe)
# that record the calls and answer as a XenServer pool would, failures
# included.  Prints PASS/FAIL per check and "install: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh"
install=$repo/tools/install.sh
guest=/var/lib/xcp/guest

# A kernel file that carries a version string, as the real one does.
kernel=$t_dir/test-vm.xen.gz
printf '\177ELF junk 0.1.0-abc1234 more junk' | gzip -n >"$kernel"
version=0.1.0-abc1234
base_path=$PATH

# A fresh fake pool: master xs1.test, members given; fakes first on PATH.
new_pool() {
    export FAKE_XE=$t_dir/pool
    rm -rf "$FAKE_XE" "${t_dir:?}/bin"
    mkdir -p "$FAKE_XE/vms" "$t_dir/bin"
    : >"$FAKE_XE/calls"
    local i=1 h
    for h in xs1.test "$@"; do
        printf '%08d-1111-2222-3333-444444444444 %s\n' "$i" "$h" >>"$FAKE_XE/hosts"
        i=$((i + 1))
    done
    for t in ssh scp xe; do ln -s "$here/fake-xe" "$t_dir/bin/$t"; done
    # The master's xenstore, where a started VM boots (fake-xe, boot_domain).
    export FAKE_XS=$t_dir/store
    rm -rf "$FAKE_XS"
    mkdir -p "$FAKE_XS/n/local/domain/0" "$FAKE_XS/writes"
    echo n0 >"$FAKE_XS/n/.p"
    : >"$FAKE_XS/n/.v"
    : >"$FAKE_XS/events"
    for t in read write exists list ls rm chmod watch; do ln -s "$here/fake-xenstore" "$t_dir/bin/xenstore-$t"; done
    PATH=$t_dir/bin:$base_path
}
xe_calls() { grep -c '^ssh [^ ]* xe ' "$FAKE_XE/calls"; }
# The VMs (and templates) in the fake pool, one UUID a line.
vms() { find "$FAKE_XE/vms" -mindepth 1 -maxdepth 1 -printf '%f\n'; }
param() { cat "$FAKE_XE/vms/$1/$2"; }

# dry_lines ARGS...: run a dry run; sets $lines (stdout lines) and checks that
# each but the last is "HOST: command" and that nothing ran.
dry() {
    new_pool
    t_run "$install" --dry-run "$@"
    mapfile -t lines <<<"$out"
    [ -z "$(cat "$FAKE_XE/calls")" ] || bad "expected a dry run to run nothing, saw: $(cat "$FAKE_XE/calls")"
}
# words_of LINE: sets $where and the array $words (the command, unquoted).
words_of() {
    where=${1%%: *}
    eval "words=(${1#*: })"
}
# find_cmd HOST WORD1 WORD2: the first dry-run line on HOST starting so;
# sets $words.
find_cmd() {
    local l
    for l in "${lines[@]}"; do
        words_of "$l"
        [ "$where" = "$1" ] && [ "${words[0]:-}" = "$2" ] && [ "${words[1]:-}" = "$3" ] && return 0
    done
    bad "expected a line \"$1: $2 $3 ...\", saw: $out"
}
# has_word WORD: the last found command has it as one word.
has_word() {
    local w
    for w in "${words[@]}"; do [ "$w" = "$1" ] && return 0; done
    bad "expected the word \"$1\" in: ${words[*]}"
}

# shellcheck disable=SC2016 # a name with a $ in it, on purpose
t_dry_run() {
    dry --hosts xs1.test,xs2.test --name 'my "vm" $x' --memory 32 --cmdline 'feature-suspend=0 debug=fault' --start xs1.test "$kernel"
    expect_rc 0 || return
    expect_eq "last line" "<vm-uuid>" "${lines[-1]}"
    expect_eq "line before it" "domid <dom-id>" "${lines[-2]}"
    local l
    for l in "${lines[@]:0:${#lines[@]}-2}"; do
        [[ $l =~ ^xs[12]\.test:\ (xe|scp|mkdir|sed|chmod|ln|/var/lib/xcp/guest/test-vm-ctl)\  ]] || bad "expected \"HOST: command\", saw \"$l\""
    done
    grep -q 'host-list' <<<"$out" && bad "expected no xe host-list with --hosts, saw one"
    local h
    for h in xs1.test xs2.test; do
        find_cmd "$h" mkdir -p; has_word "$guest"
        find_cmd "$h" scp "$kernel"; has_word "root@$h:$guest/xen-test-vm-$version.xen.gz"
        find_cmd "$h" scp "$repo/tools/test-vm-ctl"; has_word "root@$h:$guest/test-vm-ctl"
        find_cmd "$h" sed -i; has_word "s/^tool_version=@VERSION@\$/tool_version=$version/"
    done
    find_cmd xs1.test xe vm-list; has_word 'name-label=my "vm" $x'; has_word params=uuid; has_word --minimal
    find_cmd xs1.test xe template-list; has_word 'name-label=my "vm" $x'
    find_cmd xs1.test xe vm-create; has_word 'name-label=my "vm" $x'
    find_cmd xs1.test xe vm-param-set
    for w in uuid="<vm-uuid>" domain-type=pvh "PV-kernel=$guest/xen-test-vm-$version.xen.gz" \
        'PV-args=feature-suspend=0 debug=fault' VCPUs-max=1 VCPUs-at-startup=1 \
        actions-after-shutdown=destroy actions-after-reboot=restart actions-after-crash=restart; do
        has_word "$w"
    done
    # domain-type last (xe sets the pairs in order), and no HVM-boot-policy, which would make it pv.
    expect_eq "last vm-param-set pair" domain-type=pvh "${words[${#words[@]} - 1]}"
    case " ${words[*]} " in *" HVM-boot-policy="*) bad "expected no HVM-boot-policy, saw: ${words[*]}" ;; esac
    find_cmd xs1.test xe vm-memory-limits-set
    expect_eq "memory limits" "uuid=<vm-uuid> static-min=33554432 dynamic-min=33554432 dynamic-max=33554432 static-max=33554432" "${words[*]:2}"
    find_cmd xs1.test xe vm-start; has_word uuid="<vm-uuid>"
    find_cmd xs1.test "$guest/test-vm-ctl" --timeout; has_word wait-ready
    # Order: copies, then the name check, then create, set, memory, start.
    local order
    order=$(awk -F': ' '{ split($2, w, " "); print w[1] "-" w[2] }' <<<"$out" | grep -E '^(xe|scp)' | uniq | paste -sd' ' -)
    expect_eq "order" "xe-pool-list scp-$kernel scp-$repo/tools/test-vm-ctl scp-$kernel scp-$repo/tools/test-vm-ctl xe-vm-list xe-template-list xe-vm-create xe-vm-param-set xe-vm-memory-limits-set xe-vm-start xe-vm-param-get xe-host-param-get" "$order"
}

t_dry_run_defaults() {
    dry xs9.test "$kernel"
    expect_rc 0 || return
    find_cmd xs9.test xe host-list; has_word params=address; has_word --minimal
    find_cmd xs9.test scp "$kernel"
    find_cmd xs9.test xe vm-create; has_word "name-label=xen-test-vm $version"
    find_cmd xs9.test xe vm-memory-limits-set; has_word static-min=16777216; has_word static-max=16777216
    find_cmd xs9.test xe vm-param-set; has_word PV-args=
    grep -q vm-start <<<"$out" && bad "expected no vm-start without --start"
    expect_err_has "dry run"
    dry --template root@xs9.test "$kernel"
    find_cmd xs9.test scp "$kernel"; has_word "root@xs9.test:$guest/xen-test-vm-$version.xen.gz"
    grep -q 'is-a-template=true' <<<"$out" || bad "expected is-a-template=true with --template, saw: $out"
    dry admin@xs9.test "$kernel"
    find_cmd xs9.test scp "$kernel"; has_word "admin@xs9.test:$guest/xen-test-vm-$version.xen.gz"
}

t_usage() {
    new_pool
    t_run "$install"; expect_rc 2
    t_run "$install" --memory 1x xs1.test "$kernel"; expect_rc 2; expect_err_has "--memory"
    t_run "$install" --memory 0 xs1.test "$kernel"; expect_rc 2
    t_run "$install" --memory 1 xs1.test "$kernel"; expect_rc 2; expect_err_has "from 2 to 1048576"
    t_run "$install" --memory 99999999999999999999 xs1.test "$kernel"; expect_rc 2; expect_err_has "from 2 to 1048576"
    t_run "$install" --cmdline $'x\nis-a-template=true' xs1.test "$kernel"; expect_rc 2; expect_err_has "control characters"
    t_run "$install" --name $'vm\tname' xs1.test "$kernel"; expect_rc 2; expect_err_has "control characters"
    t_run "$install" --start --template xs1.test "$kernel"; expect_rc 2
    t_run "$install" --frob xs1.test; expect_rc 2; expect_err_has "unknown option --frob"
    t_run "$install" --name; expect_rc 2
    t_run "$install" a b c; expect_rc 2
    t_run "$install" --help; expect_rc 0; expect_out_has "--dry-run"
    t_run "$install" --version; expect_rc 0; expect_out "install.sh $(cat "$repo/VERSION") (source tree)"
    t_run "$install" xs1.test "$t_dir/nope.xen.gz"; expect_rc 1; expect_err_has "no kernel at $t_dir/nope.xen.gz"
    t_run "$install" xs1.test /etc/hostname; expect_rc 1; expect_err_has "does not look like xen-test-vm"
    expect_eq "calls" "" "$(cat "$FAKE_XE/calls")"
}

t_install_pool() {
    new_pool xs2.test xs3.test
    t_run "$install" --start --cmdline "feature-reboot=0" xs1.test "$kernel"
    expect_rc 0 || return
    local u
    u=$(vms)
    expect_eq "last line (the UUID)" "$u" "$(tail -n 1 <<<"$out")"
    [[ $u =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || bad "expected one VM UUID, saw \"$u\""
    expect_eq "domid line" "domid 7" "$(tail -n 2 <<<"$out" | head -n 1)"
    local h
    for h in xs1.test xs2.test xs3.test; do
        cmp -s "$kernel" "$FAKE_XE/files/$h$guest/xen-test-vm-$version.xen.gz" || bad "expected the kernel on $h, saw it missing or different"
        cmp -s "$repo/tools/test-vm-ctl" "$FAKE_XE/files/$h$guest/test-vm-ctl" || bad "expected test-vm-ctl on $h"
    done
    expect_eq "name-label" "xen-test-vm $version" "$(param "$u" name-label)"
    expect_eq "domain-type" pvh "$(param "$u" domain-type)"
    expect_eq "PV-kernel" "$guest/xen-test-vm-$version.xen.gz" "$(param "$u" PV-kernel)"
    expect_eq "PV-args" feature-reboot=0 "$(param "$u" PV-args)"
    expect_eq "HVM-boot-policy" "" "$(param "$u" HVM-boot-policy)"
    expect_eq "memory" "16777216 16777216 16777216 16777216" "$(param "$u" memory)"
    expect_eq "power-state" running "$(param "$u" power-state)"
    grep -qF "ssh root@xs1.test $guest/test-vm-ctl --timeout 60 wait-ready 7" "$FAKE_XE/calls" ||
        bad "expected test-vm-ctl wait-ready on the resident host, saw: $(cat "$FAKE_XE/calls")"
    # That was the test-vm-ctl copied there, waiting on the domain's state
    # until the booted VM wrote ready.
    grep -qx /local/domain/7/data/test-vm "$FAKE_XS/watch.log" ||
        bad "expected the copied test-vm-ctl to watch domain 7's data/test-vm, saw: $(cat "$FAKE_XS/watch.log" 2>/dev/null)"
    expect_eq "state" ready "$(xenstore-read /local/domain/7/data/test-vm/state)"
}

# Where the kernel goes follows the master's xapi (software-version:xapi):
# /boot/guest before 23.9 (Citrix Hypervisor and XCP-ng 8.2: 1.249), where a
# kernel elsewhere is ignored and the start fails (the fake xe models it,
# as xapi_xenops.ml has it at each version); /var/lib/xcp/guest from 23.9.
t_xapi_versions() {
    local v dir u
    for v in 1.249:/boot/guest 23.8:/boot/guest 23.9:$guest 24.19:$guest 24.20:$guest 25.6:$guest; do
        new_pool xs2.test
        echo "${v%%:*}" >"$FAKE_XE/xapi-version"
        dir=${v#*:}
        t_run "$install" --start xs1.test "$kernel"
        expect_rc 0 || { bad "xapi ${v%%:*}: expected the install to work"; return; }
        u=$(vms)
        expect_eq "xapi ${v%%:*}: PV-kernel" "$dir/xen-test-vm-$version.xen.gz" "$(param "$u" PV-kernel)"
        cmp -s "$kernel" "$FAKE_XE/files/xs2.test$dir/xen-test-vm-$version.xen.gz" || bad "xapi ${v%%:*}: expected the kernel in $dir on xs2.test"
        expect_eq "xapi ${v%%:*}: power-state" running "$(param "$u" power-state)"
        if [ "$dir" = /boot/guest ]; then expect_err_has "reads guest kernels from /boot/guest only"; fi
    done
    # What install.sh did before it asked: the kernel in /var/lib/xcp/guest on
    # an 8.2 host, ignored there, and the start fails.
    new_pool
    echo 1.249 >"$FAKE_XE/xapi-version"
    mkdir -p "$FAKE_XE/files/xs1.test$guest" && cp "$kernel" "$FAKE_XE/files/xs1.test$guest/k.xen.gz"
    u=$(ssh xs1.test xe vm-create name-label=old)
    ssh xs1.test xe vm-param-set "uuid=$u" PV-kernel="$guest/k.xen.gz" domain-type=pvh >/dev/null
    t_run ssh xs1.test xe vm-start "uuid=$u"; expect_rc 1; expect_err_has "was ignored"
    # xe's framing, one parameter a line: why install.sh refuses a newline in
    # --cmdline (tested in usage): it would make this VM a template.
    ssh xs1.test "xe vm-param-set uuid=$u 'PV-args=x"$'\n'"is-a-template=true'" >/dev/null
    expect_eq "a newline in a value, through xe" true "$(param "$u" is-a-template)"
    # A version it cannot read: refused before anything is copied.
    new_pool
    echo "(unknown)" >"$FAKE_XE/xapi-version"
    t_run "$install" xs1.test "$kernel"; expect_rc 1; expect_err_has "is \"(unknown)\", not MAJOR.MINOR"
    [ ! -d "$FAKE_XE/files" ] || bad "expected nothing copied, saw: $(find "$FAKE_XE/files" -type f)"
}

# --uninstall removes what install.sh made, and nothing else: its VMs (a
# running one shut down first) and templates, its kernels (in both kernel
# directories) and test-vm-ctl on every host.
t_uninstall() {
    new_pool xs2.test
    "$install" --start xs1.test "$kernel" >/dev/null 2>&1 || bad "expected the first install to work"
    "$install" --name two xs1.test "$kernel" >/dev/null 2>&1 || bad "expected the second install to work"
    "$install" --template --name tpl xs1.test "$kernel" >/dev/null 2>&1 || bad "expected the template install to work"
    local theirs
    theirs=$(ssh xs1.test xe vm-create name-label=theirs)
    mkdir -p "$FAKE_XE/files/xs2.test/boot/guest" && echo old >"$FAKE_XE/files/xs2.test/boot/guest/xen-test-vm-0.0.9-old.xen.gz"
    echo mine >"$FAKE_XE/files/xs2.test$guest/other-file"
    t_run "$install" --uninstall xs1.test; expect_rc 0
    expect_err_has "uninstalled: 3 VMs and templates made by install.sh on xs1.test"
    expect_eq "VMs left" "$theirs" "$(vms)"
    expect_eq "files left" "$FAKE_XE/files/xs2.test$guest/other-file" "$(find "$FAKE_XE/files" -type f | sort)"
    # Nothing of ours left: a second run removes nothing and still works.
    t_run "$install" --uninstall xs1.test; expect_rc 0
    expect_err_has "uninstalled: 0 VMs"
    t_run "$install" --uninstall xs1.test "$kernel"; expect_rc 2; expect_err_has "--uninstall takes HOST only"
    t_run "$install" --uninstall --start xs1.test; expect_rc 2
    # Its dry run: the commands, nothing run.
    : >"$FAKE_XE/calls"
    t_run "$install" --dry-run --uninstall --hosts xs1.test,xs2.test xs1.test; expect_rc 0
    expect_out_has "xs2.test: find $guest /boot/guest -maxdepth 1 -name 'xen-test-vm-*.xen*'"
    expect_out_has "xs2.test: rm -f $guest/test-vm-ctl /usr/local/bin/test-vm-ctl"
    expect_eq "calls" "" "$(cat "$FAKE_XE/calls")"
}

# Every xe command of README's recipes ("then" column), U a started VM's
# UUID, is one the fake xe (modelled on xapi's CLI) takes as written.
t_readme_xe() {
    new_pool
    "$install" --start xs1.test "$kernel" >/dev/null 2>&1 || { bad "expected the install to work"; return; }
    local u cmd n=0
    u=$(vms)
    # shellcheck disable=SC2016 # markdown's backquotes
    while IFS= read -r cmd; do
        n=$((n + 1))
        echo running >"$FAKE_XE/vms/$u/power-state" # each on a running VM
        t_run ssh xs1.test "${cmd//uuid=U/uuid=$u}"
        expect_rc 0 || bad "README's \"$cmd\" was refused: $err"
        case $cmd in
        *params=power-state,dom-id) expect_out $'power-state ( RO)    : running\n         dom-id ( RO): 7' ;;
        *params=power-state) expect_out "power-state ( RO)    : running" ;;
        esac
    done < <(awk '/^#### Recipes: failures of xenopsd/ { f = 1 } /^What was checked where/ { f = 0 } f && /^\| / { print }' "$repo/docs/xenserver.md" |
        awk -F' [|] ' '{ print $3 }' | grep -o '`xe [^`]*`' | tr -d '`' | sort -u)
    [ "$n" -ge 5 ] || bad "expected README's recipes to hold 5 xe commands, saw $n"
}

t_ssh_refused() {
    new_pool
    echo xs1.test >"$FAKE_XE/refuse"
    t_run "$install" xs1.test "$kernel"; expect_rc 1
    expect_err_has "cannot reach root@xs1.test over ssh"
    expect_err_has "Connection refused"
    expect_eq "xe calls" 0 "$(xe_calls)"
    # A pool member that refuses: stops before any VM is made.
    new_pool xs2.test
    echo xs2.test >"$FAKE_XE/refuse"
    t_run "$install" xs1.test "$kernel"; expect_rc 1
    expect_err_has "xs2.test"
    expect_err_has "accept its host key once (ssh root@xs2.test true), or name the hosts as ssh knows them with --hosts"
    expect_eq "VMs" "" "$(vms)"
}

t_no_xe() {
    new_pool
    touch "$FAKE_XE/no-xe"
    t_run "$install" xs1.test "$kernel"; expect_rc 1
    expect_err_has "xs1.test has no xe: it is not a XenServer or XCP-ng host"
    expect_eq "xe calls" 0 "$(xe_calls)"
}

t_name_in_use() {
    new_pool
    "$install" xs1.test "$kernel" >/dev/null 2>&1 || bad "expected the first install to work"
    local old
    old=$(vms)
    t_run "$install" xs1.test "$kernel"; expect_rc 1
    expect_err_has "a vm named \"xen-test-vm $version\" already exists on xs1.test (uuid $old): pass --replace"
    expect_eq "VMs" "$old" "$(vms)"
    # --replace, with the old one running: shut down, uninstalled, new one made.
    echo running >"$FAKE_XE/vms/$old/power-state"
    t_run "$install" --replace xs1.test "$kernel"; expect_rc 0
    local new
    new=$(vms)
    if [ -z "$new" ] || [ "$new" = "$old" ]; then bad "expected one new VM in place of $old, saw \"$new\""; fi
    expect_eq "last line" "$new" "$(tail -n 1 <<<"$out")"
    grep -q "vm-shutdown uuid=$old force=true" "$FAKE_XE/calls" || bad "expected vm-shutdown of the running VM"
    # A template of that name, replaced by a template.
    t_run "$install" --template --name tpl xs1.test "$kernel"; expect_rc 0
    local tpl
    tpl=$(tail -n 1 <<<"$out")
    expect_eq "is-a-template" true "$(param "$tpl" is-a-template)"
    t_run "$install" --template --name tpl xs1.test "$kernel"; expect_rc 1; expect_err_has "a template named \"tpl\""
    t_run "$install" --template --replace --name tpl xs1.test "$kernel"; expect_rc 0
    [ ! -d "$FAKE_XE/vms/$tpl" ] || bad "expected the old template $tpl gone"
    # Someone else's VM of that name (no other-config:xen-test-vm): never removed.
    local theirs
    theirs=$(ssh xs1.test xe vm-create name-label=theirs)
    t_run "$install" --replace --name theirs xs1.test "$kernel"; expect_rc 1
    expect_err_has "was not made by install.sh (no other-config:xen-test-vm)"
    [ -d "$FAKE_XE/vms/$theirs" ] || bad "expected their VM $theirs kept"
    expect_eq "its mark" "$version" "$(param "$new" other-config.xen-test-vm)"
    # A --start that fails names the VM it made and kept: its UUID last on stdout.
    touch "$FAKE_XE/start-fails"
    t_run "$install" --start --replace xs1.test "$kernel"; expect_rc 1
    rm -f "$FAKE_XE/start-fails"
    expect_err_has "xe vm-start failed on xs1.test: The host does not have enough memory."
    expect_err_has "stays installed (not started)"
    local kept
    kept=$(tail -n 1 <<<"$out")
    if [ -z "$kept" ] || [ ! -d "$FAKE_XE/vms/$kept" ]; then bad "expected the kept VM's UUID on stdout, saw \"$out\""; fi
}

t_xe_error() {
    new_pool
    echo domain-type >"$FAKE_XE/reject-param"
    t_run "$install" xs1.test "$kernel"; expect_rc 1
    expect_err_has "xe vm-param-set failed on xs1.test: Error: unknown field 'domain-type'"
    expect_err_has "removing the half-made VM"
    expect_eq "VMs left" "" "$(vms)"
}

command -v gzip >/dev/null || { echo "install: 0 passed, 1 failed"; exit 1; }
for t in dry_run dry_run_defaults usage install_pool xapi_versions uninstall readme_xe ssh_refused no_xe name_in_use xe_error; do
    check "install-$t" "t_$t"
done
finish install
