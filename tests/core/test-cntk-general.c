/* SPDX-License-Identifier: MIT */
/*
 * test-cntk-general.c: the general CNTK path (full N x N tensors) and the
 * paper's kernel expansion.
 */
#include "test-util.h"

#include "cntk/cntk-private.h"

/* ------------------------------------------------ naive reference */

/*
 * An independent re-implementation of reference-spec.md 3.2-3.4 written
 * straight from the formulas: 4-index tensors T[r][c][r'][c'], the patch sum
 * as a q^2 loop, the dual activations in the reference's arccos form, every
 * resampling as a dense sum over all source pairs with its weight function.
 * It parses the architecture text itself.
 */
typedef struct {
  size_t w, h;
  double *v;   /* v[((r h' ...)]: see AT() */
} Ten;

#define AT(t, r, c, r2, c2) \
  ((t)->v[(((r) * (t)->w + (c)) * (t)->h + (r2)) * (t)->w + (c2)])

static Ten
ten_new (size_t w, size_t h)
{
  Ten t = { w, h, g_new0 (double, w * h * w * h) };
  return t;
}

static void
ten_set (Ten *t, Ten src)
{
  g_free (t->v);
  *t = src;
}

static size_t
wrap (long x, size_t size)
{
  long m = x % (long) size;
  return (size_t) (m < 0 ? m + (long) size : m);
}

static Ten
naive_patch (const Ten *t, unsigned q)
{
  Ten o = ten_new (t->w, t->h);
  long lo = -((long) q - 1) / 2, hi = ((long) q - 1) / 2, dr, dc;
  size_t r, c, r2, c2;

  for (r = 0; r < t->h; r++)
    for (c = 0; c < t->w; c++)
      for (r2 = 0; r2 < t->h; r2++)
        for (c2 = 0; c2 < t->w; c2++)
          {
            double acc = 0;
            for (dr = lo; dr <= hi; dr++)
              for (dc = lo; dc <= hi; dc++)
                acc += AT (t, wrap ((long) r + dr, t->h),
                           wrap ((long) c + dc, t->w),
                           wrap ((long) r2 + dr, t->h),
                           wrap ((long) c2 + dc, t->w));
            AT (&o, r, c, r2, c2) = acc;
          }
  return o;
}

/* The reference's kap_1 / kap_0 with negative slope b (b = 0: ReLU). */
static double
naive_kap1 (double b, double x)
{
  double a = 2 * b / (G_PI * (1 + b * b));
  x = MIN (1.0, MAX (-1.0, x));
  return (x * (G_PI - acos (x)) + sqrt (1 - x * x)) / G_PI
         + a * (x * acos (x) - sqrt (1 - x * x));
}

static double
naive_kap0 (double b, double x)
{
  double a = 2 * b / (G_PI * (1 + b * b));
  x = MIN (1.0, MAX (-1.0, x));
  return (G_PI - acos (x)) / G_PI + a * acos (x);
}

/* S, Sdot from Lambda; on the first layer also zero Theta (= Lambda). */
static void
naive_dual (const Ten *lam, unsigned q, double b, Ten *s, Ten *sd, Ten *theta)
{
  size_t r, c, r2, c2;
  *s = ten_new (lam->w, lam->h);
  *sd = ten_new (lam->w, lam->h);
  for (r = 0; r < lam->h; r++)
    for (c = 0; c < lam->w; c++)
      for (r2 = 0; r2 < lam->h; r2++)
        for (c2 = 0; c2 < lam->w; c2++)
          {
            double n1 = AT (lam, r, c, r, c), n2 = AT (lam, r2, c2, r2, c2);
            double xi;
            if (n1 == 0 || n2 == 0)
              {
                if (theta)
                  AT (theta, r, c, r2, c2) = 0;
                continue;
              }
            xi = AT (lam, r, c, r2, c2) / sqrt (n1 * n2);
            AT (s, r, c, r2, c2) = sqrt (n1 * n2) * naive_kap1 (b, xi) / (q * q);
            AT (sd, r, c, r2, c2) = naive_kap0 (b, xi) / (q * q);
          }
}

