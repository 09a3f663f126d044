/* SPDX-License-Identifier: MIT */
/*
 * test-image.c: reading and writing images (PNG, JPEG, TIFF) and masks:
 * bit-identical round trips for every format, layout and depth; the exact
 * value <-> sample conversion; layouts the library reads but never writes
 * (made here with libpng, libjpeg and libtiff directly); every error, and
 * that none of them prints anything; the real test images when the shared
 * data folder is there.
 *
 * The real images are looked for in $NTKMC_SHARED_DATA/images, else in
 * shared/data/images two levels above the test sources (G_TEST_SRCDIR);
 * those tests are skipped when neither exists.  Files live in a fresh
 * temporary directory per test.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/resource.h>

#include <glib/gstdio.h>
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>
#include <ntkmc/ntkmc.h>

#include "test-util.h"

typedef TestDir Fixture;
#define fixture_setup test_dir_setup
#define fixture_teardown test_dir_teardown

static char *
path_in (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* The number of entries of the fixture directory. */
static unsigned
count_files (Fixture *f)
{
  GDir *dir = g_dir_open (f->dir, 0, NULL);
  unsigned n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

/* A deterministic sample in 0..@maxval that hits 0 and @maxval often. */
static unsigned
pattern (size_t r, size_t c, unsigned k, unsigned maxval)
{
  guint32 h = (guint32) (r * 7919u + c * 104729u + k * 1299709u);

  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  switch (h % 8)
    {
    case 0:
      return 0;
    case 1:
      return maxval;
    default:
      return (h >> 3) % (maxval + 1);
    }
}

static NtkmcImage *
make_image (size_t w, size_t h, unsigned channels, unsigned depth)
{
  NtkmcImage *image = ntkmc_image_new (w, h, channels, depth);
  const unsigned maxval = depth == 16 ? 65535 : 255;
  size_t r, c;
  unsigned k;

  for (k = 0; k < channels; k++)
    for (r = 0; r < h; r++)
      for (c = 0; c < w; c++)
        ntkmc_image_set_sample (image, r, c, k,
                                (double) pattern (r, c, k, maxval) / maxval);
  return image;
}

/* Same size, channels and depth, and every sample bit-identical. */
static void
assert_identical (const NtkmcImage *a, const NtkmcImage *b)
{
  size_t w = ntkmc_image_get_width (a), h = ntkmc_image_get_height (a);
  unsigned channels = ntkmc_image_get_n_channels (a);
  size_t r, c;
  unsigned k;

  g_assert_cmpuint (ntkmc_image_get_width (b), ==, w);
  g_assert_cmpuint (ntkmc_image_get_height (b), ==, h);
  g_assert_cmpuint (ntkmc_image_get_n_channels (b), ==, channels);
  g_assert_cmpuint (ntkmc_image_get_depth (b), ==, ntkmc_image_get_depth (a));
  for (k = 0; k < channels; k++)
    for (r = 0; r < h; r++)
      for (c = 0; c < w; c++)
        {
          double x = ntkmc_image_get_sample (a, r, c, k);
          double y = ntkmc_image_get_sample (b, r, c, k);

          if (memcmp (&x, &y, sizeof x) != 0)
            g_error ("sample (%zu, %zu, %u): %.17g != %.17g", r, c, k, x, y);
        }
}

static NtkmcImage *
read_ok (const char *path)
{
  GError *error = NULL;
  NtkmcImage *image = ntkmc_image_read (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

static void
write_ok (const NtkmcImage *image, const char *path)
{
  GError *error = NULL;

  g_assert_true (ntkmc_image_write (image, path, &error));
  g_assert_no_error (error);
}

/* Reading @path fails with @code and a message holding @part1 and @part2. */
static void
read_fails (const char *path, int code, const char *part1, const char *part2)
{
  GError *error = NULL;
  NtkmcImage *image = ntkmc_image_read (path, &error);

  g_assert_null (image);
  g_assert_error (error, NTKMC_ERROR, code);
  g_test_message ("%s", error->message);
  if (part1 != NULL && strstr (error->message, part1) == NULL)
    g_error ("'%s' lacks '%s'", error->message, part1);
  if (part2 != NULL && strstr (error->message, part2) == NULL)
    g_error ("'%s' lacks '%s'", error->message, part2);
  g_error_free (error);
}

/* The first @len bytes of @src, written to @dst. */
static void
truncate_copy (const char *src, const char *dst, gsize len)
{
  GError *error = NULL;
  char *data;
  gsize n;

  g_file_get_contents (src, &data, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, <=, n);
  g_file_set_contents (dst, data, (gssize) len, &error);
  g_assert_no_error (error);
  g_free (data);
}

static gsize
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gsize) st.st_size;
}

/* --------------------------------------------------------------- the object */

static void
test_new (void)
{
  g_autoptr (NtkmcImage) image = ntkmc_image_new (5, 3, 4, 16);
  g_autoptr (NtkmcImage) copy = NULL;
  double *p0, *p3;

  g_assert_cmpuint (ntkmc_image_get_width (image), ==, 5);
  g_assert_cmpuint (ntkmc_image_get_height (image), ==, 3);
  g_assert_cmpuint (ntkmc_image_get_n_channels (image), ==, 4);
  g_assert_cmpuint (ntkmc_image_get_depth (image), ==, 16);
  g_assert_true (ntkmc_image_has_alpha (image));
  g_assert_cmpfloat (ntkmc_image_get_sample (image, 2, 4, 3), ==, 0);

  /* planar, row-major, the planes one after the other */
  p0 = ntkmc_image_peek_plane (image, 0);
  p3 = ntkmc_image_peek_plane (image, 3);
  g_assert_true (p3 == p0 + 3 * 15);
  ntkmc_image_set_sample (image, 2, 1, 3, 0.25);
  g_assert_cmpfloat (p3[2 * 5 + 1], ==, 0.25);
  p0[1 * 5 + 4] = 0.5;
  g_assert_cmpfloat (ntkmc_image_get_sample (image, 1, 4, 0), ==, 0.5);

  copy = ntkmc_image_copy (image);
  assert_identical (image, copy);
  g_assert_true (ntkmc_image_peek_plane (copy, 0) != p0);

  ntkmc_image_free (copy);
  copy = ntkmc_image_new (1, 1, 3, 8);
  g_assert_false (ntkmc_image_has_alpha (copy));
  g_assert_cmpuint (NTKMC_IMAGE_MAX_PIXELS, ==, 268435456);
}

/* Every sample value s becomes s / maxval and is stored back as s, through
 * the API and through PNG and TIFF files; values between samples round to
 * the nearest; values outside [0, 1] clamp. */
static void
test_exact (Fixture *f, gconstpointer data)
{
  static const unsigned depths[] = { 8, 16 };
  unsigned d;

  (void) data;
  for (d = 0; d < G_N_ELEMENTS (depths); d++)
    {
      const unsigned maxval = depths[d] == 16 ? 65535 : 255;
      g_autoptr (NtkmcImage) image = ntkmc_image_new (256, maxval == 255 ? 1
                                                                         : 256,
                                                      1, depths[d]);
      double *v = ntkmc_image_peek_plane (image, 0);
      const char *const names[] = { "all.png", "all.tif" };
      unsigned s, i;

      for (s = 0; s <= maxval; s++)
        {
          v[s] = s / (double) maxval;
          g_assert_cmpuint (ntkmc_image_get_sample_uint (image, s / 256,
                                                         s % 256, 0), ==, s);
        }
      for (i = 0; i < G_N_ELEMENTS (names); i++)
        {
          char *path = path_in (f, names[i]);
          g_autoptr (NtkmcImage) back = NULL;

          write_ok (image, path);
          back = read_ok (path);
          assert_identical (image, back);
          for (s = 0; s <= maxval; s++)
            g_assert_cmpuint (ntkmc_image_get_sample_uint (back, s / 256,
                                                           s % 256, 0), ==, s);
          g_free (path);
        }

      /* rounding to the nearest sample; clamping */
      v[0] = 0.49 / maxval;
      v[1] = 0.51 / maxval;
      v[2] = (100 + 0.49) / maxval;
      v[3] = (100 + 0.51) / maxval;
      v[4] = -0.3;
      v[5] = 1.7;
      v[6] = 1 - 0.4 / maxval;
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 0, 0), ==, 0);
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 1, 0), ==, 1);
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 2, 0), ==, 100);
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 3, 0), ==, 101);
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 4, 0), ==, 0);
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 5, 0), ==,
                        maxval);
      g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 6, 0), ==,
                        maxval);
    }
}

