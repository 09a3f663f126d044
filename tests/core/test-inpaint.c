/* SPDX-License-Identifier: MIT */
/*
 * test-inpaint.c: image completion with the CNTK against a brute-force dense
 * solve, channels against per-channel solves, padding, errors, cancel.
 */
#include "test-util.h"

/* A smooth test image with @nc channels. */
static NtkmcImage *
make_image (size_t w, size_t h, unsigned nc)
{
  NtkmcImage *img = ntkmc_image_new (w, h, nc, 8);
  size_t r, c;
  unsigned ch;

  for (ch = 0; ch < nc; ch++)
    for (r = 0; r < h; r++)
      for (c = 0; c < w; c++)
        ntkmc_image_set_sample (img, r, c, ch,
                                0.5 + 0.4 * sin (0.3 * (double) r + ch)
                                      * cos (0.2 * (double) c - ch));
  return img;
}

/* A square hole. */
static guint8 *
make_hole (size_t w, size_t h, size_t r0, size_t c0, size_t side)
{
  guint8 *m = g_new0 (guint8, w * h);
  size_t r, c;
  for (r = r0; r < r0 + side && r < h; r++)
    for (c = c0; c < c0 + side && c < w; c++)
      m[r * w + c] = 1;
  return m;
}

static NtkmcCntk *
kernel (NtkmcContext *ctx, const char *spec, size_t w, size_t h)
{
  g_autoptr (NtkmcArch) a = ntkmc_arch_parse (spec, NULL);
  NtkmcCntk *k = ntkmc_cntk_compute (ctx, a, NULL, w, h, NULL);
  g_assert_nonnull (k);
  return k;
}

/* The full solve (radius -1) equals kernel regression solved densely here,
 * channel by channel, with the same relative ridge. */
