# SPDX-License-Identifier: MIT
# NTKMC_CHECK_BLAS_LAPACK([action-if-found], [action-if-not-found])
#
# Finds a BLAS with LAPACK, preferring OpenBLAS: first pkg-config "openblas",
# then a link test of dsyrk_ and dpotrf_ against -lopenblas, then against
# "-llapack -lblas". Sets and substitutes BLAS_CFLAGS and BLAS_LIBS.
# The user may override with BLAS_LIBS=... on the configure command line.
AC_DEFUN([NTKMC_CHECK_BLAS_LAPACK], [
  AC_ARG_VAR([BLAS_LIBS], [linker flags for BLAS and LAPACK (default: OpenBLAS)])
  AC_ARG_VAR([BLAS_CFLAGS], [compiler flags for BLAS and LAPACK])
  ntkmc_blas_ok=no
  ntkmc_save_LIBS="$LIBS"
  AS_IF([test -n "$BLAS_LIBS"], [
    AC_MSG_CHECKING([for dsyrk_ and dpotrf_ in $BLAS_LIBS])
    LIBS="$BLAS_LIBS $ntkmc_save_LIBS"
    AC_LINK_IFELSE([AC_LANG_CALL([], [dsyrk_]) ], [
      AC_LINK_IFELSE([AC_LANG_CALL([], [dpotrf_])], [ntkmc_blas_ok=yes])])
    AC_MSG_RESULT([$ntkmc_blas_ok])
  ])
  AS_IF([test "x$ntkmc_blas_ok" = xno], [
    PKG_CHECK_MODULES([OPENBLAS], [openblas], [
      AC_MSG_CHECKING([for dsyrk_ and dpotrf_ in $OPENBLAS_LIBS])
      LIBS="$OPENBLAS_LIBS $ntkmc_save_LIBS"
      AC_LINK_IFELSE([AC_LANG_CALL([], [dsyrk_])], [
        AC_LINK_IFELSE([AC_LANG_CALL([], [dpotrf_])], [
          ntkmc_blas_ok=yes
          BLAS_LIBS="$OPENBLAS_LIBS"
          BLAS_CFLAGS="$OPENBLAS_CFLAGS"])])
      AC_MSG_RESULT([$ntkmc_blas_ok])
    ], [:])
  ])
  for ntkmc_try in "-lopenblas" "-llapack -lblas"; do
    AS_IF([test "x$ntkmc_blas_ok" = xno], [
      AC_MSG_CHECKING([for dsyrk_ and dpotrf_ in $ntkmc_try])
      LIBS="$ntkmc_try $ntkmc_save_LIBS"
      AC_LINK_IFELSE([AC_LANG_CALL([], [dsyrk_])], [
        AC_LINK_IFELSE([AC_LANG_CALL([], [dpotrf_])], [
          ntkmc_blas_ok=yes
          BLAS_LIBS="$ntkmc_try"])])
      AC_MSG_RESULT([$ntkmc_blas_ok])
    ])
  done
  LIBS="$ntkmc_save_LIBS"
  AC_SUBST([BLAS_LIBS])
  AC_SUBST([BLAS_CFLAGS])
  AS_IF([test "x$ntkmc_blas_ok" = xyes], [$1], [$2])
])