/* ------------------------------------------------------------ round trips */

/* PNG and TIFF: every channel count and depth, bit-identical. */
static void
test_lossless (Fixture *f, gconstpointer data)
{
  static const char *const exts[] = { "png", "tif", "PNG", "tiff" };
  unsigned e, channels, depth;

  (void) data;
  for (e = 0; e < G_N_ELEMENTS (exts); e++)
    for (channels = 1; channels <= 4; channels++)
      for (depth = 8; depth <= 16; depth += 8)
        {
          char *name = g_strdup_printf ("rt-%u-%u.%s", channels, depth,
                                        exts[e]);
          char *path = path_in (f, name);
          g_autoptr (NtkmcImage) image = make_image (37, 23, channels, depth);
          g_autoptr (NtkmcImage) back = NULL;

          write_ok (image, path);
          back = read_ok (path);
          assert_identical (image, back);
          /* and once more over the existing file */
          write_ok (back, path);
          ntkmc_image_free (back);
          back = read_ok (path);
          assert_identical (image, back);
          g_free (path);
          g_free (name);
        }
  /* only the images: no temporary file left */
  g_assert_cmpuint (count_files (f), ==, G_N_ELEMENTS (exts) * 8);
}

/* A smooth image, which JPEG at quality 95 keeps within a few levels. */
static NtkmcImage *
make_smooth (size_t w, size_t h, unsigned channels, unsigned depth)
{
  NtkmcImage *image = ntkmc_image_new (w, h, channels, depth);
  size_t r, c;
  unsigned k;

  for (k = 0; k < channels; k++)
    for (r = 0; r < h; r++)
      for (c = 0; c < w; c++)
        ntkmc_image_set_sample (image, r, c, k,
                                0.5 + 0.4 * sin ((double) r / 7 + k)
                                          * cos ((double) c / 11 - k));
  return image;
}

static void
test_jpeg (Fixture *f, gconstpointer data)
{
  static const char *const exts[] = { "jpg", "jpeg", "JPG" };
  unsigned e, channels, depth;

  (void) data;
  for (e = 0; e < G_N_ELEMENTS (exts); e++)
    for (channels = 1; channels <= 3; channels += 2)
      for (depth = 8; depth <= 16; depth += 8)
        {
          char *name = g_strdup_printf ("rt-%u-%u.%s", channels, depth,
                                        exts[e]);
          char *path = path_in (f, name);
          g_autoptr (NtkmcImage) image = make_smooth (61, 45, channels,
                                                      depth);
          g_autoptr (NtkmcImage) back = NULL;
          double worst = 0, sum = 0;
          size_t r, c;
          unsigned k;

          write_ok (image, path);
          back = read_ok (path);
          g_assert_cmpuint (ntkmc_image_get_width (back), ==, 61);
          g_assert_cmpuint (ntkmc_image_get_height (back), ==, 45);
          g_assert_cmpuint (ntkmc_image_get_n_channels (back), ==, channels);
          g_assert_cmpuint (ntkmc_image_get_depth (back), ==, 8);
          for (k = 0; k < channels; k++)
            for (r = 0; r < 45; r++)
              for (c = 0; c < 61; c++)
                {
                  double v = ntkmc_image_get_sample (back, r, c, k);
                  double d = fabs (v - ntkmc_image_get_sample (image, r, c,
                                                               k));

                  /* read values are exact multiples of 1/255 */
                  g_assert_cmpfloat (v, ==,
                                     ntkmc_image_get_sample_uint (back, r, c,
                                                                  k) / 255.0);
                  worst = MAX (worst, d);
                  sum += d;
                }
          g_test_message ("%s: worst %.2f, mean %.3f levels", name,
                          worst * 255, sum * 255 / (61 * 45 * channels));
          g_assert_cmpfloat (worst, <=, 6.0 / 255);
          g_assert_cmpfloat (sum / (61 * 45 * channels), <=, 1.0 / 255);
          g_free (path);
          g_free (name);
        }
}

/* ----------------------------------------------------------------- writing */

