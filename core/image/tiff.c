/* SPDX-License-Identifier: MIT */
/*
 * tiff.c: TIFF decoding from memory and encoding to a stream with libtiff
 * (>= 4.5).
 *
 * Each TIFF handle gets its own error and warning handlers through
 * TIFFOpenOptions, so libtiff's process-wide handlers (which print to
 * stderr) are neither called nor replaced.  The handlers keep the first
 * error message for the GError and drop the warnings.  The file is reached
 * through client procedures: the mapped bytes when reading, the stream's
 * descriptor when writing; libtiff never opens a file itself.
 *
 * Contiguous and separate grey and RGB images of 1 to 16 bits (and YCbCr
 * in JPEG, which libtiff's codec turns into RGB) are read sample by sample,
 * by scanline or tile; palette and other YCbCr images go through libtiff's
 * RGBA interface (8 bits).
 */
#include "config.h"

#include "image/image-private.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <tiffio.h>

typedef struct
{
  /* reading: the file's bytes */
  const guint8 *data;
  toff_t len;
  toff_t pos;
  /* writing: the descriptor of the output stream */
  int fd;
  int errsv;                 /* errno of the first failed write, or 0 */
  char *message;             /* libtiff's first error message, or NULL */
  const char *shown;
} TiffState;

static int
on_error (TIFF *tif, void *user_data, const char *module, const char *fmt,
          va_list ap)
{
  TiffState *st = user_data;

  (void) tif;
  if (st->message == NULL)
    {
      char *text = g_strdup_vprintf (fmt, ap);

      /* The module is a function name, or the file name: drop the latter. */
      if (module != NULL && *module != '\0' && strcmp (module, st->shown) != 0)
        {
          st->message = g_strdup_printf ("%s: %s", module, text);
          g_free (text);
        }
      else
        st->message = text;
    }
  return 1;                  /* handled: no global handler */
}

static int
on_warning (TIFF *tif, void *user_data, const char *module, const char *fmt,
            va_list ap)
{
  (void) tif;
  (void) user_data;
  (void) module;
  (void) fmt;
  (void) ap;
  return 1;
}

static int
no_map (thandle_t h, void **base, toff_t *size)
{
  (void) h;
  (void) base;
  (void) size;
  return 0;
}

/* The file's bytes are already in memory (mapped read-only, as libtiff
 * maps a file itself: it copies before changing any). */
static int
mem_map (thandle_t h, void **base, toff_t *size)
{
  TiffState *st = (TiffState *) h;

  *base = (void *) st->data;
  *size = st->len;
  return 1;
}

static void
no_unmap (thandle_t h, void *base, toff_t size)
{
  (void) h;
  (void) base;
  (void) size;
}

static int
no_close (thandle_t h)
{
  (void) h;
  return 0;
}

/* Opens @st's file through the procedures given, with our handlers. */
static TIFF *
open_tiff (TiffState *st, const char *mode, TIFFReadWriteProc read_proc,
           TIFFReadWriteProc write_proc, TIFFSeekProc seek_proc,
           TIFFSizeProc size_proc, TIFFMapFileProc map_proc)
{
  TIFFOpenOptions *opts = TIFFOpenOptionsAlloc ();
  TIFF *tif;

  if (opts == NULL)
    return NULL;
  TIFFOpenOptionsSetErrorHandlerExtR (opts, on_error, st);
  TIFFOpenOptionsSetWarningHandlerExtR (opts, on_warning, st);
  tif = TIFFClientOpenExt (st->shown, mode, (thandle_t) st, read_proc,
                           write_proc, seek_proc, no_close, size_proc,
                           map_proc, no_unmap, opts);
  TIFFOpenOptionsFree (opts);
  return tif;
}

/* ------------------------------------------------------------------ reading */

static tmsize_t
mem_read (thandle_t h, void *buf, tmsize_t n)
{
  TiffState *st = (TiffState *) h;
  toff_t avail = st->pos < st->len ? st->len - st->pos : 0;
  size_t take;

  if (n <= 0 || avail == 0)
    return 0;
  take = (size_t) MIN ((toff_t) n, avail);
  memcpy (buf, st->data + st->pos, take);
  st->pos += take;
  return (tmsize_t) take;
}

