/* SPDX-License-Identifier: MIT */
/*
 * dual.c: normalized dual activations and the kernel kappa_d of Theorem 1.
 *
 * Every activation handled here is positively homogeneous of degree 1 and
 * can be written phi(x) = a x + b |x| (ReLU: a = b = 1/2; LeakyReLU(s):
 * a = (1 + s)/2, b = (1 - s)/2; identity: a = 1, b = 0).  For (u, v) standard
 * normal with correlation xi, E[u v] = xi, E[u |v|] = 0 and
 * E[|u| |v|] = (2/pi) (sqrt(1 - xi^2) + xi asin xi), so
 *
 *   dual(xi)  = c^2 (a^2 xi + b^2 (2/pi) (sqrt(1 - xi^2) + xi asin xi))
 *   dual'(xi) = c^2 (a^2 + b^2 (2/pi) asin xi),   c^2 = 1 / (a^2 + b^2),
 *
 * which is normalized (dual(1) = dual'(1) = 1) and equals the reference's
 * ReLU formula (xi (pi - acos xi) + sqrt(1 - xi^2)) / pi and its LeakyReLU
 * formula (reference-spec.md 1.1) term by term.
 */
#include "config.h"

#include "base/dual.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void
ntkmc_dual_coeffs (const NtkmcActivation *act, NtkmcDualCoeffs *co)
{
  double a, b, c2;

  switch (act->kind)
    {
    case NTKMC_ACT_RELU:
      a = 0.5;
      b = 0.5;
      break;
    case NTKMC_ACT_LEAKY_RELU:
      a = 0.5 * (1.0 + act->slope);
      b = 0.5 * (1.0 - act->slope);
      break;
    case NTKMC_ACT_IDENTITY:
    default:
      a = 1.0;
      b = 0.0;
      break;
    }
  c2 = 1.0 / (a * a + b * b);
  co->lin = c2 * a * a;
  co->abs = c2 * b * b * (2.0 / G_PI);
}

gboolean
ntkmc_activation_check (const NtkmcActivation *act, GError **error)
{
  if (act->kind == NTKMC_ACT_LEAKY_RELU
      && (!isfinite (act->slope) || act->slope == -1.0))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "LeakyReLU slope %g is not allowed (finite, not -1)",
                   act->slope);
      return FALSE;
    }
  if (act->kind != NTKMC_ACT_RELU && act->kind != NTKMC_ACT_LEAKY_RELU
      && act->kind != NTKMC_ACT_IDENTITY)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "unknown activation kind %d", (int) act->kind);
      return FALSE;
    }
  return TRUE;
}

gboolean
ntkmc_activation_parse (const char *text, NtkmcActivation *act, GError **error)
{
  g_return_val_if_fail (text != NULL && act != NULL, FALSE);

  if (g_ascii_strcasecmp (text, "relu") == 0)
    {
      act->kind = NTKMC_ACT_RELU;
      act->slope = 0.0;
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "identity") == 0
      || g_ascii_strcasecmp (text, "linear") == 0)
    {
      act->kind = NTKMC_ACT_IDENTITY;
      act->slope = 1.0;
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "lrelu") == 0)
    {
      act->kind = NTKMC_ACT_LEAKY_RELU;
      act->slope = NTKMC_LEAKY_RELU_DEFAULT_SLOPE;
      return TRUE;
    }
  if (g_ascii_strncasecmp (text, "lrelu:", 6) == 0)
    {
      char *end = NULL;
      double slope;

      errno = 0;
      slope = g_ascii_strtod (text + 6, &end);
      if (end != text + 6 && *end == '\0' && errno == 0 && isfinite (slope)
          && slope != -1.0)
        {
          act->kind = NTKMC_ACT_LEAKY_RELU;
          act->slope = slope;
          return TRUE;
        }
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "bad LeakyReLU slope in '%s' (expected lrelu:NUMBER, "
                   "e.g. lrelu:0.01)", text);
      return FALSE;
    }
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
               "unknown activation '%s' (expected relu, lrelu, lrelu:SLOPE "
               "or identity)", text);
  return FALSE;
}

char *
ntkmc_activation_to_string (const NtkmcActivation *act)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (act != NULL, NULL);
  switch (act->kind)
    {
    case NTKMC_ACT_RELU:
      return g_strdup ("relu");
    case NTKMC_ACT_LEAKY_RELU:
      {
        /* the shortest text that reads back to the same slope */
        static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
        unsigned f;
        for (f = 0; f < G_N_ELEMENTS (formats); f++)
          {
            g_ascii_formatd (buf, sizeof buf, formats[f], act->slope);
            if (g_ascii_strtod (buf, NULL) == act->slope)
              break;
          }
        return g_strconcat ("lrelu:", buf, NULL);
      }
    case NTKMC_ACT_IDENTITY:
    default:
      return g_strdup ("identity");
    }
}

double
ntkmc_dual (const NtkmcActivation *act, double xi)
{
  NtkmcDualCoeffs co;

  g_return_val_if_fail (act != NULL, NAN);
  ntkmc_dual_coeffs (act, &co);
  return ntkmc_dual_eval (&co, xi);
}

double
ntkmc_dual_deriv (const NtkmcActivation *act, double xi)
{
  NtkmcDualCoeffs co;

  g_return_val_if_fail (act != NULL, NAN);
  ntkmc_dual_coeffs (act, &co);
  return ntkmc_dual_deriv_eval (&co, xi);
}

double
ntkmc_kappa (const NtkmcActivation *act, int depth, double xi)
{
  NtkmcDualCoeffs co;

  g_return_val_if_fail (act != NULL, NAN);
  g_return_val_if_fail (depth >= 1, NAN);
  ntkmc_dual_coeffs (act, &co);
  return ntkmc_kappa_eval (&co, depth, xi);
}
