/* SPDX-License-Identifier: MIT */
/*
 * image.c: NtkmcImage, a planar image of doubles in [0, 1] with the bit
 * depth of its file; reading (format from the signature bytes), writing
 * (format from the extension, atomic replacement) and masks.
 *
 * A file is read whole (mapped) and handed to the codec of its format; the
 * codecs (png.c, jpeg.c, tiff.c) decode from memory and encode to a stream,
 * and route every library message into a GError.
 */
#include "config.h"

#include "image/image-private.h"
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <glib/gstdio.h>

/* ------------------------------------------------------------------ object */

static gboolean
size_ok (size_t width, size_t height)
{
  return width >= 1 && height >= 1
         && width <= NTKMC_IMAGE_MAX_PIXELS / height;
}

NtkmcImage *
ntkmc_image_alloc (size_t width, size_t height, unsigned channels,
                   unsigned depth, const char *shown, GError **error)
{
  NtkmcImage *image;
  double *data;

  if (width == 0 || height == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "'%s' is %zux%zu: an image without pixels", shown, width,
                   height);
      return NULL;
    }
  if (!size_ok (width, height))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "'%s' is %zux%zu pixels; at most %zu (2^28) are supported",
                   shown, width, height, NTKMC_IMAGE_MAX_PIXELS);
      return NULL;
    }
  /* at most 2^28 * 4 doubles: no overflow */
  data = g_try_malloc0 (width * height * channels * sizeof (double));
  if (data == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "'%s' is %zux%zu pixels x %u channels: out of memory",
                   shown, width, height, channels);
      return NULL;
    }
  image = g_new (NtkmcImage, 1);
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->depth = depth;
  image->data = data;
  return image;
}

NtkmcImage *
ntkmc_image_new (size_t width, size_t height, unsigned channels,
                 unsigned depth)
{
  NtkmcImage *image;

  g_return_val_if_fail (size_ok (width, height), NULL);
  g_return_val_if_fail (channels >= 1 && channels <= 4, NULL);
  g_return_val_if_fail (depth == 8 || depth == 16, NULL);

  image = g_new (NtkmcImage, 1);
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->depth = depth;
  image->data = g_new0 (double, width * height * channels);
  return image;
}

NtkmcImage *
ntkmc_image_copy (const NtkmcImage *image)
{
  NtkmcImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = g_new (NtkmcImage, 1);
  *copy = *image;
  copy->data = g_memdup2 (image->data, image->width * image->height
                                         * image->channels * sizeof (double));
  return copy;
}

void
ntkmc_image_free (NtkmcImage *image)
{
  if (image == NULL)
    return;
  g_free (image->data);
  g_free (image);
}

size_t
ntkmc_image_get_width (const NtkmcImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->width;
}

size_t
ntkmc_image_get_height (const NtkmcImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->height;
}

unsigned
ntkmc_image_get_n_channels (const NtkmcImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->channels;
}

unsigned
ntkmc_image_get_depth (const NtkmcImage *image)
{
  g_return_val_if_fail (image != NULL, 0);
  return image->depth;
}

gboolean
ntkmc_image_has_alpha (const NtkmcImage *image)
{
  g_return_val_if_fail (image != NULL, FALSE);
  return image->channels == 2 || image->channels == 4;
}

double *
ntkmc_image_peek_plane (NtkmcImage *image, unsigned channel)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (channel < image->channels, NULL);
  return image->data + (size_t) channel * image->width * image->height;
}

double
ntkmc_image_get_sample (const NtkmcImage *image, size_t r, size_t c,
                        unsigned channel)
{
  g_return_val_if_fail (image != NULL, NAN);
  g_return_val_if_fail (r < image->height && c < image->width, NAN);
  g_return_val_if_fail (channel < image->channels, NAN);
  return image->data[((size_t) channel * image->height + r) * image->width
                     + c];
}

void
ntkmc_image_set_sample (NtkmcImage *image, size_t r, size_t c,
                        unsigned channel, double value)
{
  g_return_if_fail (image != NULL);
  g_return_if_fail (r < image->height && c < image->width);
  g_return_if_fail (channel < image->channels);
  image->data[((size_t) channel * image->height + r) * image->width + c]
    = value;
}

guint
ntkmc_image_get_sample_uint (const NtkmcImage *image, size_t r, size_t c,
                             unsigned channel)
{
  g_return_val_if_fail (image != NULL, 0);
  g_return_val_if_fail (r < image->height && c < image->width, 0);
  g_return_val_if_fail (channel < image->channels, 0);
  return ntkmc_image_quantize (
    image->data[((size_t) channel * image->height + r) * image->width + c],
    image->depth == 16 ? 65535u : 255u);
}

/* ------------------------------------------------------------------ reading */

typedef enum
{
  FORMAT_NONE,
  FORMAT_PNG,
  FORMAT_JPEG,
  FORMAT_TIFF
} Format;

