/* SPDX-License-Identifier: MIT */
/*
 * stationary.c: the fast path of the CNTK, ntkmc_cntk_compute().
 *
 * With the i.i.d. prior, Sigma_0(p, p') depends only on p' - p, and circular
 * convolution, stride-2 downsampling and pointwise maps keep every tensor
 * of the recursion (reference-spec.md 3.3) *stationary*; after k x2
 * upsamplings they are *cyclostationary* with period P = 2^k: T(p, p') =
 * t(p mod P, p' - p).  A tensor at resolution h x w is therefore a table
 * t[delta][phase] of (h w) x P^2 numbers instead of (h w)^2, and every step
 * of the recursion acts on the table directly:
 *
 *   patch sum   P[T](p, p') = sum_d T(p + d, p' + d): for each displacement,
 *               a circular q x q box sum over the P x P phase grid (for
 *               P = 1 a multiplication by q^2);
 *   dual step   pointwise in (displacement, phase), with the diagonal
 *               n(phase) = t[0][phase] and n(phase + displacement);
 *   down        t'[d][f] = t[2 d][2 f mod P], period P / 2;
 *   up          t'[d][f] = t[((f mod 2) + d) / 2][f / 2], period 2 P;
 *   up (circ. bilinear)  the same with the 3/4, 1/4 weights.
 *
 * Memory is kept to what the next step needs: S + Sdot * Theta is formed
 * before resampling whenever the resampling commutes with pointwise maps
 * (nearest, down), so the top resolution of the paper's autoencoders holds
 * a single table.  For nearest-only networks the kernel is computed at
 * 2^(s+1) per side and serves all larger sizes (Appendix M).
 */
#include "config.h"

#include "base/context.h"
#include "base/memory.h"
#include "base/timer.h"
#include "cntk/arch.h"
#include "cntk/cntk-private.h"
#include "base/dual.h"

#include <math.h>
#include <string.h>

/* A cyclostationary table: d[(dr * w + dc) * P * P + fr * P + fc]. */
typedef struct {
  size_t h, w, period;
  double *d;
} Tab;

static void
tab_clear (Tab *t)
{
  ntkmc_big_free (t->d);
  t->d = NULL;
}

/* Tables come on huge pages (the top level of a 6-level network is 0.5 GiB)
 * with one spare displacement row, which the final table uses for the
 * per-phase value outside the window. */
static gboolean
tab_alloc (Tab *t, size_t h, size_t w, size_t period, GError **error)
{
  t->h = h;
  t->w = w;
  t->period = period;
  t->d = ntkmc_big_alloc ((h * w + 1) * period * period, sizeof (double),
                          "a kernel table", error);
  return t->d != NULL;
}

static size_t
tab_size (const Tab *t)
{
  return t->h * t->w * t->period * t->period;
}

/* Circular box sum of width 2 half + 1 along a row of @n values with
 * stride @step, via a wrapped copy in @ext (n + 2 half entries). */
static inline void
box_row (double *x, size_t n, size_t step, long half, double *ext)
{
  size_t i, m = n + 2 * (size_t) half;
  long k;

  for (i = 0; i < m; i++)
    ext[i] = x[(((long) i - half) % (long) n + (long) n) % (long) n * (long) step];
  for (i = 0; i < n; i++)
    {
      double sum = 0;
      for (k = 0; k <= 2 * half; k++)
        sum += ext[i + (size_t) k];
      x[i * step] = sum;
    }
}