static tmsize_t
mem_write (thandle_t h, void *buf, tmsize_t n)
{
  (void) h;
  (void) buf;
  (void) n;
  return -1;
}

static toff_t
mem_seek (thandle_t h, toff_t off, int whence)
{
  TiffState *st = (TiffState *) h;

  /* Unsigned arithmetic: a position past the end (even a wrapped negative
   * one) just reads nothing. */
  switch (whence)
    {
    case SEEK_SET:
      st->pos = off;
      break;
    case SEEK_CUR:
      st->pos += off;
      break;
    case SEEK_END:
      st->pos = st->len + off;
      break;
    default:
      return (toff_t) -1;
    }
  return st->pos;
}

static toff_t
mem_size (thandle_t h)
{
  return ((TiffState *) h)->len;
}

static void
set_corrupt (GError **error, TiffState *st, const char *what)
{
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
               "'%s' is a truncated or corrupt TIFF file: %s", st->shown,
               st->message != NULL ? st->message : what);
}

static void
set_out_of_memory (GError **error, TiffState *st)
{
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
               "cannot read '%s': out of memory", st->shown);
}

static void
set_unsupported (GError **error, TiffState *st, const char *what)
{
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
               "'%s': %s TIFF images are not supported", st->shown, what);
}

/* How the samples of a directory are laid out. */
typedef struct
{
  size_t width;
  size_t height;
  unsigned channels;   /* samples per pixel */
  unsigned bits;       /* 1, 2, 4, 8 or 16 */
  gboolean separate;   /* one plane per sample */
  gboolean invert;     /* min-is-white: sample 0 is inverted */
} Layout;

/* Sample @i of a packed row of @bits-bit samples (16-bit: host order, as
 * libtiff returns them). */
static inline unsigned
get_sample (const guint8 *row, unsigned bits, size_t i)
{
  switch (bits)
    {
    case 8:
      return row[i];
    case 16:
      {
        guint16 s;

        memcpy (&s, row + 2 * i, 2);
        return s;
      }
    default:
      {
        size_t bit = i * bits;

        return (unsigned) (row[bit / 8] >> (8 - bits - bit % 8))
               & ((1u << bits) - 1);
      }
    }
}

/* Stores @count pixels of the decoded @row at (@r, @c0) of @image.  A
 * contiguous row holds every channel; a separate one only @channel. */
static void
put_samples (NtkmcImage *image, const Layout *lay, const guint8 *row,
             size_t r, size_t c0, size_t count, unsigned channel)
{
  const size_t n = image->width * image->height;
  const unsigned smax = (1u << lay->bits) - 1;
  const unsigned maxval = image->depth == 16 ? 65535u : 255u;
  const unsigned k0 = lay->separate ? channel : 0;
  const unsigned k1 = lay->separate ? channel + 1 : lay->channels;
  const unsigned step = lay->separate ? 1 : lay->channels;
  size_t x;
  unsigned k;

  for (x = 0; x < count; x++)
    for (k = k0; k < k1; k++)
      {
        unsigned s = get_sample (row, lay->bits, x * step + (k - k0));

        if (k == 0 && lay->invert)
          s = smax - s;
        if (lay->bits < 8)
          s *= 255 / smax;     /* 1, 2, 4 bits: exact scaling to 8 */
        image->data[k * n + r * image->width + c0 + x]
          = ntkmc_image_unquantize (s, maxval);
      }
}

static gboolean
read_strips (TIFF *tif, TiffState *st, const Layout *lay, NtkmcImage *image,
             GError **error)
{
  const tmsize_t size = TIFFScanlineSize (tif);
  const unsigned planes = lay->separate ? lay->channels : 1;
  guint8 *buf;
  unsigned p;
  size_t r;

  if (size <= 0)
    {
      set_corrupt (error, st, "bad scanline size");
      return FALSE;
    }
  if ((buf = g_try_malloc ((size_t) size)) == NULL)
    {
      set_out_of_memory (error, st);
      return FALSE;
    }
  for (p = 0; p < planes; p++)
    for (r = 0; r < lay->height; r++)
      {
        if (TIFFReadScanline (tif, buf, (uint32_t) r, (uint16_t) p) < 0)
          {
            g_free (buf);
            set_corrupt (error, st, "cannot read a scanline");
            return FALSE;
          }
        put_samples (image, lay, buf, r, 0, lay->width, p);
      }
  g_free (buf);
  return TRUE;
}