static void
test_write_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (NtkmcImage) rgba = make_image (4, 3, 4, 8);
  g_autoptr (NtkmcImage) grey = make_image (4, 3, 1, 8);
  char *path = path_in (f, "x.png");
  char *bmp = path_in (f, "x.bmp");
  char *bare = path_in (f, "png");
  char *jpg = path_in (f, "x.jpg");
  char *missing_dir = path_in (f, "no/such/dir/x.png");
  GError *error = NULL;
  gsize size;

  (void) data;
  g_assert_false (ntkmc_image_write (grey, bmp, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "x.bmp"));
  g_assert_nonnull (strstr (error->message, ".png"));
  g_clear_error (&error);
  g_assert_false (ntkmc_image_write (grey, bare, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (ntkmc_image_write (rgba, jpg, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "alpha"));
  g_clear_error (&error);

  g_assert_false (ntkmc_image_write (grey, missing_dir, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "x.png"));
  g_clear_error (&error);

  /* a failed write leaves the old file as it was */
  write_ok (grey, path);
  size = file_size (path);
  ntkmc_image_set_sample (rgba, 2, 1, 3, NAN);
  g_assert_false (ntkmc_image_write (rgba, path, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "row 2, column 1, channel 3"));
  g_clear_error (&error);
  ntkmc_image_set_sample (rgba, 2, 1, 3, INFINITY);
  g_assert_false (ntkmc_image_write (rgba, path, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (file_size (path), ==, size);
  g_assert_cmpuint (count_files (f), ==, 1);

  /* a write that fails midway (file size limit): the old file stays, and
   * no temporary file */
  {
    const char *const exts[] = { "png", "jpg", "tif" };
    g_autoptr (NtkmcImage) big = make_image (300, 300, 3, 8);
    struct rlimit old, small;
    void (*old_handler) (int);
    unsigned e;

    g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
    small = old;
    small.rlim_cur = 4096;
    old_handler = signal (SIGXFSZ, SIG_IGN);
    for (e = 0; e < G_N_ELEMENTS (exts); e++)
      {
        char *name = g_strdup_printf ("x.%s", exts[e]);
        char *target = path_in (f, name);

        if (e > 0)
          write_ok (grey, target);
        size = file_size (target);
        g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
        g_assert_false (ntkmc_image_write (big, target, &error));
        g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
        g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
        g_assert_nonnull (strstr (error->message, name));
        g_test_message ("%s", error->message);
        g_clear_error (&error);
        g_assert_cmpuint (file_size (target), ==, size);
        g_assert_cmpuint (count_files (f), ==, e + 1);
        g_free (target);
        g_free (name);
      }
    signal (SIGXFSZ, old_handler);
  }

  /* not a regular file: written directly; a full device is an I/O error */
  if (g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      const char *const targets[] = { "png", "jpg", "tif" };
      unsigned t;

      for (t = 0; t < G_N_ELEMENTS (targets); t++)
        {
          /* the extension picks the format; a symlink keeps the device */
          char *link = g_strdup_printf ("%s/full.%s", f->dir, targets[t]);
          g_autoptr (NtkmcImage) big = make_image (300, 300, 1, 8);

          g_assert_cmpint (symlink ("/dev/full", link), ==, 0);
          g_assert_false (ntkmc_image_write (big, link, &error));
          g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
          g_assert_nonnull (strstr (error->message, "cannot write"));
          g_clear_error (&error);
          g_assert_cmpint (g_unlink (link), ==, 0);
          g_free (link);
        }
    }
  g_free (missing_dir);
  g_free (jpg);
  g_free (bare);
  g_free (bmp);
  g_free (path);
}

/* ------------------------------------------------------------------- masks */

static void
test_mask (Fixture *f, gconstpointer data)
{
  g_autoptr (NtkmcImage) grey = ntkmc_image_new (3, 2, 2, 8);
  g_autoptr (NtkmcImage) rgb = ntkmc_image_new (2, 2, 3, 16);
  char *path = path_in (f, "mask.png");
  char *tif = path_in (f, "mask.tif");
  GError *error = NULL;
  guint8 missing[6], *m;

  (void) data;
  /* grey + alpha: 0, 255, 128 / 255, 0, 1; the alpha plays no part */
  ntkmc_image_set_sample (grey, 0, 1, 0, 1.0);
  ntkmc_image_set_sample (grey, 0, 2, 0, 128 / 255.0);
  ntkmc_image_set_sample (grey, 1, 0, 0, 1.0);
  ntkmc_image_set_sample (grey, 1, 2, 0, 1 / 255.0);
  ntkmc_image_set_sample (grey, 0, 0, 1, 1.0);
  g_assert_cmpuint (ntkmc_image_to_mask (grey, FALSE, missing), ==, 4);
  g_assert_cmpmem (missing, 6, ((guint8[]) { 0, 1, 1, 1, 0, 1 }), 6);
  g_assert_cmpuint (ntkmc_image_to_mask (grey, TRUE, missing), ==, 4);
  g_assert_cmpmem (missing, 6, ((guint8[]) { 1, 0, 1, 0, 1, 1 }), 6);

  /* RGB: black / one channel lit / white / one channel below white */
  ntkmc_image_set_sample (rgb, 0, 1, 1, 10 / 65535.0);
  ntkmc_image_set_sample (rgb, 1, 0, 0, 1.0);
  ntkmc_image_set_sample (rgb, 1, 0, 1, 1.0);
  ntkmc_image_set_sample (rgb, 1, 0, 2, 1.0);
  ntkmc_image_set_sample (rgb, 1, 1, 0, 1.0);
  ntkmc_image_set_sample (rgb, 1, 1, 1, 65534 / 65535.0);
  ntkmc_image_set_sample (rgb, 1, 1, 2, 1.0);
  g_assert_cmpuint (ntkmc_image_to_mask (rgb, FALSE, missing), ==, 3);
  g_assert_cmpmem (missing, 4, ((guint8[]) { 0, 1, 1, 1 }), 4);
  g_assert_cmpuint (ntkmc_image_to_mask (rgb, TRUE, missing), ==, 3);
  g_assert_cmpmem (missing, 4, ((guint8[]) { 1, 1, 0, 1 }), 4);

  /* from files */
  write_ok (grey, path);
  m = ntkmc_image_read_mask (path, FALSE, 3, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (m, 6, ((guint8[]) { 0, 1, 1, 1, 0, 1 }), 6);
  g_free (m);
  m = ntkmc_image_read_mask (path, TRUE, 3, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (m, 6, ((guint8[]) { 1, 0, 1, 0, 1, 1 }), 6);
  g_free (m);
  write_ok (rgb, tif);
  m = ntkmc_image_read_mask (tif, TRUE, 2, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (m, 4, ((guint8[]) { 1, 1, 0, 1 }), 4);
  g_free (m);

  /* another size: both sizes in the message */
  m = ntkmc_image_read_mask (path, FALSE, 320, 240, &error);
  g_assert_null (m);
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "3x2"));
  g_assert_nonnull (strstr (error->message, "320x240"));
  g_assert_nonnull (strstr (error->message, "mask.png"));
  g_clear_error (&error);
  m = ntkmc_image_read_mask (path, FALSE, 2, 3, &error);
  g_assert_null (m);
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
  g_clear_error (&error);
  g_free (tif);
  g_free (path);
}

/* ------------------------------------------- layouts written by the libraries */

/* Colour @k of palette entry @i in the test PNGs and TIFFs. */
static unsigned
palette_rgb (unsigned i, unsigned k)
{
  return k == 0 ? i : k == 1 ? 255 - i : (i * 7) & 255;
}

/* A PNG chunk's CRC (ISO 3309, as zlib's crc32). */
static guint32
crc32_of (const guint8 *p, size_t n)
{
  guint32 crc = 0xffffffffu;
  size_t i;
  int b;

  for (i = 0; i < n; i++)
    {
      crc ^= p[i];
      for (b = 0; b < 8; b++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  return crc ^ 0xffffffffu;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* Appends a PNG chunk to @buf. */
static void
png_chunk (GByteArray *buf, const char *type, const guint8 *body, guint32 n)
{
  guint8 word[4];
  guint start;

  put_be32 (word, n);
  g_byte_array_append (buf, word, 4);
  start = buf->len;
  g_byte_array_append (buf, (const guint8 *) type, 4);
  if (n > 0)
    g_byte_array_append (buf, body, n);
  put_be32 (word, crc32_of (buf->data + start, n + 4));
  g_byte_array_append (buf, word, 4);
}

/* What a test PNG holds; samples come from pattern(). */
typedef struct
{
  const char *name;
  int color_type;
  int bit_depth;
  gboolean interlaced;
  int n_palette;       /* palette entries (palette images) */
  int n_trans;         /* tRNS entries (palette), or 1 for a colour key */
} PngSpec;

static void
png_test_error (png_structp png, png_const_charp message)
{
  (void) png;
  g_error ("libpng: %s", message);
}

static void
png_test_warning (png_structp png, png_const_charp message)
{
  (void) png;
  (void) message;
}

/* The colour key of a test PNG: the pattern's value at (0, 0). */
static unsigned
png_key (const PngSpec *s, unsigned k)
{
  unsigned maxval = (1u << s->bit_depth) - 1;

  return pattern (0, 0, k, maxval);
}

/* Writes a w x h PNG of layout @s with pattern() samples (palette indices
 * for palette images) through libpng. */
static void
write_png_spec (const char *path, const PngSpec *s, size_t w, size_t h)
{
  const unsigned channels
    = s->color_type == PNG_COLOR_TYPE_GRAY ? 1
      : s->color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
      : s->color_type == PNG_COLOR_TYPE_RGB ? 3
      : s->color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
  const unsigned maxval = s->color_type == PNG_COLOR_TYPE_PALETTE
                            ? (unsigned) s->n_palette - 1
                            : (1u << s->bit_depth) - 1;
  const size_t rowbytes = (w * channels * (size_t) s->bit_depth + 7) / 8;
  FILE *fp = g_fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
                                             png_test_error,
                                             png_test_warning);
  png_infop info = png_create_info_struct (png);
  guint8 *pixels = g_new0 (guint8, rowbytes * h);
  png_bytep *rows = g_new (png_bytep, h);
  png_color palette[256];
  png_byte trans[256];
  png_color_16 key = { 0 };
  size_t r, c;
  unsigned k;
  int i;

  g_assert_nonnull (fp);
  for (r = 0; r < h; r++)
    {
      rows[r] = pixels + r * rowbytes;
      for (c = 0; c < w; c++)
        for (k = 0; k < channels; k++)
          {
            unsigned v = pattern (r, c, k, maxval);
            size_t i_s = c * channels + k;

            if (s->bit_depth == 16)
              {
                rows[r][2 * i_s] = (guint8) (v >> 8);
                rows[r][2 * i_s + 1] = (guint8) v;
              }
            else if (s->bit_depth == 8)
              rows[r][i_s] = (guint8) v;
            else
              rows[r][i_s * s->bit_depth / 8]
                |= (guint8) (v << (8 - s->bit_depth
                                   - (int) (i_s * s->bit_depth % 8)));
          }
    }
  for (i = 0; i < 256; i++)
    {
      palette[i].red = (png_byte) palette_rgb ((unsigned) i, 0);
      palette[i].green = (png_byte) palette_rgb ((unsigned) i, 1);
      palette[i].blue = (png_byte) palette_rgb ((unsigned) i, 2);
      trans[i] = (png_byte) (i * 11);
    }
  key.gray = (png_uint_16) png_key (s, 0);
  key.red = (png_uint_16) png_key (s, 0);
  key.green = (png_uint_16) png_key (s, 1);
  key.blue = (png_uint_16) png_key (s, 2);

  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();
  png_init_io (png, fp);
  png_set_IHDR (png, info, (png_uint_32) w, (png_uint_32) h, s->bit_depth,
                s->color_type,
                s->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (s->color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_PLTE (png, info, palette, s->n_palette);
  if (s->n_trans > 0)
    png_set_tRNS (png, info, trans, s->n_trans, &key);
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_assert_cmpint (fclose (fp), ==, 0);
  g_free (rows);
  g_free (pixels);
}

/* The image ntkmc_image_read() should make of write_png_spec()'s file. */
static NtkmcImage *
expect_png_spec (const PngSpec *s, size_t w, size_t h)
{
  const gboolean palette = s->color_type == PNG_COLOR_TYPE_PALETTE;
  const gboolean keyed = !palette && s->n_trans > 0;
  const unsigned colours = s->color_type & PNG_COLOR_MASK_COLOR ? 3 : 1;
  const gboolean alpha = (s->color_type & PNG_COLOR_MASK_ALPHA)
                         || s->n_trans > 0;
  const unsigned channels = colours + (alpha ? 1 : 0);
  const unsigned depth = s->bit_depth == 16 ? 16 : 8;
  const unsigned maxval = depth == 16 ? 65535 : 255;
  const unsigned in_channels = palette ? 1 : colours + ((s->color_type
                                                        & PNG_COLOR_MASK_ALPHA)
                                                       ? 1 : 0);
  const unsigned in_max = palette ? (unsigned) s->n_palette - 1
                                  : (1u << s->bit_depth) - 1;
  NtkmcImage *image = ntkmc_image_new (w, h, channels, depth);
  size_t r, c;
  unsigned k;

  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      {
        unsigned v[4];
        gboolean is_key = TRUE;

        for (k = 0; k < in_channels; k++)
          v[k] = pattern (r, c, k, in_max);
        if (palette)
          {
            unsigned i = v[0];

            v[0] = palette_rgb (i, 0);
            v[1] = palette_rgb (i, 1);
            v[2] = palette_rgb (i, 2);
            v[3] = (int) i < s->n_trans ? i * 11 : 255;
          }
        else
          {
            for (k = 0; k < colours; k++)
              is_key = is_key && v[k] == png_key (s, k);
            if (s->bit_depth < 8)
              v[0] *= 255 / in_max;
            if (keyed)
              v[colours] = is_key ? 0 : maxval;
          }
        for (k = 0; k < channels; k++)
          ntkmc_image_set_sample (image, r, c, k, (double) v[k] / maxval);
      }
  return image;
}

static void
test_png_layouts (Fixture *f, gconstpointer data)
{
  static const PngSpec specs[] = {
    { "grey1", PNG_COLOR_TYPE_GRAY, 1, FALSE, 0, 0 },
    { "grey2", PNG_COLOR_TYPE_GRAY, 2, TRUE, 0, 0 },
    { "grey4", PNG_COLOR_TYPE_GRAY, 4, FALSE, 0, 0 },
    { "grey8-key", PNG_COLOR_TYPE_GRAY, 8, FALSE, 0, 1 },
    { "grey16-key", PNG_COLOR_TYPE_GRAY, 16, TRUE, 0, 1 },
    { "greyalpha8-adam7", PNG_COLOR_TYPE_GRAY_ALPHA, 8, TRUE, 0, 0 },
    { "rgb8-key", PNG_COLOR_TYPE_RGB, 8, FALSE, 0, 1 },
    { "rgb16-adam7", PNG_COLOR_TYPE_RGB, 16, TRUE, 0, 0 },
    { "rgba16-adam7", PNG_COLOR_TYPE_RGB_ALPHA, 16, TRUE, 0, 0 },
    { "pal8", PNG_COLOR_TYPE_PALETTE, 8, FALSE, 256, 0 },
    { "pal4-trns", PNG_COLOR_TYPE_PALETTE, 4, FALSE, 16, 10 },
    { "pal2-adam7", PNG_COLOR_TYPE_PALETTE, 2, TRUE, 3, 0 },
  };
  unsigned i;

  (void) data;
  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      char *name = g_strdup_printf ("%s.png", specs[i].name);
      char *path = path_in (f, name);
      g_autoptr (NtkmcImage) want = expect_png_spec (&specs[i], 19, 13);
      g_autoptr (NtkmcImage) got = NULL;

      g_test_message ("%s", specs[i].name);
      write_png_spec (path, &specs[i], 19, 13);
      got = read_ok (path);
      assert_identical (want, got);
      g_free (path);
      g_free (name);
    }
}

/* What a test TIFF holds; samples come from pattern(). */
typedef struct
{
  const char *name;
  uint16_t photometric;
  uint16_t spp;
  uint16_t bits;
  uint16_t planar;
  uint32_t tile;          /* tile side, or 0 for strips */
  uint32_t rows_per_strip;
  uint16_t compression;
  gboolean big_endian;
  uint16_t extra;         /* EXTRASAMPLES type when spp has one more */
  uint16_t format;        /* SAMPLEFORMAT */
} TiffSpec;

static int
tiff_test_error (TIFF *tif, void *user, const char *module, const char *fmt,
                 va_list ap)
{
  char *text = g_strdup_vprintf (fmt, ap);

  (void) tif;
  (void) user;
  g_error ("libtiff (%s): %s", module, text);
  return 1;
}

static int
tiff_test_warning (TIFF *tif, void *user, const char *module,
                   const char *fmt, va_list ap)
{
  (void) tif;
  (void) user;
  (void) module;
  (void) fmt;
  (void) ap;
  return 1;
}

static void
pack (guint8 *buf, unsigned bits, size_t i, unsigned v)
{
  if (bits == 16)
    {
      guint16 s = (guint16) v;

      memcpy (buf + 2 * i, &s, 2);
    }
  else if (bits == 8)
    buf[i] = (guint8) v;
  else
    buf[i * bits / 8] |= (guint8) (v << (8 - bits - i * bits % 8));
}

/* Writes a w x h TIFF of layout @s with pattern() samples through libtiff
 * (palette images: a 2^bits-entry colour map of palette_rgb() * 257); with
 * other depths than 1, 2, 4, 8 and 16 (refused layouts), every sample is
 * 0. */
static void
write_tiff_spec (const char *path, const TiffSpec *s, size_t w, size_t h)
{
  TIFFOpenOptions *opts = TIFFOpenOptionsAlloc ();
  const unsigned maxval = s->bits <= 16 ? (1u << s->bits) - 1 : 0;
  const unsigned planes = s->planar == PLANARCONFIG_SEPARATE ? s->spp : 1;
  const gboolean packed = s->bits == 1 || s->bits == 2 || s->bits == 4
                          || s->bits == 8 || s->bits == 16;
  const unsigned per_pixel = !packed ? 0 : planes == 1 ? s->spp : 1;
  TIFF *tif;
  unsigned p, k;
  size_t r, c;

  TIFFOpenOptionsSetErrorHandlerExtR (opts, tiff_test_error, NULL);
  TIFFOpenOptionsSetWarningHandlerExtR (opts, tiff_test_warning, NULL);
  tif = TIFFOpenExt (path, s->big_endian ? "wb" : "wl", opts);
  TIFFOpenOptionsFree (opts);
  g_assert_nonnull (tif);
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (uint32_t) w);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (uint32_t) h);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, s->bits);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, s->spp);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, s->photometric);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, s->planar);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, s->compression);
  TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, s->format);
  if (s->extra != 0)
    TIFFSetField (tif, TIFFTAG_EXTRASAMPLES, 1, &s->extra);
  if (s->photometric == PHOTOMETRIC_PALETTE)
    {
      uint16_t *map = g_new (uint16_t, 3 << s->bits);
      unsigned i;

      for (i = 0; i <= maxval; i++)
        {
          map[i] = (uint16_t) (palette_rgb (i, 0) * 257);
          map[maxval + 1 + i] = (uint16_t) (palette_rgb (i, 1) * 257);
          map[2 * (maxval + 1) + i] = (uint16_t) (palette_rgb (i, 2) * 257);
        }
      TIFFSetField (tif, TIFFTAG_COLORMAP, map, map + maxval + 1,
                    map + 2 * (maxval + 1));
      g_free (map);
    }
  if (s->compression == COMPRESSION_JPEG)
    {
      TIFFSetField (tif, TIFFTAG_JPEGQUALITY, 95);
      TIFFSetField (tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    }

  if (s->tile == 0)
    {
      guint8 *buf = g_malloc ((size_t) TIFFScanlineSize (tif));

      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, s->rows_per_strip);
      for (p = 0; p < planes; p++)
        for (r = 0; r < h; r++)
          {
            memset (buf, 0, (size_t) TIFFScanlineSize (tif));
            for (c = 0; c < w; c++)
              for (k = 0; k < per_pixel; k++)
                pack (buf, s->bits, c * per_pixel + k,
                      pattern (r, c, planes == 1 ? k : p, maxval));
            g_assert_cmpint (TIFFWriteScanline (tif, buf, (uint32_t) r,
                                                (uint16_t) p), ==, 1);
          }
      g_free (buf);
    }
  else
    {
      guint8 *buf;
      size_t row_size, x0, y0;

      TIFFSetField (tif, TIFFTAG_TILEWIDTH, s->tile);
      TIFFSetField (tif, TIFFTAG_TILELENGTH, s->tile);
      row_size = (size_t) TIFFTileRowSize (tif);
      buf = g_malloc ((size_t) TIFFTileSize (tif));
      for (p = 0; p < planes; p++)
        for (y0 = 0; y0 < h; y0 += s->tile)
          for (x0 = 0; x0 < w; x0 += s->tile)
            {
              memset (buf, 0, (size_t) TIFFTileSize (tif));
              for (r = y0; r < MIN (h, y0 + s->tile); r++)
                for (c = x0; c < MIN (w, x0 + s->tile); c++)
                  for (k = 0; k < per_pixel; k++)
                    pack (buf + (r - y0) * row_size, s->bits,
                          (c - x0) * per_pixel + k,
                          pattern (r, c, planes == 1 ? k : p, maxval));
              g_assert_cmpint (TIFFWriteTile (tif, buf, (uint32_t) x0,
                                              (uint32_t) y0, 0,
                                              (uint16_t) p), >, 0);
            }
      g_free (buf);
    }
  g_assert_true (TIFFWriteDirectory (tif));
  TIFFClose (tif);
}

