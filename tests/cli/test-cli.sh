#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# test-cli.sh: end-to-end tests of the ntkmc command-line tool (TAP output).
# Needs $NTKMC (the binary; set by make check).
set -u

NTKMC=${NTKMC:-ntkmc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
  local d=$1; shift
  if "$@" >"$work/out.txt" 2>"$work/err.txt"; then ok "$d"
  else not_ok "$d" "command: $*" "stderr: $(head -c 600 "$work/err.txt")"; fi
}
# fails_with DESCRIPTION STATUS PATTERN COMMAND...: the command must exit
# with STATUS and print PATTERN (grep -E) on stderr
fails_with() {
  local d=$1 want=$2 pat=$3 st; shift 3
  "$@" >"$work/out.txt" 2>"$work/err.txt"; st=$?
  if [ "$st" -eq "$want" ] && grep -qE "$pat" "$work/err.txt"; then ok "$d"
  else not_ok "$d" "exit $st (want $want); stderr: $(head -c 600 "$work/err.txt")"; fi
}
# close A B TOL: |A - B| <= TOL
close() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
# cell FILE ROW COL (1-based over the whole file, header included)
cell() { awk -F'[\t,]' -v r="$2" -v c="$3" 'NR == r { print $c }' "$1"; }

# ---- help and usage
check "ntkmc --help" "$NTKMC" --help
for sub in "complete" "kernel compute" "kernel info" "kernel export" "gct info" "gct convert" "demo"; do
  # shellcheck disable=SC2086
  if "$NTKMC" $sub --help >"$work/out.txt" 2>&1 && grep -q -- "--help" "$work/out.txt" \
     && grep -q "Usage:" "$work/out.txt"; then ok "ntkmc $sub --help"
  else not_ok "ntkmc $sub --help" "$(head -c 300 "$work/out.txt")"; fi
done
fails_with "unknown command is a usage error" 2 "unknown command" "$NTKMC" frobnicate
fails_with "unknown option is a usage error" 2 "Unknown option" "$NTKMC" complete --bogus x.tsv -o y.tsv

# ---- the worked example of the paper's Appendix B, with header and row names
printf 'gene\tA\tB\tC\ng1\tNA\t0.5\t0.3\ng2\t0.1\t0.2\t\ng3\t0.4\tNaN\tNA\n' >b.tsv
check "complete the Appendix B example" "$NTKMC" complete -q b.tsv -o b.out.tsv
k1=2
k0=$(awk 'BEGIN { printf "%.17g", 1 / (4 * atan2(1, 1)) }')
want11=$(awk -v a="$k1" -v b="$k0" 'BEGIN { printf "%.17g", 0.8 * b / (a + b) }')
want23=$(awk -v a="$k1" -v b="$k0" 'BEGIN { printf "%.17g", 0.3 * b / (a + b) }')
want32=$(awk -v a="$k1" -v b="$k0" 'BEGIN { printf "%.17g", 0.4 * b / a }')
if close "$(cell b.out.tsv 2 2)" "$want11" 1e-12 && close "$(cell b.out.tsv 3 4)" "$want23" 1e-12 \
   && close "$(cell b.out.tsv 4 3)" "$want32" 1e-12 && close "$(cell b.out.tsv 4 4)" "$want32" 1e-12; then
  ok "Appendix B predictions match the closed form"
else not_ok "Appendix B predictions match the closed form" "$(cat b.out.tsv)"; fi
if [ "$(head -n1 b.out.tsv)" = "$(printf 'gene\tA\tB\tC')" ] && [ "$(cut -f1 b.out.tsv | tr '\n' ' ')" = "gene g1 g2 g3 " ] \
   && [ "$(cell b.out.tsv 2 3)" = "0.5" ] && [ "$(cell b.out.tsv 3 2)" = "0.1" ]; then
  ok "header, row names and observed values are carried through unchanged"
else not_ok "header, row names and observed values are carried through unchanged" "$(cat b.out.tsv)"; fi

# ---- CSV in, CSV out; stdout
printf 'A,B,C\nNA,0.5,0.3\n0.1,0.2,\n' >b.csv
if "$NTKMC" complete -q b.csv -o - >csv.out 2>/dev/null && [ "$(head -n1 csv.out)" = "A,B,C" ] \
   && close "$(cell csv.out 2 1)" "$want11" 1e-12; then ok "CSV with header, written to stdout"
else not_ok "CSV with header, written to stdout" "$(cat csv.out)"; fi