static Format
sniff (const guint8 *p, size_t len)
{
  static const guint8 png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
                                 '\n' };

  if (len >= 8 && memcmp (p, png, 8) == 0)
    return FORMAT_PNG;
  if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
    return FORMAT_JPEG;
  /* classic TIFF (42) and BigTIFF (43), either byte order */
  if (len >= 4
      && ((p[0] == 'I' && p[1] == 'I' && (p[2] == 42 || p[2] == 43)
           && p[3] == 0)
          || (p[0] == 'M' && p[1] == 'M' && p[2] == 0
              && (p[3] == 42 || p[3] == 43))))
    return FORMAT_TIFF;
  return FORMAT_NONE;
}

/* The first bytes for an error message, in hex and as text (a dot for
 * each byte that is not printable ASCII): 23 21 2f 62 "#!/b". */
static char *
show_bytes (const guint8 *p, size_t len)
{
  GString *s = g_string_new (NULL);
  size_t i, n = MIN (len, 8);

  for (i = 0; i < n; i++)
    g_string_append_printf (s, i == 0 ? "%02x" : " %02x", p[i]);
  g_string_append (s, " \"");
  for (i = 0; i < n; i++)
    g_string_append_c (s, g_ascii_isprint (p[i]) ? (char) p[i] : '.');
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

static void
set_open_error (GError **error, const char *shown, int errsv)
{
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot read '%s': %s",
               shown, g_strerror (errsv));
}

/* Maps the whole file; NULL with NTKMC_ERROR_IO when it cannot be. */
static GMappedFile *
map_file (const char *path, const char *shown, GError **error)
{
  GMappedFile *mf;
  GError *local = NULL;
  struct stat st;
  int fd, errsv;

  fd = g_open (path, O_RDONLY, 0);
  if (fd < 0)
    {
      set_open_error (error, shown, errno);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    errsv = errno;
  else
    errsv = S_ISDIR (st.st_mode) ? EISDIR : 0;
  if (errsv != 0)
    {
      close (fd);
      set_open_error (error, shown, errsv);
      return NULL;
    }
  mf = g_mapped_file_new_from_fd (fd, FALSE, &local);
  close (fd);
  if (mf == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot read '%s': %s",
                   shown, local->message);
      g_error_free (local);
    }
  return mf;
}

NtkmcImage *
ntkmc_image_read (const char *path, GError **error)
{
  GMappedFile *mf;
  const guint8 *data;
  NtkmcImage *image = NULL;
  char *shown;
  size_t len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  shown = g_filename_display_name (path);
  mf = map_file (path, shown, error);
  if (mf == NULL)
    {
      g_free (shown);
      return NULL;
    }
  data = (const guint8 *) g_mapped_file_get_contents (mf);
  len = g_mapped_file_get_length (mf);
  switch (len == 0 ? FORMAT_NONE : sniff (data, len))
    {
    case FORMAT_PNG:
      image = ntkmc_image_load_png (data, len, shown, error);
      break;
    case FORMAT_JPEG:
      image = ntkmc_image_load_jpeg (data, len, shown, error);
      break;
    case FORMAT_TIFF:
      image = ntkmc_image_load_tiff (data, len, shown, error);
      break;
    case FORMAT_NONE:
      if (len == 0)
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                     "'%s' is empty, not a PNG, JPEG or TIFF image", shown);
      else
        {
          char *bytes = show_bytes (data, len);

          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                       "'%s' is not a PNG, JPEG or TIFF image (it starts "
                       "with %s)", shown, bytes);
          g_free (bytes);
        }
      break;
    }
  g_mapped_file_unref (mf);
  g_free (shown);
  return image;
}

/* ------------------------------------------------------------------ writing */

void
ntkmc_image_set_write_error (GError **error, const char *shown,
                             const char *reason)
{
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write '%s': %s",
               shown, reason);
}

typedef gboolean (*SaveFunc) (const NtkmcImage *image, FILE *fp,
                              const char *shown, GError **error);

/* The encoder for @path's extension, or NULL. */
static SaveFunc
save_func_for (const char *path)
{
  static const struct
  {
    const char *ext;
    SaveFunc save;
  } table[] = {
    { ".png", ntkmc_image_save_png },
    { ".jpg", ntkmc_image_save_jpeg },
    { ".jpeg", ntkmc_image_save_jpeg },
    { ".tif", ntkmc_image_save_tiff },
    { ".tiff", ntkmc_image_save_tiff },
  };
  const char *base = strrchr (path, G_DIR_SEPARATOR);
  const char *dot = strrchr (base != NULL ? base : path, '.');
  size_t i;

  if (dot == NULL)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_ascii_strcasecmp (dot, table[i].ext) == 0)
      return table[i].save;
  return NULL;
}

/* Encodes into the open stream, then flushes it and, when @sync, commits
 * it to disk. */