/* The image ntkmc_image_read() should make of write_tiff_spec()'s file. */
static NtkmcImage *
expect_tiff_spec (const TiffSpec *s, size_t w, size_t h)
{
  const gboolean palette = s->photometric == PHOTOMETRIC_PALETTE;
  const unsigned in_max = (1u << s->bits) - 1;
  const unsigned channels = palette ? 3 : s->spp;
  const unsigned depth = s->bits == 16 ? 16 : 8;
  const unsigned maxval = depth == 16 ? 65535 : 255;
  NtkmcImage *image = ntkmc_image_new (w, h, channels, depth);
  size_t r, c;
  unsigned k;

  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      for (k = 0; k < channels; k++)
        {
          unsigned v = pattern (r, c, palette ? 0 : k, in_max);

          if (palette)
            v = palette_rgb (v, k);
          else
            {
              if (k == 0 && s->photometric == PHOTOMETRIC_MINISWHITE)
                v = in_max - v;
              if (s->bits < 8)
                v *= 255 / in_max;
            }
          ntkmc_image_set_sample (image, r, c, k, (double) v / maxval);
        }
  return image;
}

#define STRIPS(n) 0, n
#define TILES(n) n, 0

static void
test_tiff_layouts (Fixture *f, gconstpointer data)
{
  static const TiffSpec specs[] = {
    { "grey8-lzw", PHOTOMETRIC_MINISBLACK, 1, 8, PLANARCONFIG_CONTIG,
      STRIPS (3), COMPRESSION_LZW, FALSE, 0, SAMPLEFORMAT_UINT },
    { "grey16-be-tiled", PHOTOMETRIC_MINISBLACK, 1, 16, PLANARCONFIG_CONTIG,
      TILES (16), COMPRESSION_NONE, TRUE, 0, SAMPLEFORMAT_UINT },
    { "white8", PHOTOMETRIC_MINISWHITE, 1, 8, PLANARCONFIG_CONTIG,
      STRIPS (5), COMPRESSION_PACKBITS, FALSE, 0, SAMPLEFORMAT_UINT },
    { "white1", PHOTOMETRIC_MINISWHITE, 1, 1, PLANARCONFIG_CONTIG,
      STRIPS (7), COMPRESSION_NONE, FALSE, 0, SAMPLEFORMAT_UINT },
    { "grey2-tiled", PHOTOMETRIC_MINISBLACK, 1, 2, PLANARCONFIG_CONTIG,
      TILES (16), COMPRESSION_NONE, TRUE, 0, SAMPLEFORMAT_UINT },
    { "grey4", PHOTOMETRIC_MINISBLACK, 1, 4, PLANARCONFIG_CONTIG,
      STRIPS (2), COMPRESSION_ADOBE_DEFLATE, FALSE, 0, SAMPLEFORMAT_UINT },
    { "greyalpha16-sep", PHOTOMETRIC_MINISBLACK, 2, 16,
      PLANARCONFIG_SEPARATE, STRIPS (4), COMPRESSION_NONE, TRUE,
      EXTRASAMPLE_UNASSALPHA, SAMPLEFORMAT_UINT },
    { "rgb8-sep-tiled", PHOTOMETRIC_RGB, 3, 8, PLANARCONFIG_SEPARATE,
      TILES (16), COMPRESSION_ADOBE_DEFLATE, FALSE, 0, SAMPLEFORMAT_UINT },
    { "rgb16-be", PHOTOMETRIC_RGB, 3, 16, PLANARCONFIG_CONTIG, STRIPS (1),
      COMPRESSION_LZW, TRUE, 0, SAMPLEFORMAT_UINT },
    { "rgba8-unspecified", PHOTOMETRIC_RGB, 4, 8, PLANARCONFIG_CONTIG,
      STRIPS (8), COMPRESSION_NONE, FALSE, EXTRASAMPLE_UNSPECIFIED,
      SAMPLEFORMAT_UINT },
    { "rgba16-sep-tiled", PHOTOMETRIC_RGB, 4, 16, PLANARCONFIG_SEPARATE,
      TILES (32), COMPRESSION_ADOBE_DEFLATE, TRUE, EXTRASAMPLE_UNASSALPHA,
      SAMPLEFORMAT_UINT },
    { "palette8", PHOTOMETRIC_PALETTE, 1, 8, PLANARCONFIG_CONTIG,
      STRIPS (4), COMPRESSION_NONE, FALSE, 0, SAMPLEFORMAT_UINT },
    { "palette4-tiled", PHOTOMETRIC_PALETTE, 1, 4, PLANARCONFIG_CONTIG,
      TILES (16), COMPRESSION_NONE, TRUE, 0, SAMPLEFORMAT_UINT },
  };
  unsigned i;

  (void) data;
  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      char *name = g_strdup_printf ("%s.tif", specs[i].name);
      char *path = path_in (f, name);
      g_autoptr (NtkmcImage) want = expect_tiff_spec (&specs[i], 37, 23);
      g_autoptr (NtkmcImage) got = NULL;

      g_test_message ("%s", specs[i].name);
      if (!TIFFIsCODECConfigured (specs[i].compression))
        {
          g_test_message ("(codec %u not configured)", specs[i].compression);
          g_free (path);
          g_free (name);
          continue;
        }
      write_tiff_spec (path, &specs[i], 37, 23);
      got = read_ok (path);
      assert_identical (want, got);
      g_free (path);
      g_free (name);
    }

  /* YCbCr in JPEG strips: decoded to RGB by libtiff, within JPEG's error */
  if (TIFFIsCODECConfigured (COMPRESSION_JPEG))
    {
      char *path = path_in (f, "ycbcr.tif");
      char *png = path_in (f, "smooth.png");
      g_autoptr (NtkmcImage) smooth = make_smooth (48, 32, 3, 8);
      g_autoptr (NtkmcImage) got = NULL;
      g_autoptr (NtkmcImage) src = NULL;
      TIFFOpenOptions *opts = TIFFOpenOptionsAlloc ();
      TIFF *tif;
      guint8 row[48 * 3];
      double worst = 0;
      size_t r, c;
      unsigned k;

      write_ok (smooth, png);
      src = read_ok (png);
      TIFFOpenOptionsSetErrorHandlerExtR (opts, tiff_test_error, NULL);
      tif = TIFFOpenExt (path, "w", opts);
      TIFFOpenOptionsFree (opts);
      g_assert_nonnull (tif);
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, 48);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, 32);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 3);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
      TIFFSetField (tif, TIFFTAG_JPEGQUALITY, 95);
      TIFFSetField (tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 16);
      for (r = 0; r < 32; r++)
        {
          for (c = 0; c < 48; c++)
            for (k = 0; k < 3; k++)
              row[c * 3 + k] = (guint8) ntkmc_image_get_sample_uint (src, r,
                                                                     c, k);
          g_assert_cmpint (TIFFWriteScanline (tif, row, (uint32_t) r, 0), ==,
                           1);
        }
      g_assert_true (TIFFWriteDirectory (tif));
      TIFFClose (tif);

      got = read_ok (path);
      g_assert_cmpuint (ntkmc_image_get_n_channels (got), ==, 3);
      g_assert_cmpuint (ntkmc_image_get_width (got), ==, 48);
      g_assert_cmpuint (ntkmc_image_get_height (got), ==, 32);
      for (k = 0; k < 3; k++)
        for (r = 0; r < 32; r++)
          for (c = 0; c < 48; c++)
            worst = MAX (worst, fabs (ntkmc_image_get_sample (got, r, c, k)
                                      - ntkmc_image_get_sample (src, r, c,
                                                                k)));
      /* 2x2 chroma subsampling: a little more than plain JPEG */
      g_assert_cmpfloat (worst, <=, 12.0 / 255);
      g_free (png);
      g_free (path);
    }
}