/* Weight of source coordinate u for output coordinate o along an axis of
 * input size d. */
static double
axis_weight (const char *mode, size_t d, size_t o, size_t u)
{
  if (strcmp (mode, "down") == 0)
    return u == 2 * o;
  if (strcmp (mode, "up") == 0)
    return u == o / 2;
  if (strcmp (mode, "upb") == 0)
    {
      double alpha = (double) (d - 1) / (double) (2 * d - 1);
      double x = (double) o * alpha;
      size_t s = MIN ((size_t) floor (x), d - 2);
      double t = x - (double) s;
      return (u == s) * (1 - t) + (u == s + 1) * t;
    }
  /* upbc */
  return 0.75 * (u == o / 2)
         + 0.25 * (u == wrap ((long) (o / 2) - 1 + 2 * (long) (o % 2), d));
}

static Ten
naive_resample (const Ten *t, const char *mode)
{
  gboolean down = strcmp (mode, "down") == 0;
  size_t w = down ? t->w / 2 : 2 * t->w, h = down ? t->h / 2 : 2 * t->h;
  Ten o = ten_new (w, h);
  size_t r, c, r2, c2, u1, v1, u2, v2;

  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      for (r2 = 0; r2 < h; r2++)
        for (c2 = 0; c2 < w; c2++)
          {
            double acc = 0;
            for (u1 = 0; u1 < t->h; u1++)
              for (v1 = 0; v1 < t->w; v1++)
                for (u2 = 0; u2 < t->h; u2++)
                  for (v2 = 0; v2 < t->w; v2++)
                    {
                      double wt = axis_weight (mode, t->h, r, u1)
                                  * axis_weight (mode, t->w, c, v1)
                                  * axis_weight (mode, t->h, r2, u2)
                                  * axis_weight (mode, t->w, c2, v2);
                      if (wt != 0)
                        acc += wt * AT (t, u1, v1, u2, v2);
                    }
            AT (&o, r, c, r2, c2) = acc;
          }
  return o;
}

static double
slope_of (const char *tok)
{
  if (strcmp (tok, "relu") == 0)
    return 0;
  if (strcmp (tok, "lrelu") == 0)
    return 0.01;
  g_assert_true (g_str_has_prefix (tok, "lrelu:"));
  return g_ascii_strtod (tok + 6, NULL);
}

/* The kernel of @arch_text at w x h; @z: channels x N column-major or NULL
 * for the default i.i.d. prior.  Returns N x N, [i + j N]. */
static double *
naive_cntk (const char *arch_text, const double *z, size_t channels,
            size_t w, size_t h)
{
  char **tok = g_strsplit (arch_text, " ", -1);
  guint n = g_strv_length (tok), i;
  Ten sig = ten_new (w, h), s = { 0 }, sd = { 0 }, th = { 0 };
  size_t np = w * h, p, p2, ch;
  double *out;

  for (p = 0; p < np; p++)
    for (p2 = 0; p2 < np; p2++)
      {
        double v = 0;
        if (z == NULL)
          v = p == p2 ? 1.0 / 300 : 1.0 / 400;
        else
          for (ch = 0; ch < channels; ch++)
            v += z[ch + p * channels] * z[ch + p2 * channels];
        AT (&sig, p / w, p % w, p2 / w, p2 % w) = v;
      }

  for (i = 0; i < n; i++)
    {
      gboolean last = i + 1 == n;
      if (g_str_has_prefix (tok[i], "conv"))
        {
          unsigned q = (unsigned) atoi (tok[i] + 4);
          if (i == 0)
            {
              Ten lam = naive_patch (&sig, q);
              if (!last)
                naive_dual (&lam, q, slope_of (tok[i + 1]), &s, &sd, &lam);
              th = lam;
            }
          else
            {
              Ten u = ten_new (th.w, th.h);
              size_t e;
              for (e = 0; e < th.w * th.h * th.w * th.h; e++)
                u.v[e] = s.v[e] + sd.v[e] * th.v[e];
              ten_set (&th, naive_patch (&u, q));
              g_free (u.v);
              if (!last)
                {
                  Ten lam = naive_patch (&s, q);
                  g_free (s.v);
                  g_free (sd.v);
                  naive_dual (&lam, q, slope_of (tok[i + 1]), &s, &sd, NULL);
                  g_free (lam.v);
                }
            }
        }
      else if (strcmp (tok[i], "down") == 0 || g_str_has_prefix (tok[i], "up"))
        {
          ten_set (&s, naive_resample (&s, tok[i]));
          ten_set (&sd, naive_resample (&sd, tok[i]));
          ten_set (&th, naive_resample (&th, tok[i]));
        }
    }
  out = g_new (double, np * np);
  for (p = 0; p < np; p++)
    for (p2 = 0; p2 < np; p2++)
      out[p + p2 * np] = AT (&th, p / w, p % w, p2 / w, p2 % w);
  g_free (sig.v);
  g_free (s.v);
  g_free (sd.v);
  g_free (th.v);
  g_strfreev (tok);
  return out;
}

