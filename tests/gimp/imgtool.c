/* SPDX-License-Identifier: MIT */
/*
 * imgtool.c: the image chores of the GIMP filter's tests, through the
 * public API only: make a synthetic test image and hole masks, crop,
 * compare two images inside and outside a mask, and PSNR.
 *
 *   imgtool synth OUT W H CHANNELS         smooth shapes, edges and texture
 *   imgtool rect OUT W H X Y RW RH         a mask: white = the rectangle
 *   imgtool crop IN OUT X Y W H
 *   imgtool compare A B [MASK]             prints "inside=D/N outside=D/N
 *                                          max_inside=L max_outside=L"
 *                                          (pixels that differ / pixels,
 *                                          largest difference in levels);
 *                                          MASK: non-black = inside
 *   imgtool psnr A TRUTH                   PSNR in dB over every sample
 *                                          of the colour channels
 *   imgtool between A B C [MASK]           every sample of B lies between
 *                                          A's and C's (within one level)
 *                                          where MASK is grey: prints
 *                                          "partial=N outside=M"
 *   imgtool threshold IN OUT LEVEL         a mask: white where IN's first
 *                                          channel is at least LEVEL/255
 *   imgtool punch IN MASK OUT              IN with MASK's pixels black
 *                                          (alpha kept)
 *   imgtool info IN                        "W H CHANNELS"
 *
 * Exit status 0 on success, 1 on errors (printed), 2 on usage errors.
 */
#include <ntkmc/ntkmc.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads @path or prints why not. */
static NtkmcImage *
load (const char *path)
{
  GError *error = NULL;
  NtkmcImage *img = ntkmc_image_read (path, &error);

  if (img == NULL)
    {
      fprintf (stderr, "imgtool: %s: %s\n", path, error->message);
      g_error_free (error);
    }
  return img;
}

/* Writes @img to @path or prints why not.  Returns the exit status. */
static int
save (const NtkmcImage *img, const char *path)
{
  GError *error = NULL;

  if (!ntkmc_image_write (img, path, &error))
    {
      fprintf (stderr, "imgtool: %s: %s\n", path, error->message);
      g_error_free (error);
      return 1;
    }
  return 0;
}

/* Parses a non-negative size argument, or exits with a usage error. */
static size_t
size_arg (const char *text)
{
  char *end;
  long v = strtol (text, &end, 10);

  if (*text == '\0' || *end != '\0' || v < 0)
    {
      fprintf (stderr, "imgtool: not a size: %s\n", text);
      exit (2);
    }
  return (size_t) v;
}

/* A deterministic test picture: a sloping background, a disc, stripes and
 * a fine checker, different in each channel; alpha (if any) smooth. */
static int
cmd_synth (const char *out, size_t w, size_t h, unsigned channels)
{
  g_autoptr (NtkmcImage) img = ntkmc_image_new (w, h, channels, 8);
  size_t r, c;
  unsigned ch;

  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      for (ch = 0; ch < channels; ch++)
        {
          double x = (double) c / (double) w, y = (double) r / (double) h;
          double v, dx = x - 0.45, dy = y - 0.55;
          if (ntkmc_image_has_alpha (img) && ch == channels - 1)
            v = 0.6 + 0.3 * x;
          else
            {
              v = 0.2 + 0.5 * x * (1.0 + ch) / 3.0 + 0.2 * y;
              if (dx * dx + dy * dy < 0.06)
                v = 0.85 - 0.2 * ch * y;
              v += 0.08 * sin (2.0 * G_PI * (3.0 + ch) * (x + 0.5 * y));
              v += ((r / 2 + c / 2) % 2) ? 0.03 : -0.03;
            }
          /* on the 8-bit grid, so that the file holds exactly this */
          ntkmc_image_set_sample (img, r, c, ch,
                                  floor (CLAMP (v, 0.0, 1.0) * 255.0 + 0.5)
                                  / 255.0);
        }
  return save (img, out);
}

/* A grey mask, white inside the rectangle. */
static int
cmd_rect (const char *out, size_t w, size_t h, size_t x, size_t y,
          size_t rw, size_t rh)
{
  g_autoptr (NtkmcImage) img = ntkmc_image_new (w, h, 1, 8);
  size_t r, c;

  for (r = y; r < y + rh && r < h; r++)
    for (c = x; c < x + rw && c < w; c++)
      ntkmc_image_set_sample (img, r, c, 0, 1.0);
  return save (img, out);
}

static int
cmd_crop (const char *in, const char *out, size_t x, size_t y, size_t w,
          size_t h)
{
  g_autoptr (NtkmcImage) img = load (in);
  g_autoptr (NtkmcImage) part = NULL;
  size_t r, c;
  unsigned ch, nc;

  if (img == NULL)
    return 1;
  if (w == 0 || h == 0 || x + w > ntkmc_image_get_width (img)
      || y + h > ntkmc_image_get_height (img))
    {
      fprintf (stderr, "imgtool: the crop leaves the image\n");
      return 1;
    }
  nc = ntkmc_image_get_n_channels (img);
  part = ntkmc_image_new (w, h, nc, ntkmc_image_get_depth (img));
  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      for (ch = 0; ch < nc; ch++)
        ntkmc_image_set_sample (part, r, c, ch,
                                ntkmc_image_get_sample (img, y + r, x + c,
                                                        ch));
  return save (part, out);
}