# ---- a feature prior, matched to the columns by name
printf 'item\tf1\tf2\nC\t1\t1\nA\t1\t0\nB\t0\t1\n' >prior.tsv
printf 'f1\tf2\n1\t0\n0\t1\n1\t1\n' >prior-plain.tsv
"$NTKMC" complete -q --prior prior.tsv b.tsv -o p1.tsv 2>/dev/null
"$NTKMC" complete -q --prior prior-plain.tsv b.tsv -o p2.tsv 2>/dev/null
if [ -s p1.tsv ] && cmp -s p1.tsv p2.tsv && ! cmp -s p1.tsv b.out.tsv; then
  ok "prior rows are matched to columns by name"
else not_ok "prior rows are matched to columns by name" "$(paste p1.tsv p2.tsv)"; fi

# ---- kernel files
check "kernel compute" "$NTKMC" kernel compute --prior prior-plain.tsv --depth 2 -o k.nkf
if "$NTKMC" kernel info k.nkf >info.txt 2>&1 && grep -q "depth=2" info.txt && grep -q "fully connected" info.txt \
   && grep -qi "3 x 3" info.txt; then ok "kernel info prints the header"
else not_ok "kernel info prints the header" "$(cat info.txt)"; fi
"$NTKMC" kernel export k.nkf -o k.tsv 2>/dev/null
kd=$(awk 'BEGIN { print 3 }')
if [ "$(wc -l <k.tsv)" -eq 3 ] && close "$(cell k.tsv 1 1)" "$kd" 1e-12 \
   && [ "$(cell k.tsv 1 3)" = "$(cell k.tsv 3 1)" ]; then ok "kernel export writes the symmetric matrix (kappa_2(1) = 3)"
else not_ok "kernel export writes the symmetric matrix (kappa_2(1) = 3)" "$(cat k.tsv)"; fi
"$NTKMC" complete -q --kernel k.nkf b.tsv -o kk.tsv 2>/dev/null
"$NTKMC" complete -q --prior prior-plain.tsv --depth 2 b.tsv -o kp.tsv 2>/dev/null
if [ -s kk.tsv ] && cmp -s kk.tsv kp.tsv; then ok "complete --kernel equals complete --prior"
else not_ok "complete --kernel equals complete --prior" "$(paste kk.tsv kp.tsv)"; fi
printf 'A\tB\n1\tNA\n' >two.tsv
fails_with "a kernel for another size is refused" 1 "3 columns but the matrix has 2" "$NTKMC" complete --kernel k.nkf two.tsv -o x.tsv
cp k.nkf bad.nkf
printf '\x55' | dd of=bad.nkf bs=1 seek=$(( $(stat -c %s bad.nkf) - 3 )) conv=notrunc 2>/dev/null
fails_with "a corrupt kernel file is refused (checksum)" 1 "checksum" "$NTKMC" kernel info bad.nkf
head -c 100 k.nkf >short.nkf
fails_with "a truncated kernel file is refused" 1 "truncated|too short|size" "$NTKMC" kernel info short.nkf

# ---- convolutional kernels
check "kernel compute --arch (preset)" "$NTKMC" kernel compute --arch notebook --size 64x32 -o nb.nkf
if "$NTKMC" kernel info nb.nkf >cinfo.txt 2>&1 && grep -q "convolutional" cinfo.txt \
   && grep -q "arch=conv3 lrelu down conv3 lrelu down conv3 lrelu down conv3 lrelu up" cinfo.txt \
   && grep -q "base_width=16" cinfo.txt; then ok "kernel info shows the architecture and the compact form"
else not_ok "kernel info shows the architecture and the compact form" "$(cat cinfo.txt)"; fi
"$NTKMC" kernel row nb.nkf --size 64x32 --pixel 5,9 >row.tsv 2>row.err
if [ "$(wc -l <row.tsv)" -eq 32 ] && [ "$(head -n1 row.tsv | awk -F'\t' '{ print NF }')" -eq 64 ] \
   && close "$(cell row.tsv 6 10)" 0.21 1e-12; then ok "kernel row: H lines of W values, diagonal 7 q^2/300"
else not_ok "kernel row: H lines of W values, diagonal 7 q^2/300" "$(head -c 300 row.err)"; fi
"$NTKMC" kernel row nb.nkf --size 16x16 --pixel 5,9 >row16.tsv 2>/dev/null
"$NTKMC" kernel compute --arch notebook --size 16x16 --general -o nbg.nkf 2>/dev/null
"$NTKMC" kernel row nbg.nkf --size 16x16 --pixel 5,9 >row16g.tsv 2>/dev/null
if [ -s row16.tsv ] && paste row16.tsv row16g.tsv | awk -F'\t' '
    { half = NF / 2; for (i = 1; i <= half; i++) { d = $i - $(i + half); if (d < 0) d = -d; if (d > 1e-12) bad = 1 } }
    END { exit bad }'; then ok "the fast path's row equals the general path's"
