/* SPDX-License-Identifier: MIT */
/*
 * kernelfile.c: the on-disk kernel format (docs/kernel-format.md): writer,
 * validating memory-mapped reader, accessors.  Knows no kernel maths.
 *
 * The reader trusts nothing in the file: every header field is checked
 * against the others and against the real size before any pointer into the
 * file is formed, then the whole file is checksummed, then the description
 * is parsed.  Nothing is allocated in proportion to a declared size, so a
 * hostile header costs at most one pass over the bytes actually present.
 */
#include "config.h"

#include <ntkmc/ntkmc.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <xxhash.h>

#ifdef O_CLOEXEC
#define OPEN_CLOEXEC O_CLOEXEC
#else
#define OPEN_CLOEXEC 0
#endif

/* ------------------------------------------------------------ the layout */

/* Byte offsets of the fixed header; keep in step with docs/kernel-format.md. */
enum {
  HDR_MAGIC = 0,                /* u8[8] */
  HDR_BOM = 8,                  /* u32 0x01020304 in the writer's order */
  HDR_VERSION = 12,             /* u32 */
  HDR_KIND = 16,                /* u32 NtkmcKernelKind */
  HDR_DTYPE = 20,               /* u32 NtkmcDType */
  HDR_N_DIMS = 24,              /* u32 1..8 */
  HDR_RESERVED0 = 28,           /* u32 0 */
  HDR_DIMS = 32,                /* u64[8] */
  HDR_DESC_OFFSET = 96,         /* u64 */
  HDR_DESC_LENGTH = 104,        /* u64, includes the NUL */
  HDR_PAYLOAD_OFFSET = 112,     /* u64, multiple of PAYLOAD_ALIGN */
  HDR_PAYLOAD_LENGTH = 120,     /* u64 = prod (dims) * element size */
  HDR_CHECKSUM = 128,           /* u64 XXH3-64 of the file, this field = 0 */
  HDR_RESERVED1 = 136,          /* u8[56] 0 */
  HEADER_SIZE = 192
};

#define FORMAT_VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
#define BYTE_ORDER_MARK_SWAPPED 0x04030201u
#define PAYLOAD_ALIGN 64u

/* PNG-style: the high byte catches 7-bit channels, CR LF and LF catch
 * line-ending conversion, 0x1A stops a DOS "type". */
static const guint8 magic[8] = { 0x89, 'N', 'T', 'K', '\r', '\n', 0x1A, '\n' };

/* Bytes per write() and per float conversion batch. */
#define CHUNK_BYTES (1u << 20)

struct _NtkmcKernelFile {
  GMappedFile *mapped;          /* NULL when opened from bytes */
  char *path;                   /* display name; NULL when opened from bytes */
  const guint8 *base;           /* the whole file */
  size_t size;
  unsigned version;
  NtkmcKernelKind kind;
  NtkmcDType dtype;
  unsigned n_dims;
  uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];  /* unused = 0 */
  uint64_t n_elements;
  uint64_t desc_offset;
  const char *description;      /* NUL-terminated, inside base */
  size_t description_length;    /* strlen, without the NUL */
  uint64_t payload_offset;
  uint64_t payload_length;
  const void *payload;          /* base + payload_offset */
  uint64_t checksum;
};

/* Fields are in the byte order of the machine that wrote the file, which the
 * reader has checked is its own; memcpy because @base may be unaligned
 * (open_from_bytes). */
static guint32
get_u32 (const guint8 *base, size_t off)
{
  guint32 v;
  memcpy (&v, base + off, sizeof v);
  return v;
}

static guint64
get_u64 (const guint8 *base, size_t off)
{
  guint64 v;
  memcpy (&v, base + off, sizeof v);
  return v;
}

static void
put_u32 (guint8 *base, size_t off, guint32 v)
{
  memcpy (base + off, &v, sizeof v);
}

static void
put_u64 (guint8 *base, size_t off, guint64 v)
{
  memcpy (base + off, &v, sizeof v);
}

static size_t
dtype_size (NtkmcDType dtype)
{
  return dtype == NTKMC_DTYPE_F32 ? sizeof (float) : sizeof (double);
}

static const char *
dtype_name (NtkmcDType dtype)
{
  return dtype == NTKMC_DTYPE_F32 ? "f32" : "f64";
}

static const char *
kind_name (NtkmcKernelKind kind)
{
  return kind == NTKMC_KERNEL_FC ? "fully connected" : "convolutional";
}

static const char *
native_order_name (void)
{
  return G_BYTE_ORDER == G_LITTLE_ENDIAN ? "little-endian" : "big-endian";
}

static const char *
foreign_order_name (void)
{
  return G_BYTE_ORDER == G_LITTLE_ENDIAN ? "big-endian" : "little-endian";
}

