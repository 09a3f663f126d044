/* SPDX-License-Identifier: MIT */
/*
 * png.c: PNG decoding from memory and encoding to a stream with libpng.
 *
 * libpng reports errors by calling our error function, which records the
 * message and longjmps back to the setjmp in png_run().  That function has
 * no local variables: every object that must be freed afterwards is held in
 * the state structure, which lives in the caller's frame (the caller does
 * not call setjmp), so nothing is left indeterminate by the longjmp.
 * Warnings are dropped; nothing is ever printed.
 */
#include "config.h"

#include "image/image-private.h"

#include <errno.h>
#include <string.h>

#include <png.h>

typedef struct
{
  png_structp png;
  png_infop info;
  char message[256];     /* libpng's error message */
  GError *error;         /* an error that is not libpng's */
  const char *shown;     /* the file name for messages */
  /* reading */
  const guint8 *data;
  size_t len;
  size_t pos;
  NtkmcImage *image;
  guint8 *buf;           /* one row, or the whole image when interlaced */
  png_bytep *rows;
  /* writing */
  const NtkmcImage *source;
  FILE *fp;
  int errsv;             /* errno of a failed write, or 0 */
} PngState;

static void
on_error (png_structp png, png_const_charp message)
{
  PngState *st = png_get_error_ptr (png);

  g_strlcpy (st->message, message, sizeof st->message);
  png_longjmp (png, 1);
}

static void
on_warning (png_structp png, png_const_charp message)
{
  (void) png;
  (void) message;
}

/* Runs @body under libpng's error handling: FALSE when libpng failed. */
static gboolean
png_run (PngState *st, void (*body) (PngState *))
{
  if (setjmp (png_jmpbuf (st->png)))
    return FALSE;
  body (st);
  return TRUE;
}

/* ------------------------------------------------------------------ reading */

static void
read_data (png_structp png, png_bytep out, size_t n)
{
  PngState *st = png_get_io_ptr (png);

  if (n > st->len - st->pos)
    png_error (png, "unexpected end of file");
  memcpy (out, st->data + st->pos, n);
  st->pos += n;
}

/* Stores row @r of the decoded image (@p: interleaved, big-endian 16-bit). */
static void
put_row (NtkmcImage *image, size_t r, const guint8 *p)
{
  const size_t n = image->width * image->height;
  const unsigned maxval = image->depth == 16 ? 65535u : 255u;
  double *dst = image->data + r * image->width;
  size_t c;
  unsigned k;

  for (c = 0; c < image->width; c++)
    for (k = 0; k < image->channels; k++)
      {
        unsigned s;

        if (image->depth == 16)
          {
            s = (unsigned) p[0] << 8 | p[1];
            p += 2;
          }
        else
          s = *p++;
        dst[k * n + c] = ntkmc_image_unquantize (s, maxval);
      }
}

static void
set_out_of_memory (PngState *st)
{
  g_set_error (&st->error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
               "cannot read '%s': out of memory", st->shown);
}

static void
decode (PngState *st)
{
  png_structp png = st->png;
  png_infop info = st->info;
  png_uint_32 width, height;
  int bit_depth, color_type, interlace, passes;
  size_t rowbytes, r;

  png_read_info (png, info);
  png_get_IHDR (png, info, &width, &height, &bit_depth, &color_type,
                &interlace, NULL, NULL);
  /* Every layout becomes grey, grey + alpha, RGB or RGBA of 8 or 16 bits;
   * no gamma or colour transformation. */
  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  passes = png_set_interlace_handling (png);
  png_read_update_info (png, info);

  st->image = ntkmc_image_alloc (width, height, png_get_channels (png, info),
                                 png_get_bit_depth (png, info) == 16 ? 16 : 8,
                                 st->shown, &st->error);
  if (st->image == NULL)
    return;
  rowbytes = png_get_rowbytes (png, info);
  if (rowbytes != (size_t) width * st->image->channels
                  * (st->image->depth / 8))
    png_error (png, "unexpected row size after the transformations");
  if (passes == 1)
    {
      st->buf = g_try_malloc (rowbytes);
      if (st->buf == NULL)
        {
          set_out_of_memory (st);
          return;
        }
      for (r = 0; r < height; r++)
        {
          png_read_row (png, st->buf, NULL);
          put_row (st->image, r, st->buf);
        }
    }
  else
    {
      /* Interlaced: the passes fill the whole image in turn. */
      st->buf = g_try_malloc (rowbytes * height);
      st->rows = g_try_new (png_bytep, height);
      if (st->buf == NULL || st->rows == NULL)
        {
          set_out_of_memory (st);
          return;
        }
      for (r = 0; r < height; r++)
        st->rows[r] = st->buf + r * rowbytes;
      png_read_image (png, st->rows);
      for (r = 0; r < height; r++)
        put_row (st->image, r, st->rows[r]);
    }
  png_read_end (png, NULL);
}

