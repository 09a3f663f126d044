/* SPDX-License-Identifier: MIT */
/*
 * cmd-cntk.c: convolutional kernels from the command line: "kernel compute
 * --arch", "kernel row", "kernel heatmap".
 */
#include "config.h"

#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

gboolean
ntkmc_cli_parse_size (const char *text, size_t *width, size_t *height,
                      GError **error)
{
  char **parts = g_strsplit (text, "x", 3);
  guint64 w = 0, h = 0;
  gboolean ok = g_strv_length (parts) == 2
                && g_ascii_string_to_unsigned (parts[0], 10, 1, 1 << 20, &w, NULL)
                && g_ascii_string_to_unsigned (parts[1], 10, 1, 1 << 20, &h, NULL);

  g_strfreev (parts);
  if (!ok)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "bad size '%s' (expected WIDTHxHEIGHT, e.g. 512x512)", text);
      return FALSE;
    }
  *width = (size_t) w;
  *height = (size_t) h;
  return TRUE;
}

/* "iid" or "iid:C1,C2" -> TRUE with @prior set; FALSE when @text is not of
 * that form (a file name); sets @error on a malformed iid spec. */
static gboolean
parse_iid (const char *text, NtkmcIidPrior *prior, gboolean *is_iid,
           GError **error)
{
  ntkmc_iid_prior_init (prior);
  *is_iid = text == NULL || strcmp (text, "iid") == 0;
  if (text != NULL && g_str_has_prefix (text, "iid:"))
    {
      char *end = NULL;
      prior->c1 = g_ascii_strtod (text + 4, &end);
      if (end == NULL || *end != ',')
        goto bad;
      prior->c2 = g_ascii_strtod (end + 1, &end);
      if (*end != '\0')
        goto bad;
      *is_iid = TRUE;
    }
  return TRUE;
bad:
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
               "bad --prior '%s' (expected iid, iid:C1,C2 or a file)", text);
  return FALSE;
}

int
ntkmc_cli_cntk_compute (const char *arch_text, const char *size,
                        const char *prior_arg, gboolean general,
                        const char *dtype_arg, int threads, const char *out)
{
  g_autoptr (NtkmcArch) arch = NULL;
  g_autoptr (NtkmcContext) ctx = NULL;
  g_autoptr (NtkmcCntk) k = NULL;
  NtkmcIidPrior iid;
  NtkmcDType dtype = NTKMC_DTYPE_F64;
  GError *error = NULL;
  gboolean is_iid;
  double *z = NULL;
  size_t w, h, channels = 0, n = 0;

  if (dtype_arg != NULL && strcmp (dtype_arg, "f32") == 0)
    dtype = NTKMC_DTYPE_F32;
  else if (dtype_arg != NULL && strcmp (dtype_arg, "f64") != 0)
    {
      fprintf (stderr, "ntkmc kernel compute: --dtype must be f32 or f64\n");
      return 2;
    }
  if (!ntkmc_cli_parse_size (size, &w, &h, &error)
      || !parse_iid (prior_arg, &iid, &is_iid, &error))
    {
      ntkmc_cli_report_error ("kernel compute", error);
      return 2;
    }
  arch = ntkmc_arch_parse (arch_text, &error);
  if (arch == NULL)
    {
      ntkmc_cli_report_error ("--arch", error);
      return 2;
    }
  if (!is_iid && (strcmp (prior_arg, "identity") == 0
                  || strcmp (prior_arg, "meshgrid") == 0))
    {
      /* identity: one channel per pixel (one-hot); meshgrid: two channels,
       * the pixel's row and column scaled to [0, 1] */
      size_t i;
      n = w * h;
      channels = strcmp (prior_arg, "identity") == 0 ? n : 2;
      z = g_new0 (double, channels * n);
      for (i = 0; i < n; i++)
        {
          if (channels == n)
            z[i + i * n] = 1.0;
          else
            {
              z[2 * i] = h > 1 ? (double) (i / w) / (double) (h - 1) : 0.0;
              z[2 * i + 1] = w > 1 ? (double) (i % w) / (double) (w - 1) : 0.0;
            }
        }
    }
  else if (!is_iid)
    {
      /* one row per pixel, one column per channel: Z is channels x N */
      z = ntkmc_cli_load_prior (prior_arg, NULL, &channels, &n, &error);
      if (z == NULL)
        {
          ntkmc_cli_report_error ("--prior", error);
          return 1;
        }
      if (n != w * h)
        {
          fprintf (stderr, "ntkmc: --prior: %s has %zu rows but a %zu x %zu "
                           "image has %zu pixels (one row per pixel, "
                           "row-major)\n", prior_arg, n, w, h, w * h);
          g_free (z);
          return 1;
        }
    }
  ctx = ntkmc_context_new (threads);
  if (isatty (fileno (stderr)))
    ntkmc_context_set_progress (ctx, ntkmc_cli_print_progress, NULL);
  if (z != NULL || general || !ntkmc_arch_is_stationary (arch))
    k = ntkmc_cntk_compute_general (ctx, arch, z, channels,
                                    z ? NULL : &iid, w, h, &error);
  else
    k = ntkmc_cntk_compute (ctx, arch, &iid, w, h, &error);
  g_free (z);
  if (k == NULL || !ntkmc_cntk_write (k, out, dtype, &error))
    {
      ntkmc_cli_report_error ("kernel compute", error);
      return 1;
    }
  return 0;
}