/* "3 x 4 x 5" */
static void
append_shape (GString *s, unsigned n_dims, const uint64_t *dims)
{
  for (unsigned i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? " x " : "",
                            dims[i]);
}

static char *
shape_to_string (unsigned n_dims, const uint64_t *dims)
{
  GString *s = g_string_new (NULL);
  append_shape (s, n_dims, dims);
  return g_string_free (s, FALSE);
}

/* prod (dims) and prod (dims) * element size, refusing 64-bit overflow.
 * Every dims[i] is >= 1 here. */
static gboolean
shape_bytes (unsigned n_dims, const uint64_t *dims, size_t elsize,
             uint64_t *n_elements, uint64_t *n_bytes)
{
  uint64_t n = 1;
  for (unsigned i = 0; i < n_dims; i++)
    {
      if (dims[i] > G_MAXUINT64 / n)
        return FALSE;
      n *= dims[i];
    }
  if (n > G_MAXUINT64 / elsize)
    return FALSE;
  *n_elements = n;
  *n_bytes = n * elsize;
  return TRUE;
}

/* ----------------------------------------------------------- description */

static gboolean
is_key_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '-';
}

/*
 * check_description: @text holds @len bytes and no NUL among them (checked
 * by the caller).  Valid when it is UTF-8 made of '\n'-separated lines
 * "key=value" (an optional final '\n'), each key non-empty and made of
 * [A-Za-z0-9_.-], each value free of control characters.  The empty text
 * (no line) is valid.  Reports with @code: FORMAT for a file, INVALID for
 * the writer's argument.
 */
static gboolean
check_description (const char *text, size_t len, int code, GError **error)
{
  const char *bad;
  const char *p = text, *end = text + len;
  unsigned line = 0;

  if (!g_utf8_validate_len (text, len, &bad))
    {
      g_set_error (error, NTKMC_ERROR, code,
                   "description is not valid UTF-8 (byte %zu)",
                   (size_t) (bad - text));
      return FALSE;
    }
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (size_t) (end - p));
      const char *q;

      if (eol == NULL)
        eol = end;
      line++;
      if (eol == p)
        {
          g_set_error (error, NTKMC_ERROR, code,
                       "description line %u is empty", line);
          return FALSE;
        }
      for (q = p; q < eol && *q != '='; q++)
        if (!is_key_char ((guchar) *q))
          {
            g_set_error (error, NTKMC_ERROR, code,
                         "description line %u: the key holds a character "
                         "other than A-Z a-z 0-9 _ . - (byte 0x%02x), or the "
                         "line is not key=value", line, (guchar) *q);
            return FALSE;
          }
      if (q == eol)
        {
          g_set_error (error, NTKMC_ERROR, code,
                       "description line %u is not key=value (no '=')", line);
          return FALSE;
        }
      if (q == p)
        {
          g_set_error (error, NTKMC_ERROR, code,
                       "description line %u has an empty key", line);
          return FALSE;
        }
      for (q++; q < eol; q++)
        if ((guchar) *q < 0x20 || *q == 0x7f)
          {
            g_set_error (error, NTKMC_ERROR, code,
                         "description line %u: control character 0x%02x in "
                         "the value", line, (guchar) *q);
            return FALSE;
          }
      p = eol < end ? eol + 1 : end;
    }
  return TRUE;
}

/* -------------------------------------------------------------- reading */

static gboolean
format_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
format_error (GError **error, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  if (error != NULL)
    {
      g_assert (*error == NULL);
      *error = g_error_new_valist (NTKMC_ERROR, NTKMC_ERROR_FORMAT, format, ap);
    }
  va_end (ap);
  return FALSE;
}

/*
 * check_identity: magic, byte order and version; enough to know how to read
 * the rest.  Ordered so that each message names the first thing wrong.
 */