else not_ok "the fast path's row equals the general path's"; fi
fails_with "a size the kernel does not serve is refused" 1 "multiples of 8" "$NTKMC" kernel row nb.nkf --size 20x16 --pixel 0,0
fails_with "a size the network does not admit is refused" 1 "multiples of 8" "$NTKMC" kernel compute --arch notebook --size 20x16 -o x.nkf
fails_with "a malformed architecture is refused" 2 "followed by an activation" "$NTKMC" kernel compute --arch "conv3 down conv3" --size 8x8 -o x.nkf
fails_with "a pixel outside the image is refused" 2 "pixel" "$NTKMC" kernel row nb.nkf --size 64x32 --pixel 32,0
fails_with "a kernel for another architecture is refused" 1 "is for the network" "$NTKMC" kernel row nb.nkf --size 64x32 --pixel 0,0 --arch recon2
check "kernel row --arch accepts the file's own network" "$NTKMC" kernel row nb.nkf --size 64x32 --pixel 0,0 --arch notebook
check "general path with the identity prior" "$NTKMC" kernel compute --arch "conv3 relu down conv3 relu up conv3" --size 4x4 --prior identity -o id.nkf
check "general path with the meshgrid prior" "$NTKMC" kernel compute --arch "conv3 relu down conv3 relu up conv3" --size 4x4 --prior meshgrid -o mg.nkf
if "$NTKMC" kernel info mg.nkf 2>&1 | grep -q "prior=given:" && "$NTKMC" kernel info mg.nkf 2>&1 | grep -q "form=full"; then
  ok "a given prior is recorded in the file"
else not_ok "a given prior is recorded in the file"; fi
fails_with "row of a fully connected file is refused" 1 "not a convolutional" "$NTKMC" kernel row k.nkf --size 8x8 --pixel 0,0
if "$NTKMC" kernel heatmap nb.nkf --size 64x64 --pixel 20,30 -o heat.png >heat.txt 2>&1 \
   && [ "$(head -c 8 heat.png | od -An -tx1 | tr -d ' ')" = "89504e470d0a1a0a" ] && grep -q "max 0.21" heat.txt; then
  ok "kernel heatmap writes a PNG"
else not_ok "kernel heatmap writes a PNG" "$(cat heat.txt)"; fi

