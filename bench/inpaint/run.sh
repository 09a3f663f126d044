#!/bin/bash
# bench/inpaint: ntkmc's image inpainting side by side with the tools a user
# would reach for instead, on the paper's tasks with ground truth.
#
# Usage: bench/inpaint/run.sh NTKMC OUT_DIR [TASK...]
#   NTKMC    the ntkmc binary to measure
#   OUT_DIR  results directory (outputs, montages, logs, kernel cache); put
#            it in the build directory, not in the source tree
#   TASK     a subset of: library vase barbara boat lena house peppers
#            (default: all; the docs table is only rewritten for all seven)
#
# Environment:
#   NTKMC_BENCH_DATA  the test images (default: ../shared/data/images beside
#                     the checkout)
#   PYTHON            a Python 3 with numpy, PIL, skimage and cv2
#                     (default: /usr/bin/python3, Debian's)
#   CV_RADIUS         radius of cv2.inpaint (default 3)
#   BENCH_DOCS        the markdown file whose bench-inpaint section is
#                     rewritten (default: docs/benchmarks.md of this
#                     checkout; "-" = do not write it)
#   METHOD_TIMEOUT    seconds after which one method's run is stopped (600)
#   REPEAT_BELOW      runs shorter than this many seconds are done three
#                     times and the fastest is kept (10; 0 = every run once)
#   KEEP_KERNELS      1 = keep each task's kernel cache (OUT_DIR/kernel-cache/
#                     TASK, ~256 MiB each) after its runs (default: removed)
#
# Every method runs as a process of its own under /usr/bin/time (wall time,
# peak resident memory).  ntkmc runs twice per task, with a kernel cache of
# the task's own: cold (empty cache: kernel computation + solve) and cached
# (the per-image solve).  Needs: python3-skimage python3-opencv gmic
# (Debian); a missing G'MIC or OpenCV is reported in the table, not fatal.

set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ $# -lt 2 ]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
fi
ntkmc=$1
out=$2
shift 2
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=(library vase barbara boat lena house peppers)

data=${NTKMC_BENCH_DATA:-$repo/../shared/data/images}
python=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
cv_radius=${CV_RADIUS:-3}
docs=${BENCH_DOCS:-$repo/docs/benchmarks.md}
tmo=${METHOD_TIMEOUT:-600}
repeat_below=${REPEAT_BELOW:-10}

die() { echo "bench/inpaint: $*" >&2; exit 1; }

if [ ! -d "$data" ] || [ ! -f "$data/library.png" ]; then
    die "test images not found in '$data' (expected ../shared/data/images beside the checkout with library.png, vase.png, *_GT.png and random_mask_*.png; set NTKMC_BENCH_DATA to point elsewhere)"
fi
[ -x "$ntkmc" ] || die "'$ntkmc' is not an executable ntkmc binary"
ntkmc=$(cd "$(dirname "$ntkmc")" && pwd)/$(basename "$ntkmc")
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
command -v "$python" >/dev/null 2>&1 || die "no Python at '$python' (set PYTHON)"
"$python" -c 'import numpy, PIL, skimage' 2>/dev/null ||
    die "$python lacks numpy, PIL or skimage: apt-get install -y python3-skimage python3-pil"