static gboolean
check_identity (const guint8 *base, size_t size, unsigned *version,
                GError **error)
{
  guint32 bom, v;

  if (size == 0)
    return format_error (error, "empty file (0 bytes): not a kernel file");
  if (memcmp (base, magic, MIN (size, sizeof magic)) != 0)
    {
      /* The first four bytes survive a text-mode copy; the CR LF, 0x1A and
       * LF after them are what such a copy mangles. */
      if (size >= 4 && memcmp (base, magic, 4) == 0)
        return format_error (error, "bad magic number: the file looks like a kernel "
                     "file damaged by a text-mode transfer (line endings "
                     "converted); copy it in binary mode");
      return format_error (error, "not an ntkmc kernel file (bad magic number)");
    }
  if (size < HDR_VERSION + 4)
    return format_error (error, "truncated file: %zu bytes, shorter than the "
                 "%u-byte header", size, (unsigned) HEADER_SIZE);

  bom = get_u32 (base, HDR_BOM);
  if (bom == BYTE_ORDER_MARK_SWAPPED)
    return format_error (error, "wrong byte order: the file was written on a %s "
                 "machine and this one is %s; write the kernel again here",
                 foreign_order_name (), native_order_name ());
  if (bom != BYTE_ORDER_MARK)
    return format_error (error, "corrupt header: the byte-order mark is 0x%08x, "
                 "expected 0x%08x", bom, BYTE_ORDER_MARK);

  v = get_u32 (base, HDR_VERSION);
  if (v == 0)
    return format_error (error, "corrupt header: format version 0 is not valid");
  if (v > FORMAT_VERSION)
    return format_error (error, "format version %u is newer than this build "
                 "supports (%u); use a newer ntkmc", v, FORMAT_VERSION);
  *version = v;

  if (size < HEADER_SIZE)
    return format_error (error, "truncated file: %zu bytes, shorter than the "
                 "%u-byte header", size, (unsigned) HEADER_SIZE);
  return TRUE;
}

/*
 * check_header: every field of a version-1 header, alone and against the
 * others and @size.  Fills the plain fields of @kf; forms no pointer.
 */
static gboolean
check_header (const guint8 *base, size_t size, NtkmcKernelFile *kf,
              GError **error)
{
  guint32 kind, dtype, n_dims;
  uint64_t n_bytes, desc_len, expected;
  g_autofree char *shape = NULL;

  if (get_u32 (base, HDR_RESERVED0) != 0)
    return format_error (error, "corrupt header: reserved bytes at offset %u are "
                 "not zero", (unsigned) HDR_RESERVED0);
  for (unsigned off = HDR_RESERVED1; off < HEADER_SIZE; off++)
    if (base[off] != 0)
      return format_error (error, "corrupt header: reserved byte at offset %u is "
                   "not zero", off);

  kind = get_u32 (base, HDR_KIND);
  if (kind != NTKMC_KERNEL_FC && kind != NTKMC_KERNEL_CONV)
    return format_error (error, "unknown kernel kind %u (this build knows "
                 "1 = fully connected, 2 = convolutional)", kind);
  dtype = get_u32 (base, HDR_DTYPE);
  if (dtype != NTKMC_DTYPE_F32 && dtype != NTKMC_DTYPE_F64)
    return format_error (error, "unknown element type %u (this build knows "
                 "1 = f32, 2 = f64)", dtype);
  kf->kind = (NtkmcKernelKind) kind;
  kf->dtype = (NtkmcDType) dtype;

  n_dims = get_u32 (base, HDR_N_DIMS);
  if (n_dims < 1 || n_dims > NTKMC_KERNELFILE_MAX_DIMS)
    return format_error (error, "number of dimensions %u is out of range 1..%u",
                 n_dims, (unsigned) NTKMC_KERNELFILE_MAX_DIMS);
  kf->n_dims = n_dims;
  for (unsigned i = 0; i < NTKMC_KERNELFILE_MAX_DIMS; i++)
    {
      kf->dims[i] = get_u64 (base, HDR_DIMS + 8 * i);
      if (i < n_dims && kf->dims[i] == 0)
        return format_error (error, "dimension %u of %u is 0 (every dimension must "
                     "be at least 1)", i + 1, n_dims);
      if (i >= n_dims && kf->dims[i] != 0)
        return format_error (error, "corrupt header: unused dimension slot %u holds "
                     "%" G_GUINT64_FORMAT ", expected 0", i + 1, kf->dims[i]);
    }
  shape = shape_to_string (n_dims, kf->dims);
  if (!shape_bytes (n_dims, kf->dims, dtype_size (kf->dtype),
                    &kf->n_elements, &n_bytes))
    return format_error (error, "shape %s of %s overflows 64 bits", shape,
                 dtype_name (kf->dtype));

  kf->payload_length = get_u64 (base, HDR_PAYLOAD_LENGTH);
  if (kf->payload_length != n_bytes)
    return format_error (error, "payload length %" G_GUINT64_FORMAT " does not match "
                 "the shape: %s %s elements need %" G_GUINT64_FORMAT " bytes",
                 kf->payload_length, shape, dtype_name (kf->dtype), n_bytes);
  if (kf->kind == NTKMC_KERNEL_FC
      && (n_dims != 2 || kf->dims[0] != kf->dims[1]))
    return format_error (error, "wrong shape for a fully connected kernel: %s, "
                 "expected a square n x n matrix", shape);

  kf->desc_offset = get_u64 (base, HDR_DESC_OFFSET);
  desc_len = get_u64 (base, HDR_DESC_LENGTH);
  kf->payload_offset = get_u64 (base, HDR_PAYLOAD_OFFSET);
  if (kf->payload_offset % PAYLOAD_ALIGN != 0)
    return format_error (error, "corrupt header: payload offset %" G_GUINT64_FORMAT
                 " is not a multiple of %u", kf->payload_offset,
                 PAYLOAD_ALIGN);
  if (kf->desc_offset < HEADER_SIZE)
    return format_error (error, "corrupt header: description offset %"
                 G_GUINT64_FORMAT " lies inside the %u-byte header",
                 kf->desc_offset, (unsigned) HEADER_SIZE);
  if (desc_len == 0)
    return format_error (error, "corrupt header: description length is 0 (it "
                 "counts the terminating NUL)");
  if (kf->desc_offset > kf->payload_offset
      || desc_len > kf->payload_offset - kf->desc_offset)
    return format_error (error, "corrupt header: the description (%" G_GUINT64_FORMAT
                 " bytes at offset %" G_GUINT64_FORMAT ") overlaps the "
                 "payload at offset %" G_GUINT64_FORMAT, desc_len,
                 kf->desc_offset, kf->payload_offset);
  kf->description_length = (size_t) (desc_len - 1);  /* checked below */

  if (kf->payload_length > G_MAXUINT64 - kf->payload_offset)
    return format_error (error, "corrupt header: payload offset + length overflow");
  expected = kf->payload_offset + kf->payload_length;
  if ((uint64_t) size < expected)
    return format_error (error, "truncated file: %zu bytes, but the header declares "
                 "%" G_GUINT64_FORMAT " (a payload of %" G_GUINT64_FORMAT
                 " bytes at offset %" G_GUINT64_FORMAT ")", size, expected,
                 kf->payload_length, kf->payload_offset);
  if ((uint64_t) size > expected)
    return format_error (error, "trailing garbage: %zu bytes, but the header declares "
                 "%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " extra bytes "
                 "after the payload)", size, expected,
                 (uint64_t) size - expected);
  return TRUE;
}

