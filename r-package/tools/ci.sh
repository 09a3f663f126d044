#!/bin/sh
# SPDX-License-Identifier: MIT
#
# ci.sh SRCDIR OUTDIR: the R package's test suite for ./quickstart.sh test.
# Builds the source package from SRCDIR, runs R CMD check --no-manual on it
# (one test: passes without ERROR or WARNING), then the testthat tests
# against the package the check installed and a toy run of the paper
# comparison's bench (one test), and prints the totals as "# PASS: n" /
# "# FAIL: n".
set -u
src=$1
out=$2
here=$(dirname "$0")
mkdir -p "$out"

check_pass=0
check_fail=0
if sh "$here/build.sh" "$src" "$out" check >"$out/check.log" 2>&1 \
   && ! grep -q '^\* .*\(ERROR\|WARNING\)$' "$out/check.log" \
   && grep -q '^Status: \(OK\|[0-9]* NOTEs\?\)$' "$out/check.log"; then
  check_pass=1
  echo "PASS: R CMD build + R CMD check --no-manual"
else
  check_fail=1
  echo "FAIL: R CMD build + R CMD check --no-manual (see $out/check.log)"
fi
grep -A3 '^\* .*\(NOTE\|WARNING\|ERROR\)$' "$out/check.log" || true
grep '^Status:' "$out/check.log" || true

lib=$out/ntkmc.Rcheck
if [ -d "$lib/ntkmc" ]; then
  Rscript "$here/run-tests.R" "$lib" "$src/r-package/tests/testthat" \
    >"$out/testthat.log" 2>&1
  grep -v '^# \(PASS\|FAIL\|SKIP\):' "$out/testthat.log"
  sed -n 's/^# SKIP: *\([0-9]*\)/testthat skipped: \1/p' "$out/testthat.log"
  p=$(sed -n 's/^# PASS: *//p' "$out/testthat.log" | tail -n1)
  f=$(sed -n 's/^# FAIL: *//p' "$out/testthat.log" | tail -n1)
  [ -n "$p$f" ] || f=1
else
  echo "FAIL: the package did not install; no tests run"
  p=0
  f=1
fi
# The paper-comparison bench (bench/cmap-paper), which writes the
# comparison's sections of docs/benchmarks.md, at a toy size against the
# checked package: one test that it writes its section (tables, the paper's
# claims) and both plots, and that a second run from its saved folds
# (--saved-only) writes the same section.
b=$out/bench-cmap-paper
rm -rf "$b"
mkdir -p "$b"
bench() {
  Rscript "$src/bench/cmap-paper/bench-cmap-paper.R" --lib "$lib" \
    --datasets sim --scale 0.05 --genes 20 --threshold 5 --seeds 149,10 \
    --k 3 --falrtc-iters 5 --threads 1 --results "$b/results" "$@"
}
if [ -d "$lib/ntkmc" ] \
   && bench --output "$b/first.md" --images "$b/images" >"$b/log" 2>&1 \
   && grep -q "^| the paper's claim | measured here | holds |$" "$b/first.md" \
   && [ -s "$b/images/cmap-paper-sim.png" ] \
   && [ -s "$b/images/cmap-paper-sim-vs-dnpp.png" ] \
   && bench --output "$b/saved.md" --images "$b/images-saved" --saved-only \
        >>"$b/log" 2>&1 \
   && cmp -s "$b/first.md" "$b/saved.md"; then
  check_pass=$((check_pass + 1))
  echo "PASS: bench/cmap-paper at a toy size, then again from its saved folds"
else
  check_fail=$((check_fail + 1))
  echo "FAIL: bench/cmap-paper at a toy size (see $b/log)"
  tail -n 20 "$b/log"
fi

echo "# PASS: $(( ${p:-0} + check_pass ))"
echo "# FAIL: $(( ${f:-0} + check_fail ))"
[ $(( ${f:-0} + check_fail )) -eq 0 ]
