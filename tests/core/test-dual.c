/* SPDX-License-Identifier: MIT */
/*
 * test-dual.c: dual activations and kappa_d against closed forms, against the
 * reference implementation's formulas, and against an independent numeric
 * integration of the Gaussian expectations of the paper's Appendix A.
 */
#include <math.h>
#include <string.h>
#include <ntkmc/ntkmc.h>

/* phi(x) = a x + b |x|, phi'(x) = a + b sign(x), normalization c^2. */
typedef struct {
  double a, b, c2;
} Act;

static Act
act_of (const NtkmcActivation *act)
{
  Act r;
  switch (act->kind)
    {
    case NTKMC_ACT_RELU: r.a = 0.5; r.b = 0.5; break;
    case NTKMC_ACT_LEAKY_RELU:
      r.a = 0.5 * (1 + act->slope);
      r.b = 0.5 * (1 - act->slope);
      break;
    default: r.a = 1; r.b = 0; break;
    }
  r.c2 = 1.0 / (r.a * r.a + r.b * r.b);   /* = 1 / E[phi(u)^2] */
  return r;
}

static double
normal_pdf (double x)
{
  return exp (-0.5 * x * x) / sqrt (2 * G_PI);
}

/* E_w[phi(m + s w)] and E_w[phi'(m + s w)] for w ~ N(0, 1), s >= 0. */
static double
inner_phi (const Act *f, double m, double s)
{
  double e_abs;
  if (s == 0)
    return f->a * m + f->b * fabs (m);
  e_abs = m * erf (m / (s * sqrt (2.0))) + 2 * s * normal_pdf (m / s);
  return f->a * m + f->b * e_abs;
}

static double
inner_dphi (const Act *f, double m, double s, int side)
{
  if (s == 0)   /* degenerate: v = m exactly; at m = 0 take the side's limit */
    return f->a + f->b * (m > 0 ? 1 : (m < 0 ? -1 : side));
  return f->a + f->b * erf (m / (s * sqrt (2.0)));
}

/*
 * E[g(u) h(v)] for (u, v) ~ N(0, [[s11, s12], [s12, s22]]), by composite
 * Simpson over u on [-12, 12] sd (split at the kink u = 0), with the
 * conditional expectation over v given u in closed form.
 */
static double
expect (const Act *f, gboolean deriv, double s11, double s12, double s22)
{
  const int n = 4000;   /* intervals per half line */
  double sd1 = sqrt (s11), cond_s = sqrt (MAX (0.0, s22 - s12 * s12 / s11));
  double total = 0;
  int half, i;

  for (half = -1; half <= 1; half += 2)
    {
      double h = 12.0 / n, acc = 0;
      for (i = 0; i <= n; i++)
        {
          double t = half * i * h, u = sd1 * t, m = s12 / s11 * u, val, w;
          if (deriv)
            val = (i == 0 ? f->a + f->b * half : f->a + f->b * (u > 0 ? 1 : -1))
                  * inner_dphi (f, m, cond_s, s12 >= 0 ? half : -half);
          else
            val = (f->a * u + f->b * fabs (u)) * inner_phi (f, m, cond_s);
          w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
          acc += w * val * normal_pdf (t);
        }
      total += acc * h / 3.0;
    }
  return total;
}

/* Appendix A: Sigma_L, dot Sigma_L, K_L for unit inputs with cosine xi. */
static double
kappa_by_integration (const NtkmcActivation *act, int depth, double xi)
{
  Act f = act_of (act);
  double sxx = 1, sxy = xi, k = xi;
  int l;

  for (l = 1; l <= depth; l++)
    {
      double nxx = f.c2 * expect (&f, FALSE, sxx, sxx, sxx);
      double nxy = f.c2 * expect (&f, FALSE, sxx, sxy, sxx);
      double dxy = f.c2 * expect (&f, TRUE, sxx, sxy, sxx);
      k = nxy + k * dxy;
      sxx = nxx;
      sxy = nxy;
    }
  return k;
}

static const NtkmcActivation relu = { NTKMC_ACT_RELU, 0 };