static XXH3_state_t *
checksum_state_new (GError **error)
{
  XXH3_state_t *st = XXH3_createState ();
  if (st == NULL)
    g_set_error_literal (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                         "out of memory for the checksum state");
  else
    XXH3_64bits_reset (st);
  return st;
}

/* XXH3-64 (seed 0) of the whole file with the checksum field read as 0. */
static gboolean
file_checksum (const guint8 *base, size_t size, uint64_t *sum,
               GError **error)
{
  guint8 head[HEADER_SIZE];
  XXH3_state_t *st = checksum_state_new (error);

  if (st == NULL)
    return FALSE;
  memcpy (head, base, HEADER_SIZE);
  put_u64 (head, HDR_CHECKSUM, 0);
  XXH3_64bits_update (st, head, HEADER_SIZE);
  XXH3_64bits_update (st, base + HEADER_SIZE, size - HEADER_SIZE);
  *sum = XXH3_64bits_digest (st);
  XXH3_freeState (st);
  return TRUE;
}

/*
 * parse: validate the @size bytes at @base and fill @kf.  Shared by the
 * mapped and in-memory readers.
 */
static gboolean
parse (const guint8 *base, size_t size, NtkmcKernelFile *kf, GError **error)
{
  uint64_t sum;
  const char *desc, *nul;

  if (!check_identity (base, size, &kf->version, error)
      || !check_header (base, size, kf, error))
    return FALSE;

  /* All offsets are now inside [0, size). */
  if (!file_checksum (base, size, &sum, error))
    return FALSE;
  kf->checksum = get_u64 (base, HDR_CHECKSUM);
  if (sum != kf->checksum)
    return format_error (error, "checksum mismatch: the header says 0x%016"
                 G_GINT64_MODIFIER "x, the contents hash to 0x%016"
                 G_GINT64_MODIFIER "x (the file is corrupt)",
                 kf->checksum, sum);

  desc = (const char *) base + kf->desc_offset;
  if (desc[kf->description_length] != '\0')
    return format_error (error, "description is not NUL-terminated");
  nul = memchr (desc, '\0', kf->description_length);
  if (nul != NULL)
    return format_error (error, "description holds a NUL byte at offset %zu of %zu",
                 (size_t) (nul - desc), kf->description_length);
  if (!check_description (desc, kf->description_length, NTKMC_ERROR_FORMAT,
                          error))
    return FALSE;

  kf->base = base;
  kf->size = size;
  kf->description = desc;
  kf->payload = base + kf->payload_offset;
  return TRUE;
}

