/* SPDX-License-Identifier: MIT */
/*
 * expand.c: the paper's kernel expansion (Appendix M; the reference's
 * expand_kernel, reference-spec.md section 4), ntkmc_cntk_expand().
 *
 * From the full kernel K of a network with s downsamplings at d1 x d1,
 * d1 = 2^(s+1), p = 2^s, the kernel at W x H (sides multiples of p, at least
 * d1) is, for pixels (i, j) and (a, b) (rows i, a < H; columns j, b < W),
 * with i0 = i mod p, j0 = j mod p, x = (a - i + p) mod H, y = (b - j + p)
 * mod W:
 *
 *   K'((i, j), (a, b)) = K((i0, j0), ((i0 + x - p) mod d1, (j0 + y - p) mod d1))
 *                                        if x < d1 and y < d1,
 *                      = min_{u, v} K((i0, j0), (u, v))     otherwise:
 *
 * circular offsets in [-p, p - 1] per axis are read from the base kernel's
 * row of the same phase; every other offset gets that row's minimum.  The
 * result is exact for nearest upsampling and the i.i.d. prior (the base's
 * rows are then a window plus a constant), not for bilinear upsampling.
 *
 * Cost: one pass over the W H x W H result (8 (W H)^2 bytes; capped at
 * 4 GiB) plus p^2 minima over d1^2 entries.
 */
#include "config.h"

#include "cntk/cntk-private.h"

#include <math.h>
#include <string.h>

#define EXPAND_MAX_BYTES ((size_t) 4 << 30)

NtkmcCntk *
ntkmc_cntk_expand (const NtkmcCntk *base, size_t width, size_t height,
                   GError **error)
{
  NtkmcCntk *k;
  size_t s, p, d1, nb, n, cap, i0, j0, u, a, b, i, j;
  double *mins, *full;

  g_return_val_if_fail (base != NULL, NULL);
  s = base->levels;
  if (s > 20)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "cannot expand a kernel with %zu downsampling levels", s);
      return NULL;
    }
  p = (size_t) 1 << s;
  d1 = 2 * p;
  if (base->form != NTKMC_CNTK_FULL || base->w != d1 || base->h != d1)
    {
      if (base->form != NTKMC_CNTK_FULL)
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "the expansion needs a full kernel from the general "
                     "path at %zu x %zu, not a compact one", d1, d1);
      else
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "the expansion needs the kernel at 2^(s+1) = %zu x %zu "
                     "(s = %zu levels), not at %zu x %zu", d1, d1, s,
                     base->w, base->h);
      return NULL;
    }
  if (width < d1 || height < d1 || width % p != 0 || height % p != 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "cannot expand to %zu x %zu: both sides must be multiples "
                   "of %zu and at least %zu", width, height, p, d1);
      return NULL;
    }
  cap = (size_t) sqrt ((double) (EXPAND_MAX_BYTES / sizeof (double)));
  if (width > cap || height > cap || width * height > cap)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "an expanded %zu x %zu kernel is too large (at most %zu "
                   "pixels)", width, height, cap);
      return NULL;
    }
  n = width * height;
  nb = d1 * d1;
  full = g_try_malloc (n * n * sizeof (double));
  if (full == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "cannot allocate %.1f GiB for the expanded kernel",
                   (double) n * (double) n * 8.0 / 1073741824.0);
      return NULL;
    }

  /* the minimum of each phase's row; phase (i0, j0) is base pixel
   * i0 d1 + j0 */
  mins = g_new (double, p * p);
  for (i0 = 0; i0 < p; i0++)
    for (j0 = 0; j0 < p; j0++)
      {
        const double *row = base->full + (i0 * d1 + j0);
        double m = row[0];
        for (u = 1; u < nb; u++)
          m = MIN (m, row[u * nb]);
        mins[i0 * p + j0] = m;
      }

  /* column (a, b) of the result, entries (i, j) */
  for (a = 0; a < height; a++)
    for (b = 0; b < width; b++)
      {
        double *col = full + (a * width + b) * n;
        for (i = 0; i < height; i++)
          {
            size_t x = (a + height - i + p) % height;
            i0 = i % p;
            for (j = 0; j < width; j++)
              {
                size_t y = (b + width - j + p) % width;
                size_t ph;
                j0 = j % p;
                ph = i0 * d1 + j0;
                if (x < d1 && y < d1)
                  {
                    size_t ur = (i0 + x + d1 - p) % d1;
                    size_t uc = (j0 + y + d1 - p) % d1;
                    col[i * width + j] = base->full[ph + (ur * d1 + uc) * nb];
                  }
                else
                  col[i * width + j] = mins[i0 * p + j0];
              }
          }
      }
  g_free (mins);

  k = ntkmc_cntk_new (base->arch, base->prior, base->levels);
  k->form = NTKMC_CNTK_FULL;
  k->w = width;
  k->h = height;
  k->full = full;
  return k;
}
