#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# test-gimp-dialog.sh: the filter's dialog on a real GIMP under Xvfb (TAP).
# Script-Fu calls the filter interactively; once its window is mapped it is
# photographed (ImageMagick's import) into the build tree, as
# gimp-dialog.png, and GIMP is stopped.  Needs xvfb-run, xwininfo and
# import; skips without them.
set -u
. "$(dirname "$0")/gimp-test-lib.sh"
for t in xvfb-run xwininfo import; do
  command -v "$t" >/dev/null 2>&1 || skip_all "$t is missing (Debian: xvfb, x11-utils, imagemagick)"
done
gimp_setup dialog
"$NTKMC_IMGTOOL" synth truth.png 64 64 3 || skip_all "cannot make the test image"

title="Inpaint Selection (NTK)"
# the pointer rests in the middle of the screen, where a tooltip would
# cover the dialog in the picture
echo 'gtk-enable-tooltips = 0' >gtkrc
# Runs inside the X server: GIMP in the background, wait for the dialog
# (at most 120 s: the first start of a profile is slow), photograph it,
# then stop the GIMP this script started.
cat >shoot.sh <<'EOF'
set -u
"$@" &
gimp_pid=$!
id=""
for _ in $(seq 240); do
  id=$(xwininfo -root -tree 2>/dev/null | grep -F "\"$TITLE\"" | awk '{print $1}' | head -n 1)
  [ -n "$id" ] && break
  kill -0 "$gimp_pid" 2>/dev/null || break
  sleep 0.5
done
if [ -n "$id" ]; then
  sleep 2   # let GTK finish drawing
  xwininfo -id "$id" >window.txt
  import -window "$id" gimp-dialog.png
fi
kill "$gimp_pid" 2>/dev/null
wait "$gimp_pid" 2>/dev/null
[ -n "$id" ]
EOF
TITLE=$title GTK2_RC_FILES=$work/gtkrc gimp_env xvfb-run -a -s "-screen 0 1024x768x24" \
  timeout 300 bash shoot.sh "$GIMP_CONSOLE" -d -f --gimprc="$work/gimprc" \
  -b '(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "truth.png" "truth.png")))
             (d (car (gimp-image-get-active-drawable img))))
        (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 16 16 32 32)
        (plug-in-ntkmc-inpaint RUN-INTERACTIVE img d "" 0 "" ""))' \
  -b '(gimp-quit 0)' >dialog.log 2>&1
status=$?
if [ "$status" -eq 0 ] && [ -s window.txt ]; then
  ok "the dialog appeared ($(sed -n 's/.*Width: *\([0-9]*\).*/\1/p' window.txt) x $(sed -n 's/.*Height: *\([0-9]*\).*/\1/p' window.txt))"
else not_ok "the dialog appeared (exit $status)" "$(tail -n 20 dialog.log)"; fi
size=$("$NTKMC_IMGTOOL" info gimp-dialog.png 2>&1)
set -- $size
if [ $# -eq 3 ] && [ "$1" -ge 300 ] && [ "$2" -ge 150 ]; then
  ok "screenshot saved: $work/gimp-dialog.png ($1 x $2)"
else not_ok "screenshot saved" "$size"; fi
# a photograph of a blank window would be one colour
if [ -s gimp-dialog.png ] && [ "$(convert gimp-dialog.png -format '%k' info: 2>/dev/null)" -gt 8 ]; then
  ok "the screenshot shows something (more than 8 colours)"
else not_ok "the screenshot shows something"; fi
finish