/**
 * ntkmc_kernelfile_open:
 * @path: a kernel file.
 *
 * Memory-maps @path read-only and validates all of it (see parse()); the
 * whole file is read once for the checksum.  The file must not be truncated
 * or rewritten in place while it is open (ntkmc_kernelfile_write() never
 * does: it replaces the file by a rename).
 *
 * Returns: (transfer full): the open file, or NULL with @error set:
 *   NTKMC_ERROR_IO when the file cannot be opened or mapped (or is not a
 *   regular file), NTKMC_ERROR_FORMAT when it is not a valid kernel file.
 *   Messages start with the file name.
 */
NtkmcKernelFile *
ntkmc_kernelfile_open (const char *path, GError **error)
{
  g_autoptr (NtkmcKernelFile) kf = NULL;
  GError *local = NULL;
  GStatBuf st;
  int fd, e;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kf = g_new0 (NtkmcKernelFile, 1);
  kf->path = g_filename_display_name (path);
  /* stat() first so that a FIFO or device is refused, not opened (opening a
   * FIFO blocks); fstat() again on what was opened. */
  if (g_stat (path, &st) != 0)
    {
      e = errno;
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "%s: cannot open: %s",
                   kf->path, g_strerror (e));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "%s: cannot open: not a regular file", kf->path);
      return NULL;
    }
  fd = g_open (path, O_RDONLY | OPEN_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      e = fd < 0 ? errno : EINVAL;
      if (fd >= 0)
        close (fd);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "%s: cannot open: %s",
                   kf->path, g_strerror (e));
      return NULL;
    }
  /* The mapping holds its own reference to the file. */
  kf->mapped = g_mapped_file_new_from_fd (fd, FALSE, &local);
  close (fd);
  if (kf->mapped == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "%s: cannot map the file into memory (%s)", kf->path,
                   local->message);
      g_error_free (local);
      return NULL;
    }
  if (!parse ((const guint8 *) g_mapped_file_get_contents (kf->mapped),
              g_mapped_file_get_length (kf->mapped), kf, error))
    {
      g_prefix_error (error, "%s: ", kf->path);
      return NULL;
    }
  return g_steal_pointer (&kf);
}

/**
 * ntkmc_kernelfile_open_from_bytes:
 * @data: a whole kernel file in memory (not copied: it must outlive the
 *   handle).  Any alignment; ntkmc_kernelfile_peek_data() then points at
 *   @data + payload offset, which is 64-byte aligned only if @data is.
 * @size: its size in bytes.
 *
 * Same validation as ntkmc_kernelfile_open(); never reads outside
 * [@data, @data + @size) whatever the bytes are.
 *
 * Returns: (transfer full): the handle, or NULL with @error set
 *   (NTKMC_ERROR_FORMAT).
 */
NtkmcKernelFile *
ntkmc_kernelfile_open_from_bytes (const void *data, size_t size,
                                  GError **error)
{
  g_autoptr (NtkmcKernelFile) kf = NULL;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kf = g_new0 (NtkmcKernelFile, 1);
  if (!parse (data, size, kf, error))
    return NULL;
  return g_steal_pointer (&kf);
}

/**
 * ntkmc_kernelfile_close:
 * @kf: (nullable): a kernel file.
 *
 * Unmaps the file and frees the handle; every pointer obtained from it
 * becomes invalid.
 */
void
ntkmc_kernelfile_close (NtkmcKernelFile *kf)
{
  if (kf == NULL)
    return;
  if (kf->mapped != NULL)
    g_mapped_file_unref (kf->mapped);
  g_free (kf->path);
  g_free (kf);
}

/**
 * ntkmc_kernelfile_get_kind:
 *
 * Returns: the kernel kind.
 */
NtkmcKernelKind
ntkmc_kernelfile_get_kind (const NtkmcKernelFile *kf)
{
  g_return_val_if_fail (kf != NULL, NTKMC_KERNEL_FC);
  return kf->kind;
}

/**
 * ntkmc_kernelfile_get_dtype:
 *
 * Returns: the element type of the payload.
 */
NtkmcDType
ntkmc_kernelfile_get_dtype (const NtkmcKernelFile *kf)
{
  g_return_val_if_fail (kf != NULL, NTKMC_DTYPE_F64);
  return kf->dtype;
}

/**
 * ntkmc_kernelfile_get_version:
 *
 * Returns: the format version the file was written in (1..the version this
 *   build writes).
 */
unsigned
ntkmc_kernelfile_get_version (const NtkmcKernelFile *kf)
{
  g_return_val_if_fail (kf != NULL, 0);
  return kf->version;
}

/**
 * ntkmc_kernelfile_peek_description:
 *
 * Returns: (transfer none): the description text, NUL-terminated, valid
 *   UTF-8 "key=value" lines; valid until ntkmc_kernelfile_close().
 */