/* ------------------------------------------------ helpers */

static NtkmcCntk *
general (int threads, const char *arch_text, const double *z, size_t channels,
         size_t w, size_t h)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (threads);
  g_autoptr (NtkmcArch) arch = NULL;
  GError *error = NULL;
  NtkmcCntk *k;

  arch = ntkmc_arch_parse (arch_text, &error);
  g_assert_no_error (error);
  k = ntkmc_cntk_compute_general (ctx, arch, z, channels, NULL, w, h, &error);
  g_assert_no_error (error);
  g_assert_nonnull (k);
  return k;
}

/* K(pixel i, pixel j) through the public accessor. */
static double
kij (const NtkmcCntk *k, size_t w, size_t h, size_t i, size_t j)
{
  return ntkmc_cntk_entry (k, w, h, i / w, i % w, j / w, j % w);
}

/* max |A - B| / max |B| over all entries of two w x h kernels. */
static double
rel_diff (const NtkmcCntk *a, const NtkmcCntk *b, size_t w, size_t h)
{
  size_t n = w * h, i, j;
  double d = 0, m = 0;
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      {
        double x = kij (a, w, h, i, j), y = kij (b, w, h, i, j);
        d = MAX (d, fabs (x - y));
        m = MAX (m, fabs (y));
      }
  return d / m;
}

static void
assert_symmetric (const NtkmcCntk *k, size_t w, size_t h)
{
  size_t n = w * h, i, j;
  for (i = 0; i < n; i++)
    for (j = 0; j < i; j++)
      g_assert_cmpfloat (kij (k, w, h, i, j), ==, kij (k, w, h, j, i));
}

/* ------------------------------------------------ (a) against the naive code */

static void
check_naive (const char *arch_text, const double *z, size_t channels,
             size_t w, size_t h)
{
  size_t n = w * h, i, j;
  double *want = naive_cntk (arch_text, z, channels, w, h), d = 0, m = 0;
  NtkmcCntk *k = general (2, arch_text, z, channels, w, h);

  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      {
        d = MAX (d, fabs (kij (k, w, h, i, j) - want[i + j * n]));
        m = MAX (m, fabs (want[i + j * n]));
      }
  g_test_message ("%s at %zu x %zu (%s prior): max |diff| %.3g, max |K| %.3g",
                  arch_text, w, h, z ? "given" : "iid", d, m);
  g_assert_cmpfloat (m, >, 0);
  g_assert_cmpfloat (d, <=, 1e-12 * m);
  assert_symmetric (k, w, h);
  ntkmc_cntk_free (k);
  g_free (want);
}

static const char *const small_nets[] = {
  "conv3",
  "conv3 relu conv3",
  "conv5 lrelu conv3 relu conv1",
  "conv3 lrelu down conv3 lrelu up conv3",
  "conv3 relu down conv3 relu upb conv3",
  "conv3 lrelu:0.2 down conv3 relu upbc conv3",
  "conv3 relu down conv3 lrelu down conv3 relu up conv3 relu upbc conv3",
};