/* Options shared by row and heatmap: FILE --size WxH --pixel R,C. */
typedef struct {
  char *size, *pixel, *out, *arch;
  NtkmcCntk *k;
  size_t w, h, r, c;
} RowArgs;

static void
row_args_clear (RowArgs *a)
{
  g_free (a->size);
  g_free (a->pixel);
  g_free (a->out);
  g_free (a->arch);
  ntkmc_cntk_free (a->k);
}

/* Parses the options, opens the kernel and checks size and pixel; returns
 * -1 to go on, else the exit status. */
static int
row_args_parse (int argc, char **argv, RowArgs *a, const char *summary,
                gboolean wants_out)
{
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_STRING, &a->size, "the image size", "WxH" },
    { "pixel", 0, 0, G_OPTION_ARG_STRING, &a->pixel,
      "the pixel whose row is shown: row R, column C (from 0)", "R,C" },
    { "arch", 0, 0, G_OPTION_ARG_STRING, &a->arch,
      "refuse the file unless it was computed for this network", "SPEC" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->out, "the PNG to write",
      "OUT" },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("FILE --size WxH --pixel R,C");
  GError *error = NULL;
  guint64 r, c;
  char **rc = NULL;
  int status = -1;

  if (!wants_out)
    entries[3].long_name = NULL;
  g_option_context_set_summary (octx, summary);
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error) || argc != 2
      || a->size == NULL || a->pixel == NULL || (wants_out && a->out == NULL))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (),
               error ? error->message : "expected FILE, --size and --pixel"
               " (see --help)");
      g_clear_error (&error);
      g_option_context_free (octx);
      return 2;
    }
  g_option_context_free (octx);
  rc = g_strsplit (a->pixel, ",", 3);
  if (!ntkmc_cli_parse_size (a->size, &a->w, &a->h, &error))
    status = 2;
  else if (g_strv_length (rc) != 2
           || !g_ascii_string_to_unsigned (rc[0], 10, 0, a->h - 1, &r, NULL)
           || !g_ascii_string_to_unsigned (rc[1], 10, 0, a->w - 1, &c, NULL))
    {
      g_set_error (&error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "bad --pixel '%s': expected R,C with R < %zu and C < %zu",
                   a->pixel, a->h, a->w);
      status = 2;
    }
  g_strfreev (rc);
  if (status == -1)
    {
      a->r = (size_t) r;
      a->c = (size_t) c;
      g_autoptr (NtkmcArch) want = NULL;
      a->k = ntkmc_cntk_open (argv[1], &error);
      if (a->k == NULL || !ntkmc_cntk_check_size (a->k, a->w, a->h, &error))
        status = 1;
      else if (a->arch != NULL
               && ((want = ntkmc_arch_parse (a->arch, &error)) == NULL
                   || !ntkmc_cntk_check_arch (a->k, want, &error)))
        status = 1;
    }
  if (status != -1)
    ntkmc_cli_report_error (argv[1], error);
  return status;
}