const char *
ntkmc_kernelfile_peek_description (const NtkmcKernelFile *kf)
{
  g_return_val_if_fail (kf != NULL, NULL);
  return kf->description;
}

/**
 * ntkmc_kernelfile_get_value:
 * @key: a description key, e.g. "activation".
 *
 * Returns: (transfer full) (nullable): the value of the first line whose
 *   key is exactly @key, or NULL when there is none.  Free with g_free().
 */
char *
ntkmc_kernelfile_get_value (const NtkmcKernelFile *kf, const char *key)
{
  const char *p, *end;
  size_t klen;

  g_return_val_if_fail (kf != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  klen = strlen (key);
  p = kf->description;
  end = p + kf->description_length;
  /* The description was validated: every line is "key=value". */
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (size_t) (end - p));
      if (eol == NULL)
        eol = end;
      if ((size_t) (eol - p) > klen && memcmp (p, key, klen) == 0
          && p[klen] == '=')
        return g_strndup (p + klen + 1, (gsize) (eol - p - (ptrdiff_t) klen - 1));
      p = eol + 1;
    }
  return NULL;
}

/**
 * ntkmc_kernelfile_get_dims:
 * @dims: (out) (nullable): receives all NTKMC_KERNELFILE_MAX_DIMS entries,
 *   the unused ones 0.
 *
 * Returns: the number of payload dimensions (1..NTKMC_KERNELFILE_MAX_DIMS).
 */
unsigned
ntkmc_kernelfile_get_dims (const NtkmcKernelFile *kf,
                           uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS])
{
  g_return_val_if_fail (kf != NULL, 0);
  if (dims != NULL)
    memcpy (dims, kf->dims, sizeof kf->dims);
  return kf->n_dims;
}

/**
 * ntkmc_kernelfile_get_n_elements:
 *
 * Returns: the payload's element count, the product of the dimensions.
 */
uint64_t
ntkmc_kernelfile_get_n_elements (const NtkmcKernelFile *kf)
{
  g_return_val_if_fail (kf != NULL, 0);
  return kf->n_elements;
}

/**
 * ntkmc_kernelfile_peek_data:
 *
 * Returns: (transfer none): the payload, float or double as
 *   ntkmc_kernelfile_get_dtype() says, first dimension fastest; 64-byte
 *   aligned for a file opened with ntkmc_kernelfile_open().  Valid until
 *   ntkmc_kernelfile_close().
 */
const void *
ntkmc_kernelfile_peek_data (const NtkmcKernelFile *kf)
{
  g_return_val_if_fail (kf != NULL, NULL);
  return kf->payload;
}

/**
 * ntkmc_kernelfile_read_f64:
 * @out: (out): room for ntkmc_kernelfile_get_n_elements() doubles.
 *
 * Copies the payload into @out, widening float to double when the file
 * holds f32 (exact).  Works whatever the payload's alignment.
 */
void
ntkmc_kernelfile_read_f64 (const NtkmcKernelFile *kf, double *out)
{
  g_return_if_fail (kf != NULL);
  g_return_if_fail (out != NULL);

  if (kf->dtype == NTKMC_DTYPE_F64)
    {
      memcpy (out, kf->payload, (size_t) kf->payload_length);
      return;
    }
  {
    const guint8 *src = kf->payload;
    for (uint64_t i = 0; i < kf->n_elements; i++)
      {
        float f;
        memcpy (&f, src + i * sizeof f, sizeof f);
        out[i] = f;
      }
  }
}

/**
 * ntkmc_kernelfile_describe:
 *
 * A multi-line report of the header for humans (`ntkmc kernel info`): file,
 * format version, kind, element type, byte order, shape, payload size and
 * offset, checksum and the description lines, indented.  The layout is
 * for reading, not parsing.
 *
 * Returns: (transfer full): the text, ending in a newline; free with
 *   g_free().
 */