/* P[T] in place: the circular q x q box sum over the phase grid. */
static void
patch_sum (int n_threads, Tab *t, unsigned q)
{
  size_t pp = t->period, nd = t->h * t->w, p2 = pp * pp;
  long half = (long) (q - 1) / 2;
  long di;

  if (pp == 1)
    {
      double s = (double) q * q;
      size_t i;
      for (i = 0; i < nd; i++)
        t->d[i] *= s;
      return;
    }
#pragma omp parallel num_threads(n_threads)
  {
    double *ext = g_new (double, pp + 2 * (size_t) half);

#pragma omp for schedule(static)
    for (di = 0; di < (long) nd; di++)
      {
        double *b = t->d + (size_t) di * p2;
        size_t f;

        for (f = 0; f < pp; f++)
          box_row (b + f * pp, pp, 1, half, ext);      /* along phase cols */
        for (f = 0; f < pp; f++)
          box_row (b + f, pp, pp, half, ext);          /* along phase rows */
      }
    g_free (ext);
  }
}

/* The dual step: @lambda (in place) becomes S; @sdot receives Sdot. */
static void
dual_step (int n_threads, Tab *lambda, Tab *sdot, const NtkmcActivation *act,
           unsigned q)
{
  size_t pp = lambda->period, p2 = pp * pp, h = lambda->h, w = lambda->w;
  double inv_q2 = 1.0 / ((double) q * q);
  double *diag = g_memdup2 (lambda->d, p2 * sizeof (double));   /* delta 0 */
  NtkmcDualCoeffs co;
  long di;

  ntkmc_dual_coeffs (act, &co);
#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (di = 0; di < (long) (h * w); di++)
    {
      size_t dr = (size_t) di / w, dc = (size_t) di % w, fr, fc;
      double *l = lambda->d + (size_t) di * p2, *sd = sdot->d + (size_t) di * p2;

      for (fr = 0; fr < pp; fr++)
        for (fc = 0; fc < pp; fc++)
          {
            size_t f = fr * pp + fc;
            size_t f2 = ((fr + dr) % pp) * pp + (fc + dc) % pp;
            double nn = diag[f] * diag[f2];

            if (!(nn > 0))
              {
                l[f] = 0;
                sd[f] = 0;
              }
            else
              {
                double root = sqrt (nn), xi = l[f] / root;
                l[f] = inv_q2 * root * ntkmc_dual_eval (&co, xi);
                sd[f] = inv_q2 * ntkmc_dual_deriv_eval (&co, xi);
              }
          }
    }
  g_free (diag);
}

/* u := s + sdot * theta (all of one shape), pointwise. */
static void
combine (int n_threads, Tab *u, const Tab *s, const Tab *sdot)
{
  size_t n = tab_size (u);
  long i;

#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (i = 0; i < (long) n; i++)
    u->d[i] = s->d[i] + sdot->d[i] * u->d[i];
}

/* Stride-2 downsampling: keep even coordinates. */
static gboolean
down (int n_threads, Tab *t, GError **error)
{
  Tab o;
  size_t pp = t->period, np = MAX (pp / 2, (size_t) 1);
  long di;

  if (!tab_alloc (&o, t->h / 2, t->w / 2, np, error))
    return FALSE;
#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (di = 0; di < (long) (o.h * o.w); di++)
    {
      size_t dr = (size_t) di / o.w, dc = (size_t) di % o.w, fr, fc;
      const double *src = t->d + ((2 * dr) * t->w + 2 * dc) * pp * pp;
      double *dst = o.d + (size_t) di * np * np;

      for (fr = 0; fr < np; fr++)
        for (fc = 0; fc < np; fc++)
          dst[fr * np + fc] = src[((2 * fr) % pp) * pp + (2 * fc) % pp];
    }
  tab_clear (t);
  *t = o;
  return TRUE;
}

/* One axis of an x2 upsampling: output phase f (of 2P), displacement d (of
 * 2n) -> up to two source (phase shift u, displacement) pairs with weights.
 * Returns the number of terms. */