/* ------------------------------------------------------------------ errors */

/* Writes a CMYK JPEG through libjpeg (its default error manager exits on
 * failure: fine for a test). */
static void
write_cmyk_jpeg (const char *path)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  guint8 row[8 * 4];
  JSAMPROW rows[1] = { row };
  FILE *fp = g_fopen (path, "wb");
  unsigned r;

  g_assert_nonnull (fp);
  memset (row, 100, sizeof row);
  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_stdio_dest (&c, fp);
  c.image_width = 8;
  c.image_height = 8;
  c.input_components = 4;
  c.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&c);
  jpeg_start_compress (&c, TRUE);
  for (r = 0; r < 8; r++)
    jpeg_write_scanlines (&c, rows, 1);
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  g_assert_cmpint (fclose (fp), ==, 0);
}

/* Every read error, each with its code and a useful message. */
static void
check_read_errors (Fixture *f)
{
  g_autoptr (NtkmcImage) image = make_image (64, 48, 3, 8);
  g_autoptr (NtkmcImage) smooth = make_smooth (64, 48, 3, 8);
  char *none = path_in (f, "no-such.png");
  char *empty = path_in (f, "empty.png");
  char *text = path_in (f, "text.png");
  char *png = path_in (f, "good.png");
  char *jpg = path_in (f, "good.jpg");
  char *tif = path_in (f, "good.tif");
  char *bad = path_in (f, "bad");
  GError *error = NULL;
  GByteArray *buf;
  gsize n;

  read_fails (none, NTKMC_ERROR_IO, "no-such.png", g_strerror (ENOENT));
  read_fails (f->dir, NTKMC_ERROR_IO, g_strerror (EISDIR), NULL);
  g_file_set_contents (empty, "", 0, &error);
  g_assert_no_error (error);
  read_fails (empty, NTKMC_ERROR_FORMAT, "empty.png", "empty");
  g_file_set_contents (text, "#!/bin/sh\necho hello\n", -1, &error);
  g_assert_no_error (error);
  read_fails (text, NTKMC_ERROR_FORMAT, "not a PNG, JPEG or TIFF",
              "23 21 2f 62 69 6e 2f 73 \"#!/bin/s\"");
  g_file_set_contents (text, "\x89PNG", -1, &error);
  g_assert_no_error (error);
  read_fails (text, NTKMC_ERROR_FORMAT, "not a PNG, JPEG or TIFF",
              "89 50 4e 47 \".PNG\"");

  /* truncated, or with a byte changed */
  write_ok (image, png);
  n = file_size (png);
  truncate_copy (png, bad, n / 2);
  read_fails (bad, NTKMC_ERROR_FORMAT, "truncated or corrupt PNG", "'");
  truncate_copy (png, bad, 30);
  read_fails (bad, NTKMC_ERROR_FORMAT, "PNG", NULL);
  truncate_copy (png, bad, n - 5);      /* the IEND chunk cut */
  read_fails (bad, NTKMC_ERROR_FORMAT, "PNG", NULL);
  {
    char *data;

    g_file_get_contents (png, &data, &n, &error);
    g_assert_no_error (error);
    data[20] ^= 0x40;                   /* in IHDR: its CRC fails */
    g_file_set_contents (bad, data, (gssize) n, &error);
    g_assert_no_error (error);
    read_fails (bad, NTKMC_ERROR_FORMAT, "PNG", "CRC");
    g_free (data);
  }

  write_ok (smooth, jpg);
  n = file_size (jpg);
  truncate_copy (jpg, bad, n / 2);
  read_fails (bad, NTKMC_ERROR_FORMAT, "truncated or corrupt JPEG",
              "Premature end");
  truncate_copy (jpg, bad, 100);
  read_fails (bad, NTKMC_ERROR_FORMAT, "JPEG", NULL);
  write_cmyk_jpeg (bad);
  read_fails (bad, NTKMC_ERROR_FORMAT, "CMYK", NULL);

  write_ok (image, tif);
  n = file_size (tif);
  truncate_copy (tif, bad, n / 2);      /* the directory is at the end */
  read_fails (bad, NTKMC_ERROR_FORMAT, "truncated or corrupt TIFF", NULL);
  truncate_copy (tif, bad, 6);
  read_fails (bad, NTKMC_ERROR_FORMAT, "TIFF", NULL);
  g_file_set_contents (bad, "II*\0\xff\xff\xff\x7f", 8, &error);
  g_assert_no_error (error);
  read_fails (bad, NTKMC_ERROR_FORMAT, "TIFF", NULL);
  {
    char *data;
    gsize i;

    /* the Deflate stream of the first strip overwritten */
    g_file_get_contents (tif, &data, &n, &error);
    g_assert_no_error (error);
    for (i = 8; i < 200; i++)
      data[i] = (char) 0xa5;
    g_file_set_contents (bad, data, (gssize) n, &error);
    g_assert_no_error (error);
    read_fails (bad, NTKMC_ERROR_FORMAT, "TIFF", NULL);
    g_free (data);
  }

  /* TIFF layouts that are refused */
  {
    static const TiffSpec refused[] = {
      { "assoc", PHOTOMETRIC_RGB, 4, 8, PLANARCONFIG_CONTIG, STRIPS (8),
        COMPRESSION_NONE, FALSE, EXTRASAMPLE_ASSOCALPHA, SAMPLEFORMAT_UINT },
      { "float", PHOTOMETRIC_MINISBLACK, 1, 32, PLANARCONFIG_CONTIG,
        STRIPS (8), COMPRESSION_NONE, FALSE, 0, SAMPLEFORMAT_IEEEFP },
      { "cmyk", PHOTOMETRIC_SEPARATED, 4, 8, PLANARCONFIG_CONTIG,
        STRIPS (8), COMPRESSION_NONE, FALSE, 0, SAMPLEFORMAT_UINT },
      { "rgb5", PHOTOMETRIC_RGB, 5, 8, PLANARCONFIG_CONTIG, STRIPS (8),
        COMPRESSION_NONE, FALSE, 0, SAMPLEFORMAT_UINT },
      { "rgb12", PHOTOMETRIC_RGB, 3, 12, PLANARCONFIG_CONTIG, STRIPS (8),
        COMPRESSION_NONE, FALSE, 0, SAMPLEFORMAT_UINT },
    };
    static const char *const why[] = { "premultiplied", "floating-point",
                                       "CMYK", "5-sample colour",
                                       "12-bit" };
    unsigned i;

    for (i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        write_tiff_spec (bad, &refused[i], 8, 8);
        read_fails (bad, NTKMC_ERROR_FORMAT, why[i], "not supported");
      }
  }

  /* more than 2^28 pixels: refused before any allocation */
  {
    static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
                                   '\n' };
    guint8 ihdr[13] = { 0 };

    buf = g_byte_array_new ();
    g_byte_array_append (buf, sig, 8);
    put_be32 (ihdr, 20000);
    put_be32 (ihdr + 4, 20000);
    ihdr[8] = 8;
    png_chunk (buf, "IHDR", ihdr, 13);
    png_chunk (buf, "IDAT", NULL, 0);
    g_file_set_contents (bad, (const char *) buf->data, buf->len, &error);
    g_assert_no_error (error);
    g_byte_array_unref (buf);
    read_fails (bad, NTKMC_ERROR_TOO_LARGE, "20000x20000", "2^28");
  }

  g_free (bad);
  g_free (tif);
  g_free (jpg);
  g_free (png);
  g_free (text);
  g_free (empty);
  g_free (none);
}

