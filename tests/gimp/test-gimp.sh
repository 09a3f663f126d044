#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# test-gimp.sh: the GIMP filter on a real, headless GIMP 2.10 (TAP).
# Script-Fu opens test images, selects, calls plug-in-ntkmc-inpaint
# non-interactively and exports; the checks compare the exports with the
# input and with "ntkmc inpaint" on the same pixels and mask.  Test images
# are made here (64 x 64, the 3-level "notebook" network: its context
# margin is 2^4 = 16 pixels), so that the whole run takes well under a
# minute.
set -u
. "$(dirname "$0")/gimp-test-lib.sh"
gimp_setup batch

IMG=$NTKMC_IMGTOOL
cli() { NTKMC_CACHE_DIR="$work/cache" "$NTKMC" inpaint -q --arch notebook "$@"; }
# diffs A B MASK: "inside=D/N outside=D/N max_inside=L max_outside=L"
diffs() { "$IMG" compare "$@"; }
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }

"$IMG" synth truth.png 64 64 3 && "$IMG" synth gray.png 64 64 1 \
  && "$IMG" synth rgba.png 64 64 4 \
  && "$IMG" rect mask-a.png 64 64 16 16 32 32 \
  && "$IMG" rect mask-b.png 64 64 40 8 12 10 \
  || skip_all "cannot make the test images"
mkdir kdir

# One GIMP session, each -b expression one case.  Script-Fu forgets
# definitions between expressions: each case starts with the helpers.
prelude='
  (define (ntk-load f) (car (gimp-file-load RUN-NONINTERACTIVE f f)))
  (define (ntk-save img d f) (file-png-save-defaults RUN-NONINTERACTIVE img d f f))
  (define (ntk-solve mode file x y w h arch iters solver kdir out)
    (let* ((img (ntk-load file)) (d (car (gimp-image-get-active-drawable img))))
      (gimp-image-select-rectangle img CHANNEL-OP-REPLACE x y w h)
      (plug-in-ntkmc-inpaint mode img d arch iters solver kdir)
      (gimp-selection-none img)
      (ntk-save img d out)))
  (define (ntk-rect mode file x y w h arch kdir out)
    (ntk-solve mode file x y w h arch 0 "" kdir out))'
cases=()
case_() { cases+=("(begin $prelude $1)"); }
case_ '(ntk-rect RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "notebook" "" "out-a.png")'
case_ '(ntk-rect RUN-NONINTERACTIVE "truth.png" 40 8 12 10 "notebook" "" "out-b.png")'
case_ '(let* ((img (car (gimp-image-new 100 90 RGB)))
          (l (car (gimp-file-load-layer RUN-NONINTERACTIVE img "truth.png"))))
     (gimp-image-insert-layer img l 0 0)
     (gimp-layer-set-offsets l 20 10)
     (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 36 26 32 32)
     (plug-in-ntkmc-inpaint RUN-NONINTERACTIVE img l "notebook" 0 "" "")
     (gimp-selection-none img)
     (ntk-save img l "out-c.png"))'
case_ '(ntk-rect RUN-NONINTERACTIVE "gray.png" 16 16 32 32 "notebook" "" "out-d.png")'
case_ '(ntk-rect RUN-NONINTERACTIVE "rgba.png" 16 16 32 32 "notebook" "" "out-e.png")'
case_ '(let* ((img (ntk-load "truth.png")) (d (car (gimp-image-get-active-drawable img))))
     (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 18 16 28 30)
     (gimp-selection-feather img 8)
     (ntk-save img (car (gimp-image-get-selection img)) "sel-f.png")
     (plug-in-ntkmc-inpaint RUN-NONINTERACTIVE img d "notebook" 0 "" "")
     (gimp-selection-none img)
     (ntk-save img d "out-f.png"))'
case_ '(ntk-rect RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "notebook" "'"$work"'/kdir" "out-g.png")'
case_ '(ntk-rect RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "" "" "out-h.png")'
case_ '(ntk-rect RUN-WITH-LAST-VALS "truth.png" 16 16 32 32 "" "" "out-i.png")'
case_ '(let* ((img (ntk-load "truth.png")) (d (car (gimp-image-get-active-drawable img))))
     (plug-in-ntkmc-inpaint RUN-NONINTERACTIVE img d "notebook" 0 "" ""))'
case_ '(ntk-rect RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "notebook" "/nonexistent/ntkmc-kernels" "never.png")'
case_ '(let* ((img (ntk-load "truth.png")) (d (car (gimp-image-get-active-drawable img))))
     (gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 FALSE FALSE "")
     (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 16 16 32 32)
     (plug-in-ntkmc-inpaint RUN-NONINTERACTIVE img d "notebook" 0 "" ""))'