static void
test_naive_iid (void)
{
  guint i;
  for (i = 0; i < G_N_ELEMENTS (small_nets); i++)
    {
      check_naive (small_nets[i], NULL, 0, 4, 4);
      /* rectangular: rows and columns must not be swapped anywhere */
      check_naive (small_nets[i], NULL, 0, 8, 4);
    }
}

static void
test_naive_given (void)
{
  GRand *rng = g_rand_new_with_seed (11);
  double *z = test_random_matrix (rng, 3, 32);
  double sparse[16] = { 0 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (small_nets); i++)
    {
      check_naive (small_nets[i], z, 3, 4, 4);
      check_naive (small_nets[i], z, 2, 4, 8);
    }
  /* one non-zero pixel: the 3 x 3 patch of pixel (1, 1) is all zero, so
   * n(p) = 0 there and the reference's zero rule applies */
  sparse[15] = 0.7;
  check_naive ("conv3 relu conv3", sparse, 1, 4, 4);
  check_naive ("conv3 relu down conv3 relu upb conv3", sparse, 1, 4, 4);
  g_free (z);
  g_rand_free (rng);
}

/* Static OpenMP partitions: any thread count gives the same bits. */
static void
test_threads_identical (void)
{
  const char *net = "conv3 lrelu down conv3 relu upb conv3";
  NtkmcCntk *a = general (1, net, NULL, 0, 8, 8);
  NtkmcCntk *b = general (3, net, NULL, 0, 8, 8);
  g_assert_cmpmem (a->full, 64 * 64 * sizeof (double), b->full,
                   64 * 64 * sizeof (double));
  ntkmc_cntk_free (a);
  ntkmc_cntk_free (b);
}

/* ------------------------------------------------ (b) Theorem 2 */

/* K(p, p') == K(p + t, p' + t) for every circular shift t that is a
 * multiple of @period per axis. */
static void
assert_cyclostationary (const NtkmcCntk *k, size_t w, size_t h, size_t period)
{
  size_t n = w * h, i, j;
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      {
        size_t r = i / w, c = i % w, r2 = j / w, c2 = j % w;
        size_t pr = r % period, pc = c % period;
        /* shift (r, c) to its phase representative (pr, pc) */
        size_t sr2 = (r2 + h - (r - pr)) % h, sc2 = (c2 + w - (c - pc)) % w;
        double want = ntkmc_cntk_entry (k, w, h, pr, pc, sr2, sc2);
        g_assert_cmpfloat (fabs (kij (k, w, h, i, j) - want), <=,
                           1e-14 * fabs (want));
      }
}

static void
test_stationary_plain (void)
{
  /* no resampling: depends only on the circular displacement, two-valued */
  const char *net = "conv3 relu conv5 lrelu conv3";
  size_t w = 6, h = 5, n = w * h, i, j;
  NtkmcCntk *k = general (2, net, NULL, 0, w, h);
  double on = kij (k, w, h, 0, 0), off = kij (k, w, h, 0, 1);

  assert_symmetric (k, w, h);
  assert_cyclostationary (k, w, h, 1);
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      g_assert_cmpfloat (fabs (kij (k, w, h, i, j) - (i == j ? on : off)), <=,
                         1e-14 * on);
  /* diagonal: S and Sdot q^2 keep c1 and 1 on the diagonal, so Theta_l =
   * q_l^2 (c1 + Theta_(l-1) / q_(l-1)^2) = l q_l^2 c1: 3 * 9 / 300 */
  g_assert_cmpfloat (fabs (on - 0.09), <=, 1e-14);
  g_assert_cmpfloat (off, <, on);
  ntkmc_cntk_free (k);
}

