/* SPDX-License-Identifier: MIT */
/*
 * linalg.h: the only BLAS/LAPACK shim of libntkmc.
 *
 * Every other module calls these wrappers, never the Fortran symbols.  The
 * wrappers take size_t dimensions and narrow them to the BLAS integer type
 * (32-bit LP64 BLAS), pass the hidden Fortran string lengths, and keep
 * LAPACK's info convention (< 0: bad argument, > 0: numerical failure).
 * All matrices are column-major; "uplo" is 'L' or 'U', "trans" 'N' or 'T'.
 */
#ifndef NTKMC_BASE_LINALG_H
#define NTKMC_BASE_LINALG_H

#include <stddef.h>
#include <glib.h>

/* Largest dimension or leading dimension the BLAS integer can carry. */
#define NTKMC_BLAS_INT_MAX ((size_t) G_MAXINT32)

/*
 * ntkmc_linalg_check_dim: TRUE when @value fits the BLAS integer; otherwise
 * sets NTKMC_ERROR_TOO_LARGE naming @what.
 */
gboolean ntkmc_linalg_check_dim (size_t value, const char *what,
                                 GError **error);

/* C := alpha op(A) op(B) + beta C, C m x n, op(A) m x k, op(B) k x n. */
void ntkmc_linalg_gemm (char transa, char transb, size_t m, size_t n, size_t k,
                        double alpha, const double *a, size_t lda,
                        const double *b, size_t ldb,
                        double beta, double *c, size_t ldc);

/* B := alpha B op(A)^-1 (side 'R') or alpha op(A)^-1 B (side 'L'), A
 * triangular (@uplo, @diag 'N' or 'U'); B is m x n. */
void ntkmc_linalg_trsm (char side, char uplo, char transa, char diag,
                        size_t m, size_t n, double alpha, const double *a,
                        size_t lda, double *b, size_t ldb);

/* Cholesky factorization of the n x n SPD matrix A (the @uplo triangle is
 * read and overwritten by the factor). Returns LAPACK's info. */
int ntkmc_linalg_potrf (char uplo, size_t n, double *a, size_t lda);

/* 1-norm of the symmetric n x n matrix whose @uplo triangle is stored. */
double ntkmc_linalg_lansy_one (char uplo, size_t n, const double *a,
                               size_t lda);

/* Reciprocal 1-norm condition estimate from a Cholesky factor; @anorm is
 * the 1-norm of the original matrix. Returns info; *rcond is set. */
int ntkmc_linalg_pocon (char uplo, size_t n, const double *a, size_t lda,
                        double anorm, double *rcond);

/* Eigen-decomposition of the symmetric n x n matrix A (lower triangle
 * read): on return A holds the orthonormal eigenvectors as columns and @w
 * the eigenvalues in ascending order (dsyevd).  Returns LAPACK's info. */
int ntkmc_linalg_syevd (size_t n, double *a, size_t lda, double *w);

/* y := alpha op(A) x + beta y, A m x n (op = A for 'N', A^T for 'T'); x and
 * y contiguous.  For one right-hand side gemv streams A once, where gemm
 * would pack it first. */
void ntkmc_linalg_gemv (char trans, size_t m, size_t n, double alpha,
                        const double *a, size_t lda, const double *x,
                        double beta, double *y);

/* C := alpha op(A) op(A)^T + beta C on the @uplo triangle of the n x n C;
 * op(A) is n x k (trans 'N': A is n x k; 'T': A is k x n). */
void ntkmc_linalg_syrk (char uplo, char trans, size_t n, size_t k,
                        double alpha, const double *a, size_t lda,
                        double beta, double *c, size_t ldc);

/* Eigenvalues only (ascending, into @w) of the symmetric n x n matrix A
 * (lower triangle read, destroyed) by dsyevd.  Returns LAPACK's info. */
int ntkmc_linalg_syevd_values (size_t n, double *a, size_t lda, double *w);

/* Single-precision forms of gemm and syrk (sgemm, ssyrk), same arguments
 * and storage; for products whose inputs are only as accurate as a float
 * anyway, at twice the speed of the double forms. */
void ntkmc_linalg_gemm_f (char transa, char transb, size_t m, size_t n,
                          size_t k, float alpha, const float *a, size_t lda,
                          const float *b, size_t ldb, float beta, float *c,
                          size_t ldc);
void ntkmc_linalg_syrk_f (char uplo, char trans, size_t n, size_t k,
                          float alpha, const float *a, size_t lda, float beta,
                          float *c, size_t ldc);

#endif
