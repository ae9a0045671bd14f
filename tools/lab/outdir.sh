# shellcheck shell=bash
# tools/lab/outdir.sh: the lab's output folders (sourced by tools/lab/run and
# tests/run-lab).  A folder is the lab's own only if it holds the marker file
# .lab-out, which lab_out_claim writes; anything else that is not empty is
# refused, never emptied.  The marker is also the lock: one run per folder.

LAB_OUT_MARKER=.lab-out

# lab_out_claim DIR: make DIR if missing, refuse it (status 1, message on
# stderr) unless it is empty or marked, mark it, lock it (waiting for another
# holder), then empty it but for the marker.  Sets lab_out to DIR's absolute
# path; the lock lasts as long as this shell (and its children) keep the fd.
lab_out_claim() {
    local dir=$1 marker
    mkdir -p -- "$dir" || return 1
    dir=$(cd -- "$dir" && pwd) || return 1
    marker=$dir/$LAB_OUT_MARKER
    if [ -L "$marker" ] || { [ -e "$marker" ] && [ ! -f "$marker" ]; }; then
        echo "lab: error: $marker is not a plain file: not using $dir" >&2
        return 1
    fi
    if [ ! -f "$marker" ] && [ -n "$(ls -A -- "$dir")" ]; then
        echo "lab: error: $dir is not empty and not a lab output folder (no $LAB_OUT_MARKER): not emptying it" >&2
        return 1
    fi
    [ -f "$marker" ] || echo "xen-test-vm lab output: emptied by the next run" >"$marker"
    exec {lab_out_fd}<"$marker"
    if ! flock -n "$lab_out_fd"; then
        echo "lab: waiting for the other lab run that writes to $dir (or give another output folder)" >&2
        flock "$lab_out_fd"
    fi
    # -name matches the entry's own name, not a pattern built from $dir.
    find "$dir" -mindepth 1 -maxdepth 1 ! -name "$LAB_OUT_MARKER" -exec rm -rf -- {} +
    # shellcheck disable=SC2034 # read by the caller
    lab_out=$dir
}