static void
test_brute_force (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  size_t w = 16, h = 8, n = w * h, i, j, ns = 0, nu = 0;
  g_autoptr (NtkmcCntk) k = kernel (ctx, "conv3 lrelu down conv3 lrelu up conv3",
                                    w, h);
  g_autoptr (NtkmcImage) img = make_image (w, h, 3);
  g_autoptr (NtkmcImage) out = NULL;
  guint8 *miss = make_hole (w, h, 2, 5, 4);
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep;
  GError *error = NULL;
  size_t s_idx[128], u_idx[128];
  double *ks, tr = 0;
  unsigned ch;

  ntkmc_inpaint_options_init (&opt);
  opt.radius = -1;
  opt.ridge = 1e-3;
  out = ntkmc_inpaint (ctx, k, &opt, img, miss, &rep, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  for (i = 0; i < n; i++)
    {
      if (miss[i])
        u_idx[nu++] = i;
      else
        s_idx[ns++] = i;
    }
  g_assert_cmpuint (rep.n_context, ==, ns);
  g_assert_cmpuint (rep.n_missing, ==, nu);
  ks = g_new (double, ns * ns);
  for (i = 0; i < ns; i++)
    tr += ntkmc_cntk_entry (k, w, h, s_idx[i] / w, s_idx[i] % w, s_idx[i] / w,
                            s_idx[i] % w);
  for (ch = 0; ch < 3; ch++)
    {
      double v[128];
      for (i = 0; i < ns; i++)
        {
          v[i] = ntkmc_image_get_sample (img, s_idx[i] / w, s_idx[i] % w, ch);
          for (j = 0; j < ns; j++)
            ks[i + j * ns] = ntkmc_cntk_entry (k, w, h, s_idx[i] / w,
                                               s_idx[i] % w, s_idx[j] / w,
                                               s_idx[j] % w)
                             + (i == j ? 1e-3 * tr / (double) ns : 0);
        }
      test_dense_solve (ns, ks, v);
      for (i = 0; i < nu; i++)
        {
          double pred = 0;
          for (j = 0; j < ns; j++)
            pred += ntkmc_cntk_entry (k, w, h, u_idx[i] / w, u_idx[i] % w,
                                      s_idx[j] / w, s_idx[j] % w) * v[j];
          g_assert_cmpfloat_with_epsilon (
              ntkmc_image_get_sample (out, u_idx[i] / w, u_idx[i] % w, ch),
              pred, 1e-9);
        }
      /* observed pixels are untouched, bit for bit */
      for (i = 0; i < ns; i++)
        g_assert_cmpuint (ntkmc_image_get_sample_uint (out, s_idx[i] / w,
                                                       s_idx[i] % w, ch), ==,
                          ntkmc_image_get_sample_uint (img, s_idx[i] / w,
                                                       s_idx[i] % w, ch));
    }
  g_free (ks);
  g_free (miss);
}

/* Channels solved together equal each channel solved alone; a local
 * context (radius) gives nearly the full solve on a small hole. */
static void
test_channels_and_radius (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  size_t w = 32, h = 32, r, c;
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", w, h);
  g_autoptr (NtkmcImage) rgb = make_image (w, h, 3);
  g_autoptr (NtkmcImage) out = NULL;
  g_autoptr (NtkmcImage) local = NULL;
  guint8 *miss = make_hole (w, h, 10, 12, 5);
  NtkmcInpaintOptions opt;
  unsigned ch;

  ntkmc_inpaint_options_init (&opt);
  opt.radius = -1;
  out = ntkmc_inpaint (ctx, k, &opt, rgb, miss, NULL, NULL);
  g_assert_nonnull (out);
  for (ch = 0; ch < 3; ch++)
    {
      g_autoptr (NtkmcImage) grey = ntkmc_image_new (w, h, 1, 8);
      g_autoptr (NtkmcImage) gout = NULL;
      for (r = 0; r < h; r++)
        for (c = 0; c < w; c++)
          ntkmc_image_set_sample (grey, r, c, 0,
                                  ntkmc_image_get_sample (rgb, r, c, ch));
      gout = ntkmc_inpaint (ctx, k, &opt, grey, miss, NULL, NULL);
      g_assert_nonnull (gout);
      for (r = 0; r < h; r++)
        for (c = 0; c < w; c++)
          g_assert_cmpfloat_with_epsilon (ntkmc_image_get_sample (gout, r, c, 0),
                                          ntkmc_image_get_sample (out, r, c, ch),
                                          1e-10);
    }
  opt.radius = 8;
  local = ntkmc_inpaint (ctx, k, &opt, rgb, miss, NULL, NULL);
  g_assert_nonnull (local);
  {
    /* the local solve stays close to the full one, and about as close to
     * the truth */
    double diff = 0, err_full = 0, err_local = 0;
    for (r = 10; r < 15; r++)
      for (c = 12; c < 17; c++)
        for (ch = 0; ch < 3; ch++)
          {
            double t = ntkmc_image_get_sample (rgb, r, c, ch);
            double f = ntkmc_image_get_sample (out, r, c, ch);
            double l = ntkmc_image_get_sample (local, r, c, ch);
            diff += fabs (l - f);
            err_full += (f - t) * (f - t);
            err_local += (l - t) * (l - t);
          }
    g_assert_cmpfloat (diff / 75, <, 0.03);
    g_assert_cmpfloat (err_local, <, 2 * err_full);
  }
  g_free (miss);
}

/* Sizes the kernel does not serve are padded and cropped back. */
static void
test_padding (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", 24, 16);
  g_autoptr (NtkmcImage) img = make_image (21, 13, 1);
  g_autoptr (NtkmcImage) out = NULL;
  guint8 *miss = make_hole (21, 13, 4, 15, 4);   /* near the right edge */
  NtkmcInpaintReport rep;
  GError *error = NULL;
  size_t r, c;

  out = ntkmc_inpaint (ctx, k, NULL, img, miss, &rep, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ntkmc_image_get_width (out), ==, 21);
  g_assert_cmpuint (ntkmc_image_get_height (out), ==, 13);
  g_assert_cmpuint (rep.padded_width, ==, 24);
  g_assert_cmpuint (rep.padded_height, ==, 16);
  for (r = 0; r < 13; r++)
    for (c = 0; c < 21; c++)
      {
        double v = ntkmc_image_get_sample (out, r, c, 0);
        g_assert_true (isfinite (v));
        if (miss[r * 21 + c])   /* a smooth image: predictions are close */
          g_assert_cmpfloat (fabs (v - ntkmc_image_get_sample (img, r, c, 0)),
                             <, 0.25);
      }
  g_free (miss);
}

static gboolean
cancel_when_predicting (double f, const char *message, gpointer data)
{
  (void) f;
  (void) data;
  return !(message && strcmp (message, "predicting") == 0);
}

static void
test_errors (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", 16, 16);
  g_autoptr (NtkmcImage) img = make_image (16, 16, 1);
  guint8 none[256] = { 0 }, all[256];
  guint8 *hole = make_hole (16, 16, 3, 3, 4);
  NtkmcInpaintOptions opt;
  GError *error = NULL;

  memset (all, 1, sizeof all);
  g_assert_null (ntkmc_inpaint (ctx, k, NULL, img, none, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no pixel"));
  g_clear_error (&error);
  g_assert_null (ntkmc_inpaint (ctx, k, NULL, img, all, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "every pixel"));
  g_clear_error (&error);
  ntkmc_inpaint_options_init (&opt);
  opt.ridge = -1;
  g_assert_null (ntkmc_inpaint (ctx, k, &opt, img, hole, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  ntkmc_inpaint_options_init (&opt);
  opt.iterative_ridge = -1;
  opt.solver = NTKMC_SOLVER_CG;
  g_assert_null (ntkmc_inpaint (ctx, k, &opt, img, hole, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  {
    /* a kernel computed for 8 x 8 only (full form) cannot serve 16 x 16 */
    g_autoptr (NtkmcArch) a = ntkmc_arch_parse ("notebook", NULL);
    g_autoptr (NtkmcCntk) small = ntkmc_cntk_compute_general (ctx, a, NULL, 0,
                                                              NULL, 8, 8, NULL);
    g_assert_null (ntkmc_inpaint (ctx, small, NULL, img, hole, NULL, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
    g_clear_error (&error);
  }
  ntkmc_context_set_progress (ctx, cancel_when_predicting, NULL);
  g_assert_null (ntkmc_inpaint (ctx, k, NULL, img, hole, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED);
  g_clear_error (&error);
  g_free (hole);
}

/* The iterative solvers against the direct full solve: conjugate gradients
 * to its tolerance, EigenPro run to a tolerance too; both report what they
 * did; every channel of a 3-channel image, on a kernel with a constant
 * outside its window (expanded to 40 x 24) and on a scattered mask. */
static void
check_iterative (NtkmcContext *ctx, const NtkmcCntk *k, const NtkmcImage *img,
                 const guint8 *miss)
{
  size_t w = ntkmc_image_get_width (img), h = ntkmc_image_get_height (img);
  unsigned nc = ntkmc_image_get_n_channels (img), ch;
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep;
  GError *error = NULL;
  NtkmcImage *ref, *it;
  NtkmcSolver solvers[] = { NTKMC_SOLVER_CG, NTKMC_SOLVER_EIGENPRO };
  double tols[] = { 1e-9, 1e-4 };
  guint s;
  size_t r, c;

  ntkmc_inpaint_options_init (&opt);
  opt.radius = -1;
  opt.ridge = opt.iterative_ridge = 1e-2;   /* EigenPro's iterations grow
                                             with the condition */
  ref = ntkmc_inpaint (ctx, k, &opt, img, miss, &rep, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rep.solver, ==, NTKMC_SOLVER_DIRECT);
  for (s = 0; s < G_N_ELEMENTS (solvers); s++)
    {
      double worst = 0;

      opt.solver = solvers[s];
      opt.tol = tols[s];
      opt.max_iters = 20000;
      it = ntkmc_inpaint (ctx, k, &opt, img, miss, &rep, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rep.solver, ==, solvers[s]);
      g_assert_cmpuint (rep.iters, >, 0);
      g_assert_cmpuint (rep.iters, <, 20000);
      g_assert_cmpfloat (rep.residual, <=, tols[s]);
      g_test_message ("solver %d: %zu iterations", (int) solvers[s], rep.iters);
      for (ch = 0; ch < nc; ch++)
        for (r = 0; r < h; r++)
          for (c = 0; c < w; c++)
            {
              double a = ntkmc_image_get_sample (it, r, c, ch);
              double b = ntkmc_image_get_sample (ref, r, c, ch);
              if (!miss[r * w + c])
                g_assert_cmpfloat (a, ==, b);   /* observed: copied */
              worst = MAX (worst, fabs (a - b));
            }
      g_assert_cmpfloat (worst, <, s == 0 ? 1e-6 : 1e-2);
      ntkmc_image_free (it);

      /* an iteration cap is honoured and reported */
      opt.max_iters = 3;
      opt.tol = 1e-15;
      it = ntkmc_inpaint (ctx, k, &opt, img, miss, &rep, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rep.iters, ==, 3);
      g_assert_cmpfloat (rep.residual, >, 1e-15);
      ntkmc_image_free (it);
    }
  ntkmc_image_free (ref);
}

static void
test_iterative (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", 16, 16);
  g_autoptr (NtkmcImage) img = make_image (40, 24, 3);
  guint8 *hole = make_hole (40, 24, 6, 9, 7);
  guint8 *scattered = g_new0 (guint8, 40 * 24);
  GRand *rng = g_rand_new_with_seed (3);
  size_t i;

  /* Under valgrind, the iterative paths run in the defaults and cancel
   * tests; these eight solves to tight tolerances, each with its own
   * preconditioner eigendecomposition, would take ten minutes there. */
  if (g_getenv ("NTKMC_TEST_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("covered by the other iterative tests under valgrind");
      g_rand_free (rng);
      g_free (scattered);
      g_free (hole);
      return;
    }
  check_iterative (ctx, k, img, hole);
  for (i = 0; i < 40 * 24; i++)
    scattered[i] = g_rand_double (rng) < 0.5;
  check_iterative (ctx, k, img, scattered);
  g_rand_free (rng);
  g_free (scattered);
  g_free (hole);
}

/* The iterative defaults (ridge, tolerance, cap) converge on a small
 * synthetic image: each solver stops on its tolerance within its cap,
 * reports a residual within it, uses the iterative ridge and lands near the
 * dense direct full solve at that ridge. */
static void
test_iterative_defaults (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", 16, 16);
  g_autoptr (NtkmcImage) img = make_image (40, 24, 3);
  guint8 *hole = make_hole (40, 24, 6, 9, 7);
  NtkmcSolver solvers[] = { NTKMC_SOLVER_CG, NTKMC_SOLVER_EIGENPRO };
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep, ref_rep;
  GError *error = NULL;
  NtkmcImage *ref, *it;
  guint s;

  ntkmc_inpaint_options_init (&opt);
  g_assert_cmpfloat (opt.iterative_ridge, >, 0);
  g_assert_cmpuint (opt.max_iters, ==, 0);   /* automatic */
  g_assert_cmpfloat (opt.tol, ==, 0);
  opt.radius = -1;
  opt.ridge = opt.iterative_ridge;
  ref = ntkmc_inpaint (ctx, k, &opt, img, hole, &ref_rep, &error);
  g_assert_no_error (error);
  ntkmc_inpaint_options_init (&opt);
  for (s = 0; s < G_N_ELEMENTS (solvers); s++)
    {
      double worst = 0;
      size_t i;
      unsigned ch;

      opt.solver = solvers[s];
      it = ntkmc_inpaint (ctx, k, &opt, img, hole, &rep, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (fabs (rep.lambda - ref_rep.lambda), <=,
                         1e-12 * ref_rep.lambda);
      g_assert_cmpuint (rep.iters, >, 0);
      g_assert_cmpfloat (rep.residual, >, 0);
      g_assert_cmpfloat (rep.residual, <=, 1e-2);
      g_test_message ("solver %d: %zu iterations, residual %.2e",
                      (int) solvers[s], rep.iters, rep.residual);
      /* stopped on the tolerance, before the automatic cap (100) */
      g_assert_cmpuint (rep.iters, <, 100);
      for (ch = 0; ch < 3; ch++)
        for (i = 0; i < 40 * 24; i++)
          if (hole[i])
            worst = MAX (worst,
                         fabs (ntkmc_image_get_sample (it, i / 40, i % 40, ch)
                               - ntkmc_image_get_sample (ref, i / 40, i % 40,
                                                         ch)));
      g_test_message ("solver %d: largest difference %.2e", (int) solvers[s],
                      worst);
      g_assert_cmpfloat (worst, <, 2e-2);
      ntkmc_image_free (it);
    }
  ntkmc_image_free (ref);
  g_free (hole);
}

/* EigenPro's step comes from a 1000-pixel subsample's spectrum; on a large
 * image with a nearly local kernel (recon2, half the pixels missing) it is
 * too long for some directions, and the residual then grows slowly (with
 * the step kept: 1.4 after 40 iterations here).  The solver must notice,
 * shorten the step and return its best iterate: a residual below the
 * starting one, and no worse than any it reported on the way. */
static gboolean
track_residual (double f, const char *message, gpointer data)
{
  double *lowest = data, r;
  const char *at;

  (void) f;
  if (message != NULL && (at = strstr (message, "residual ")) != NULL
      && sscanf (at, "residual %lf", &r) == 1)
    *lowest = MIN (*lowest, r);
  return TRUE;
}

static void
test_eigenpro_step (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  size_t w = 512, h = 512, r, c;
  g_autoptr (NtkmcCntk) k = kernel (ctx, "recon2", 8, 8);
  g_autoptr (NtkmcImage) img = ntkmc_image_new (w, h, 1, 8);
  g_autoptr (NtkmcImage) out = NULL;
  guint8 *miss = g_new (guint8, w * h);
  GRand *rng = g_rand_new_with_seed (7);
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep;
  GError *error = NULL;
  double lowest = INFINITY;

  if (g_getenv ("NTKMC_TEST_UNDER_VALGRIND") != NULL)
    {
      /* a 512 x 512 solve; the paths are those of /inpaint/iterative */
      g_test_skip ("covered by the other iterative tests under valgrind");
      g_free (miss);
      g_rand_free (rng);
      return;
    }
  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      {
        double x = (double) c / (double) w, y = (double) r / (double) h;
        double v = 0.5 + 0.3 * sin (6 * x + 3 * y)
                   + 0.1 * sin (40 * x) * cos (35 * y)
                   + 0.03 * (g_rand_double (rng) - 0.5);
        ntkmc_image_set_sample (img, r, c, 0, CLAMP (v, 0.0, 1.0));
        miss[r * w + c] = g_rand_double (rng) < 0.5;
      }
  g_rand_free (rng);
  ntkmc_inpaint_options_init (&opt);
  opt.solver = NTKMC_SOLVER_EIGENPRO;
  opt.max_iters = 40;
  ntkmc_context_set_progress (ctx, track_residual, &lowest);
  out = ntkmc_inpaint (ctx, k, &opt, img, miss, &rep, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_test_message ("EigenPro: %zu iterations, residual %.3e (lowest seen "
                  "%.3e)", rep.iters, rep.residual, lowest);
  g_assert_cmpuint (rep.iters, ==, 40);
  g_assert_cmpfloat (rep.residual, <, 0.5);
  /* the messages print 3 digits */
  g_assert_cmpfloat (rep.residual, <=, lowest * 1.005);
  g_free (miss);
}

static gboolean
cancel_at_iteration_5 (double f, const char *message, gpointer data)
{
  (void) f;
  (void) data;
  return !(message && strstr (message, "iteration 5,") != NULL);
}

/* Cancelling an iterative solve stops it there: an error, no image. */
static void
test_iterative_cancel (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", 16, 16);
  g_autoptr (NtkmcImage) img = make_image (48, 32, 1);
  guint8 *hole = make_hole (48, 32, 4, 4, 9);
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep;
  GError *error = NULL;
  NtkmcSolver solvers[] = { NTKMC_SOLVER_CG, NTKMC_SOLVER_EIGENPRO };
  guint s;

  ntkmc_context_set_progress (ctx, cancel_at_iteration_5, NULL);
  ntkmc_inpaint_options_init (&opt);
  opt.tol = 1e-15;
  opt.max_iters = 1000;
  for (s = 0; s < G_N_ELEMENTS (solvers); s++)
    {
      opt.solver = solvers[s];
      g_assert_null (ntkmc_inpaint (ctx, k, &opt, img, hole, &rep, &error));
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_cmpuint (rep.iters, ==, 5);
    }
  g_free (hole);
}

/* The automatic network follows the holes' depth. */
static void
test_choose_arch (void)
{
  size_t w = 96, h = 80, depth = 0, i;
  guint8 *m = make_hole (w, h, 10, 10, 1);
  GRand *rng = g_rand_new_with_seed (5);

  g_assert_cmpstr (ntkmc_inpaint_choose_arch (m, w, h, &depth), ==, "recon6");
  g_assert_cmpuint (depth, ==, 1);
  g_free (m);
  m = make_hole (w, h, 10, 10, 21);   /* 21 wide: 11 deep */
  g_assert_cmpstr (ntkmc_inpaint_choose_arch (m, w, h, &depth), ==,
                   "notebook");
  g_assert_cmpuint (depth, ==, 11);
  g_free (m);
  m = make_hole (w, h, 5, 5, 60);     /* 30 deep */
  g_assert_cmpstr (ntkmc_inpaint_choose_arch (m, w, h, &depth), ==,
                   "large-hole");
  g_assert_cmpuint (depth, ==, 30);
  g_free (m);
  m = make_hole (w, h, 0, 0, 0);      /* scattered: half the pixels */
  for (i = 0; i < w * h; i++)
    m[i] = g_rand_double (rng) < 0.5;
  g_assert_cmpstr (ntkmc_inpaint_choose_arch (m, w, h, &depth), ==, "recon6");
  g_assert_cmpuint (depth, <=, 3);
  g_free (m);
  g_rand_free (rng);
}

/* Holes whose contexts do not touch are solved apart: two holes give two
 * groups, and each is filled exactly as when it is the only hole. */
static void
test_groups (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcCntk) k = kernel (ctx, "notebook", 16, 16);
  g_autoptr (NtkmcImage) img = make_image (64, 48, 2);
  guint8 *a = make_hole (64, 48, 5, 5, 6), *b = make_hole (64, 48, 30, 40, 5);
  guint8 *both = g_new (guint8, 64 * 48);
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep;
  GError *error = NULL;
  NtkmcImage *oa, *ob, *oboth;
  size_t i;
  unsigned ch;

  for (i = 0; i < 64 * 48; i++)
    both[i] = a[i] | b[i];
  ntkmc_inpaint_options_init (&opt);
  opt.radius = 3;
  oboth = ntkmc_inpaint (ctx, k, &opt, img, both, &rep, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rep.n_groups, ==, 2);
  oa = ntkmc_inpaint (ctx, k, &opt, img, a, &rep, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rep.n_groups, ==, 1);
  ob = ntkmc_inpaint (ctx, k, &opt, img, b, NULL, &error);
  g_assert_no_error (error);
  for (ch = 0; ch < 2; ch++)
    for (i = 0; i < 64 * 48; i++)
      {
        double want = a[i] ? ntkmc_image_get_sample (oa, i / 64, i % 64, ch)
                           : ntkmc_image_get_sample (ob, i / 64, i % 64, ch);
        g_assert_cmpfloat_with_epsilon (
            ntkmc_image_get_sample (oboth, i / 64, i % 64, ch), want, 1e-12);
      }
  ntkmc_image_free (oboth);
  ntkmc_image_free (oa);
  ntkmc_image_free (ob);
  g_free (both);
  g_free (b);
  g_free (a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inpaint/brute-force", test_brute_force);
  g_test_add_func ("/inpaint/channels-and-radius", test_channels_and_radius);
  g_test_add_func ("/inpaint/padding", test_padding);
  g_test_add_func ("/inpaint/errors", test_errors);
  g_test_add_func ("/inpaint/groups", test_groups);
  g_test_add_func ("/inpaint/iterative", test_iterative);
  g_test_add_func ("/inpaint/iterative-defaults", test_iterative_defaults);
  g_test_add_func ("/inpaint/iterative-cancel", test_iterative_cancel);
  g_test_add_func ("/inpaint/eigenpro-step", test_eigenpro_step);
  g_test_add_func ("/inpaint/choose-arch", test_choose_arch);
  return g_test_run ();
}