int
ntkmc_cli_kernel_row (int argc, char **argv)
{
  RowArgs a = { 0 };
  int status = row_args_parse (argc, argv, &a,
    "Prints the kernel row of one pixel over a WxH image as tab-separated\n"
    "text: H lines of W values, K((R, C), (r, c)) at line r, column c.",
    FALSE);

  if (status == -1)
    {
      double *row = g_new (double, a.w * a.h);
      GString *text = g_string_sized_new (a.w * a.h * 20);
      size_t r, c;

      ntkmc_cntk_row (a.k, a.w, a.h, a.r, a.c, row);
      for (r = 0; r < a.h; r++)
        for (c = 0; c < a.w; c++)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append (text, g_ascii_formatd (buf, sizeof buf, "%.17g",
                                                    row[r * a.w + c]));
            g_string_append_c (text, c + 1 < a.w ? '\t' : '\n');
          }
      fwrite (text->str, 1, text->len, stdout);
      g_string_free (text, TRUE);
      g_free (row);
      status = 0;
    }
  row_args_clear (&a);
  return status;
}

/* A dark-to-light colour ramp (black, deep blue, magenta, orange, pale
 * yellow): monotone in lightness, readable in grey. */
static void
ramp (double t, guint8 rgb[3])
{
  double r = sqrt (t), g = t * t * (3 - 2 * t) * t, b = 0.5 * sin (G_PI * t)
                                                      + 0.25 * t * t * t;
  rgb[0] = (guint8) lround (255 * CLAMP (r, 0, 1));
  rgb[1] = (guint8) lround (255 * CLAMP (g, 0, 1));
  rgb[2] = (guint8) lround (255 * CLAMP (b + 0.15 * (1 - t) * t * 4, 0, 1));
}

static gboolean
write_png (const char *path, size_t w, size_t h, const guint8 *rgb,
           GError **error)
{
  FILE *f = fopen (path, "wb");
  png_structp png;
  png_infop info;
  size_t r;

  if (f == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png ? png_create_info_struct (png) : NULL;
  if (png == NULL || info == NULL || setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      fclose (f);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "cannot encode the PNG %s", path);
      return FALSE;
    }
  png_init_io (png, f);
  png_set_IHDR (png, info, (png_uint_32) w, (png_uint_32) h, 8,
                PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (r = 0; r < h; r++)
    png_write_row (png, (png_const_bytep) (rgb + r * w * 3));
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  if (fclose (f) != 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

int
ntkmc_cli_kernel_heatmap (int argc, char **argv)
{
  RowArgs a = { 0 };
  int status = row_args_parse (argc, argv, &a,
    "Draws the kernel row of one pixel over a WxH image as a colour-mapped\n"
    "PNG (dark = small, light = large; the paper's Fig. 4), scaled up so\n"
    "that small images stay visible; the pixel itself is marked.  Prints\n"
    "the value range.",
    TRUE);

  if (status == -1)
    {
      double *row = g_new (double, a.w * a.h), lo = INFINITY, hi = -INFINITY;
      size_t scale = MAX ((size_t) 1, 256 / MAX (a.w, a.h));
      size_t ow = a.w * scale, oh = a.h * scale, i, r, c;
      guint8 *rgb = g_new (guint8, ow * oh * 3);
      GError *error = NULL;

      ntkmc_cntk_row (a.k, a.w, a.h, a.r, a.c, row);
      for (i = 0; i < a.w * a.h; i++)
        {
          lo = MIN (lo, row[i]);
          hi = MAX (hi, row[i]);
        }
      for (r = 0; r < oh; r++)
        for (c = 0; c < ow; c++)
          {
            double v = row[(r / scale) * a.w + c / scale];
            guint8 *px = rgb + (r * ow + c) * 3;
            ramp (hi > lo ? (v - lo) / (hi - lo) : 0.5, px);
            /* a cyan frame around the chosen pixel */
            if (scale >= 4 && r / scale == a.r && c / scale == a.c
                && (r % scale == 0 || r % scale == scale - 1
                    || c % scale == 0 || c % scale == scale - 1))
              {
                px[0] = 0;
                px[1] = 255;
                px[2] = 255;
              }
          }
      if (write_png (a.out, ow, oh, rgb, &error))
        {
          printf ("kernel row of pixel (%zu, %zu) over %zu x %zu: min %.6g, "
                  "max %.6g; wrote %s (%zu x %zu)\n", a.r, a.c, a.w, a.h, lo,
                  hi, a.out, ow, oh);
          status = 0;
        }
      else
        {
          ntkmc_cli_report_error ("heatmap", error);
          status = 1;
        }
      g_free (rgb);
      g_free (row);
    }
  row_args_clear (&a);
  return status;
}