static gboolean
read_tiles (TIFF *tif, TiffState *st, const Layout *lay, NtkmcImage *image,
            GError **error)
{
  const tmsize_t size = TIFFTileSize (tif);
  const tmsize_t row_size = TIFFTileRowSize (tif);
  const unsigned planes = lay->separate ? lay->channels : 1;
  uint32_t tw = 0, th = 0;
  guint8 *buf;
  size_t x0, y0, y;
  unsigned p;

  TIFFGetField (tif, TIFFTAG_TILEWIDTH, &tw);
  TIFFGetField (tif, TIFFTAG_TILELENGTH, &th);
  if (tw == 0 || th == 0 || size <= 0 || row_size <= 0
      || (size_t) row_size * th > (size_t) size)
    {
      set_corrupt (error, st, "bad tile size");
      return FALSE;
    }
  if ((buf = g_try_malloc ((size_t) size)) == NULL)
    {
      set_out_of_memory (error, st);
      return FALSE;
    }
  for (p = 0; p < planes; p++)
    for (y0 = 0; y0 < lay->height; y0 += th)
      for (x0 = 0; x0 < lay->width; x0 += tw)
        {
          if (TIFFReadTile (tif, buf, (uint32_t) x0, (uint32_t) y0, 0,
                            (uint16_t) p) < 0)
            {
              g_free (buf);
              set_corrupt (error, st, "cannot read a tile");
              return FALSE;
            }
          for (y = y0; y < MIN (y0 + th, lay->height); y++)
            put_samples (image, lay, buf + (y - y0) * (size_t) row_size, y,
                         x0, MIN ((size_t) tw, lay->width - x0), p);
        }
  g_free (buf);
  return TRUE;
}

/* Palette and YCbCr images, through libtiff's RGBA interface (8 bits). */
static NtkmcImage *
read_rgba (TIFF *tif, TiffState *st, const Layout *lay, gboolean alpha,
           GError **error)
{
  char emsg[1024] = "";
  NtkmcImage *image;
  uint32_t *raster;
  size_t n, i;

  /* first, as it checks the size */
  image = ntkmc_image_alloc (lay->width, lay->height, alpha ? 4 : 3, 8,
                             st->shown, error);
  if (image == NULL)
    return NULL;
  if (!TIFFRGBAImageOK (tif, emsg))
    {
      ntkmc_image_free (image);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "'%s': this TIFF layout is not supported: %s", st->shown,
                   emsg);
      return NULL;
    }
  n = lay->width * lay->height;
  raster = g_try_new (uint32_t, n);
  if (raster == NULL)
    {
      ntkmc_image_free (image);
      set_out_of_memory (error, st);
      return NULL;
    }
  if (!TIFFReadRGBAImageOriented (tif, (uint32_t) lay->width,
                                  (uint32_t) lay->height, raster,
                                  ORIENTATION_TOPLEFT, 1))
    {
      g_free (raster);
      ntkmc_image_free (image);
      set_corrupt (error, st, "cannot decode the image");
      return NULL;
    }
  for (i = 0; i < n; i++)
    {
      image->data[i] = ntkmc_image_unquantize (TIFFGetR (raster[i]), 255);
      image->data[n + i] = ntkmc_image_unquantize (TIFFGetG (raster[i]), 255);
      image->data[2 * n + i]
        = ntkmc_image_unquantize (TIFFGetB (raster[i]), 255);
      if (alpha)
        image->data[3 * n + i]
          = ntkmc_image_unquantize (TIFFGetA (raster[i]), 255);
    }
  g_free (raster);
  return image;
}

