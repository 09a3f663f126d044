/* SPDX-License-Identifier: MIT */
/*
 * jpeg.c: JPEG decoding from memory and encoding to a stream with libjpeg
 * (libjpeg-turbo).
 *
 * Our error manager replaces libjpeg's, which prints and exits: a fatal
 * error, and any warning about corrupt data but "extraneous bytes before
 * marker" (libjpeg would go on and fill the damaged part with grey), is
 * formatted into the state and longjmps back to jpeg_run().  As in png.c,
 * jpeg_run() has no local variables and everything to be freed lives in
 * the state structure, in the caller's frame.
 */
#include "config.h"

#include "image/image-private.h"

#include <errno.h>
#include <setjmp.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* libjpeg's quality scale; 95 keeps the observed pixels close. */
#define JPEG_QUALITY 95

typedef struct
{
  struct jpeg_error_mgr mgr;     /* first: libjpeg passes &mgr */
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  GError *error;                 /* an error that is not libjpeg's */
  const char *shown;
  struct jpeg_decompress_struct d;
  struct jpeg_compress_struct c;
  const guint8 *data;
  size_t len;
  NtkmcImage *image;
  const NtkmcImage *source;
  FILE *fp;
  int errsv;                     /* errno when libjpeg failed */
  JSAMPLE *row;
} JpegState;

static void
on_error_exit (j_common_ptr cinfo)
{
  JpegState *st = (JpegState *) cinfo->err;

  st->errsv = errno;
  st->mgr.format_message (cinfo, st->message);
  longjmp (st->jump, 1);
}

/* @level -1 is a warning (corrupt data), higher levels are traces. */
static void
on_emit_message (j_common_ptr cinfo, int level)
{
  JpegState *st = (JpegState *) cinfo->err;

  if (level < 0 && st->mgr.msg_code != JWRN_EXTRANEOUS_DATA)
    on_error_exit (cinfo);
}

static void
on_output_message (j_common_ptr cinfo)
{
  (void) cinfo;
}

static void
init_errors (JpegState *st)
{
  jpeg_std_error (&st->mgr);
  st->mgr.error_exit = on_error_exit;
  st->mgr.emit_message = on_emit_message;
  st->mgr.output_message = on_output_message;
}

/* The creation calls of libjpeg (jpeg_create_*) may already fail, so they
 * are made by the bodies, under the error manager; destroying a structure
 * that was never created (still zero) does nothing. */

/* Runs @body under the error manager: FALSE when libjpeg failed. */
static gboolean
jpeg_run (JpegState *st, void (*body) (JpegState *))
{
  if (setjmp (st->jump))
    return FALSE;
  body (st);
  return TRUE;
}

/* ------------------------------------------------------------------ reading */

static void
decode (JpegState *st)
{
  struct jpeg_decompress_struct *d = &st->d;
  unsigned channels;
  size_t n, r, c;
  unsigned k;

  jpeg_create_decompress (d);
  jpeg_mem_src (d, st->data, (unsigned long) st->len);
  jpeg_read_header (d, TRUE);
  switch (d->jpeg_color_space)
    {
    case JCS_GRAYSCALE:
      d->out_color_space = JCS_GRAYSCALE;
      channels = 1;
      break;
    case JCS_YCbCr:
    case JCS_RGB:
      d->out_color_space = JCS_RGB;
      channels = 3;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      g_set_error (&st->error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "'%s' is a CMYK JPEG; only greyscale and RGB are "
                   "supported", st->shown);
      return;
    default:
      g_set_error (&st->error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "'%s' is a JPEG of an unknown colour space (%d "
                   "components); only greyscale and RGB are supported",
                   st->shown, d->num_components);
      return;
    }
  st->image = ntkmc_image_alloc (d->image_width, d->image_height, channels,
                                 8, st->shown, &st->error);
  if (st->image == NULL)
    return;
  jpeg_start_decompress (d);
  if ((unsigned) d->output_components != channels)
    ERREXIT (d, JERR_BAD_J_COLORSPACE);
  st->row = g_try_malloc ((size_t) d->output_width * channels);
  if (st->row == NULL)
    {
      g_set_error (&st->error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "cannot read '%s': out of memory", st->shown);
      return;
    }
  n = st->image->width * st->image->height;
  for (r = 0; r < st->image->height; r++)
    {
      double *dst = st->image->data + r * st->image->width;
      const JSAMPLE *p = st->row;

      /* A memory source never suspends: each call decodes a row, or
       * fails through the error manager. */
      if (jpeg_read_scanlines (d, &st->row, 1) != 1)
        ERREXIT (d, JERR_INPUT_EMPTY);
      for (c = 0; c < st->image->width; c++)
        for (k = 0; k < channels; k++)
          dst[k * n + c] = ntkmc_image_unquantize (*p++, 255);
    }
  jpeg_finish_decompress (d);
}

