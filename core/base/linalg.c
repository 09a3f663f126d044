/* SPDX-License-Identifier: MIT */
/*
 * linalg.c: Fortran BLAS/LAPACK prototypes and their size-checked wrappers.
 * Callers check dimensions with ntkmc_linalg_check_dim() before calling; the
 * wrappers assert it (a violation here is a programming error).
 */
#include "config.h"

#include "base/linalg.h"

#include <ntkmc/ntkmc.h>

typedef int blasint;

/* Fortran symbols; the trailing size_t are the hidden string lengths that
 * gfortran-compiled LAPACK expects for each CHARACTER argument. */
extern void dgemm_ (const char *ta, const char *tb, const blasint *m,
                    const blasint *n, const blasint *k, const double *alpha,
                    const double *a, const blasint *lda, const double *b,
                    const blasint *ldb, const double *beta, double *c,
                    const blasint *ldc, size_t, size_t);
extern void dtrsm_ (const char *side, const char *uplo, const char *transa,
                    const char *diag, const blasint *m, const blasint *n,
                    const double *alpha, const double *a, const blasint *lda,
                    double *b, const blasint *ldb, size_t, size_t, size_t,
                    size_t);
extern void dpotrf_ (const char *uplo, const blasint *n, double *a,
                     const blasint *lda, blasint *info, size_t);
extern double dlansy_ (const char *norm, const char *uplo, const blasint *n,
                       const double *a, const blasint *lda, double *work,
                       size_t, size_t);
extern void dpocon_ (const char *uplo, const blasint *n, const double *a,
                     const blasint *lda, const double *anorm, double *rcond,
                     double *work, blasint *iwork, blasint *info, size_t);

gboolean
ntkmc_linalg_check_dim (size_t value, const char *what, GError **error)
{
  if (value <= NTKMC_BLAS_INT_MAX)
    return TRUE;
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
               "%s = %zu exceeds the largest size the BLAS library accepts (%zu)",
               what, value, NTKMC_BLAS_INT_MAX);
  return FALSE;
}

static blasint
to_blas (size_t v)
{
  g_assert (v <= NTKMC_BLAS_INT_MAX);
  return (blasint) v;
}

/* BLAS requires ld >= 1 even for empty matrices. */
static blasint
to_ld (size_t v)
{
  return v == 0 ? 1 : to_blas (v);
}

void
ntkmc_linalg_gemm (char transa, char transb, size_t m, size_t n, size_t k,
                   double alpha, const double *a, size_t lda, const double *b,
                   size_t ldb, double beta, double *c, size_t ldc)
{
  blasint bm = to_blas (m), bn = to_blas (n), bk = to_blas (k);
  blasint blda = to_ld (lda), bldb = to_ld (ldb), bldc = to_ld (ldc);
  if (m == 0 || n == 0)
    return;
  dgemm_ (&transa, &transb, &bm, &bn, &bk, &alpha, a, &blda, b, &bldb, &beta,
          c, &bldc, 1, 1);
}

void
ntkmc_linalg_trsm (char side, char uplo, char transa, char diag, size_t m,
                   size_t n, double alpha, const double *a, size_t lda,
                   double *b, size_t ldb)
{
  blasint bm = to_blas (m), bn = to_blas (n), blda = to_ld (lda),
          bldb = to_ld (ldb);
  if (m == 0 || n == 0)
    return;
  dtrsm_ (&side, &uplo, &transa, &diag, &bm, &bn, &alpha, a, &blda, b, &bldb,
          1, 1, 1, 1);
}

int
ntkmc_linalg_potrf (char uplo, size_t n, double *a, size_t lda)
{
  blasint bn = to_blas (n), blda = to_ld (lda), info = 0;
  if (n == 0)
    return 0;
  dpotrf_ (&uplo, &bn, a, &blda, &info, 1);
  return info;
}

double
ntkmc_linalg_lansy_one (char uplo, size_t n, const double *a, size_t lda)
{
  blasint bn = to_blas (n), blda = to_ld (lda);
  double *work;
  double norm;
  if (n == 0)
    return 0.0;
  work = g_new (double, n);
  norm = dlansy_ ("1", &uplo, &bn, a, &blda, work, 1, 1);
  g_free (work);
  return norm;
}

int
ntkmc_linalg_pocon (char uplo, size_t n, const double *a, size_t lda,
                    double anorm, double *rcond)
{
  blasint bn = to_blas (n), blda = to_ld (lda), info = 0;
  double *work;
  blasint *iwork;
  if (n == 0)
    {
      *rcond = 1.0;
      return 0;
    }
  work = g_new (double, 3 * n);
  iwork = g_new (blasint, n);
  dpocon_ (&uplo, &bn, a, &blda, &anorm, rcond, work, iwork, &info, 1);
  g_free (iwork);
  g_free (work);
  return info;
}