char *
ntkmc_kernelfile_describe (const NtkmcKernelFile *kf)
{
  GString *s;
  const char *p, *end;

  g_return_val_if_fail (kf != NULL, NULL);

  s = g_string_new (NULL);
  if (kf->path != NULL)
    g_string_append_printf (s, "file:           %s\n", kf->path);
  g_string_append_printf (s, "format version: %u\n", kf->version);
  g_string_append_printf (s, "kind:           %s (%d)\n", kind_name (kf->kind),
                          (int) kf->kind);
  g_string_append_printf (s, "element type:   %s (%zu bytes)\n",
                          dtype_name (kf->dtype), dtype_size (kf->dtype));
  g_string_append_printf (s, "byte order:     %s\n", native_order_name ());
  g_string_append (s, "dims:           ");
  append_shape (s, kf->n_dims, kf->dims);
  g_string_append_printf (s, " (%u-d, first fastest; %" G_GUINT64_FORMAT
                          " elements)\n", kf->n_dims, kf->n_elements);
  g_string_append_printf (s, "payload:        %" G_GUINT64_FORMAT " bytes at "
                          "offset %" G_GUINT64_FORMAT "\n", kf->payload_length,
                          kf->payload_offset);
  g_string_append_printf (s, "file size:      %zu bytes\n", kf->size);
  g_string_append_printf (s, "checksum:       xxh3-64 0x%016" G_GINT64_MODIFIER
                          "x (verified)\n", kf->checksum);
  g_string_append_printf (s, "description:    %zu bytes%s\n",
                          kf->description_length,
                          kf->description_length ? "" : " (empty)");
  p = kf->description;
  end = p + kf->description_length;
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (size_t) (end - p));
      if (eol == NULL)
        eol = end;
      g_string_append (s, "  ");
      g_string_append_len (s, p, eol - p);
      g_string_append_c (s, '\n');
      p = eol + 1;
    }
  return g_string_free (s, FALSE);
}

/* -------------------------------------------------------------- writing */

static gboolean
write_all (int fd, const void *buf, size_t len, const char *path,
           GError **error)
{
  const guint8 *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, MIN (len, (size_t) CHUNK_BYTES));
      if (n < 0)
        {
          int e = errno;
          if (e == EINTR)
            continue;
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                       "cannot write %s: %s", path, g_strerror (e));
          return FALSE;
        }
      p += n;
      len -= (size_t) n;
    }
  return TRUE;
}

/* Writes @len bytes and feeds them to the checksum. */
static gboolean
emit (int fd, XXH3_state_t *st, const void *buf, size_t len,
      const char *path, GError **error)
{
  XXH3_64bits_update (st, buf, len);
  return write_all (fd, buf, len, path, error);
}

/*
 * write_body: everything from the header to the end of the payload, with a
 * zero checksum field; stores the checksum of it in @checksum.
 */
static gboolean
write_body (int fd, guint8 *header, const char *description, size_t desc_size,
            size_t pad, NtkmcDType dtype, uint64_t n_elements,
            const double *data, const char *path, uint64_t *checksum,
            GError **error)
{
  static const guint8 zeros[PAYLOAD_ALIGN];
  XXH3_state_t *st = checksum_state_new (error);
  gboolean ok = FALSE;

  if (st == NULL)
    return FALSE;
  if (!emit (fd, st, header, HEADER_SIZE, path, error)
      || !emit (fd, st, description, desc_size, path, error)
      || !emit (fd, st, zeros, pad, path, error))
    goto out;

  if (dtype == NTKMC_DTYPE_F64)
    {
      /* n_elements * 8 fits size_t: @data holds that many doubles. */
      if (!emit (fd, st, data, (size_t) n_elements * sizeof (double), path,
                 error))
        goto out;
    }
  else
    {
      const size_t batch = CHUNK_BYTES / sizeof (float);
      g_autofree float *buf = g_new (float, (gsize) MIN (n_elements, batch));
      for (uint64_t i = 0; i < n_elements; i += batch)
        {
          size_t m = (size_t) MIN (batch, n_elements - i);
          for (size_t j = 0; j < m; j++)
            buf[j] = (float) data[i + j];
          if (!emit (fd, st, buf, m * sizeof (float), path, error))
            goto out;
        }
    }
  *checksum = XXH3_64bits_digest (st);
  ok = TRUE;
out:
  XXH3_freeState (st);
  return ok;
}

/**
 * ntkmc_kernelfile_write:
 * @path: the file to create or replace.
 * @kind: kernel kind; NTKMC_KERNEL_FC needs @n_dims = 2 and a square shape.
 * @description: "key=value" lines separated by '\n' (an optional final
 *   '\n'), NUL-terminated UTF-8; keys are [A-Za-z0-9_.-]+, values hold no
 *   control character; "" is allowed.  Stored verbatim.
 * @dtype: element type to store; @data is converted (double to float rounds
 *   to nearest; values beyond float range become infinities).
 * @n_dims: 1..NTKMC_KERNELFILE_MAX_DIMS.
 * @dims: @n_dims sizes, each >= 1, the first varying fastest.
 * @data: prod (@dims) doubles, first dimension fastest.
 *
 * Writes the file in the native byte order, streaming (memory use does not
 * grow with the payload), to "@path.XXXXXX" in the same directory, then
 * renames it over @path, so that a reader never sees half a file.  The file
 * is not fsync()ed.
 *
 * Returns: TRUE on success.  Otherwise sets @error (NTKMC_ERROR_INVALID for
 *   a bad @description, NTKMC_ERROR_TOO_LARGE for a shape whose byte size
 *   overflows, NTKMC_ERROR_IO for a failed create, write or rename) and
 *   leaves no file behind (@path, if it existed, is untouched).
 */