case_ '(ntk-rect RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "conv3 frobnicate" "" "never.png")'
case_ '(ntk-solve RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "notebook" 0 "gauss-seidel" "" "never.png")'
case_ '(ntk-solve RUN-NONINTERACTIVE "truth.png" 16 16 32 32 "notebook" 40 "cg" "" "out-j.png")'
gimp_batch batch.log "${cases[@]}"
status=$?
good=$(grep -c "batch command executed successfully" batch.log)
bad=$(grep -c "batch command experienced an execution error" batch.log)
if [ "$status" -eq 0 ] && [ "$good" -eq 10 ] && [ "$bad" -eq 5 ]; then
  ok "GIMP ran the batch: 10 cases succeeded, 5 failed as they should"
else not_ok "GIMP ran the batch (exit $status, $good succeeded, $bad failed; want 10 and 5)" \
  "$(grep -v '^$' batch.log | tail -n 40)"; fi

# ---- A: the region (hole + 16-pixel margin) is the whole layer, so the
# filter computes exactly what "ntkmc inpaint" computes on the file
cli truth.png mask-a.png -o cli-a.png 2>/dev/null
d=$(diffs out-a.png truth.png mask-a.png)
if [ "$(echo "$d" | field outside)" = 0 ] && [ "$(echo "$d" | field inside)" -gt 0 ]; then
  ok "only selected pixels change ($d)"
else not_ok "only selected pixels change" "$d"; fi
d=$(diffs out-a.png cli-a.png mask-a.png)
if [ "$(echo "$d" | field max_inside)" = 0 ] && [ "$(echo "$d" | field max_outside)" = 0 ]; then
  ok "the filter's pixels are ntkmc inpaint's, byte for byte ($d)"
else not_ok "the filter's pixels are ntkmc inpaint's" "$d"; fi
pg=$("$IMG" psnr out-a.png truth.png); pc=$("$IMG" psnr cli-a.png truth.png)
if [ -n "$pg" ] && [ "$pg" = "$pc" ]; then ok "PSNR on the ground truth: filter $pg dB = CLI $pc dB"
else not_ok "PSNR on the ground truth equals the CLI's" "filter $pg, CLI $pc"; fi

# ---- B: a small hole: the filter works on the hole's bounding box
# (40..52 x 8..18) plus 16 pixels, clipped: x 24..64, y 0..34
"$IMG" crop truth.png truth-b.png 24 0 40 34 && "$IMG" crop mask-b.png mask-b-crop.png 24 0 40 34 \
  && cli truth-b.png mask-b-crop.png -o cli-b.png 2>/dev/null && "$IMG" crop out-b.png out-b-crop.png 24 0 40 34
d=$(diffs out-b.png truth.png mask-b.png)
if [ "$(echo "$d" | field outside)" = 0 ]; then ok "small hole: only selected pixels change"
else not_ok "small hole: only selected pixels change" "$d"; fi
d=$(diffs out-b-crop.png cli-b.png mask-b-crop.png)
if [ "$(echo "$d" | field max_inside)" = 0 ] && [ "$(echo "$d" | field max_outside)" = 0 ]; then
  ok "small hole: equals ntkmc inpaint on the bounding box plus margin ($d)"
else not_ok "small hole: equals ntkmc inpaint on the bounding box plus margin" "$d"; fi
cli truth.png mask-b.png -o cli-b-full.png 2>/dev/null
echo "# small hole: PSNR filter $("$IMG" psnr out-b.png truth.png) dB," \
     "CLI on the whole image $("$IMG" psnr cli-b-full.png truth.png) dB"

# ---- C: a layer at offset (20, 10) of a larger image, selection in image
# coordinates: the same pixels as A
d=$(diffs out-c.png out-a.png mask-a.png)
if [ "$(echo "$d" | field max_inside)" = 0 ] && [ "$(echo "$d" | field max_outside)" = 0 ]; then
  ok "offset layer: the selection is mapped to layer coordinates ($d)"
else not_ok "offset layer: the selection is mapped to layer coordinates" "$d"; fi

# ---- D, E: grey and RGBA drawables
for c in "d gray GRAY" "e rgba RGBA"; do
  set -- $c
  cli "$2.png" mask-a.png -o "cli-$1.png" 2>/dev/null
  d=$(diffs "out-$1.png" "cli-$1.png" mask-a.png)
  if [ "$(echo "$d" | field max_inside)" = 0 ] && [ "$(echo "$d" | field max_outside)" = 0 ]; then
    ok "$3 drawable: equals ntkmc inpaint ($d)"
  else not_ok "$3 drawable: equals ntkmc inpaint" "$d"; fi