extern void dsyevd_ (const char *jobz, const char *uplo, const blasint *n,
                     double *a, const blasint *lda, double *w, double *work,
                     const blasint *lwork, blasint *iwork,
                     const blasint *liwork, blasint *info, size_t, size_t);

/* dsyevd with workspace query; @jobz "V" (vectors into A) or "N". */
static int
syevd (const char *jobz, size_t n, double *a, size_t lda, double *w)
{
  blasint bn = to_blas (n), blda = to_blas (lda), info = 0, lwork = -1;
  blasint liwork = -1, iwq = 0;
  double wq = 0, *work;
  blasint *iwork;

  if (n == 0)
    return 0;
  dsyevd_ (jobz, "L", &bn, a, &blda, w, &wq, &lwork, &iwq, &liwork, &info, 1,
           1);
  if (info != 0)
    return (int) info;
  lwork = (blasint) wq + 1;
  liwork = MAX (iwq, 1);
  work = g_new (double, (size_t) lwork);
  iwork = g_new (blasint, (size_t) liwork);
  dsyevd_ (jobz, "L", &bn, a, &blda, w, work, &lwork, iwork, &liwork, &info,
           1, 1);
  g_free (iwork);
  g_free (work);
  return (int) info;
}

int
ntkmc_linalg_syevd (size_t n, double *a, size_t lda, double *w)
{
  return syevd ("V", n, a, lda, w);
}

int
ntkmc_linalg_syevd_values (size_t n, double *a, size_t lda, double *w)
{
  return syevd ("N", n, a, lda, w);
}

extern void dsyrk_ (const char *uplo, const char *trans, const blasint *n,
                    const blasint *k, const double *alpha, const double *a,
                    const blasint *lda, const double *beta, double *c,
                    const blasint *ldc, size_t, size_t);

void
ntkmc_linalg_syrk (char uplo, char trans, size_t n, size_t k, double alpha,
                   const double *a, size_t lda, double beta, double *c,
                   size_t ldc)
{
  blasint bn = to_blas (n), bk = to_blas (k), blda = to_ld (lda),
          bldc = to_ld (ldc);

  if (n == 0)
    return;
  dsyrk_ (&uplo, &trans, &bn, &bk, &alpha, a, &blda, &beta, c, &bldc, 1, 1);
}

extern void dgemv_ (const char *trans, const blasint *m, const blasint *n,
                    const double *alpha, const double *a, const blasint *lda,
                    const double *x, const blasint *incx, const double *beta,
                    double *y, const blasint *incy, size_t);

void
ntkmc_linalg_gemv (char trans, size_t m, size_t n, double alpha,
                   const double *a, size_t lda, const double *x, double beta,
                   double *y)
{
  blasint bm = to_blas (m), bn = to_blas (n), blda = to_ld (lda), one = 1;

  if (m == 0 || n == 0)
    return;
  dgemv_ (&trans, &bm, &bn, &alpha, a, &blda, x, &one, &beta, y, &one, 1);
}

extern void sgemm_ (const char *ta, const char *tb, const blasint *m,
                    const blasint *n, const blasint *k, const float *alpha,
                    const float *a, const blasint *lda, const float *b,
                    const blasint *ldb, const float *beta, float *c,
                    const blasint *ldc, size_t, size_t);
extern void ssyrk_ (const char *uplo, const char *trans, const blasint *n,
                    const blasint *k, const float *alpha, const float *a,
                    const blasint *lda, const float *beta, float *c,
                    const blasint *ldc, size_t, size_t);

void
ntkmc_linalg_gemm_f (char transa, char transb, size_t m, size_t n, size_t k,
                     float alpha, const float *a, size_t lda, const float *b,
                     size_t ldb, float beta, float *c, size_t ldc)
{
  blasint bm = to_blas (m), bn = to_blas (n), bk = to_blas (k);
  blasint blda = to_ld (lda), bldb = to_ld (ldb), bldc = to_ld (ldc);
  if (m == 0 || n == 0)
    return;
  sgemm_ (&transa, &transb, &bm, &bn, &bk, &alpha, a, &blda, b, &bldb, &beta,
          c, &bldc, 1, 1);
}

void
ntkmc_linalg_syrk_f (char uplo, char trans, size_t n, size_t k, float alpha,
                     const float *a, size_t lda, float beta, float *c,
                     size_t ldc)
{
  blasint bn = to_blas (n), bk = to_blas (k), blda = to_ld (lda),
          bldc = to_ld (ldc);

  if (n == 0)
    return;
  ssyrk_ (&uplo, &trans, &bn, &bk, &alpha, a, &blda, &beta, c, &bldc, 1, 1);
}