static void
check_diagonal (const char *net, size_t w, size_t h, double want)
{
  NtkmcCntk *k = general (2, net, NULL, 0, w, h);
  size_t i, s = k->levels;
  for (i = 0; i < w * h; i++)
    g_assert_cmpfloat (fabs (kij (k, w, h, i, i) - want), <=, 1e-14);
  assert_symmetric (k, w, h);
  assert_cyclostationary (k, w, h, (size_t) 1 << s);
  ntkmc_cntk_free (k);
}

static void
test_diagonal (void)
{
  /* L q^2 / 300 for ReLU/LeakyReLU and nearest resampling (L q_L^2 / 300
   * with q_L the last filter size when the sizes differ) */
  check_diagonal ("notebook", 16, 16, 0.21);
  check_diagonal ("notebook", 16, 8, 0.21);
  check_diagonal ("conv3 relu down conv3 relu up conv3", 8, 8, 0.09);
  check_diagonal ("conv5 lrelu down conv3 relu up conv5", 8, 4,
                  3 * 25.0 / 300);
}

/* ------------------------------------------------ (c) Z prior = iid */

static void
test_given_equals_iid (void)
{
  const char *const nets[] = { "notebook", "conv3 relu down conv3 relu upb conv3",
                               "conv5 lrelu down conv3 relu upbc conv3" };
  size_t w = 8, h = 8, n = w * h, ch = n + 1, i;
  double *z = g_new0 (double, ch * n);
  guint t;

  /* Z^T Z = (c1 - c2) I + c2 J */
  for (i = 0; i < n; i++)
    {
      z[i + i * ch] = sqrt (1.0 / 300 - 1.0 / 400);
      z[n + i * ch] = sqrt (1.0 / 400);
    }
  for (t = 0; t < G_N_ELEMENTS (nets); t++)
    {
      NtkmcCntk *a = general (2, nets[t], z, ch, w, h);
      NtkmcCntk *b = general (2, nets[t], NULL, 0, w, h);
      double d = rel_diff (a, b, w, h);
      g_test_message ("%s: given Z vs iid: rel. diff %.3g", nets[t], d);
      g_assert_cmpfloat (d, <=, 1e-12);
      g_assert_true (g_str_has_prefix (a->prior, "given:"));
      g_assert_cmpuint (strlen (a->prior), ==, 6 + 64);
      g_assert_true (g_str_has_prefix (b->prior, "iid:"));
      g_assert_cmpuint (a->levels, ==, b->levels);
      g_assert_cmpstr (a->arch, ==, b->arch);
      ntkmc_cntk_free (a);
      ntkmc_cntk_free (b);
    }
  g_free (z);
}

/* ------------------------------------------------ (d) expansion */

static char *
level_net (unsigned s, unsigned q, const char *act, const char *up)
{
  GString *g = g_string_new (NULL);
  unsigned l;
  for (l = 0; l < s; l++)
    g_string_append_printf (g, "conv%u %s down ", q, act);
  for (l = 0; l < s; l++)
    g_string_append_printf (g, "conv%u %s %s ", q, act, up);
  g_string_append_printf (g, "conv%u", q);
  return g_string_free (g, FALSE);
}

static double
expansion_error (const char *net, unsigned s, size_t w, size_t h)
{
  size_t d1 = (size_t) 2 << s;
  NtkmcCntk *base = general (2, net, NULL, 0, d1, d1);
  NtkmcCntk *direct = general (2, net, NULL, 0, w, h);
  GError *error = NULL;
  NtkmcCntk *big = ntkmc_cntk_expand (base, w, h, &error);
  double d;

  g_assert_no_error (error);
  g_assert_true (ntkmc_cntk_check_size (big, w, h, NULL));
  g_assert_cmpstr (big->arch, ==, base->arch);
  g_assert_cmpstr (big->prior, ==, base->prior);
  d = rel_diff (big, direct, w, h);
  g_test_message ("%s: %zu x %zu expanded to %zu x %zu: rel. error %.3g", net,
                  d1, d1, w, h, d);
  ntkmc_cntk_free (base);
  ntkmc_cntk_free (direct);
  ntkmc_cntk_free (big);
  return d;
}

