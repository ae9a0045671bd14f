#!/usr/bin/env bash
# shellcheck disable=SC2016 # check conditions are eval'd strings
# The layers (docs: docs/design.md, "Source layout"): lib/ includes only lib/;
# drivers/ and arch/ never include kernel/ (the kernel's entry, boot/main.c,
# is the one file that joins arch/ and kernel/).  A #include that breaks a
# rule fails, naming the file and the line.  Then the check itself: a line
# that breaks each rule, in a copy, is found.
# shellcheck source=tests/host/lib.bash
. "$(dirname "$0")/lib.bash"

# layer_breaks ROOT: every #include under ROOT that breaks a rule, as file:line:text.
layer_breaks() {
    (cd "$1" && {
        grep -rn --include='*.[ch]' '^#include "\(kernel\|drivers\|arch\|boot\)/' lib
        grep -rn --include='*.[ch]' '^#include "kernel/' drivers arch
    })
}

breaks=$(layer_breaks "$repo")
check layers-kept "expected lib/ to include only lib/, and drivers/ and arch/ nothing from kernel/, saw: $breaks" \
    test -z "$breaks"

# The check finds what it is for: one break of each rule, in a copy.
mkdir -p "$work/copy"
cp -r "$repo/lib" "$repo/drivers" "$repo/arch" "$work/copy/"
echo '#include "kernel/vm.h"' >>"$work/copy/drivers/console.c"
echo '#include "drivers/console.h"' >>"$work/copy/lib/log.c"
found=$(layer_breaks "$work/copy")
check layers-check-finds-breaks "expected both planted includes found, saw: $found" \
    eval '[ "$(printf "%s\n" "$found" | grep -c .)" = 2 ]'
exit 0