static int
up_terms (NtkmcUpsampling mode, size_t f, size_t d, size_t n, size_t pp,
          size_t *src_phase, size_t *src_disp, double *weight)
{
  size_t e = f % 2, a = f / 2;                  /* p = 2a + e */
  size_t e2 = (e + d) % 2, da = (e + d) / 2;    /* p' = 2(a + da) + e2 */
  int t = 0;

  if (mode == NTKMC_UP_NEAREST)
    {
      src_phase[0] = a % pp;
      src_disp[0] = da % n;
      weight[0] = 1.0;
      return 1;
    }
  /* circular bilinear: x'[2a + e] = 3/4 x[a] + 1/4 x[a - 1 + 2e] */
  {
    long us[2] = { 0, e ? 1 : -1 }, vs[2] = { 0, e2 ? 1 : -1 };
    double wu[2] = { 0.75, 0.25 }, wv[2] = { 0.75, 0.25 };
    int i, j;

    for (i = 0; i < 2; i++)
      for (j = 0; j < 2; j++)
        {
          long ph = ((long) a + us[i]) % (long) pp;
          long dd = ((long) da + vs[j] - us[i]) % (long) n;
          src_phase[t] = (size_t) (ph < 0 ? ph + (long) pp : ph);
          src_disp[t] = (size_t) (dd < 0 ? dd + (long) n : dd);
          weight[t] = wu[i] * wv[j];
          t++;
        }
  }
  return t;
}

/* Nearest x2 upsampling: a pure gather, through per-axis offset tables. */
static void
up_nearest (int n_threads, const Tab *t, Tab *o)
{
  size_t pp = t->period, np = o->period;
  long di;

#pragma omp parallel num_threads(n_threads)
  {
    size_t *roff = g_new (size_t, np), *coff = g_new (size_t, np);

#pragma omp for schedule(static)
    for (di = 0; di < (long) (o->h * o->w); di++)
      {
        size_t dr = (size_t) di / o->w, dc = (size_t) di % o->w, f, g;
        double *dst = o->d + (size_t) di * np * np;

        for (f = 0; f < np; f++)
          {
            /* p = 2a + e, p' = p + d: source phase a mod P, displacement
             * (e + d) / 2 (see up_terms) */
            roff[f] = (((f % 2 + dr) / 2) % t->h * t->w) * pp * pp
                      + (f / 2) % pp * pp;
            coff[f] = (((f % 2 + dc) / 2) % t->w) * pp * pp + (f / 2) % pp;
          }
        for (f = 0; f < np; f++)
          for (g = 0; g < np; g++)
            dst[f * np + g] = t->d[roff[f] + coff[g]];
      }
    g_free (roff);
    g_free (coff);
  }
}

static gboolean
up (int n_threads, Tab *t, NtkmcUpsampling mode, GError **error)
{
  Tab o;
  size_t pp = t->period, np = 2 * pp;
  long di;

  if (!tab_alloc (&o, 2 * t->h, 2 * t->w, np, error))
    return FALSE;
  if (mode == NTKMC_UP_NEAREST)
    {
      up_nearest (n_threads, t, &o);
      tab_clear (t);
      *t = o;
      return TRUE;
    }
#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (di = 0; di < (long) (o.h * o.w); di++)
    {
      size_t dr = (size_t) di / o.w, dc = (size_t) di % o.w, fr, fc;
      double *dst = o.d + (size_t) di * np * np;

      for (fr = 0; fr < np; fr++)
        {
          size_t rph[4], rdi[4];
          double rw[4];
          int nr = up_terms (mode, fr, dr, t->h, pp, rph, rdi, rw), i, j;

          for (fc = 0; fc < np; fc++)
            {
              size_t cph[4], cdi[4];
              double cw[4], s = 0;
              int nc = up_terms (mode, fc, dc, t->w, pp, cph, cdi, cw);

              for (i = 0; i < nr; i++)
                for (j = 0; j < nc; j++)
                  s += rw[i] * cw[j]
                       * t->d[(rdi[i] * t->w + cdi[j]) * pp * pp
                              + rph[i] * pp + cph[j]];
              dst[fr * np + fc] = s;
            }
        }
    }
  tab_clear (t);
  *t = o;
  return TRUE;
}