NtkmcImage *
ntkmc_image_load_png (const guint8 *data, size_t len, const char *shown,
                      GError **error)
{
  PngState st = { 0 };
  gboolean ok;

  st.data = data;
  st.len = len;
  st.shown = shown;
  st.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &st, on_error,
                                   on_warning);
  if (st.png != NULL)
    st.info = png_create_info_struct (st.png);
  if (st.png == NULL || st.info == NULL)
    {
      png_destroy_read_struct (&st.png, &st.info, NULL);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "cannot read '%s': out of memory", shown);
      return NULL;
    }
  png_set_read_fn (st.png, &st, read_data);

  ok = png_run (&st, decode);
  png_destroy_read_struct (&st.png, &st.info, NULL);
  g_free (st.rows);
  g_free (st.buf);
  if (ok && st.error == NULL)
    return st.image;

  ntkmc_image_free (st.image);
  if (st.error != NULL)
    g_propagate_error (error, st.error);
  else
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                 "'%s' is a truncated or corrupt PNG file: %s", shown,
                 st.message);
  return NULL;
}

/* ------------------------------------------------------------------ writing */

static void
write_data (png_structp png, png_bytep p, size_t n)
{
  PngState *st = png_get_io_ptr (png);

  if (fwrite (p, 1, n, st->fp) != n)
    {
      st->errsv = errno != 0 ? errno : EIO;
      png_error (png, "write error");
    }
}

static void
flush_data (png_structp png)
{
  (void) png;
}

static void
encode (PngState *st)
{
  static const int color_types[] = { PNG_COLOR_TYPE_GRAY,
                                     PNG_COLOR_TYPE_GRAY_ALPHA,
                                     PNG_COLOR_TYPE_RGB,
                                     PNG_COLOR_TYPE_RGB_ALPHA };
  const NtkmcImage *image = st->source;
  const size_t n = image->width * image->height;
  const unsigned maxval = image->depth == 16 ? 65535u : 255u;
  size_t r, c;
  unsigned k;

  png_set_IHDR (st->png, st->info, (png_uint_32) image->width,
                (png_uint_32) image->height, (int) image->depth,
                color_types[image->channels - 1], PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (st->png, st->info);
  st->buf = g_malloc (image->width * image->channels * (image->depth / 8));
  for (r = 0; r < image->height; r++)
    {
      const double *src = image->data + r * image->width;
      guint8 *p = st->buf;

      for (c = 0; c < image->width; c++)
        for (k = 0; k < image->channels; k++)
          {
            unsigned s = ntkmc_image_quantize (src[k * n + c], maxval);

            if (image->depth == 16)
              *p++ = (guint8) (s >> 8);
            *p++ = (guint8) s;
          }
      png_write_row (st->png, st->buf);
    }
  png_write_end (st->png, st->info);
}

gboolean
ntkmc_image_save_png (const NtkmcImage *image, FILE *fp, const char *shown,
                      GError **error)
{
  PngState st = { 0 };
  gboolean ok;

  st.source = image;
  st.fp = fp;
  st.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &st, on_error,
                                    on_warning);
  if (st.png != NULL)
    st.info = png_create_info_struct (st.png);
  if (st.png == NULL || st.info == NULL)
    {
      png_destroy_write_struct (&st.png, &st.info);
      ntkmc_image_set_write_error (error, shown, "out of memory");
      return FALSE;
    }
  png_set_write_fn (st.png, &st, write_data, flush_data);

  ok = png_run (&st, encode);
  png_destroy_write_struct (&st.png, &st.info);
  g_free (st.buf);
  if (!ok)
    ntkmc_image_set_write_error (error, shown,
                                 st.errsv != 0 ? g_strerror (st.errsv)
                                               : st.message);
  return ok;
}