static void
test_closed_forms (void)
{
  g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&relu, 1, 1.0), 2.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&relu, 1, 0.0), 1 / G_PI, 1e-15);
  g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&relu, 1, -1.0), 0.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&relu, 2, -1.0), 1 / G_PI, 1e-15);
  /* kappa_d(1) = d + 1 for any normalized activation. */
  g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&relu, 3, 1.0), 4.0, 1e-14);
  g_assert_cmpfloat_with_epsilon (ntkmc_dual (&relu, 1.0), 1.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (ntkmc_dual_deriv (&relu, 1.0), 1.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (ntkmc_dual (&relu, 0.0), 1 / G_PI, 1e-15);
  g_assert_cmpfloat_with_epsilon (ntkmc_dual_deriv (&relu, 0.0), 0.5, 1e-15);
}

static void
test_leaky_closed_forms (void)
{
  double slopes[] = { 0.01, 0.2, -0.5, 2.0 };
  unsigned i;

  for (i = 0; i < G_N_ELEMENTS (slopes); i++)
    {
      NtkmcActivation a = { NTKMC_ACT_LEAKY_RELU, slopes[i] };
      double b = slopes[i];
      g_assert_cmpfloat_with_epsilon (ntkmc_dual (&a, 1.0), 1.0, 1e-14);
      g_assert_cmpfloat_with_epsilon (ntkmc_dual_deriv (&a, 1.0), 1.0, 1e-14);
      g_assert_cmpfloat_with_epsilon (ntkmc_dual (&a, -1.0),
                                      -2 * b / (1 + b * b), 1e-14);
      g_assert_cmpfloat_with_epsilon (ntkmc_dual_deriv (&a, -1.0),
                                      2 * b / (1 + b * b), 1e-14);
    }
}

/* The formulas of the reference code (reference-spec.md 1.1). */
static void
test_reference_formulas (void)
{
  NtkmcActivation lrelu = { NTKMC_ACT_LEAKY_RELU, 0.01 };
  double b = 0.01, a = 2 * b / (G_PI * (1 + b * b)), xi;

  for (xi = -1.0; xi <= 1.0; xi += 1.0 / 64)
    {
      double ac = acos (xi), sq = sqrt (1 - xi * xi);
      double relu_k1 = (xi * (G_PI - ac) + sq) / G_PI;
      double relu_k0 = (G_PI - ac) / G_PI;
      g_assert_cmpfloat_with_epsilon (ntkmc_dual (&relu, xi), relu_k1, 1e-15);
      g_assert_cmpfloat_with_epsilon (ntkmc_dual_deriv (&relu, xi), relu_k0,
                                      1e-15);
      g_assert_cmpfloat_with_epsilon (ntkmc_dual (&lrelu, xi),
                                      relu_k1 + a * (xi * ac - sq), 1e-15);
      g_assert_cmpfloat_with_epsilon (ntkmc_dual_deriv (&lrelu, xi),
                                      relu_k0 + a * ac, 1e-15);
      /* ntk.py:kappa, the FC kernel of the reference. */
      g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&relu, 1, xi),
                                      relu_k1 + xi * relu_k0, 1e-15);
    }
}

static void
check_integration (const NtkmcActivation *act)
{
  double xis[] = { -0.9, -0.5, 0.0, 0.3, 0.7, 0.99, 1.0 };
  int d;
  unsigned i;

  for (d = 1; d <= 4; d++)
    for (i = 0; i < G_N_ELEMENTS (xis); i++)
      {
        double want = kappa_by_integration (act, d, xis[i]);
        double got = ntkmc_kappa (act, d, xis[i]);
        if (fabs (got - want) > 1e-8 * MAX (1.0, fabs (want)))
          g_error ("kappa_%d(%g): closed form %.15g, integration %.15g", d,
                   xis[i], got, want);
      }
}

static void
test_integration_relu (void)
{
  check_integration (&relu);
}

static void
test_integration_leaky (void)
{
  NtkmcActivation a1 = { NTKMC_ACT_LEAKY_RELU, 0.01 };
  NtkmcActivation a2 = { NTKMC_ACT_LEAKY_RELU, 0.2 };
  check_integration (&a1);
  check_integration (&a2);
}

static void
test_identity (void)
{
  NtkmcActivation id = { NTKMC_ACT_IDENTITY, 1 };
  double xi;
  int d;

  check_integration (&id);
  /* Linear network: kappa_d(xi) = (d + 1) xi. */
  for (d = 1; d <= 4; d++)
    for (xi = -1; xi <= 1; xi += 0.25)
      g_assert_cmpfloat_with_epsilon (ntkmc_kappa (&id, d, xi), (d + 1) * xi,
                                      1e-15);
}

static void
test_clamp (void)
{
  g_assert_cmpfloat (ntkmc_kappa (&relu, 1, 1.0 + 1e-12), ==,
                     ntkmc_kappa (&relu, 1, 1.0));
  g_assert_cmpfloat (ntkmc_kappa (&relu, 2, -3.0), ==,
                     ntkmc_kappa (&relu, 2, -1.0));
  g_assert_false (isnan (ntkmc_dual (&relu, 1.0000001)));
}

static void
test_parse (void)
{
  const char *good[] = { "relu", "identity", "lrelu", "lrelu:0.2", "LReLU:-0.5" };
  const char *bad[] = { "", "tanh", "lrelu:", "lrelu:abc", "lrelu:-1",
                        "lrelu:inf", "relu2" };
  unsigned i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      NtkmcActivation a, b;
      GError *error = NULL;
      char *s;
      g_assert_true (ntkmc_activation_parse (good[i], &a, &error));
      g_assert_no_error (error);
      s = ntkmc_activation_to_string (&a);
      g_assert_true (ntkmc_activation_parse (s, &b, NULL));
      g_assert_cmpint (a.kind, ==, b.kind);
      if (a.kind == NTKMC_ACT_LEAKY_RELU)
        g_assert_cmpfloat (a.slope, ==, b.slope);
      g_free (s);
    }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      NtkmcActivation a;
      GError *error = NULL;
      g_assert_false (ntkmc_activation_parse (bad[i], &a, &error));
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "activation")
                        ? error->message : strstr (error->message, "slope"));
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dual/closed-forms", test_closed_forms);
  g_test_add_func ("/dual/leaky-closed-forms", test_leaky_closed_forms);
  g_test_add_func ("/dual/reference-formulas", test_reference_formulas);
  g_test_add_func ("/dual/integration-relu", test_integration_relu);
  g_test_add_func ("/dual/integration-leaky", test_integration_leaky);
  g_test_add_func ("/dual/identity", test_identity);
  g_test_add_func ("/dual/clamp", test_clamp);
  g_test_add_func ("/dual/parse", test_parse);
  return g_test_run ();
}