static gboolean
resample (int n_threads, Tab *t, const NtkmcLayer *l, GError **error)
{
  if (t->d == NULL)
    return TRUE;
  if (l->kind == NTKMC_LAYER_DOWN)
    return down (n_threads, t, error);
  return up (n_threads, t, l->up, error);
}

/* Does every resampling between layer @i and the next convolution commute
 * with pointwise maps (nearest up, down)? */
static gboolean
pointwise_until_conv (const NtkmcArch *arch, guint i)
{
  for (; i < arch->layers->len; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      if (l->kind == NTKMC_LAYER_CONV)
        return TRUE;
      if (l->kind == NTKMC_LAYER_UP && l->up != NTKMC_UP_NEAREST)
        return FALSE;
    }
  return TRUE;
}

static gboolean
nearest_only (const NtkmcArch *arch)
{
  guint i;
  for (i = 0; i < arch->layers->len; i++)
    if (ntkmc_arch_layer (arch, i)->kind == NTKMC_LAYER_UP
        && ntkmc_arch_layer (arch, i)->up != NTKMC_UP_NEAREST)
      return FALSE;
  return TRUE;
}

/* The final Theta becomes the compact table (its buffer is taken over,
 * with one more row for the per-phase value outside the window). */
static void
store_compact (NtkmcCntk *k, Tab *th)
{
  size_t pp = th->period, p2 = pp * pp, nd = th->h * th->w, f, di;
  double *table = th->d, *outside = table + nd * p2;

  th->d = NULL;
  for (f = 0; f < p2; f++)
    outside[f] = INFINITY;
  /* outside the window a row takes its minimum (Appendix M) */
  for (di = 0; di < nd; di++)
    for (f = 0; f < p2; f++)
      outside[f] = MIN (outside[f], table[di * p2 + f]);
  k->form = NTKMC_CNTK_COMPACT;
  k->period = pp;
  k->bh = th->h;
  k->bw = th->w;
  k->table = table;
}

NtkmcCntk *
ntkmc_cntk_compute (NtkmcContext *ctx, const NtkmcArch *arch,
                    const NtkmcIidPrior *prior, size_t width, size_t height,
                    GError **error)
{
  return ntkmc_cntk_compute_stationary (ctx, arch, prior, width, height, TRUE,
                                        error);
}