NtkmcImage *
ntkmc_image_load_jpeg (const guint8 *data, size_t len, const char *shown,
                       GError **error)
{
  JpegState st;
  gboolean ok;

  memset (&st, 0, sizeof st);
  st.shown = shown;
  st.data = data;
  st.len = len;
  init_errors (&st);
  st.d.err = &st.mgr;

  ok = jpeg_run (&st, decode);
  jpeg_destroy_decompress (&st.d);
  g_free (st.row);
  if (ok && st.error == NULL)
    return st.image;

  ntkmc_image_free (st.image);
  if (st.error != NULL)
    g_propagate_error (error, st.error);
  else
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                 "'%s' is a truncated or corrupt JPEG file: %s", shown,
                 st.message);
  return NULL;
}

/* ------------------------------------------------------------------ writing */

static void
encode (JpegState *st)
{
  struct jpeg_compress_struct *c = &st->c;
  const NtkmcImage *image = st->source;
  const size_t n = image->width * image->height;
  size_t r, x;
  int i;
  unsigned k;

  jpeg_create_compress (c);
  jpeg_stdio_dest (c, st->fp);
  c->image_width = (JDIMENSION) image->width;
  c->image_height = (JDIMENSION) image->height;
  c->input_components = (int) image->channels;
  c->in_color_space = image->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (c);
  jpeg_set_quality (c, JPEG_QUALITY, TRUE);
  /* 4:4:4: colour kept at full resolution */
  for (i = 0; i < c->num_components; i++)
    {
      c->comp_info[i].h_samp_factor = 1;
      c->comp_info[i].v_samp_factor = 1;
    }
  jpeg_start_compress (c, TRUE);
  st->row = g_malloc (image->width * image->channels);
  for (r = 0; r < image->height; r++)
    {
      const double *src = image->data + r * image->width;
      JSAMPLE *p = st->row;

      for (x = 0; x < image->width; x++)
        for (k = 0; k < image->channels; k++)
          *p++ = (JSAMPLE) ntkmc_image_quantize (src[k * n + x], 255);
      jpeg_write_scanlines (c, &st->row, 1);
    }
  jpeg_finish_compress (c);
}

gboolean
ntkmc_image_save_jpeg (const NtkmcImage *image, FILE *fp, const char *shown,
                       GError **error)
{
  JpegState st;
  gboolean ok;

  g_return_val_if_fail (image->channels == 1 || image->channels == 3,
                        FALSE);

  memset (&st, 0, sizeof st);
  st.shown = shown;
  st.source = image;
  st.fp = fp;
  init_errors (&st);
  st.c.err = &st.mgr;

  ok = jpeg_run (&st, encode);
  jpeg_destroy_compress (&st.c);
  g_free (st.row);
  if (!ok)
    ntkmc_image_set_write_error (error, shown,
                                 st.mgr.msg_code == JERR_FILE_WRITE
                                 && st.errsv != 0 ? g_strerror (st.errsv)
                                                  : st.message);
  return ok;
}