static gboolean
save_stream (SaveFunc save, const NtkmcImage *image, FILE *fp,
             gboolean sync, const char *shown, GError **error)
{
  if (!save (image, fp, shown, error))
    return FALSE;
  if (fflush (fp) != 0
      || (sync && fsync (fileno (fp)) != 0 && errno != EINVAL))
    {
      ntkmc_image_set_write_error (error, shown, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Replaces the regular file (or creates the file) @path through a
 * temporary file in the same directory, renamed into place at the end. */
static gboolean
write_replace (SaveFunc save, const NtkmcImage *image, const char *path,
               const char *shown, GError **error)
{
  char *tmp;
  FILE *fp = NULL;
  gboolean ok;
  int fd, renamed;

  /* O_RDWR: libtiff may read back what it wrote. */
  fd = ntkmc_file_replace_begin (path, O_RDWR, &tmp);
  if (fd < 0 || (fp = fdopen (fd, "w+")) == NULL)
    {
      int errsv = errno;

      if (fd >= 0)
        {
          close (fd);
          ntkmc_file_replace_end (tmp, path, FALSE);
        }
      ntkmc_image_set_write_error (error, shown, g_strerror (errsv));
      return FALSE;
    }
  ok = save_stream (save, image, fp, TRUE, shown, error);
  if (fclose (fp) != 0 && ok)
    {
      ntkmc_image_set_write_error (error, shown, g_strerror (errno));
      ok = FALSE;
    }
  renamed = ntkmc_file_replace_end (tmp, path, ok);
  if (renamed > 0)
    {
      ntkmc_image_set_write_error (error, shown, g_strerror (renamed));
      ok = FALSE;
    }
  return ok;
}

/* Writes straight into an existing file that is not a regular file. */
static gboolean
write_direct (SaveFunc save, const NtkmcImage *image, const char *path,
              const char *shown, GError **error)
{
  FILE *fp = g_fopen (path, "w");
  gboolean ok;

  if (fp == NULL)
    {
      ntkmc_image_set_write_error (error, shown, g_strerror (errno));
      return FALSE;
    }
  ok = save_stream (save, image, fp, FALSE, shown, error);
  if (fclose (fp) != 0 && ok)
    {
      ntkmc_image_set_write_error (error, shown, g_strerror (errno));
      ok = FALSE;
    }
  return ok;
}

gboolean
ntkmc_image_write (const NtkmcImage *image, const char *path, GError **error)
{
  size_t n, i;
  SaveFunc save;
  gboolean ok;
  char *shown;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  shown = g_filename_display_name (path);
  save = save_func_for (path);
  if (save == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "cannot tell the image format of '%s' from its name: "
                   "use .png, .jpg, .jpeg, .tif or .tiff", shown);
      g_free (shown);
      return FALSE;
    }
  if (save == ntkmc_image_save_jpeg && ntkmc_image_has_alpha (image))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "cannot write '%s': JPEG has no alpha channel (write PNG "
                   "or TIFF, or drop the alpha)", shown);
      g_free (shown);
      return FALSE;
    }
  n = image->width * image->height;
  for (i = 0; i < n * image->channels; i++)
    if (!isfinite (image->data[i]))
      {
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "cannot write '%s': sample (row %zu, column %zu, "
                     "channel %zu) is %g", shown, i % n / image->width,
                     i % image->width, i / n, image->data[i]);
        g_free (shown);
        return FALSE;
      }

  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    ok = write_direct (save, image, path, shown, error);
  else
    ok = write_replace (save, image, path, shown, error);
  g_free (shown);
  return ok;
}

/* ------------------------------------------------------------------ masks */

size_t
ntkmc_image_to_mask (const NtkmcImage *mask, gboolean inverted,
                     guint8 *missing)
{
  size_t n, i, n_missing = 0;
  unsigned colours, k;

  g_return_val_if_fail (mask != NULL, 0);
  g_return_val_if_fail (missing != NULL, 0);

  n = mask->width * mask->height;
  colours = mask->channels >= 3 ? 3 : 1;
  for (i = 0; i < n; i++)
    {
      gboolean miss = FALSE;

      for (k = 0; k < colours && !miss; k++)
        {
          double v = mask->data[k * n + i];

          /* written so that NaN counts as missing either way */
          miss = inverted ? !(v >= 1) : !(v <= 0);
        }
      missing[i] = miss ? 1 : 0;
      n_missing += miss ? 1 : 0;
    }
  return n_missing;
}

guint8 *
ntkmc_image_read_mask (const char *path, gboolean inverted, size_t width,
                       size_t height, GError **error)
{
  NtkmcImage *mask;
  guint8 *missing;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mask = ntkmc_image_read (path, error);
  if (mask == NULL)
    return NULL;
  if (mask->width != width || mask->height != height)
    {
      char *shown = g_filename_display_name (path);

      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                   "the mask '%s' is %zux%zu pixels but the image is "
                   "%zux%zu", shown, mask->width, mask->height, width,
                   height);
      g_free (shown);
      ntkmc_image_free (mask);
      return NULL;
    }
  missing = g_malloc (width * height);
  ntkmc_image_to_mask (mask, inverted, missing);
  ntkmc_image_free (mask);
  return missing;
}
