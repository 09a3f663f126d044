/* SPDX-License-Identifier: MIT */
/*
 * image-private.h: the NtkmcImage structure and the interface between
 * image.c (the object, file handling, format dispatch) and the codecs
 * (png.c, jpeg.c, tiff.c), each of which wraps one library.
 */
#ifndef NTKMC_IMAGE_PRIVATE_H
#define NTKMC_IMAGE_PRIVATE_H

#include <stdio.h>
#include <ntkmc/ntkmc.h>

struct _NtkmcImage
{
  size_t width;
  size_t height;
  unsigned channels;  /* 1..4 */
  unsigned depth;     /* 8 or 16 */
  double *data;       /* channels planes of height x width, row-major */
};

/*
 * ntkmc_image_alloc: a zeroed image for a decoder.  Checks the size read
 * from @shown (the file name for messages): NTKMC_ERROR_FORMAT for an empty
 * image, NTKMC_ERROR_TOO_LARGE above NTKMC_IMAGE_MAX_PIXELS or when the
 * memory cannot be had.
 */
NtkmcImage *ntkmc_image_alloc (size_t width, size_t height, unsigned channels,
                               unsigned depth, const char *shown,
                               GError **error);

/* The sample s of a file with maximum @maxval as the image holds it: a
 * correctly rounded division, which ntkmc_image_quantize() undoes. */
static inline double
ntkmc_image_unquantize (unsigned s, unsigned maxval)
{
  return (double) s / (double) maxval;
}

/* The integer stored for @v at maximum @maxval (255 or 65535): v clamped to
 * [0, 1], times maxval, rounded half up.  For v = s / maxval the product
 * is within s * 2^-52 of s, so s comes back. */
static inline unsigned
ntkmc_image_quantize (double v, unsigned maxval)
{
  if (!(v > 0))                 /* also NaN */
    return 0;
  if (v >= 1)
    return maxval;
  return (unsigned) (v * maxval + 0.5);
}

/*
 * The decoders: @data is the whole file (@len >= 8 bytes, the signature
 * checked by the caller); @shown names it in messages.  They return a new
 * image or NULL with @error set, and print nothing.
 */
NtkmcImage *ntkmc_image_load_png (const guint8 *data, size_t len,
                                  const char *shown, GError **error);
NtkmcImage *ntkmc_image_load_jpeg (const guint8 *data, size_t len,
                                   const char *shown, GError **error);
NtkmcImage *ntkmc_image_load_tiff (const guint8 *data, size_t len,
                                   const char *shown, GError **error);

/*
 * The encoders: write @image (every sample finite, checked by the caller;
 * channel count allowed by the format) to @fp, open for writing (and
 * reading, for TIFF) at its start.  They do not flush or close @fp.  On
 * failure they set @error (NTKMC_ERROR_IO, "cannot write '@shown': ...").
 */
gboolean ntkmc_image_save_png (const NtkmcImage *image, FILE *fp,
                               const char *shown, GError **error);
gboolean ntkmc_image_save_jpeg (const NtkmcImage *image, FILE *fp,
                                const char *shown, GError **error);
gboolean ntkmc_image_save_tiff (const NtkmcImage *image, FILE *fp,
                                const char *shown, GError **error);

/* NTKMC_ERROR_IO "cannot write '@shown': @reason". */
void ntkmc_image_set_write_error (GError **error, const char *shown,
                                  const char *reason);

#endif