static void
test_read_errors (Fixture *f, gconstpointer data)
{
  (void) data;
  check_read_errors (f);
}

/* ------------------------------------------------------------ real images */

/* The folder of the shared test images, or NULL. */
static char *
shared_images (void)
{
  const char *env = g_getenv ("NTKMC_SHARED_DATA");
  char *dir = env != NULL
                ? g_build_filename (env, "images", NULL)
                : g_test_build_filename (G_TEST_DIST, "..", "..", "shared",
                                         "data", "images", NULL);

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;
  g_free (dir);
  return NULL;
}

/* The sum of every sample at the image's depth. */
static guint64
sample_sum (const NtkmcImage *image)
{
  guint64 sum = 0;
  size_t r, c;
  unsigned k;

  for (k = 0; k < ntkmc_image_get_n_channels (image); k++)
    for (r = 0; r < ntkmc_image_get_height (image); r++)
      for (c = 0; c < ntkmc_image_get_width (image); c++)
        sum += ntkmc_image_get_sample_uint (image, r, c, k);
  return sum;
}

static gboolean
check_real_images (Fixture *f)
{
  char *dir = shared_images ();
  char *vase, *vase_mask, *library, *library_mask, *copy;
  NtkmcImage *image, *back;
  GError *error = NULL;
  guint8 *m;
  size_t i, n;

  if (dir == NULL)
    return FALSE;
  vase = g_build_filename (dir, "vase.png", NULL);
  vase_mask = g_build_filename (dir, "vase_mask.png", NULL);
  library = g_build_filename (dir, "library.png", NULL);
  library_mask = g_build_filename (dir, "library_mask.png", NULL);

  /* sums and pixels from an independent decoder (Python's zlib) */
  image = read_ok (vase);
  g_assert_cmpuint (ntkmc_image_get_width (image), ==, 320);
  g_assert_cmpuint (ntkmc_image_get_height (image), ==, 320);
  g_assert_cmpuint (ntkmc_image_get_n_channels (image), ==, 3);
  g_assert_cmpuint (ntkmc_image_get_depth (image), ==, 8);
  g_assert_cmpuint (sample_sum (image), ==, 32660890);
  g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 0, 0), ==, 160);
  g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 0, 1), ==, 101);
  g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 0, 0, 2), ==, 57);
  g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 100, 200, 0), ==,
                    193);
  /* written and read back unchanged, as the inpainting output is */
  copy = path_in (f, "vase.png");
  write_ok (image, copy);
  back = read_ok (copy);
  assert_identical (image, back);
  ntkmc_image_free (back);
  g_free (copy);
  copy = path_in (f, "vase.tif");
  write_ok (image, copy);
  back = read_ok (copy);
  assert_identical (image, back);
  ntkmc_image_free (back);
  g_free (copy);
  ntkmc_image_free (image);

  m = ntkmc_image_read_mask (vase_mask, TRUE, 320, 320, &error);
  g_assert_no_error (error);
  for (i = 0, n = 0; i < 320 * 320; i++)
    n += m[i];
  g_assert_cmpuint (n, ==, 2809);       /* 2.7% */
  g_free (m);

  image = read_ok (library);
  g_assert_cmpuint (ntkmc_image_get_width (image), ==, 704);
  g_assert_cmpuint (ntkmc_image_get_height (image), ==, 448);
  g_assert_cmpuint (ntkmc_image_get_n_channels (image), ==, 3);
  g_assert_cmpuint (sample_sum (image), ==, 101951177);
  g_assert_cmpuint (ntkmc_image_get_sample_uint (image, 100, 200, 0), ==,
                    33);
  ntkmc_image_free (image);

  m = ntkmc_image_read_mask (library_mask, TRUE, 704, 448, &error);
  g_assert_no_error (error);
  for (i = 0, n = 0; i < 704 * 448; i++)
    n += m[i];
  /* 18.6% missing, as the README says */
  g_assert_cmpfloat (fabs (n / (704.0 * 448) - 0.186), <=, 0.005);
  g_assert_cmpuint (n, ==, 58762);
  g_free (m);
  /* in the other sense, the complement */
  m = ntkmc_image_read_mask (library_mask, FALSE, 704, 448, &error);
  g_assert_no_error (error);
  for (i = 0, n = 0; i < 704 * 448; i++)
    n += m[i];
  g_assert_cmpuint (n, ==, 704 * 448 - 58762);
  g_free (m);
  /* and not the vase's size */
  m = ntkmc_image_read_mask (library_mask, TRUE, 320, 320, &error);
  g_assert_null (m);
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
  g_clear_error (&error);

  g_free (library_mask);
  g_free (library);
  g_free (vase_mask);
  g_free (vase);
  g_free (dir);
  return TRUE;
}

