# SPDX-License-Identifier: MIT
#
# gimp-test-lib.sh: sourced by the GIMP filter's tests.  TAP helpers, and a
# private GIMP: a temporary profile, HOME and kernel cache under the build
# tree, and a plug-in folder holding only a link to the freshly built
# filter, so that nothing outside the build tree is read or written.
#
# Needs (set by make check): NTKMC, NTKMC_GIMP_PLUGIN, NTKMC_IMGTOOL and
# GIMP_CONSOLE; G_TEST_BUILDDIR for where to keep the test's files.

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; shift
  for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}
# expect DESCRIPTION COMMAND...: passes when COMMAND succeeds
expect() {
  local d=$1; shift
  if "$@"; then ok "$d"; else not_ok "$d" "failed: $*"; fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
finish() { echo "1..$n"; [ "$fails" -eq 0 ]; }

# gimp_setup NAME: a clean private GIMP under $G_TEST_BUILDDIR/gimp/NAME;
# sets $work (the working directory, also the current one).
gimp_setup() {
  local name=$1 sysdir
  [ -n "${GIMP_CONSOLE:-}" ] || skip_all "GIMP was not found at configure time"
  [ -x "${NTKMC_GIMP_PLUGIN:-}" ] || skip_all "the filter was not built"
  work=${G_TEST_BUILDDIR:-$PWD}/gimp/$name
  rm -rf "$work"
  mkdir -p "$work/plug-ins/ntkmc-inpaint" "$work/home" "$work/cache" \
           "$work/profile/gradients" "$work/profile/tmp"
  ln -s "$NTKMC_GIMP_PLUGIN" "$work/plug-ins/ntkmc-inpaint/ntkmc-inpaint"
  # of GIMP's own plug-ins only Script-Fu and PNG: a new profile queries
  # every plug-in on the path at start-up, a minute for all of them
  sysdir=$(pkg-config --variable=gimplibdir gimp-2.0 2>/dev/null)/plug-ins
  [ -d "$sysdir" ] || sysdir=/usr/lib/gimp/2.0/plug-ins
  for p in script-fu file-png; do
    [ -e "$sysdir/$p" ] || skip_all "GIMP's $p plug-in is missing ($sysdir)"
    ln -s "$sysdir/$p" "$work/plug-ins/$p"
  done
  printf '(plug-in-path "%s")\n' "$work/plug-ins" >"$work/gimprc"
  cd "$work" || exit 1
}

# gimp_env COMMAND...: runs COMMAND with the private profile and cache.
gimp_env() {
  env HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
      XDG_CACHE_HOME="$work/home/.cache" GIMP2_DIRECTORY="$work/profile" \
      NTKMC_CACHE_DIR="$work/cache" "$@"
}

# gimp_batch LOG SCHEME...: runs each Scheme expression in one headless
# GIMP (no fonts, no brushes), then quits; its output goes to LOG.
gimp_batch() {
  local log=$1 args=() e; shift
  for e in "$@"; do args+=(-b "$e"); done
  gimp_env timeout 600 "$GIMP_CONSOLE" -i -d -f --gimprc="$work/gimprc" \
    "${args[@]}" -b '(gimp-quit 0)' >"$log" 2>&1
}