NtkmcCntk *
ntkmc_cntk_compute_stationary (NtkmcContext *ctx, const NtkmcArch *arch,
                               const NtkmcIidPrior *prior, size_t width,
                               size_t height, gboolean compact_base,
                               GError **error)
{
  NtkmcIidPrior defaults;
  NtkmcCntk *k = NULL;
  Tab s = { 0 }, sd = { 0 }, th = { 0 };   /* S, Sdot, Theta (or U) */
  gboolean have_sd = FALSE, ok = TRUE;
  char *arch_text = NULL, *prior_text = NULL;
  unsigned levels;
  size_t bw, bh, full;
  guint i, n, n_conv = 0, conv_index = 0;
  int nt;

  g_return_val_if_fail (ctx != NULL && arch != NULL, NULL);
  if (prior == NULL)
    {
      ntkmc_iid_prior_init (&defaults);
      prior = &defaults;
    }
  if (!ntkmc_arch_validate (arch, error)
      || !ntkmc_arch_check_size (arch, width, height, error))
    return NULL;
  if (!ntkmc_arch_is_stationary (arch))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the reference bilinear upsampling (upb) is not circular "
                   "and breaks stationarity: compute this kernel with the "
                   "general path (small images), or use upbc");
      return NULL;
    }
  if (!isfinite (prior->c1) || !isfinite (prior->c2) || !(prior->c1 > 0)
      || fabs (prior->c2) > prior->c1)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the i.i.d. prior needs c1 > 0 and |c2| <= c1 (got %g, %g)",
                   prior->c1, prior->c2);
      return NULL;
    }
  ntkmc_context_enter (ctx);
  nt = ctx->n_threads;
  levels = ntkmc_arch_get_levels (arch);
  full = (size_t) 2 << levels;
  /* nearest-only nets: 2^(s+1) per side serves every larger size */
  bw = nearest_only (arch) && compact_base ? MIN (width, full) : width;
  bh = nearest_only (arch) && compact_base ? MIN (height, full) : height;

  n = arch->layers->len;
  for (i = 0; i < n; i++)
    n_conv += ntkmc_arch_layer (arch, i)->kind == NTKMC_LAYER_CONV;

  for (i = 0; i < n && ok; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      gboolean last;
      const NtkmcActivation *act;

      if (l->kind == NTKMC_LAYER_ACT)
        continue;
      if (l->kind != NTKMC_LAYER_CONV)
        {
          ok = resample (nt, &th, l, error) && resample (nt, &s, l, error)
               && (!have_sd || resample (nt, &sd, l, error));
          continue;
        }
      conv_index++;
      last = i + 1 == n;
      act = last ? NULL : &ntkmc_arch_layer (arch, i + 1)->act;
      ok = ntkmc_context_report (ctx, (double) (conv_index - 1) / n_conv,
                                 "computing the kernel", error);
      if (!ok)
        break;
      if (conv_index == 1)
        {
          /* Lambda = P[Sigma_0] = q^2 Sigma_0 (stationary); Theta = Lambda,
           * without 1/q^2 (reference-spec 3.3). */
          size_t di;
          ok = tab_alloc (&th, bh, bw, 1, error);
          if (!ok)
            break;
          for (di = 0; di < bh * bw; di++)
            th.d[di] = (di == 0 ? prior->c1 : prior->c2) * l->q * l->q;
          if (last)
            break;
          ok = tab_alloc (&s, bh, bw, 1, error) && tab_alloc (&sd, bh, bw, 1, error);
          if (!ok)
            break;
          memcpy (s.d, th.d, bh * bw * sizeof (double));
          dual_step (nt, &s, &sd, act, l->q);
          have_sd = TRUE;
        }
      else
        {
          /* Theta = P[S + Sdot Theta]; then Lambda = P[S], dual. */
          if (have_sd)
            {
              combine (nt, &th, &s, &sd);
              tab_clear (&sd);
              have_sd = FALSE;
            }
          patch_sum (nt, &th, l->q);
          if (last)
            break;
          patch_sum (nt, &s, l->q);
          ok = tab_alloc (&sd, s.h, s.w, s.period, error);
          if (!ok)
            break;
          dual_step (nt, &s, &sd, act, l->q);
          have_sd = TRUE;
        }
      /* Fuse U = S + Sdot Theta now when the resamplings up to the next
       * convolution commute with it: one table fewer to resample. */
      if (pointwise_until_conv (arch, i + 2))
        {
          combine (nt, &th, &s, &sd);
          tab_clear (&sd);
          have_sd = FALSE;
          /* the last convolution needs U only */
          {
            guint j = i + 2;
            while (j < n && ntkmc_arch_layer (arch, j)->kind != NTKMC_LAYER_CONV)
              j++;
            if (j + 1 == n)
              tab_clear (&s);
          }
        }
    }

  if (ok)
    {
      arch_text = ntkmc_arch_to_string (arch);
      prior_text = ntkmc_cntk_iid_prior_text (prior);
      k = ntkmc_cntk_new (arch_text, prior_text, levels);
      store_compact (k, &th);
      k->expand_w = nearest_only (arch) && bw == full;
      k->expand_h = nearest_only (arch) && bh == full;
      ok = ntkmc_context_report (ctx, 1.0, "kernel done", error);
      if (!ok)
        {
          ntkmc_cntk_free (k);
          k = NULL;
        }
    }
  tab_clear (&s);
  tab_clear (&sd);
  tab_clear (&th);
  g_free (arch_text);
  g_free (prior_text);
  return k;
}