mkdir -p "$out" || die "cannot create '$out'"
out=$(cd "$out" && pwd)
case "$out/" in "$repo"/*) echo "bench/inpaint: warning: results go into the source tree ($out)" >&2 ;; esac
rm -rf "$out/inputs" "$out/outputs" "$out/logs" "$out/kernel-cache" "$out"/montage_*.png
mkdir -p "$out/inputs" "$out/outputs" "$out/logs" "$out/kernel-cache"

have_cv2=1; "$python" -c 'import cv2' 2>/dev/null || have_cv2=0
have_gmic=1; command -v gmic >/dev/null 2>&1 || have_gmic=0
[ $have_cv2 = 1 ] || echo "bench/inpaint: OpenCV (python3-opencv) is missing: Telea and NS are skipped" >&2
[ $have_gmic = 1 ] || echo "bench/inpaint: G'MIC (gmic) is missing: its methods are skipped" >&2

start=$(date +%s)
"$python" "$here/prepare.py" "$data" "$out/inputs" "${tasks[@]}" > "$out/inputs/tasks.txt" ||
    die "preparing the inputs failed"

# measure NAME CMD...: one measured process; logs/NAME.{log,time,rc}
measure() {
    local name=$1; shift
    /usr/bin/time -o "$out/logs/$name.time" -f 'wall_seconds %e
max_rss_kb %M' timeout "$tmo" "$@" < /dev/null > "$out/logs/$name.log" 2>&1
    local rc=$?
    echo $rc > "$out/logs/$name.rc"
    return $rc
}
field() { sed -n "s/^$2 //p" "$out/logs/$1.time"; }

# run [-once] NAME CMD...: measure; a run under $repeat_below seconds is
# repeated twice more (the machine is shared and noisy) and the fastest
# wall time is kept, with the largest peak memory of the three
run() {
    local once=0
    [ "$1" = -once ] && { once=1; shift; }
    local name=$1
    printf '  %-28s' "$name" >&2
    if ! measure "$@"; then
        echo "  FAILED (exit $(cat "$out/logs/$name.rc"), see $out/logs/$name.log)" >&2
        return
    fi
    local wall rss n=1
    wall=$(field "$name" wall_seconds); rss=$(field "$name" max_rss_kb)
    if [ $once = 0 ] && awk -v w="$wall" -v t="$repeat_below" 'BEGIN { exit !(w < t) }'; then
        local i
        for i in 2 3; do
            measure "$name.rep" "${@:2}" || break
            n=$i
            wall=$(awk -v a="$wall" -v b="$(field "$name.rep" wall_seconds)" 'BEGIN { print (b < a ? b : a) }')
            rss=$(awk -v a="$rss" -v b="$(field "$name.rep" max_rss_kb)" 'BEGIN { print (b > a ? b : a) }')
        done
        rm -f "$out/logs/$name.rep.time" "$out/logs/$name.rep.rc"
        mv "$out/logs/$name.rep.log" "$out/logs/$name.log" 2>/dev/null
        printf 'wall_seconds %s\nmax_rss_kb %s\nruns %s\n' "$wall" "$rss" "$n" > "$out/logs/$name.time"
    fi
    printf '%8ss %6s MiB\n' "$wall" "$((rss / 1024))" >&2
}

o=$out/outputs
while read -r name arch masked observed fill; do
    echo "$name ($arch):" >&2
    # a kernel cache of the task's own, empty at first: the first run
    # computes the kernel, the second finds it cached
    export NTKMC_CACHE_DIR=$out/kernel-cache/$name
    mkdir -p "$NTKMC_CACHE_DIR"
    run -once "${name}_ntkmc-cold" "$ntkmc" inpaint "$masked" "$observed" -o "$o/${name}_ntkmc-cold.png" \
        --inverted-mask --arch "$arch" --progress
    run "${name}_ntkmc" "$ntkmc" inpaint "$masked" "$observed" -o "$o/${name}_ntkmc.png" \
        --inverted-mask --arch "$arch" --progress
    run "${name}_biharmonic" "$python" "$here/baseline.py" biharmonic "$masked" "$fill" "$o/${name}_biharmonic.png"
    if [ $have_cv2 = 1 ]; then
        run "${name}_cv2-telea" "$python" "$here/baseline.py" telea "$masked" "$fill" "$o/${name}_cv2-telea.png" "$cv_radius"
        run "${name}_cv2-ns" "$python" "$here/baseline.py" ns "$masked" "$fill" "$o/${name}_cv2-ns.png" "$cv_radius"
    fi
    if [ $have_gmic = 1 ]; then
        run "${name}_gmic-pde" gmic -v -1 "$masked" "$fill" inpaint_pde[0] [1] rm[1] \
            cut 0,255 round o "$o/${name}_gmic-pde.png"
        run "${name}_gmic-patch" gmic -v -1 "$masked" "$fill" inpaint[0] [1],5,15,0.5,1,9,0 rm[1] \
            cut 0,255 round o "$o/${name}_gmic-patch.png"
        run "${name}_gmic-matchpatch" gmic -v -1 "$masked" "$fill" inpaint_matchpatch[0] [1] rm[1] \
            cut 0,255 round o "$o/${name}_gmic-matchpatch.png"
    fi
    # 256 MiB per kernel: keep them only when asked
    [ "${KEEP_KERNELS:-0}" = 1 ] || rm -rf "$NTKMC_CACHE_DIR"
done < "$out/inputs/tasks.txt"
end=$(date +%s)

"$python" "$here/report.py" --data "$data" --out "$out" --ntkmc "$ntkmc" \
    --cv-radius "$cv_radius" --total-seconds $((end - start)) --docs "$docs" --repeat-below "$repeat_below" \
    --have-cv2 $have_cv2 --have-gmic $have_gmic || die "report failed"
echo "bench/inpaint: results in $out (results.md, montage_*.png, outputs/), $((end - start)) s of runs" >&2