# ---- inpainting (test images drawn by the tool itself: kernel heatmaps are
# black outside the kernel's window, so one makes a mask with a square hole)
export NTKMC_CACHE_DIR="$work/cache"
"$NTKMC" kernel heatmap nb.nkf --size 64x64 --pixel 20,30 -o img.png >/dev/null 2>&1
"$NTKMC" kernel heatmap nb.nkf --size 64x64 --pixel 40,10 -o hole.png >/dev/null 2>&1
"$NTKMC" kernel heatmap nb.nkf --size 64x128 --pixel 0,0 -o wide.png >/dev/null 2>&1
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", $3 * 256 + $4, $7 * 256 + $8 }'; }
if "$NTKMC" inpaint --arch notebook img.png hole.png -o filled.png 2>inp.err && [ "$(png_size filled.png)" = "256x256" ] \
   && grep -q "computed the kernel" inp.err && ls "$NTKMC_CACHE_DIR"/*.nkf >/dev/null 2>&1; then
  ok "inpaint fills a hole and caches the kernel"
else not_ok "inpaint fills a hole and caches the kernel" "$(cat inp.err)"; fi
if "$NTKMC" inpaint --arch notebook img.png hole.png -o filled2.png 2>inp2.err && ! grep -q "computed the kernel" inp2.err \
   && cmp -s filled.png filled2.png; then ok "the second run reuses the cached kernel, same result"
else not_ok "the second run reuses the cached kernel, same result" "$(cat inp2.err)"; fi
check "inpaint with a kernel file" "$NTKMC" inpaint -q --kernel nb.nkf img.png hole.png -o filled3.png
fails_with "inpaint: a mask of another size is refused" 1 "256" "$NTKMC" inpaint --arch notebook img.png wide.png -o x.png
fails_with "inpaint: a kernel for another size is refused" 1 "16 x 16" "$NTKMC" inpaint --kernel nbg.nkf img.png hole.png -o x.png
fails_with "inpaint: an unreadable image is refused" 1 "missing.png" "$NTKMC" inpaint img.png missing.png -o x.png
fails_with "inpaint: a text file is not an image" 1 "not a PNG, JPEG or TIFF" "$NTKMC" inpaint b.tsv hole.png -o x.png
fails_with "inpaint: --arch with --kernel is a usage error" 2 "not both" "$NTKMC" inpaint --arch notebook --kernel nb.nkf img.png hole.png -o x.png
"$NTKMC" kernel heatmap nb.nkf --size 256x256 --pixel 100,100 -o hole16.png >/dev/null 2>&1
"$NTKMC" inpaint -q --arch notebook img.png hole16.png -o nb16.png 2>/dev/null
if "$NTKMC" inpaint img.png hole16.png -o auto.png 2>auto.err && grep -q "px deep: network notebook" auto.err \
   && cmp -s auto.png nb16.png; then ok "inpaint chooses the network from the holes"
else not_ok "inpaint chooses the network from the holes" "$(cat auto.err)"; fi
for solver in cg eigenpro; do
  if "$NTKMC" inpaint --arch notebook --solver $solver --iters 400 img.png hole.png -o it-$solver.png 2>it.err \
     && grep -q "iterations, relative residual" it.err && [ "$(png_size it-$solver.png)" = "256x256" ]; then
    ok "inpaint --solver $solver reports its iterations"
  else not_ok "inpaint --solver $solver reports its iterations" "$(cat it.err)"; fi
done
if "$NTKMC" inpaint --arch notebook --solver cg --iters 2 --tol 1e-12 img.png hole.png -o it2.png 2>it2.err \
   && grep -q " 2 iterations" it2.err; then ok "inpaint --iters caps the iterations"
else not_ok "inpaint --iters caps the iterations" "$(cat it2.err)"; fi
fails_with "inpaint: an unknown solver is a usage error" 2 "unknown solver 'qr'" "$NTKMC" inpaint --solver qr img.png hole.png -o x.png
fails_with "inpaint: a tolerance of 1 or more is a usage error" 2 "tol in" "$NTKMC" inpaint --tol 1.5 img.png hole.png -o x.png
if [ ! -e x.png ]; then ok "no output image is written on error"; else not_ok "no output image is written on error"; fi

# ---- bad input: clear message, exit 1, no output file left behind
printf 'A\tB\tC\n1\t2\t3\n4\t5\n' >ragged.tsv
fails_with "ragged rows" 1 "line 3" "$NTKMC" complete ragged.tsv -o out1.tsv
printf 'A\tB\n1\tx7\n2\tNA\n' >text.tsv
fails_with "non-numeric cell" 1 "x7" "$NTKMC" complete text.tsv -o out2.tsv
printf 'A\tB\n1\t2\nNA\tNA\n' >empty-row.tsv
fails_with "a row with no observed entry" 1 "row 2.*no observed" "$NTKMC" complete empty-row.tsv -o out3.tsv
printf 'f1\tf2\n1\t0\n0\t0\n1\t1\n' >zero-prior.tsv
fails_with "zero-norm prior row" 1 "zero norm" "$NTKMC" complete --prior zero-prior.tsv b.tsv -o out4.tsv
printf 'f1\n1\n2\n' >short-prior.tsv
fails_with "prior size mismatch" 1 "2 rows but the matrix has 3 columns" "$NTKMC" complete --prior short-prior.tsv b.tsv -o out5.tsv
: >empty.tsv
fails_with "empty file" 1 "empty" "$NTKMC" complete empty.tsv -o out6.tsv
printf 'f1\tf2\n1\t0\n1\t0\n1\t1\n' >dup-prior.tsv
fails_with "singular kernel suggests a ridge" 1 "ridge" "$NTKMC" complete --prior dup-prior.tsv b.tsv -o out7.tsv
if [ ! -e out1.tsv ] && [ ! -e out2.tsv ] && [ ! -e out3.tsv ] && [ ! -e out4.tsv ] \
   && [ ! -e out5.tsv ] && [ ! -e out6.tsv ] && [ ! -e out7.tsv ]; then ok "no output file is written on error"
else not_ok "no output file is written on error" "$(ls out*.tsv 2>&1)"; fi
check "a ridge makes the duplicate prior solvable" "$NTKMC" complete -q --ridge 1e-6 --prior dup-prior.tsv b.tsv -o out8.tsv
fails_with "negative ridge" 1 "ridge" "$NTKMC" complete --ridge -1 b.tsv -o out9.tsv
fails_with "depth 0 is refused" 1 "depth 0" "$NTKMC" complete --depth 0 b.tsv -o out11.tsv
fails_with "unknown activation is a usage error" 2 "unknown activation 'tanh'" "$NTKMC" complete --activation tanh b.tsv -o out12.tsv
fails_with "--kernel with --prior is a usage error" 2 "already fixes" "$NTKMC" complete --kernel k.nkf --prior prior.tsv b.tsv -o out13.tsv
fails_with "missing input file" 1 "nonexistent.tsv" "$NTKMC" complete nonexistent.tsv -o out10.tsv

# ---- CMap GCT / GCTX files (the real fixtures, when present)
cmap=${NTKMC_CMAP_DATA:-}
printf '#1.3\n2\t2\t1\t1\nid\tsym\tS1\tS2\ndose\tna\t10\t-666\ng1\tA\t1.5\tNaN\ng2\tB\t-2\t0.25\n' >small.gctx
check "gct info on a text file named .gctx" "$NTKMC" gct info small.gctx
if grep -q "format: gct1.3" out.txt && grep -q "rows: 2" out.txt; then ok "gct info reports format and shape"
else not_ok "gct info reports format and shape" "$(cat out.txt)"; fi
printf 'S2\n' >cids.txt
check "gct convert with --cid-file" "$NTKMC" gct convert --cid-file cids.txt small.gctx sub.gct
if [ "$(sed -n 2p sub.gct)" = "$(printf '2\t1\t1\t1')" ] && [ "$(cell sub.gct 5 3)" = "NaN" ] \
   && [ "$(cell sub.gct 6 3)" = "0.25" ] && [ "$(cell sub.gct 4 3)" = "-666" ]; then ok "gct convert keeps the asked column"
else not_ok "gct convert keeps the asked column" "$(cat sub.gct)"; fi
printf 'nope\n' >bad-ids.txt
fails_with "gct convert: unknown column id" 1 "'nope' not found" "$NTKMC" gct convert --cid-file bad-ids.txt small.gctx x.gct
fails_with "gct info: not a GCT file" 1 "not a GCT file" "$NTKMC" gct info cids.txt
fails_with "gct: unknown subcommand" 2 "unknown subcommand" "$NTKMC" gct frobnicate
if [ -n "$cmap" ] && [ -f "$cmap/cmapR_modzs_n272x978.gctx" ] && "$NTKMC" gct info "$cmap/cmapR_modzs_n272x978.gctx" >info.txt 2>&1; then
  printf '200814_at\n222103_at\n' >rids.txt
  check "gct convert GCTX -> GCTX subset" "$NTKMC" gct convert --rid-file rids.txt "$cmap/cmapR_modzs_n272x978.gctx" sub.gctx
  check "gct convert GCTX subset -> GCT" "$NTKMC" gct convert sub.gctx sub2.gct
  if [ "$(sed -n 2p sub2.gct | cut -f1-2)" = "$(printf '2\t272')" ] && [ "$(cell sub2.gct 19 1)" = "200814_at" ] && [ "$(cell sub2.gct 20 1)" = "222103_at" ]; then
    ok "a GCTX subset converts to GCT with its rows in order"
  else not_ok "a GCTX subset converts to GCT with its rows in order" "$(head -c 300 sub2.gct)"; fi
  check "gct convert GCT.gz -> GCTX" "$NTKMC" gct convert "$cmap/cmapR_modzs_n272x978.gct.gz" from-text.gctx
  check "gct info on the written GCTX" "$NTKMC" gct info from-text.gctx
  if grep -q "columns: 272" out.txt; then ok "the written GCTX has 272 columns"; else not_ok "the written GCTX has 272 columns" "$(cat out.txt)"; fi
else
  echo "# CMap fixtures or GCTX support not available: GCTX CLI tests skipped"
fi

# ---- the demo, and its files through "ntkmc complete"
if "$NTKMC" demo --output-dir demo >demo.txt 2>&1 && grep -q "reference-cell prior" demo.txt; then
  ok "demo runs"
else not_ok "demo runs" "$(tail -n 5 demo.txt)"; fi
"$NTKMC" complete -q --prior demo/prior.tsv --identity-weight 1.5 demo/input.tsv -o demo/again.tsv 2>/dev/null
if [ -s demo/again.tsv ] && paste demo/completed.tsv demo/again.tsv | awk -F'\t' '
    NR == 1 { half = NF / 2; next }
    { for (i = 2; i <= half; i++) { d = $i - $(i + half); if (d < 0) d = -d; if (d > 1e-9) bad = 1 } }
    END { exit bad }'; then ok "the demo's completion is what 'ntkmc complete' gives"
else not_ok "the demo's completion is what 'ntkmc complete' gives"; fi

echo "1..$n"
exit 0
