#!/bin/sh
# SPDX-License-Identifier: MIT
#
# build.sh SRCDIR OUTDIR: makes the R source package ntkmc_<version>.tar.gz
# in OUTDIR.  The package template r-package/ is staged in OUTDIR/ntkmc/ and
# the C core is copied from SRCDIR/core/ into its src/core/: the core has one
# copy under version control, and the R package is generated from it.  Then
# R CMD build (which also builds the vignette).
#
# Called by "make r-package".
set -eu

src=$1
out=$2
stage=$out/ntkmc

# The modules the R package uses, and nothing that needs libpng, libjpeg or
# libtiff.  Headers of these modules come along.
core_files="include/ntkmc/ntkmc.h
base/context.c base/context.h base/dual.c base/dual.h base/error.c
base/linalg.c base/linalg.h base/memory.c base/memory.h base/timer.h
base/file.c base/file.h
ntk/gram.c ntk/gram.h
solve/complete.c
kernelfile/kernelfile.c
cmap/cmap-private.h cmap/tensor.c cmap/dnpp.c cmap/falrtc.c
cmap/gct.c cmap/gct-private.h cmap/gct-text.c cmap/gctx.c"

rm -rf "$stage"
mkdir -p "$stage"
cp -R "$src/r-package/." "$stage/"
rm -rf "$stage/src/core"
(cd "$stage" && ./cleanup)
for f in $core_files; do
  mkdir -p "$stage/src/core/$(dirname "$f")"
  cp "$src/core/$f" "$stage/src/core/$f"
done

cd "$out"
R_BIN=${R:-R}
"$R_BIN" CMD build ${R_BUILD_ARGS:-} ntkmc

# build.sh SRCDIR OUTDIR check: also runs R CMD check --no-manual on it.
if [ "${3:-}" = check ]; then
  version=$(sed -n 's/^Version: *//p' ntkmc/DESCRIPTION)
  _R_CHECK_FORCE_SUGGESTS_=${_R_CHECK_FORCE_SUGGESTS_:-false} \
    "$R_BIN" CMD check --no-manual ${R_CHECK_ARGS:-} "ntkmc_$version.tar.gz"
fi