/* TRUE when @a and @b (read from @pa and @pb) have one size and channel
 * count; else prints why not. */
static gboolean
same_shape (const NtkmcImage *a, const NtkmcImage *b, const char *pa,
            const char *pb)
{
  if (a == NULL || b == NULL)
    return FALSE;
  if (ntkmc_image_get_width (a) != ntkmc_image_get_width (b)
      || ntkmc_image_get_height (a) != ntkmc_image_get_height (b)
      || ntkmc_image_get_n_channels (a) != ntkmc_image_get_n_channels (b))
    {
      fprintf (stderr, "imgtool: %s and %s differ in size or channels\n",
               pa, pb);
      return FALSE;
    }
  return TRUE;
}

/* Loads two images of one size and channel count, or prints why not. */
static gboolean
load_pair (const char *pa, const char *pb, NtkmcImage **a, NtkmcImage **b)
{
  *a = load (pa);
  *b = *a != NULL ? load (pb) : NULL;
  return same_shape (*a, *b, pa, pb);
}

/* The mask's grey level (0..255) at (r, c), 0 without a mask. */
static guint
mask_level (const NtkmcImage *mask, size_t r, size_t c)
{
  return mask != NULL ? ntkmc_image_get_sample_uint (mask, r, c, 0) : 0;
}

static int
cmd_compare (const char *pa, const char *pb, const char *pm)
{
  NtkmcImage *a = NULL, *b = NULL, *m = NULL;
  size_t r, c, n_in = 0, n_out = 0, d_in = 0, d_out = 0, w, h;
  guint max_in = 0, max_out = 0;
  unsigned ch, nc;
  int status = 1;

  if (!load_pair (pa, pb, &a, &b))
    goto out;
  w = ntkmc_image_get_width (a);
  h = ntkmc_image_get_height (a);
  nc = ntkmc_image_get_n_channels (a);
  if (pm != NULL && ((m = load (pm)) == NULL
                     || ntkmc_image_get_width (m) != w
                     || ntkmc_image_get_height (m) != h))
    {
      fprintf (stderr, "imgtool: bad mask %s\n", pm);
      goto out;
    }
  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      {
        gboolean inside = mask_level (m, r, c) > 0;
        guint worst = 0;
        for (ch = 0; ch < nc; ch++)
          {
            gint d = (gint) ntkmc_image_get_sample_uint (a, r, c, ch)
                     - (gint) ntkmc_image_get_sample_uint (b, r, c, ch);
            worst = MAX (worst, (guint) ABS (d));
          }
        if (inside)
          {
            n_in++;
            d_in += worst > 0;
            max_in = MAX (max_in, worst);
          }
        else
          {
            n_out++;
            d_out += worst > 0;
            max_out = MAX (max_out, worst);
          }
      }
  printf ("inside=%zu/%zu outside=%zu/%zu max_inside=%u max_outside=%u\n",
          d_in, n_in, d_out, n_out, max_in, max_out);
  status = 0;

out:
  ntkmc_image_free (a);
  ntkmc_image_free (b);
  ntkmc_image_free (m);
  return status;
}

static int
cmd_psnr (const char *pa, const char *pt)
{
  NtkmcImage *a = NULL, *t = NULL;
  size_t r, c, n = 0, w, h;
  unsigned ch, nc;
  double sse = 0.0;
  int status = 1;

  if (!load_pair (pa, pt, &a, &t))
    goto out;
  w = ntkmc_image_get_width (a);
  h = ntkmc_image_get_height (a);
  nc = ntkmc_image_get_n_channels (a) - (ntkmc_image_has_alpha (a) ? 1 : 0);
  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      for (ch = 0; ch < nc; ch++, n++)
        {
          /* on the written grid, as the files hold them */
          double d = ((double) ntkmc_image_get_sample_uint (a, r, c, ch)
                      - (double) ntkmc_image_get_sample_uint (t, r, c, ch))
                     / 255.0;
          sse += d * d;
        }
  printf ("%.4f\n", sse > 0 ? 10.0 * log10 ((double) n / sse) : 99.0);
  status = 0;

out:
  ntkmc_image_free (a);
  ntkmc_image_free (t);
  return status;
}