static void
test_expand_nearest (void)
{
  const char *const acts[] = { "relu", "lrelu" };
  unsigned s, q, a;

  for (s = 1; s <= 2; s++)
    for (q = 3; q <= 5; q += 2)
      for (a = 0; a < 2; a++)
        {
          char *net = level_net (s, q, acts[a], "up");
          size_t d1 = (size_t) 2 << s, p = (size_t) 1 << s;
          g_assert_cmpfloat (expansion_error (net, s, d1, d1), ==, 0);
          g_assert_cmpfloat (expansion_error (net, s, 2 * d1, 2 * d1), <=, 1e-10);
          g_assert_cmpfloat (expansion_error (net, s, 2 * d1, d1), <=, 1e-10);
          g_assert_cmpfloat (expansion_error (net, s, d1 + p, 2 * d1), <=, 1e-10);
          g_free (net);
        }
}

static void
test_expand_bilinear (void)
{
  /* the reference bilinear is not circular: the expansion is not exact */
  char *net = level_net (1, 3, "relu", "upb");
  double d = expansion_error (net, 1, 8, 8);
  g_test_message ("reference bilinear (upb): expansion rel. error %.3g", d);
  g_assert_cmpfloat (d, >, 1e-3);
  g_free (net);
  net = level_net (2, 3, "lrelu", "upb");
  d = expansion_error (net, 2, 16, 16);
  g_test_message ("reference bilinear (upb), s = 2: expansion rel. error %.3g",
                  d);
  g_assert_cmpfloat (d, >, 1e-3);
  g_free (net);
}

/* ------------------------------------------------ the fast path agrees */

static void
test_fast_path (void)
{
  const char *const nets[] = {
    "conv3 relu conv5 lrelu conv3",
    "conv3 lrelu down conv3 lrelu up conv3",
    "conv5 relu down conv3 lrelu:0.3 down conv3 relu up conv3 relu up conv3",
    "conv3 relu down conv3 relu upbc conv3",
    "recon2",
  };
  const size_t sizes[][2] = { { 8, 8 }, { 16, 8 }, { 12, 16 } };
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  guint t, z;

  for (t = 0; t < G_N_ELEMENTS (nets); t++)
    for (z = 0; z < G_N_ELEMENTS (sizes); z++)
      {
        size_t w = sizes[z][0], h = sizes[z][1];
        g_autoptr (NtkmcArch) arch = ntkmc_arch_parse (nets[t], NULL);
        GError *error = NULL;
        NtkmcCntk *fast, *slow;
        double d;

        if (!ntkmc_arch_check_size (arch, w, h, NULL))
          continue;
        fast = ntkmc_cntk_compute (ctx, arch, NULL, w, h, &error);
        g_assert_no_error (error);
        slow = general (2, nets[t], NULL, 0, w, h);
        d = rel_diff (fast, slow, w, h);
        g_test_message ("%s at %zu x %zu: fast vs general path rel. diff %.3g",
                        nets[t], w, h, d);
        g_assert_cmpfloat (d, <=, 1e-12);
        ntkmc_cntk_free (fast);
        ntkmc_cntk_free (slow);
      }
}

/* ------------------------------------------------ (e) errors */

static void
expect_error (const char *net, const NtkmcArch *arch_in, const double *z,
              size_t channels, const NtkmcIidPrior *iid, size_t w, size_t h,
              int code)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  g_autoptr (NtkmcArch) arch = net ? ntkmc_arch_parse (net, NULL) : NULL;
  GError *error = NULL;
  NtkmcCntk *k = ntkmc_cntk_compute_general (ctx, arch ? arch : arch_in, z,
                                             channels, iid, w, h, &error);
  g_assert_null (k);
  g_assert_error (error, NTKMC_ERROR, code);
  g_test_message ("expected: %s", error->message);
  g_clear_error (&error);
}

static gboolean
cancel_after (double fraction, const char *message, gpointer data)
{
  int *calls = data;
  (void) fraction;
  (void) message;
  return ++*calls < 3;
}