done

# ---- F: a feathered selection: every pixel it touches is filled, fully
# selected pixels get the fill, partly selected ones a blend of old and new
cli truth.png sel-f.png -o cli-f.png 2>/dev/null
"$IMG" threshold sel-f.png full-f.png 255
d=$(diffs out-f.png truth.png sel-f.png)
if [ "$(echo "$d" | field outside)" = 0 ]; then ok "feathered: unselected pixels are untouched"
else not_ok "feathered: unselected pixels are untouched" "$d"; fi
# (within one level: GIMP stores the feathered selection at the image's
# precision, and merges the fill through it in floating point, so a pixel
# exported as 255 may be selected at 0.998, not 1)
d=$(diffs out-f.png cli-f.png full-f.png)
if [ "$(echo "$d" | field max_inside)" -le 1 ] && [ "$(echo "$d" | field inside)" -lt 1000 ]; then
  ok "feathered: fully selected pixels equal ntkmc inpaint within one level ($d)"
else not_ok "feathered: fully selected pixels equal ntkmc inpaint within one level" "$d"; fi
d=$("$IMG" between truth.png out-f.png cli-f.png sel-f.png)
if [ "$(echo "$d" | field outside)" = 0 ] && [ "$(echo "$d" | field partial)" -gt 0 ]; then
  ok "feathered: partly selected pixels blend the image and the fill ($d)"
else not_ok "feathered: partly selected pixels blend the image and the fill" "$d"; fi

# ---- G: a kernel directory of one's own; the shared cache was used before
d=$(diffs out-g.png out-a.png mask-a.png)
if [ "$(echo "$d" | field max_inside)" = 0 ] && ls kdir/*.nkf >/dev/null 2>&1; then
  ok "a kernel directory: the kernel is stored there, same pixels"
else not_ok "a kernel directory: the kernel is stored there, same pixels" "$d" "$(ls kdir)"; fi
if ls cache/*.nkf >/dev/null 2>&1 && [ -z "$(find home -name '*.nkf')" ]; then
  ok "kernels go to \$NTKMC_CACHE_DIR, the cache the CLI uses"
else not_ok "kernels go to \$NTKMC_CACHE_DIR" "$(ls -R cache)" "$(find home -name '*.nkf')"; fi

# ---- H, I: automatic network; last values (none stored: the defaults)
for c in "h automatic network (\"\")" "i RUN-WITH-LAST-VALS"; do
  x=${c%% *}
  d=$(diffs "out-$x.png" truth.png mask-a.png 2>&1)
  if [ "$(echo "$d" | field outside)" = 0 ] && [ "$(echo "$d" | field inside)" -gt 0 ]; then
    ok "${c#* }: fills the selection only ($d)"
  else not_ok "${c#* }: fills the selection only" "$d"; fi
done

# ---- J: the solver and its iteration cap reach the engine
cli --solver cg --iters 40 truth.png mask-a.png -o cli-j.png 2>/dev/null
d=$(diffs out-j.png cli-j.png mask-a.png)
if [ "$(echo "$d" | field max_inside)" = 0 ] && [ "$(echo "$d" | field max_outside)" = 0 ]; then
  ok "solver cg, 40 iterations: equals ntkmc inpaint --solver cg --iters 40 ($d)"
else not_ok "solver cg, 40 iterations: equals ntkmc inpaint --solver cg --iters 40" "$d"; fi

# ---- errors through the PDB, with their messages
for c in "no selection|nothing is selected: select the area to fill first" \
         "missing kernel directory|kernel directory /nonexistent/ntkmc-kernels does not exist" \
         "indexed drawable|indexed images are not supported" \
         "bad network|architecture \"conv3 frobnicate\"" \
         "bad solver|gauss-seidel"; do
  what=${c%%|*}; msg=${c#*|}
  if grep -F "Procedure execution of plug-in-ntkmc-inpaint failed" batch.log | grep -qF -- "$msg"; then
    ok "PDB error: $what"
  else not_ok "PDB error: $what" "wanted: $msg" "$(grep -A2 'plug-in-ntkmc-inpaint' batch.log | head -n 20)"; fi
done
if [ ! -e never.png ]; then ok "a failed call exports nothing"; else not_ok "a failed call exports nothing"; fi

# ---- the before/after picture of docs/gimp.md
"$IMG" punch truth.png mask-a.png before.png && cp out-a.png after.png
finish
