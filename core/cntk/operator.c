/* SPDX-License-Identifier: MIT */
/*
 * operator.c: y = K x with the compact (phase, displacement) kernel.
 *
 * A compact kernel is, for a pixel of phase f, a window of displacements
 * (2^(s+1) per side for nearest-upsampling networks, the whole image
 * otherwise) plus a constant o_f outside it:
 *
 *   (K x)(p) = o_f sum_q x(q) + sum_{d in window} (T_f(d) - o_f) x(p + d)
 *
 * (exact also when the window covers every pixel).  Rows are processed by
 * phase row i = r mod P: the rows of one phase row share the table entries
 * T_(i P + j)(d), j < P, so each P-long slice of the table is loaded once
 * and applied to every such row and right-hand side, P columns at a time
 * (one vector loop per slice).  The input is copied into a circularly
 * extended grid so that displaced reads need no wrap-around arithmetic.
 * Kernels in full N x N form (the general path) are applied as a
 * matrix-vector product.
 */
#include "config.h"

#include "cntk/operator.h"
#include "cntk/cntk-private.h"
#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"

#include <string.h>

/*
 * The inner product of the operator for 8 adjacent output pixels of one
 * row: out[v] = sum_a sum_b tm[(a lc + b) 8 + v] x[a ew + b + v], v < 8,
 * with @tm the window table of these 8 phases (8 values per displacement,
 * contiguous) and @x the extended input at the first pixel's top-left
 * window corner.  The 8 sums stay in registers (two accumulators per half,
 * so that the multiply-adds of one half do not wait on each other).  The
 * body is compiled twice, for the baseline and for AVX2 + FMA; the
 * operator picks one when it is made (window_dot8_pick()).
 */
typedef double V4 __attribute__ ((vector_size (32)));

#define WINDOW_DOT8_BODY                                                   \
  {                                                                        \
    V4 s0 = { 0, 0, 0, 0 }, s1 = { 0, 0, 0, 0 };                           \
    V4 s2 = { 0, 0, 0, 0 }, s3 = { 0, 0, 0, 0 };                           \
    size_t a, b;                                                           \
    for (a = 0; a < lr; a++)                                               \
      {                                                                    \
        const double *t = tm + a * lc * 8, *xr = x + a * ew;               \
        for (b = 0; b + 1 < lc; b += 2)                                    \
          {                                                                \
            V4 t0, t1, t2, t3, x0, x1, x2, x3;                             \
            memcpy (&t0, t + b * 8, sizeof t0);                            \
            memcpy (&t1, t + b * 8 + 4, sizeof t1);                        \
            memcpy (&t2, t + b * 8 + 8, sizeof t2);                        \
            memcpy (&t3, t + b * 8 + 12, sizeof t3);                       \
            memcpy (&x0, xr + b, sizeof x0);                               \
            memcpy (&x1, xr + b + 4, sizeof x1);                           \
            memcpy (&x2, xr + b + 1, sizeof x2);                           \
            memcpy (&x3, xr + b + 5, sizeof x3);                           \
            s0 += t0 * x0;                                                 \
            s1 += t1 * x1;                                                 \
            s2 += t2 * x2;                                                 \
            s3 += t3 * x3;                                                 \
          }                                                                \
        for (; b < lc; b++)                                                \
          {                                                                \
            V4 t0, t1, x0, x1;                                             \
            memcpy (&t0, t + b * 8, sizeof t0);                            \
            memcpy (&t1, t + b * 8 + 4, sizeof t1);                        \
            memcpy (&x0, xr + b, sizeof x0);                               \
            memcpy (&x1, xr + b + 4, sizeof x1);                           \
            s0 += t0 * x0;                                                 \
            s1 += t1 * x1;                                                 \
          }                                                                \
      }                                                                    \
    s0 += s2;                                                              \
    s1 += s3;                                                              \
    memcpy (out, &s0, sizeof s0);                                          \
    memcpy (out + 4, &s1, sizeof s1);                                      \
  }

typedef void (*WindowDot8) (const double *restrict tm,
                            const double *restrict x, size_t lr, size_t lc,
                            size_t ew, double *restrict out);

static void
window_dot8_base (const double *restrict tm, const double *restrict x,
                  size_t lr, size_t lc, size_t ew, double *restrict out)
WINDOW_DOT8_BODY

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_WINDOW_DOT8_AVX2 1
__attribute__ ((target ("avx2,fma")))
static void
window_dot8_avx2 (const double *restrict tm, const double *restrict x,
                  size_t lr, size_t lc, size_t ew, double *restrict out)