static int
cmd_between (const char *pa, const char *pb, const char *pc, const char *pm)
{
  NtkmcImage *a = NULL, *b = NULL, *cc = NULL, *m = NULL;
  size_t r, c, partial = 0, outside = 0;
  unsigned ch, nc;
  int status = 1;

  if (!load_pair (pa, pb, &a, &b))
    goto out;
  cc = load (pc);
  if (!same_shape (a, cc, pa, pc) || (m = load (pm)) == NULL)
    goto out;
  nc = ntkmc_image_get_n_channels (a);
  for (r = 0; r < ntkmc_image_get_height (a); r++)
    for (c = 0; c < ntkmc_image_get_width (a); c++)
      {
        guint lv = mask_level (m, r, c);
        if (lv == 0 || lv == 255)
          continue;
        partial++;
        for (ch = 0; ch < nc; ch++)
          {
            gint va = (gint) ntkmc_image_get_sample_uint (a, r, c, ch);
            gint vb = (gint) ntkmc_image_get_sample_uint (b, r, c, ch);
            gint vc = (gint) ntkmc_image_get_sample_uint (cc, r, c, ch);
            if (vb < MIN (va, vc) - 1 || vb > MAX (va, vc) + 1)
              {
                outside++;
                break;
              }
          }
      }
  printf ("partial=%zu outside=%zu\n", partial, outside);
  status = 0;

out:
  ntkmc_image_free (a);
  ntkmc_image_free (b);
  ntkmc_image_free (cc);
  ntkmc_image_free (m);
  return status;
}

/* A mask, white where the first channel of @in reaches @level (0..255). */
static int
cmd_threshold (const char *in, const char *out, size_t level)
{
  g_autoptr (NtkmcImage) img = load (in);
  g_autoptr (NtkmcImage) mask = NULL;
  size_t r, c;

  if (img == NULL)
    return 1;
  mask = ntkmc_image_new (ntkmc_image_get_width (img),
                          ntkmc_image_get_height (img), 1, 8);
  for (r = 0; r < ntkmc_image_get_height (img); r++)
    for (c = 0; c < ntkmc_image_get_width (img); c++)
      if (ntkmc_image_get_sample (img, r, c, 0) * 255.0 >= (double) level
          - 0.5)
        ntkmc_image_set_sample (mask, r, c, 0, 1.0);
  return save (mask, out);
}

/* @in with the pixels @pm marks (non-black) set to black. */
static int
cmd_punch (const char *in, const char *pm, const char *out)
{
  g_autoptr (NtkmcImage) img = load (in);
  guint8 *missing;
  size_t w, h, i;
  unsigned ch, nc;
  GError *error = NULL;

  if (img == NULL)
    return 1;
  w = ntkmc_image_get_width (img);
  h = ntkmc_image_get_height (img);
  missing = ntkmc_image_read_mask (pm, FALSE, w, h, &error);
  if (missing == NULL)
    {
      fprintf (stderr, "imgtool: %s: %s\n", pm, error->message);
      g_error_free (error);
      return 1;
    }
  nc = ntkmc_image_get_n_channels (img)
       - (ntkmc_image_has_alpha (img) ? 1 : 0);
  for (i = 0; i < w * h; i++)
    for (ch = 0; ch < nc && missing[i]; ch++)
      ntkmc_image_set_sample (img, i / w, i % w, ch, 0.0);
  g_free (missing);
  return save (img, out);
}

int
main (int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : "";

  if (strcmp (cmd, "synth") == 0 && argc == 6)
    return cmd_synth (argv[2], size_arg (argv[3]), size_arg (argv[4]),
                      (unsigned) size_arg (argv[5]));
  if (strcmp (cmd, "rect") == 0 && argc == 9)
    return cmd_rect (argv[2], size_arg (argv[3]), size_arg (argv[4]),
                     size_arg (argv[5]), size_arg (argv[6]),
                     size_arg (argv[7]), size_arg (argv[8]));
  if (strcmp (cmd, "crop") == 0 && argc == 8)
    return cmd_crop (argv[2], argv[3], size_arg (argv[4]),
                     size_arg (argv[5]), size_arg (argv[6]),
                     size_arg (argv[7]));
  if (strcmp (cmd, "compare") == 0 && (argc == 4 || argc == 5))
    return cmd_compare (argv[2], argv[3], argc == 5 ? argv[4] : NULL);
  if (strcmp (cmd, "psnr") == 0 && argc == 4)
    return cmd_psnr (argv[2], argv[3]);
  if (strcmp (cmd, "between") == 0 && argc == 6)
    return cmd_between (argv[2], argv[3], argv[4], argv[5]);
  if (strcmp (cmd, "threshold") == 0 && argc == 5)
    return cmd_threshold (argv[2], argv[3], size_arg (argv[4]));
  if (strcmp (cmd, "punch") == 0 && argc == 5)
    return cmd_punch (argv[2], argv[3], argv[4]);
  if (strcmp (cmd, "info") == 0 && argc == 3)
    {
      g_autoptr (NtkmcImage) img = load (argv[2]);
      if (img == NULL)
        return 1;
      printf ("%zu %zu %u\n", ntkmc_image_get_width (img),
              ntkmc_image_get_height (img), ntkmc_image_get_n_channels (img));
      return 0;
    }
  fprintf (stderr, "usage: imgtool synth|rect|crop|compare|psnr|between|"
           "threshold|punch|info ... (see imgtool.c)\n");
  return 2;
}
