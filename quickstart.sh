#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# quickstart.sh: set up, build and run ntkmc on a fresh Debian 12 machine.
#
#   ./quickstart.sh demo   install what is missing, build, run the demo
#   ./quickstart.sh test   install what is missing, build, run every test suite
#                          (C, CLI, sanitizers, valgrind, the R package, distcheck)
#   ./quickstart.sh r      install what is missing, build the R package, install
#                          it into _build/r-lib, run its CMAP demo
#
# System packages are installed with apt-get only when missing (as root, or
# through sudo).  The build goes to _build/ (and _build-asan/ for the
# sanitizer suite); nothing is installed outside this directory.
set -euo pipefail

cd "$(dirname "$0")"
top=$(pwd)
mode=${1:-demo}
jobs=$(nproc 2>/dev/null || echo 2)

# libgimp2.0-dev: the GIMP filter (gimp-plugin/), built when it is there;
# libhdf5-dev: CMap's GCTX files (GCT text needs only zlib)
build_pkgs=(build-essential autoconf automake libtool pkg-config
            libglib2.0-dev libopenblas-dev libxxhash-dev libpng-dev
            libjpeg-dev libtiff-dev zlib1g-dev libhdf5-dev libgimp2.0-dev)
# gimp runs the filter's tests headless; xvfb, xauth, imagemagick (import)
# and x11-utils (xwininfo) photograph its dialog
test_pkgs=(python3 python3-numpy python3-torch valgrind
           gimp xvfb xauth imagemagick x11-utils)
# the R package's suite: R CMD build/check, testthat, the vignette
r_pkgs=(r-base-dev r-cran-testthat r-cran-knitr r-cran-rmarkdown pandoc
        r-bioc-summarizedexperiment)

say() { printf '\n==> %s\n' "$*"; }

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# configure_build DIR [configure options...]: bootstrap once, configure DIR.
configure_build() {
  local dir=$1
  shift
  [ -x configure ] || { say "bootstrapping (autoreconf)"; ./autogen.sh >/dev/null 2>&1; }
  mkdir -p "$dir"
  if [ ! -f "$dir/Makefile" ]; then
    say "configuring $dir $*"
    (cd "$dir" && "$top/configure" -q "$@")
  fi
  say "building in $dir"
  make -C "$dir" -s -j"$jobs" >/dev/null
}

# check_counts LOGFILE: adds the "# PASS / # FAIL / # ERROR" lines of an
# automake test summary to the totals.
passed=0
failed=0
check_counts() {
  local p f e x
  p=$(sed -n 's/^# PASS: *\([0-9]*\)/\1/p' "$1" | tail -n1)
  f=$(sed -n 's/^# FAIL: *\([0-9]*\)/\1/p' "$1" | tail -n1)
  e=$(sed -n 's/^# ERROR: *\([0-9]*\)/\1/p' "$1" | tail -n1)
  x=$(sed -n 's/^# XPASS: *\([0-9]*\)/\1/p' "$1" | tail -n1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
  # a suite that printed no summary at all did not run: count it as failed
  [ -n "$p$f$e" ] || failed=$((failed + 1))
}

# run_suite NAME COMMAND...: runs a suite, keeps its output in _build/NAME.log.
run_suite() {
  local name=$1 log="$top/_build/$1.log"
  shift
  say "suite: $name"
  if "$@" >"$log" 2>&1; then :; else echo "($name exited non-zero; see $log)"; fi
  grep -E '^(# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):|(FAIL|ERROR|XPASS):)' "$log" || true
  check_counts "$log"
}

case "$mode" in
  demo)
    install_missing "${build_pkgs[@]}"
    configure_build _build
    say "running: ntkmc demo"
    _build/ntkmc demo --output-dir _build/ntkmc-demo
    ;;
  test)
    install_missing "${build_pkgs[@]}" "${test_pkgs[@]}" "${r_pkgs[@]}"
    configure_build _build --enable-werror
    run_suite check make -C _build -j"$jobs" check
    configure_build _build-asan --enable-sanitizers --enable-werror \
      CFLAGS="-O1 -g"
    run_suite asan env ASAN_OPTIONS=detect_leaks=1 \
      make -C _build-asan -j"$jobs" check-native
    run_suite valgrind make -C _build -j"$jobs" check-valgrind
    run_suite r make -C _build check-r
    say "suite: distcheck"
    if make -C _build -j"$jobs" distcheck >_build/distcheck.log 2>&1; then
      echo "distcheck: ok"; passed=$((passed + 1))
    else
      echo "distcheck: FAILED (see _build/distcheck.log)"; tail -n 30 _build/distcheck.log
      failed=$((failed + 1))
    fi
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
  r)
    install_missing "${build_pkgs[@]}" "${r_pkgs[@]}"
    configure_build _build
    say "building the R source package (make r-package)"
    make -C _build -s r-package >_build/r-package.log 2>&1 \
      || { tail -n 30 _build/r-package.log; exit 1; }
    mkdir -p _build/r-lib
    say "installing it into _build/r-lib"
    R CMD INSTALL -l _build/r-lib _build/r-build/ntkmc_*.tar.gz \
      >_build/r-install.log 2>&1 || { tail -n 30 _build/r-install.log; exit 1; }
    say "running: demo(cmap, package = \"ntkmc\")"
    R_LIBS="$top/_build/r-lib" Rscript -e 'demo("cmap", package = "ntkmc", ask = FALSE)'
    say "use it: R_LIBS=$top/_build/r-lib R, then library(ntkmc)"
    ;;
  *)
    echo "usage: $0 demo|test|r" >&2
    exit 2
    ;;
esac