WINDOW_DOT8_BODY
#endif

/* The fastest variant this processor runs. */
static WindowDot8
window_dot8_pick (void)
{
#ifdef HAVE_WINDOW_DOT8_AVX2
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return window_dot8_avx2;
#endif
  return window_dot8_base;
}

/* The same for one output pixel (periods below 8). */
static double
window_dot1 (const double *tm, const double *x, size_t P, size_t lr,
             size_t lc, size_t ew)
{
  double s = 0;
  size_t a, b;

  for (a = 0; a < lr; a++)
    for (b = 0; b < lc; b++)
      s += tm[(a * lc + b) * P] * x[a * ew + b];
  return s;
}

struct _NtkmcCntkOp {
  const NtkmcCntk *k;
  size_t w, h, n;
  unsigned nrhs;
  /* compact form */
  size_t p, lr, lc;            /* period, window rows and columns */
  long omin_r, omin_c;         /* first displacement of the window */
  size_t *dr, *dc;             /* displacement index of window row/column */
  size_t ew, eh;               /* extended grid: eh rows of ew */
  double *ext;                 /* eh x ew x nrhs */
  double *win;                 /* the windows, T - o, by phase (see below) */
  WindowDot8 dot8;             /* the inner loop for this processor */
};

/* The window of one axis: its first displacement and length, and the
 * table's displacement index of each window position. */
static size_t *
axis_window (size_t base, size_t side, long *omin, size_t *len)
{
  size_t a, *idx;

  if (side == base)
    {
      *omin = 0;
      *len = side;
    }
  else
    {
      *omin = -(long) (base / 2);
      *len = base;
    }
  idx = g_new (size_t, *len);
  for (a = 0; a < *len; a++)
    idx[a] = (size_t) (((long) a + *omin + (long) base) % (long) base);
  return idx;
}

/*
 * The table rearranged for the products: for phase row i, the window of
 * T - o (o: the phase's value outside its window) of every phase of the
 * row, by groups of 8 phases when the period allows,
 *   win[i lr lc P + ((g lr + a) lc + b) 8 + v]   phase i P + 8 g + v,
 * else win[i lr lc P + (a lc + b) P + jj]: each group's window is
 * contiguous, so it stays in cache while it is applied to every row and
 * right-hand side.
 */
static void
build_windows (NtkmcContext *ctx, NtkmcCntkOp *op)
{
  const NtkmcCntk *k = op->k;
  size_t P = op->p, P2 = P * P, lr = op->lr, lc = op->lc;
  const double *outside = k->table + k->bw * k->bh * P2;
  long i;

#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
  for (i = 0; i < (long) P; i++)
    {
      const double *orow = outside + (size_t) i * P;
      double *wi = op->win + (size_t) i * lr * lc * P;
      size_t a, b, jj;

      for (a = 0; a < lr; a++)
        for (b = 0; b < lc; b++)
          {
            const double *t = k->table + (op->dr[a] * k->bw + op->dc[b]) * P2
                              + (size_t) i * P;
            for (jj = 0; jj < P; jj++)
              {
                size_t at = P % 8 == 0
                            ? (((jj / 8) * lr + a) * lc + b) * 8 + jj % 8
                            : (a * lc + b) * P + jj;
                wi[at] = t[jj] - orow[jj];
              }
          }
    }
}

NtkmcCntkOp *
ntkmc_cntk_op_new (NtkmcContext *ctx, const NtkmcCntk *k, size_t width,
                   size_t height, unsigned nrhs, GError **error)
{
  NtkmcCntkOp *op;

  g_return_val_if_fail (k != NULL && nrhs > 0, NULL);
  if (!ntkmc_cntk_check_size (k, width, height, error))
    return NULL;
  op = g_new0 (NtkmcCntkOp, 1);
  op->k = k;
  op->w = width;
  op->h = height;
  op->n = width * height;
  op->nrhs = nrhs;
  if (k->form == NTKMC_CNTK_COMPACT)
    {
      op->p = k->period;
      op->dot8 = window_dot8_pick ();
      op->dr = axis_window (k->bh, height, &op->omin_r, &op->lr);
      op->dc = axis_window (k->bw, width, &op->omin_c, &op->lc);
      /* columns rounded up to a multiple of the period for the vector
       * loops, plus the window */
      op->ew = (width + op->p - 1) / op->p * op->p + op->lc;
      op->eh = height + op->lr;
      op->ext = g_try_new (double, op->ew * op->eh * nrhs);
      if (op->ext == NULL)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                       "cannot allocate %zu MiB for the kernel operator",
                       op->ew * op->eh * nrhs * sizeof (double) >> 20);
          ntkmc_cntk_op_free (op);
          return NULL;
        }
      op->win = ntkmc_big_alloc (op->lr * op->lc * op->p * op->p,
                                 sizeof (double), "the kernel operator's "
                                 "windows", error);
      if (op->win == NULL)
        {
          ntkmc_cntk_op_free (op);
          return NULL;
        }
      build_windows (ctx, op);
    }
  return op;
}