static NtkmcImage *
decode (TIFF *tif, TiffState *st, GError **error)
{
  uint32_t width = 0, height = 0;
  uint16_t bits = 1, spp = 1, format = SAMPLEFORMAT_UINT;
  uint16_t planar = PLANARCONFIG_CONTIG, photometric, compression;
  uint16_t n_extra = 0, *extra = NULL;
  unsigned colours;
  gboolean via_rgba = FALSE;
  NtkmcImage *image;
  Layout lay;

  if (!TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &width)
      || !TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &height))
    {
      set_corrupt (error, st, "no image size");
      return NULL;
    }
  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetFieldDefaulted (tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted (tif, TIFFTAG_COMPRESSION, &compression);
  TIFFGetFieldDefaulted (tif, TIFFTAG_EXTRASAMPLES, &n_extra, &extra);
  if (!TIFFGetField (tif, TIFFTAG_PHOTOMETRIC, &photometric))
    photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;

  switch (photometric)
    {
    case PHOTOMETRIC_MINISBLACK:
    case PHOTOMETRIC_MINISWHITE:
      colours = 1;
      break;
    case PHOTOMETRIC_RGB:
      colours = 3;
      break;
    case PHOTOMETRIC_YCBCR:
      colours = 3;
      if (compression == COMPRESSION_JPEG)
        /* libtiff's JPEG codec converts to RGB itself */
        TIFFSetField (tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      else
        via_rgba = TRUE;
      break;
    case PHOTOMETRIC_PALETTE:
      colours = 1;
      via_rgba = TRUE;
      break;
    case PHOTOMETRIC_SEPARATED:
      set_unsupported (error, st, "CMYK (separated)");
      return NULL;
    default:
      {
        char *what = g_strdup_printf ("photometric interpretation %u",
                                      photometric);

        set_unsupported (error, st, what);
        g_free (what);
        return NULL;
      }
    }
  if (spp < colours || spp > colours + 1)
    {
      char *what = g_strdup_printf ("%u-sample %s", spp,
                                    colours == 1 ? "grey" : "colour");

      set_unsupported (error, st, what);
      g_free (what);
      return NULL;
    }
  if (spp > colours && n_extra >= 1 && extra[0] == EXTRASAMPLE_ASSOCALPHA)
    {
      set_unsupported (error, st, "premultiplied (associated) alpha");
      return NULL;
    }
  if (format != SAMPLEFORMAT_UINT && format != SAMPLEFORMAT_VOID)
    {
      set_unsupported (error, st, format == SAMPLEFORMAT_IEEEFP
                                    ? "floating-point" : "signed-integer");
      return NULL;
    }

  lay.width = width;
  lay.height = height;
  lay.channels = spp;
  lay.bits = bits;
  lay.separate = planar == PLANARCONFIG_SEPARATE && spp > 1;
  lay.invert = photometric == PHOTOMETRIC_MINISWHITE;
  if (via_rgba)
    return read_rgba (tif, st, &lay, spp > colours, error);
  if (!(bits == 8 || bits == 16 || (spp == 1 && (bits == 1 || bits == 2
                                                 || bits == 4))))
    {
      char *what = g_strdup_printf ("%u-bit", bits);

      set_unsupported (error, st, what);
      g_free (what);
      return NULL;
    }

  image = ntkmc_image_alloc (width, height, spp, bits == 16 ? 16 : 8,
                             st->shown, error);
  if (image == NULL)
    return NULL;
  if (!(TIFFIsTiled (tif) ? read_tiles (tif, st, &lay, image, error)
                          : read_strips (tif, st, &lay, image, error)))
    {
      ntkmc_image_free (image);
      return NULL;
    }
  return image;
}

NtkmcImage *
ntkmc_image_load_tiff (const guint8 *data, size_t len, const char *shown,
                       GError **error)
{
  TiffState st = { 0 };
  NtkmcImage *image = NULL;
  TIFF *tif;

  st.data = data;
  st.len = len;
  st.shown = shown;
  st.fd = -1;
  /* Mapped: libtiff 4.5.0 refuses small uncompressed tiles read through
   * the RGBA interface from an unmapped file. */
  tif = open_tiff (&st, "r", mem_read, mem_write, mem_seek, mem_size,
                   mem_map);
  if (tif == NULL)
    set_corrupt (error, &st, "cannot open");
  else
    {
      image = decode (tif, &st, error);
      TIFFClose (tif);
    }
  g_free (st.message);
  return image;
}

/* ------------------------------------------------------------------ writing */

static tmsize_t
fd_read (thandle_t h, void *buf, tmsize_t n)
{
  TiffState *st = (TiffState *) h;
  ssize_t got;

  do
    got = read (st->fd, buf, (size_t) n);
  while (got < 0 && errno == EINTR);
  return (tmsize_t) got;
}

static tmsize_t
fd_write (thandle_t h, void *buf, tmsize_t n)
{
  TiffState *st = (TiffState *) h;
  const guint8 *p = buf;
  size_t left = (size_t) n;

  while (left > 0)
    {
      ssize_t put = write (st->fd, p, left);

      if (put < 0 && errno == EINTR)
        continue;
      if (put <= 0)
        {
          if (st->errsv == 0)
            st->errsv = put < 0 ? errno : EIO;
          return -1;
        }
      p += put;
      left -= (size_t) put;
    }
  return n;
}

static toff_t
fd_seek (thandle_t h, toff_t off, int whence)
{
  off_t pos = lseek (((TiffState *) h)->fd, (off_t) off, whence);

  return pos < 0 ? (toff_t) -1 : (toff_t) pos;
}

static toff_t
fd_size (thandle_t h)
{
  struct stat st;

  return fstat (((TiffState *) h)->fd, &st) == 0 ? (toff_t) st.st_size : 0;
}

gboolean
ntkmc_image_save_tiff (const NtkmcImage *image, FILE *fp, const char *shown,
                       GError **error)
{
  const size_t n = image->width * image->height;
  const unsigned maxval = image->depth == 16 ? 65535u : 255u;
  const gboolean alpha = image->channels == 2 || image->channels == 4;
  const uint16_t unassociated = EXTRASAMPLE_UNASSALPHA;
  const size_t row_len = image->width * image->channels;
  TiffState st = { 0 };
  gboolean ok = TRUE;
  guint8 *row8 = NULL;
  guint16 *row16 = NULL;
  TIFF *tif;
  size_t r, c;
  unsigned k;

  /* Nothing went through the stream yet: libtiff uses its descriptor. */
  st.fd = fileno (fp);
  st.shown = shown;
  /* Classic TIFF holds 4 GiB; BigTIFF for an image that may not fit. */
  tif = open_tiff (&st, n * image->channels * (image->depth / 8) > G_MAXINT32
                          ? "w8" : "w",
                   fd_read, fd_write, fd_seek, fd_size, no_map);
  if (tif == NULL)
    ok = FALSE;
  else
    {
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (uint32_t) image->width);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (uint32_t) image->height);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, image->depth);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, image->channels);
      TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, image->channels >= 3
                                                ? PHOTOMETRIC_RGB
                                                : PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
      if (alpha)
        TIFFSetField (tif, TIFFTAG_EXTRASAMPLES, 1, &unassociated);
      TIFFSetField (tif, TIFFTAG_COMPRESSION,
                    TIFFIsCODECConfigured (COMPRESSION_ADOBE_DEFLATE)
                      ? COMPRESSION_ADOBE_DEFLATE : COMPRESSION_LZW);
      TIFFSetField (tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize (tif, 0));

      if (image->depth == 16)
        row16 = g_new (guint16, row_len);
      else
        row8 = g_new (guint8, row_len);
      for (r = 0; ok && r < image->height; r++)
        {
          const double *src = image->data + r * image->width;

          for (c = 0; c < image->width; c++)
            for (k = 0; k < image->channels; k++)
              {
                unsigned s = ntkmc_image_quantize (src[k * n + c], maxval);

                if (row16 != NULL)
                  row16[c * image->channels + k] = (guint16) s;
                else
                  row8[c * image->channels + k] = (guint8) s;
              }
          ok = TIFFWriteScanline (tif, row16 != NULL ? (void *) row16
                                                     : (void *) row8,
                                  (uint32_t) r, 0) >= 0;
        }
      ok = ok && TIFFWriteDirectory (tif);
      TIFFClose (tif);
      g_free (row8);
      g_free (row16);
    }
  if (!ok)
    ntkmc_image_set_write_error (error, shown,
                                 st.errsv != 0 ? g_strerror (st.errsv)
                                 : st.message != NULL ? st.message
                                 : "libtiff failed");
  g_free (st.message);
  return ok;
}