static void
test_real_images (Fixture *f, gconstpointer data)
{
  (void) data;
  if (!check_real_images (f))
    g_test_skip ("no shared/data/images folder (set NTKMC_SHARED_DATA)");
}

/* -------------------------------------------------------------- quietness */

/* The error paths, odd layouts and real images again, with the process's
 * standard error (descriptor 2) sent to a file that must stay empty: the
 * libraries' messages all go into GErrors, none is printed.  Done in
 * process rather than in a g_test_trap_subprocess() child, so that it runs
 * under valgrind and the sanitizers too, and starts no thread. */
static void
test_quiet (Fixture *f, gconstpointer data)
{
  char *path = path_in (f, "stderr.txt");
  GError *error = NULL;
  char *printed;
  int fd, saved;

  fflush (stderr);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  saved = dup (2);
  g_assert_cmpint (saved, >=, 0);
  g_assert_cmpint (dup2 (fd, 2), ==, 2);
  close (fd);

  check_read_errors (f);
  test_png_layouts (f, data);
  test_tiff_layouts (f, data);
  check_real_images (f);

  fflush (stderr);
  g_assert_cmpint (dup2 (saved, 2), ==, 2);
  close (saved);
  g_file_get_contents (path, &printed, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (printed, ==, "");
  g_free (printed);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/image/new", test_new);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/image/exact", test_exact);
  ADD ("/image/lossless", test_lossless);
  ADD ("/image/jpeg", test_jpeg);
  ADD ("/image/write-errors", test_write_errors);
  ADD ("/image/mask", test_mask);
  ADD ("/image/png-layouts", test_png_layouts);
  ADD ("/image/tiff-layouts", test_tiff_layouts);
  ADD ("/image/read-errors", test_read_errors);
  ADD ("/image/real", test_real_images);
  ADD ("/image/quiet", test_quiet);
#undef ADD
  return g_test_run ();
}