void
ntkmc_cntk_op_free (NtkmcCntkOp *op)
{
  if (op == NULL)
    return;
  g_free (op->dr);
  g_free (op->dc);
  g_free (op->ext);
  ntkmc_big_free (op->win);
  g_free (op);
}

void
ntkmc_cntk_op_gather (NtkmcContext *ctx, const NtkmcCntkOp *op,
                      size_t n_rows, const size_t *rows, size_t n_cols,
                      const size_t *cols, double *out, size_t ld)
{
  ntkmc_cntk_gather (ctx, op->k, op->w, op->h, n_rows, rows, n_cols, cols,
                     out, ld);
}

double
ntkmc_cntk_op_diag (const NtkmcCntkOp *op, size_t p)
{
  return ntkmc_cntk_entry (op->k, op->w, op->h, p / op->w, p % op->w,
                           p / op->w, p % op->w);
}

static void
apply_full (NtkmcContext *ctx, NtkmcCntkOp *op, const double *x, double *y)
{
  /* the general path's kernel is stored as an N x N matrix; its size is
   * limited there, so a product with it is affordable */
  (void) ctx;
  ntkmc_linalg_gemm ('N', 'N', op->n, op->nrhs, op->n, 1.0, op->k->full,
                     op->n, x, op->n, 0.0, y, op->n);
}


void
ntkmc_cntk_op_apply (NtkmcContext *ctx, NtkmcCntkOp *op, const double *x,
                     double *y)
{
  const NtkmcCntk *k = op->k;
  size_t w = op->w, h = op->h, n = op->n, P = op->p, P2;
  size_t ew = op->ew, eh = op->eh, plane = ew * eh;
  unsigned nrhs = op->nrhs, j;
  const double *outside;
  double sums[16];
  long i;

  g_return_if_fail (nrhs <= G_N_ELEMENTS (sums));
  if (k->form == NTKMC_CNTK_FULL)
    {
      apply_full (ctx, op, x, y);
      return;
    }
  P2 = P * P;
  outside = k->table + k->bw * k->bh * P2;

  /* the circularly extended input: ext[r'][c'] = x[(r' + omin_r) mod h]
   * [(c' + omin_c) mod w]; columns past w + lc - 1 are never read */
  for (j = 0; j < nrhs; j++)
    {
      const double *xj = x + (size_t) j * n;
      double *ej = op->ext + (size_t) j * plane, s = 0;
      size_t r, c;

      for (r = 0; r < n; r++)
        s += xj[r];
      sums[j] = s;
      for (r = 0; r < eh; r++)
        {
          size_t sr = (size_t) (((long) r + op->omin_r) % (long) h
                                + (long) h) % h;
          for (c = 0; c < ew; c++)
            ej[r * ew + c]
              = xj[sr * w + (size_t) ((((long) c + op->omin_c) % (long) w
                                       + (long) w) % (long) w)];
        }
    }

#pragma omp parallel num_threads(ctx->n_threads)
  {
    size_t lr = op->lr, lc = op->lc;
#pragma omp for schedule(dynamic, 1)
    for (i = 0; i < (long) MIN (P, h); i++)
      {
        const double *orow = outside + (size_t) i * P;
        const double *tmi = op->win + (size_t) i * lr * lc * P;
        size_t r, c, g;
        unsigned rhs;

        if (P % 8 == 0)
          {
            /* one group of 8 phases at a time: its table (lr lc 8 values)
             * stays in cache for every row and right-hand side */
            for (g = 0; g < P / 8; g++)
              for (r = (size_t) i; r < h; r += P)
                for (rhs = 0; rhs < nrhs; rhs++)
                  {
                    const double *xr = op->ext + (size_t) rhs * plane + r * ew;
                    double *yr = y + (size_t) rhs * n + r * w;
                    for (c = 8 * g; c < w; c += P)
                      op->dot8 (tmi + g * lr * lc * 8, xr + c, lr, lc, ew,
                                   yr + c);
                  }
          }
        else
          for (r = (size_t) i; r < h; r += P)
            for (rhs = 0; rhs < nrhs; rhs++)
              {
                const double *xr = op->ext + (size_t) rhs * plane + r * ew;
                double *yr = y + (size_t) rhs * n + r * w;
                for (c = 0; c < w; c++)
                  yr[c] = window_dot1 (tmi + c % P, xr + c, P, lr, lc, ew);
              }
        for (r = (size_t) i; r < h; r += P)
          for (rhs = 0; rhs < nrhs; rhs++)
            {
              double *yr = y + (size_t) rhs * n + r * w;
              for (c = 0; c < w; c++)
                yr[c] += orow[c % P] * sums[rhs];
            }
      }
  }
}