static void
test_errors (void)
{
  g_autoptr (NtkmcArch) bad = ntkmc_arch_new ();
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  g_autoptr (NtkmcArch) arch = ntkmc_arch_parse ("notebook", NULL);
  NtkmcIidPrior iid = { 0.0, 0.0 };
  double z[16 * 2];
  GError *error = NULL;
  NtkmcCntk *base, *k;
  int calls = 0;
  guint i;

  /* sizes not admitted, too large */
  expect_error ("notebook", NULL, NULL, 0, NULL, 12, 16, NTKMC_ERROR_INVALID);
  expect_error ("conv3 relu down conv3 relu upb conv3", NULL, NULL, 0, NULL,
                2, 2, NTKMC_ERROR_INVALID);
  expect_error ("conv3", NULL, NULL, 0, NULL, 160, 160, NTKMC_ERROR_TOO_LARGE);
  expect_error ("conv3", NULL, NULL, 0, NULL, 30000, 1, NTKMC_ERROR_TOO_LARGE);
  /* an architecture that does not validate */
  ntkmc_arch_add_conv (bad, 3);
  ntkmc_arch_add_down (bad);
  expect_error (NULL, bad, NULL, 0, NULL, 4, 4, NTKMC_ERROR_INVALID);
  /* priors */
  expect_error ("conv3", NULL, NULL, 0, &iid, 4, 4, NTKMC_ERROR_INVALID);
  for (i = 0; i < G_N_ELEMENTS (z); i++)
    z[i] = 0.1 * i;
  expect_error ("conv3", NULL, z, 0, NULL, 4, 4, NTKMC_ERROR_INVALID);
  z[17] = NAN;
  expect_error ("conv3", NULL, z, 2, NULL, 4, 4, NTKMC_ERROR_INVALID);
  z[17] = INFINITY;
  expect_error ("conv3 relu conv3", NULL, z, 2, NULL, 4, 4,
                NTKMC_ERROR_INVALID);

  /* cancellation */
  ntkmc_context_set_progress (ctx, cancel_after, &calls);
  k = ntkmc_cntk_compute_general (ctx, arch, NULL, 0, NULL, 8, 8, &error);
  g_assert_null (k);
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED);
  g_clear_error (&error);

  /* expansion: base of the wrong size, targets not admitted */
  base = general (1, "conv3 relu down conv3 relu up conv3", NULL, 0, 8, 8);
  g_assert_null (ntkmc_cntk_expand (base, 16, 16, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  ntkmc_cntk_free (base);
  base = general (1, "conv3 relu down conv3 relu up conv3", NULL, 0, 4, 8);
  g_assert_null (ntkmc_cntk_expand (base, 8, 8, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  ntkmc_cntk_free (base);
  base = general (1, "conv3 relu down conv3 relu up conv3", NULL, 0, 4, 4);
  g_assert_null (ntkmc_cntk_expand (base, 5, 8, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ntkmc_cntk_expand (base, 8, 2, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ntkmc_cntk_expand (base, 4000, 4000, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE);
  g_clear_error (&error);
  ntkmc_cntk_free (base);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cntk-general/naive-iid", test_naive_iid);
  g_test_add_func ("/cntk-general/naive-given", test_naive_given);
  g_test_add_func ("/cntk-general/threads-identical", test_threads_identical);
  g_test_add_func ("/cntk-general/stationary-plain", test_stationary_plain);
  g_test_add_func ("/cntk-general/diagonal", test_diagonal);
  g_test_add_func ("/cntk-general/given-equals-iid", test_given_equals_iid);
  g_test_add_func ("/cntk-general/expand-nearest", test_expand_nearest);
  g_test_add_func ("/cntk-general/expand-bilinear", test_expand_bilinear);
  g_test_add_func ("/cntk-general/fast-path", test_fast_path);
  g_test_add_func ("/cntk-general/errors", test_errors);
  return g_test_run ();
}