gboolean
ntkmc_kernelfile_write (const char *path, NtkmcKernelKind kind,
                        const char *description, NtkmcDType dtype,
                        unsigned n_dims, const uint64_t *dims,
                        const double *data, GError **error)
{
  guint8 header[HEADER_SIZE];
  uint64_t n_elements, n_bytes, checksum = 0;
  size_t desc_size, pad;
  uint64_t payload_offset;
  g_autofree char *tmp = NULL;
  g_autofree char *display = NULL;
  int fd, e;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (kind == NTKMC_KERNEL_FC || kind == NTKMC_KERNEL_CONV,
                        FALSE);
  g_return_val_if_fail (description != NULL, FALSE);
  g_return_val_if_fail (dtype == NTKMC_DTYPE_F32 || dtype == NTKMC_DTYPE_F64,
                        FALSE);
  g_return_val_if_fail (n_dims >= 1 && n_dims <= NTKMC_KERNELFILE_MAX_DIMS,
                        FALSE);
  g_return_val_if_fail (dims != NULL, FALSE);
  for (unsigned i = 0; i < n_dims; i++)
    g_return_val_if_fail (dims[i] >= 1, FALSE);
  g_return_val_if_fail (kind != NTKMC_KERNEL_FC
                        || (n_dims == 2 && dims[0] == dims[1]), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  desc_size = strlen (description) + 1;
  if (!check_description (description, desc_size - 1, NTKMC_ERROR_INVALID,
                          error))
    {
      g_prefix_error (error, "invalid kernel description: ");
      return FALSE;
    }
  /* Both products also bound what @data can hold, so they fit size_t
   * whenever the caller's array exists; the check is for the header. */
  if (!shape_bytes (n_dims, dims, dtype_size (dtype), &n_elements, &n_bytes)
      || n_bytes > G_MAXSIZE)
    {
      g_autofree char *shape = shape_to_string (n_dims, dims);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "a kernel of shape %s does not fit in memory", shape);
      return FALSE;
    }

  payload_offset = HEADER_SIZE + (uint64_t) desc_size;
  payload_offset = (payload_offset + PAYLOAD_ALIGN - 1)
                   / PAYLOAD_ALIGN * PAYLOAD_ALIGN;
  pad = (size_t) (payload_offset - HEADER_SIZE - desc_size);

  memset (header, 0, sizeof header);
  memcpy (header + HDR_MAGIC, magic, sizeof magic);
  put_u32 (header, HDR_BOM, BYTE_ORDER_MARK);
  put_u32 (header, HDR_VERSION, FORMAT_VERSION);
  put_u32 (header, HDR_KIND, (guint32) kind);
  put_u32 (header, HDR_DTYPE, (guint32) dtype);
  put_u32 (header, HDR_N_DIMS, n_dims);
  for (unsigned i = 0; i < n_dims; i++)
    put_u64 (header, HDR_DIMS + 8 * i, dims[i]);
  put_u64 (header, HDR_DESC_OFFSET, HEADER_SIZE);
  put_u64 (header, HDR_DESC_LENGTH, desc_size);
  put_u64 (header, HDR_PAYLOAD_OFFSET, payload_offset);
  put_u64 (header, HDR_PAYLOAD_LENGTH, n_bytes);

  display = g_filename_display_name (path);
  tmp = g_strconcat (path, ".XXXXXX", NULL);
  /* 0666 & ~umask, like any other output file (g_mkstemp would give 0600). */
  fd = g_mkstemp_full (tmp, O_RDWR, 0666);
  if (fd < 0)
    {
      e = errno;
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "cannot create a temporary file next to %s: %s", display,
                   g_strerror (e));
      return FALSE;
    }

  if (!write_body (fd, header, description, desc_size, pad, dtype, n_elements,
                   data, display, &checksum, error))
    goto failed;
  put_u64 (header, HDR_CHECKSUM, checksum);
  if (lseek (fd, HDR_CHECKSUM, SEEK_SET) < 0)
    {
      e = errno;
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot seek in %s: %s",
                   display, g_strerror (e));
      goto failed;
    }
  if (!write_all (fd, header + HDR_CHECKSUM, 8, display, error))
    goto failed;
  if (close (fd) != 0)
    {
      e = errno;
      fd = -1;
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write %s: %s",
                   display, g_strerror (e));
      goto failed;
    }
  fd = -1;
  if (g_rename (tmp, path) != 0)
    {
      e = errno;
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "cannot rename the temporary file to %s: %s", display,
                   g_strerror (e));
      goto failed;
    }
  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return FALSE;
}