/* ------------------------------------------------------- pixel-major rows */

struct _NtkmcCntkRows {
  size_t w, h, p, lr, lc;
  const double *outside;        /* the kernel's, per phase */
  long *ra, *cb;                /* window index of a row / column
                                 * displacement + side - 1, or -1 */
  double *pm;                   /* pm[(f lr + a) lc + b] */
};

/* Window index of every displacement d in (-side, side) along one axis:
 * idx[d + side - 1], or -1 outside the window. */
static long *
axis_index (size_t side, long omin, size_t len)
{
  long *idx = g_new (long, 2 * side - 1), d;

  for (d = -(long) side + 1; d < (long) side; d++)
    {
      size_t x = (size_t) (((d - omin) % (long) side + (long) side)
                           % (long) side);
      idx[d + (long) side - 1] = x < len ? (long) x : -1;
    }
  return idx;
}

NtkmcCntkRows *
ntkmc_cntk_rows_new (NtkmcContext *ctx, const NtkmcCntk *k, size_t width,
                     size_t height, GError **error)
{
  NtkmcCntkRows *rw;
  size_t *dr, *dc, P, P2;
  long omin_r, omin_c, f;

  if (k->form != NTKMC_CNTK_COMPACT)
    return NULL;
  if (!ntkmc_cntk_check_size (k, width, height, error))
    return NULL;
  rw = g_new0 (NtkmcCntkRows, 1);
  rw->w = width;
  rw->h = height;
  rw->p = P = k->period;
  P2 = P * P;
  dr = axis_window (k->bh, height, &omin_r, &rw->lr);
  dc = axis_window (k->bw, width, &omin_c, &rw->lc);
  rw->ra = axis_index (height, omin_r, rw->lr);
  rw->cb = axis_index (width, omin_c, rw->lc);
  rw->outside = k->table + k->bw * k->bh * P2;
  rw->pm = ntkmc_big_alloc (P2 * rw->lr * rw->lc, sizeof (double),
                            "the kernel's rows", error);
  if (rw->pm == NULL)
    {
      g_free (dr);
      g_free (dc);
      ntkmc_cntk_rows_free (rw);
      return NULL;
    }
#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
  for (f = 0; f < (long) P2; f++)
    {
      double *row = rw->pm + (size_t) f * rw->lr * rw->lc;
      size_t a, b;
      for (a = 0; a < rw->lr; a++)
        for (b = 0; b < rw->lc; b++)
          row[a * rw->lc + b] = k->table[(dr[a] * k->bw + dc[b]) * P2
                                         + (size_t) f];
    }
  g_free (dr);
  g_free (dc);
  return rw;
}

void
ntkmc_cntk_rows_free (NtkmcCntkRows *rw)
{
  if (rw == NULL)
    return;
  ntkmc_big_free (rw->pm);
  g_free (rw->ra);
  g_free (rw->cb);
  g_free (rw);
}

void
ntkmc_cntk_rows_gather (NtkmcContext *ctx, const NtkmcCntkRows *rw,
                        size_t n_rows, const size_t *rows, size_t n_cols,
                        const size_t *cols, double *out, size_t ld)
{
  long j;

#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
  for (j = 0; j < (long) n_cols; j++)
    {
      size_t q = cols[j], qr = q / rw->w, qc = q % rw->w, i;
      size_t f = (qr % rw->p) * rw->p + qc % rw->p;
      const double *win = rw->pm + f * rw->lr * rw->lc;
      const long *ra = rw->ra + rw->h - 1 - qr, *cb = rw->cb + rw->w - 1 - qc;
      double o = rw->outside[f], *col = out + (size_t) j * ld;

      /* K(p, q) = K(q, p): q's window at the displacement p - q */
      for (i = 0; i < n_rows; i++)
        {
          size_t p = rows[i];
          long a = ra[p / rw->w], b = cb[p % rw->w];
          col[i] = (a < 0 || b < 0) ? o : win[(size_t) a * rw->lc
                                              + (size_t) b];
        }
    }
}
