/* SPDX-License-Identifier: MIT */
/*
 * test-kernelfile.c: the kernel file format (docs/kernel-format.md): round
 * trips, description lookup, describe(), every kind of damaged file refused
 * with the right code and message, and a seeded mutation loop.
 *
 * The header offsets are spelt out here from the spec, independently of
 * core/kernelfile/kernelfile.c, so that a change to either shows up.
 */
#include "config.h"

#include <ntkmc/ntkmc.h>

#include "test-util.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

/* Header-only xxHash: the test needs no link-time dependency on it. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* Offsets of the version-1 header (docs/kernel-format.md). */
enum {
  OFF_BOM = 8,
  OFF_VERSION = 12,
  OFF_KIND = 16,
  OFF_DTYPE = 20,
  OFF_N_DIMS = 24,
  OFF_RESERVED0 = 28,
  OFF_DIMS = 32,
  OFF_DESC_OFFSET = 96,
  OFF_DESC_LENGTH = 104,
  OFF_PAYLOAD_OFFSET = 112,
  OFF_PAYLOAD_LENGTH = 120,
  OFF_CHECKSUM = 128,
  OFF_RESERVED1 = 136,
  HEADER = 192
};

/* libntkmc logs its g_return_if_fail() criticals without a domain. */
#define LIB_LOG_DOMAIN "ntkmc"

static const char *const fc_description =
  "arch=fc\nactivation=relu\ndepth=2\nprior=onehot\n";

typedef TestDir Fixture;
#define fixture_setup test_dir_setup
#define fixture_teardown test_dir_teardown

static guint
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

/* ---------------------------------------------------------------- helpers */

static guint32
peek_u32 (const guint8 *b, size_t off)
{
  guint32 v;
  memcpy (&v, b + off, 4);
  return v;
}

static guint64
peek_u64 (const guint8 *b, size_t off)
{
  guint64 v;
  memcpy (&v, b + off, 8);
  return v;
}

static void
poke_u32 (guint8 *b, size_t off, guint32 v)
{
  memcpy (b + off, &v, 4);
}

static void
poke_u64 (guint8 *b, size_t off, guint64 v)
{
  memcpy (b + off, &v, 8);
}

/* XXH3-64 of the file with the checksum field zeroed. */
static guint64
compute_checksum (const guint8 *b, size_t len)
{
  guint8 head[HEADER];
  XXH3_state_t st;

  g_assert_cmpuint (len, >=, HEADER);
  memcpy (head, b, HEADER);
  poke_u64 (head, OFF_CHECKSUM, 0);
  XXH3_64bits_reset (&st);
  XXH3_64bits_update (&st, head, HEADER);
  XXH3_64bits_update (&st, b + HEADER, len - HEADER);
  return XXH3_64bits_digest (&st);
}

/* Makes the checksum agree with the (patched) contents again. */
static void
reseal (guint8 *b, size_t len)
{
  poke_u64 (b, OFF_CHECKSUM, compute_checksum (b, len));
}

/* K(i, j) of a small symmetric test kernel, with awkward values. */
static double
test_value (size_t i, size_t j)
{
  static const double extra[] = { -0.0, 5e-324, 1.0 / 3.0, 1e300, -2.5e-8 };
  if (i == j)
    return 2.0 + (double) i / 7.0;
  return extra[(i + j) % G_N_ELEMENTS (extra)] + 0.125 * (double) (i * j);
}

static double *
test_kernel (size_t n)
{
  double *k = g_new (double, n * n);
  for (size_t j = 0; j < n; j++)
    for (size_t i = 0; i < n; i++)
      k[i + j * n] = test_value (MIN (i, j), MAX (i, j));
  return k;
}

/* Writes a valid 5 x 5 fully connected kernel to @dir/@name and returns its
 * path; its bytes in @bytes (g_free) when non-NULL. */
static char *
write_fc (const char *dir, const char *name, NtkmcDType dtype, guint8 **bytes,
          gsize *len)
{
  const uint64_t dims[2] = { 5, 5 };
  g_autofree double *k = test_kernel (5);
  char *path = g_build_filename (dir, name, NULL);
  GError *error = NULL;

  g_assert_true (ntkmc_kernelfile_write (path, NTKMC_KERNEL_FC, fc_description,
                                         dtype, 2, dims, k, &error));
  g_assert_no_error (error);
  if (bytes != NULL)
    {
      g_assert_true (g_file_get_contents (path, (char **) bytes, len, &error));
      g_assert_no_error (error);
    }
  return path;
}

/*
 * expect_refused: @b (@len bytes) must be refused with @code and a message
 * holding @what, both from memory (an exact-size copy, so that an overread
 * is visible to valgrind and ASan) and from a file.
 */
static void
expect_refused (const char *dir, const guint8 *b, gsize len, int code,
                const char *what)
{
  g_autofree guint8 *copy = g_memdup2 (b, len);
  g_autofree char *path = g_build_filename (dir, "damaged.ntk", NULL);
  g_autofree char *base = g_path_get_basename (path);
  NtkmcKernelFile *kf;
  GError *error = NULL;

  kf = ntkmc_kernelfile_open_from_bytes (len ? copy : NULL, len, &error);
  g_assert_null (kf);
  g_assert_error (error, NTKMC_ERROR, code);
  if (strstr (error->message, what) == NULL)
    g_error ("message \"%s\" does not mention \"%s\"", error->message, what);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, (const char *) b, (gssize) len,
                                      &error));
  g_assert_no_error (error);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_null (kf);
  g_assert_error (error, NTKMC_ERROR, code);
  if (strstr (error->message, what) == NULL)
    g_error ("message \"%s\" does not mention \"%s\"", error->message, what);
  /* Messages about a file name it. */
  g_assert_nonnull (strstr (error->message, base));
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

/* A valid file's bytes, patched by @patch, resealed when @seal. */
typedef void (*Patch) (guint8 *b, gsize len);

static void
check_patch (Fixture *fx, Patch patch, gboolean seal, const char *what)
{
  g_autofree guint8 *b = NULL;
  g_autofree char *path = NULL;
  gsize len;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &b, &len);
  g_assert_cmpint (g_unlink (path), ==, 0);
  patch (b, len);
  if (seal)
    reseal (b, len);
  expect_refused (fx->dir, b, len, NTKMC_ERROR_FORMAT, what);
}

/* -------------------------------------------------------------- round trips */

static void
test_roundtrip_f64 (Fixture *fx, gconstpointer data)
{
  g_autofree double *k = test_kernel (5);
  g_autofree double *back = g_new (double, 25);
  g_autofree char *path = NULL;
  g_autoptr (NtkmcKernelFile) kf = NULL;
  GError *error = NULL;
  uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];
  const void *payload;
  (void) data;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, NULL, NULL);
  /* Only the file itself: the temporary file was renamed. */
  g_assert_cmpuint (count_entries (fx->dir), ==, 1);

  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kf);
  g_assert_cmpint (ntkmc_kernelfile_get_kind (kf), ==, NTKMC_KERNEL_FC);
  g_assert_cmpint (ntkmc_kernelfile_get_dtype (kf), ==, NTKMC_DTYPE_F64);
  g_assert_cmpuint (ntkmc_kernelfile_get_version (kf), ==, 1);
  g_assert_cmpuint (ntkmc_kernelfile_get_dims (kf, dims), ==, 2);
  g_assert_cmpuint (dims[0], ==, 5);
  g_assert_cmpuint (dims[1], ==, 5);
  for (unsigned i = 2; i < NTKMC_KERNELFILE_MAX_DIMS; i++)
    g_assert_cmpuint (dims[i], ==, 0);
  g_assert_cmpuint (ntkmc_kernelfile_get_dims (kf, NULL), ==, 2);
  g_assert_cmpuint (ntkmc_kernelfile_get_n_elements (kf), ==, 25);
  g_assert_cmpstr (ntkmc_kernelfile_peek_description (kf), ==,
                   fc_description);

  payload = ntkmc_kernelfile_peek_data (kf);
  g_assert_cmpuint ((guintptr) payload % 64, ==, 0);
  g_assert_cmpmem (payload, 25 * sizeof (double), k, 25 * sizeof (double));
  ntkmc_kernelfile_read_f64 (kf, back);
  g_assert_cmpmem (back, 25 * sizeof (double), k, 25 * sizeof (double));
}

static void
test_roundtrip_f32 (Fixture *fx, gconstpointer data)
{
  g_autofree double *k = test_kernel (5);
  g_autofree double *back = g_new (double, 25);
  g_autofree char *path = NULL;
  g_autofree guint8 *b = NULL;
  g_autoptr (NtkmcKernelFile) kf = NULL;
  GError *error = NULL;
  const float *payload;
  gsize len;
  (void) data;

  path = write_fc (fx->dir, "k32.ntk", NTKMC_DTYPE_F32, &b, &len);
  g_assert_cmpuint (len, ==, peek_u64 (b, OFF_PAYLOAD_OFFSET) + 25 * 4);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ntkmc_kernelfile_get_dtype (kf), ==, NTKMC_DTYPE_F32);
  g_assert_cmpuint (ntkmc_kernelfile_get_n_elements (kf), ==, 25);

  payload = ntkmc_kernelfile_peek_data (kf);
  g_assert_cmpuint ((guintptr) payload % 64, ==, 0);
  ntkmc_kernelfile_read_f64 (kf, back);
  for (size_t i = 0; i < 25; i++)
    {
      float f = (float) k[i];
      g_assert_true (memcmp (&payload[i], &f, sizeof f) == 0);
      g_assert_true (back[i] == (double) f);
      g_assert_true (signbit (back[i]) == signbit (k[i]));
    }
  /* The 1e300 entries overflow float range. */
  g_assert_true (isinf (back[3 + 0 * 5]) && isinf (back[1 + 2 * 5]));
}

/* CONV kernels are generic n-d arrays; the first dimension varies fastest. */
static void
test_four_dims (Fixture *fx, gconstpointer data)
{
  const uint64_t dims[4] = { 3, 2, 4, 5 };
  const char *desc = "arch=conv\nwindow=3\nscalar.theta0=0.31830988618379069";
  g_autofree double *a = g_new (double, 120);
  g_autofree double *back = g_new (double, 120);
  g_autofree char *path = g_build_filename (fx->dir, "conv.ntk", NULL);
  g_autoptr (NtkmcKernelFile) kf = NULL;
  g_autofree char *v = NULL;
  uint64_t got[NTKMC_KERNELFILE_MAX_DIMS];
  GError *error = NULL;
  (void) data;

  for (size_t l = 0; l < 5; l++)
    for (size_t k = 0; k < 4; k++)
      for (size_t j = 0; j < 2; j++)
        for (size_t i = 0; i < 3; i++)
          a[i + 3 * (j + 2 * (k + 4 * l))] = (double) (i + 10 * j + 100 * k
                                                       + 1000 * l);
  g_assert_true (ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, desc,
                                         NTKMC_DTYPE_F64, 4, dims, a, &error));
  g_assert_no_error (error);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ntkmc_kernelfile_get_kind (kf), ==, NTKMC_KERNEL_CONV);
  g_assert_cmpuint (ntkmc_kernelfile_get_dims (kf, got), ==, 4);
  g_assert_cmpmem (got, 4 * sizeof (uint64_t), dims, sizeof dims);
  g_assert_cmpuint (got[4], ==, 0);
  g_assert_cmpuint (ntkmc_kernelfile_get_n_elements (kf), ==, 120);
  ntkmc_kernelfile_read_f64 (kf, back);
  /* Element (2, 1, 3, 4) sits at 2 + 3 (1 + 2 (3 + 4 * 4)). */
  g_assert_cmpfloat (back[2 + 3 * (1 + 2 * (3 + 4 * 4))], ==, 4312.0);
  g_assert_cmpmem (back, 120 * sizeof (double), a, 120 * sizeof (double));
  /* A description without a final newline is kept verbatim. */
  g_assert_cmpstr (ntkmc_kernelfile_peek_description (kf), ==, desc);
  v = ntkmc_kernelfile_get_value (kf, "scalar.theta0");
  g_assert_cmpstr (v, ==, "0.31830988618379069");
}

static void
test_one_and_eight_dims (Fixture *fx, gconstpointer data)
{
  const uint64_t d1[1] = { 7 };
  const uint64_t d8[8] = { 2, 1, 2, 1, 1, 2, 1, 3 };
  const double x[24] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                         13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 };
  double back[24];
  g_autofree char *path = g_build_filename (fx->dir, "a.ntk", NULL);
  uint64_t got[NTKMC_KERNELFILE_MAX_DIMS];
  GError *error = NULL;
  NtkmcKernelFile *kf;
  (void) data;

  g_assert_true (ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, "",
                                         NTKMC_DTYPE_F32, 1, d1, x, &error));
  g_assert_no_error (error);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ntkmc_kernelfile_get_dims (kf, got), ==, 1);
  g_assert_cmpuint (got[0], ==, 7);
  g_assert_cmpstr (ntkmc_kernelfile_peek_description (kf), ==, "");
  ntkmc_kernelfile_read_f64 (kf, back);
  g_assert_cmpmem (back, 7 * sizeof (double), x, 7 * sizeof (double));
  ntkmc_kernelfile_close (kf);

  /* Overwrites the previous file in place. */
  g_assert_true (ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, "a=b\n",
                                         NTKMC_DTYPE_F64, 8, d8, x, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (fx->dir), ==, 1);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ntkmc_kernelfile_get_dims (kf, got), ==, 8);
  g_assert_cmpmem (got, sizeof got, d8, sizeof d8);
  g_assert_cmpuint (ntkmc_kernelfile_get_n_elements (kf), ==, 24);
  ntkmc_kernelfile_read_f64 (kf, back);
  g_assert_cmpmem (back, sizeof back, x, sizeof x);
  ntkmc_kernelfile_close (kf);
  ntkmc_kernelfile_close (NULL);
}

/* Payloads larger than the writer's 1 MiB chunks and float batches. */
static void
test_large (Fixture *fx, gconstpointer data)
{
  const size_t n = 520;                 /* 1.08 MB as f32, 2.16 MB as f64 */
  const uint64_t dims[2] = { n, n };
  g_autofree double *k = g_new (double, n * n);
  g_autofree double *back = g_new (double, n * n);
  g_autofree char *path = g_build_filename (fx->dir, "big.ntk", NULL);
  GError *error = NULL;
  (void) data;

  for (size_t i = 0; i < n * n; i++)
    k[i] = (double) i / 3.0;
  for (int t = 0; t < 2; t++)
    {
      NtkmcDType dtype = t ? NTKMC_DTYPE_F32 : NTKMC_DTYPE_F64;
      NtkmcKernelFile *kf;

      g_assert_true (ntkmc_kernelfile_write (path, NTKMC_KERNEL_FC, "n=520",
                                             dtype, 2, dims, k, &error));
      g_assert_no_error (error);
      kf = ntkmc_kernelfile_open (path, &error);
      g_assert_no_error (error);
      ntkmc_kernelfile_read_f64 (kf, back);
      for (size_t i = 0; i < n * n; i++)
        if (back[i] != (t ? (double) (float) k[i] : k[i]))
          g_error ("%s element %zu: %.17g read back as %.17g",
                   t ? "f32" : "f64", i, k[i], back[i]);
      ntkmc_kernelfile_close (kf);
    }
}

/* open_from_bytes accepts any alignment; read_f64 copes with it. */
static void
test_unaligned_bytes (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *b = NULL;
  g_autofree guint8 *shifted = NULL;
  g_autofree char *path = NULL;
  g_autofree double *k = test_kernel (5);
  double back[25];
  GError *error = NULL;
  NtkmcKernelFile *kf;
  gsize len;
  (void) data;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &b, &len);
  shifted = g_malloc (len + 3);
  memcpy (shifted + 3, b, len);
  kf = ntkmc_kernelfile_open_from_bytes (shifted + 3, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kf);
  ntkmc_kernelfile_read_f64 (kf, back);
  g_assert_cmpmem (back, sizeof back, k, sizeof back);
  ntkmc_kernelfile_close (kf);
}

/* ------------------------------------------------------------ description */

static void
test_description_values (Fixture *fx, gconstpointer data)
{
  const uint64_t dims[2] = { 1, 1 };
  const double one = 1.0;
  const char *desc = "arch=fc\nactivation=lrelu:0.01\ndepth=2\nnote=\n"
                     "depth=3\nprior.name=gene expression = log2 (TPM + 1)\n"
                     "greek=\xce\xb1\xce\xb2\n";
  g_autofree char *path = g_build_filename (fx->dir, "d.ntk", NULL);
  g_autoptr (NtkmcKernelFile) kf = NULL;
  GError *error = NULL;
  char *v;
  (void) data;

  g_assert_true (ntkmc_kernelfile_write (path, NTKMC_KERNEL_FC, desc,
                                         NTKMC_DTYPE_F64, 2, dims, &one,
                                         &error));
  g_assert_no_error (error);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);

  v = ntkmc_kernelfile_get_value (kf, "arch");
  g_assert_cmpstr (v, ==, "fc");
  g_free (v);
  v = ntkmc_kernelfile_get_value (kf, "activation");
  g_assert_cmpstr (v, ==, "lrelu:0.01");
  g_free (v);
  /* The first of two lines with the same key wins. */
  v = ntkmc_kernelfile_get_value (kf, "depth");
  g_assert_cmpstr (v, ==, "2");
  g_free (v);
  v = ntkmc_kernelfile_get_value (kf, "note");
  g_assert_cmpstr (v, ==, "");
  g_free (v);
  /* Only the first '=' separates. */
  v = ntkmc_kernelfile_get_value (kf, "prior.name");
  g_assert_cmpstr (v, ==, "gene expression = log2 (TPM + 1)");
  g_free (v);
  v = ntkmc_kernelfile_get_value (kf, "greek");
  g_assert_cmpstr (v, ==, "\xce\xb1\xce\xb2");
  g_free (v);
  /* Keys match whole: no prefixes, no suffixes, no values. */
  g_assert_null (ntkmc_kernelfile_get_value (kf, "dep"));
  g_assert_null (ntkmc_kernelfile_get_value (kf, "depth2"));
  g_assert_null (ntkmc_kernelfile_get_value (kf, "prior"));
  g_assert_null (ntkmc_kernelfile_get_value (kf, "fc"));
  g_assert_null (ntkmc_kernelfile_get_value (kf, ""));
  g_assert_null (ntkmc_kernelfile_get_value (kf, "missing"));
}

static void
test_write_bad_description (Fixture *fx, gconstpointer data)
{
  static const struct {
    const char *desc;
    const char *what;
  } cases[] = {
    { "arch=fc\nno equals sign\n", "line 2" },
    { "arch=fc\n\ndepth=1\n", "line 2 is empty" },
    { "=fc\n", "empty key" },
    { "arch=fc\r\ndepth=1\r\n", "control character 0x0d" },
    { "arch=f\tc\n", "control character 0x09" },
    { "arch=\xff\xfe\n", "UTF-8" },
    { "ar ch=fc\n", "A-Z a-z 0-9" },
    { "\n", "line 1 is empty" },
  };
  const uint64_t dims[2] = { 1, 1 };
  const double one = 1.0;
  g_autofree char *path = g_build_filename (fx->dir, "bad.ntk", NULL);
  (void) data;

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GError *error = NULL;
      g_assert_false (ntkmc_kernelfile_write (path, NTKMC_KERNEL_FC,
                                              cases[i].desc, NTKMC_DTYPE_F64,
                                              2, dims, &one, &error));
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
      if (strstr (error->message, cases[i].what) == NULL)
        g_error ("case %zu: message \"%s\" does not mention \"%s\"", i,
                 error->message, cases[i].what);
      g_clear_error (&error);
    }
  g_assert_cmpuint (count_entries (fx->dir), ==, 0);
}

static void
test_write_io_error (Fixture *fx, gconstpointer data)
{
  const uint64_t dims[2] = { 1, 1 };
  const double one = 1.0;
  g_autofree char *path = g_build_filename (fx->dir, "no-such-dir", "k.ntk",
                                            NULL);
  GError *error = NULL;
  (void) data;

  g_assert_false (ntkmc_kernelfile_write (path, NTKMC_KERNEL_FC, "a=b",
                                          NTKMC_DTYPE_F64, 2, dims, &one,
                                          &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no-such-dir"));
  g_clear_error (&error);

  /* The target is a directory: the rename fails, the temporary goes. */
  g_assert_false (ntkmc_kernelfile_write (fx->dir, NTKMC_KERNEL_FC, "a=b",
                                          NTKMC_DTYPE_F64, 2, dims, &one,
                                          &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (fx->dir), ==, 0);
}

static void
test_write_programmer_errors (Fixture *fx, gconstpointer data)
{
  const uint64_t square[2] = { 2, 2 }, oblong[2] = { 2, 3 }, zero[2] = { 0, 2 };
  const double x[6] = { 0 };
  g_autofree char *path = g_build_filename (fx->dir, "k.ntk", NULL);
  (void) data;

  g_test_expect_message (LIB_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*n_dims*");
  g_assert_false (ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, "",
                                          NTKMC_DTYPE_F64, 0, square, x,
                                          NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message (LIB_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*dims*");
  g_assert_false (ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, "",
                                          NTKMC_DTYPE_F64, 2, zero, x, NULL));
  g_test_assert_expected_messages ();
  /* A fully connected kernel is a square matrix. */
  g_test_expect_message (LIB_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*dims*");
  g_assert_false (ntkmc_kernelfile_write (path, NTKMC_KERNEL_FC, "",
                                          NTKMC_DTYPE_F64, 2, oblong, x,
                                          NULL));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (count_entries (fx->dir), ==, 0);
}

static void
test_describe (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *b = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *shown = NULL;
  g_autoptr (NtkmcKernelFile) kf = NULL;
  GError *error = NULL;
  gsize len;
  static const char *const expected[] = {
    "format version: 1\n",
    "kind:           fully connected (1)\n",
    "element type:   f64 (8 bytes)\n",
    "5 x 5",
    "25 elements",
    "payload:        200 bytes at offset 256\n",
    "\n  arch=fc\n  activation=relu\n  depth=2\n  prior=onehot\n",
  };
  (void) data;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &b, &len);
  kf = ntkmc_kernelfile_open (path, &error);
  g_assert_no_error (error);
  text = ntkmc_kernelfile_describe (kf);
  g_assert_true (g_str_has_suffix (text, "\n"));
  for (size_t i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("describe() output lacks \"%s\":\n%s", expected[i], text);
  shown = g_filename_display_name (path);
  g_assert_nonnull (strstr (text, shown));
  g_assert_nonnull (strstr (text, G_BYTE_ORDER == G_LITTLE_ENDIAN
                                  ? "little-endian" : "big-endian"));
  sum = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x",
                         peek_u64 (b, OFF_CHECKSUM));
  g_assert_nonnull (strstr (text, sum));
  g_assert_cmpuint (peek_u64 (b, OFF_CHECKSUM), ==,
                    compute_checksum (b, len));
}

/* ------------------------------------------------------ refused: I/O, size */

static void
test_refuse_empty (Fixture *fx, gconstpointer data)
{
  (void) data;
  expect_refused (fx->dir, (const guint8 *) "", 0, NTKMC_ERROR_FORMAT,
                  "empty");
}

static void
test_refuse_nonexistent (Fixture *fx, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "absent.ntk", NULL);
  GError *error = NULL;
  (void) data;

  g_assert_null (ntkmc_kernelfile_open (path, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "absent.ntk"));
  g_clear_error (&error);

  g_assert_null (ntkmc_kernelfile_open (fx->dir, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_clear_error (&error);
}

static void
test_refuse_truncated (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *b = NULL;
  g_autofree char *path = NULL;
  gsize len, poff;
  (void) data;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &b, &len);
  poff = peek_u64 (b, OFF_PAYLOAD_OFFSET);
  {
    const gsize cuts[] = { 1, 4, 7, 8, 12, 15, 16, 17, 100, HEADER - 1,
                           HEADER, HEADER + 5, poff - 1, poff, poff + 1,
                           poff + 100, len - 8, len - 1 };
    for (size_t i = 0; i < G_N_ELEMENTS (cuts); i++)
      expect_refused (fx->dir, b, cuts[i], NTKMC_ERROR_FORMAT, "truncated");
  }
}

static void
test_refuse_trailing (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *b = NULL;
  g_autofree guint8 *longer = NULL;
  g_autofree char *path = NULL;
  gsize len;
  (void) data;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &b, &len);
  longer = g_malloc0 (len + 100);
  memcpy (longer, b, len);
  expect_refused (fx->dir, longer, len + 1, NTKMC_ERROR_FORMAT,
                  "trailing garbage");
  expect_refused (fx->dir, longer, len + 100, NTKMC_ERROR_FORMAT,
                  "100 extra bytes");
}

/* ---------------------------------------------------- refused: corruption */

static void
flip_payload (guint8 *b, gsize len)
{
  b[len - 13] ^= 0x10;
}

static void
flip_description (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER + 2] ^= 0x01;                /* "arch" -> "arbh" */
}

static void
flip_checksum (guint8 *b, gsize len)
{
  (void) len;
  b[OFF_CHECKSUM + 7] ^= 0x80;
}

static void
flip_padding (guint8 *b, gsize len)
{
  (void) len;
  b[peek_u64 (b, OFF_PAYLOAD_OFFSET) - 1] = 1;
}

static void
test_refuse_checksum (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, flip_payload, FALSE, "checksum mismatch");
  check_patch (fx, flip_description, FALSE, "checksum mismatch");
  check_patch (fx, flip_checksum, FALSE, "checksum mismatch");
  check_patch (fx, flip_padding, FALSE, "checksum mismatch");
}

static void
bad_magic (guint8 *b, gsize len)
{
  (void) len;
  b[1] = 'X';
}

static void
zero_magic (guint8 *b, gsize len)
{
  (void) len;
  memset (b, 0, 8);
}

static void
test_refuse_magic (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *b = NULL;
  g_autofree guint8 *crlf = NULL;
  g_autofree char *path = NULL;
  const char *text = "arch=fc\nactivation=relu\n";
  gsize len;
  (void) data;

  check_patch (fx, bad_magic, TRUE, "bad magic");
  check_patch (fx, zero_magic, TRUE, "not an ntkmc kernel file");
  expect_refused (fx->dir, (const guint8 *) text, strlen (text),
                  NTKMC_ERROR_FORMAT, "not an ntkmc kernel file");
  expect_refused (fx->dir, (const guint8 *) "X", 1, NTKMC_ERROR_FORMAT,
                  "bad magic");

  /* A text-mode copy: CR LF -> LF drops byte 4; LF -> CR LF adds one. */
  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &b, &len);
  g_assert_cmpint (g_unlink (path), ==, 0);
  crlf = g_malloc (len + 1);
  memcpy (crlf, b, 4);
  memcpy (crlf + 4, b + 5, len - 5);
  expect_refused (fx->dir, crlf, len - 1, NTKMC_ERROR_FORMAT, "text-mode");
  memcpy (crlf, b, 5);
  crlf[5] = '\r';
  memcpy (crlf + 6, b + 5, len - 5);
  expect_refused (fx->dir, crlf, len + 1, NTKMC_ERROR_FORMAT, "text-mode");
}

static void
version_2 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_VERSION, 2);
}

static void
version_0 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_VERSION, 0);
}

static void
test_refuse_version (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, version_2, TRUE,
               "format version 2 is newer than this build supports (1)");
  check_patch (fx, version_0, TRUE, "format version 0");
}

/* What the same writer would produce on a machine of the other byte order:
 * every header integer and every payload element reversed. */
static void
swap_order (guint8 *b, gsize len)
{
  gsize poff = peek_u64 (b, OFF_PAYLOAD_OFFSET);
  guint64 sum;

  for (size_t off = OFF_BOM; off < OFF_DIMS; off += 4)
    poke_u32 (b, off, GUINT32_SWAP_LE_BE (peek_u32 (b, off)));
  for (size_t off = OFF_DIMS; off < OFF_CHECKSUM; off += 8)
    poke_u64 (b, off, GUINT64_SWAP_LE_BE (peek_u64 (b, off)));
  for (size_t off = poff; off < len; off += 8)
    poke_u64 (b, off, GUINT64_SWAP_LE_BE (peek_u64 (b, off)));
  sum = compute_checksum (b, len);
  poke_u64 (b, OFF_CHECKSUM, GUINT64_SWAP_LE_BE (sum));
}

static void
bad_bom (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_BOM, 0xdeadbeef);
}

static void
test_refuse_byte_order (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, swap_order, FALSE,
               G_BYTE_ORDER == G_LITTLE_ENDIAN
               ? "written on a big-endian machine and this one is little-endian"
               : "written on a little-endian machine and this one is big-endian");
  check_patch (fx, bad_bom, TRUE, "byte-order mark is 0xdeadbeef");
}

static void
kind_7 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_KIND, 7);
}

static void
kind_0 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_KIND, 0);
}

static void
dtype_3 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_DTYPE, 3);
}

static void
dtype_f32 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_DTYPE, 1);           /* 100 bytes would be needed */
}

static void
test_refuse_kind_dtype (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, kind_7, TRUE, "unknown kernel kind 7");
  check_patch (fx, kind_0, TRUE, "unknown kernel kind 0");
  check_patch (fx, dtype_3, TRUE, "unknown element type 3");
  check_patch (fx, dtype_f32, TRUE, "payload length 200 does not match");
}

static void
length_short (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_PAYLOAD_LENGTH, 192);
}

static void
dims_6x5 (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DIMS, 6);
}

static void
dims_25x1 (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DIMS, 25);
  poke_u64 (b, OFF_DIMS + 8, 1);
}

static void
dims_5x5x1 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_N_DIMS, 3);
  poke_u64 (b, OFF_DIMS + 16, 1);
}

static void
test_refuse_shape (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, length_short, TRUE,
               "payload length 192 does not match the shape: 5 x 5 f64 "
               "elements need 200 bytes");
  check_patch (fx, dims_6x5, TRUE,
               "payload length 200 does not match the shape: 6 x 5");
  check_patch (fx, dims_25x1, TRUE,
               "wrong shape for a fully connected kernel: 25 x 1");
  check_patch (fx, dims_5x5x1, TRUE,
               "wrong shape for a fully connected kernel: 5 x 5 x 1");
}

static void
n_dims_0 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_N_DIMS, 0);
}

static void
n_dims_9 (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_N_DIMS, 9);
}

static void
n_dims_huge (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_N_DIMS, 0xffffffffu);
}

static void
unused_dim (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DIMS + 7 * 8, 1);
}

static void
zero_dim (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DIMS + 8, 0);
}

static void
overflow_dims (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DIMS, G_GUINT64_CONSTANT (1) << 32);
  poke_u64 (b, OFF_DIMS + 8, G_GUINT64_CONSTANT (1) << 32);
}

static void
overflow_bytes (guint8 *b, gsize len)
{
  (void) len;
  /* 2^61 elements fit, 2^64 bytes do not. */
  poke_u64 (b, OFF_DIMS, G_GUINT64_CONSTANT (1) << 31);
  poke_u64 (b, OFF_DIMS + 8, G_GUINT64_CONSTANT (1) << 30);
}

static void
test_refuse_dims (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, n_dims_0, TRUE, "number of dimensions 0 is out of range");
  check_patch (fx, n_dims_9, TRUE, "number of dimensions 9 is out of range");
  check_patch (fx, n_dims_huge, TRUE, "out of range 1..8");
  check_patch (fx, unused_dim, TRUE, "unused dimension slot 8");
  check_patch (fx, zero_dim, TRUE, "dimension 2 of 2 is 0");
  check_patch (fx, overflow_dims, TRUE, "overflows 64 bits");
  check_patch (fx, overflow_bytes, TRUE, "overflows 64 bits");
}

static void
unaligned_payload (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_PAYLOAD_OFFSET, peek_u64 (b, OFF_PAYLOAD_OFFSET) - 8);
}

static void
desc_in_header (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DESC_OFFSET, 100);
}

static void
desc_empty_length (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DESC_LENGTH, 0);
}

static void
desc_overlaps (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DESC_LENGTH, 1000);
}

static void
desc_beyond (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DESC_OFFSET, G_MAXUINT64 - 4);
}

static void
desc_huge_length (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_DESC_LENGTH, G_MAXUINT64);
}

static void
payload_far (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_PAYLOAD_OFFSET, G_GUINT64_CONSTANT (1) << 62);
}

static void
payload_wraps (guint8 *b, gsize len)
{
  (void) len;
  poke_u64 (b, OFF_PAYLOAD_OFFSET, G_MAXUINT64 - 63);
}

static void
test_refuse_layout (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, unaligned_payload, TRUE, "not a multiple of 64");
  check_patch (fx, desc_in_header, TRUE, "inside the 192-byte header");
  check_patch (fx, desc_empty_length, TRUE, "description length is 0");
  check_patch (fx, desc_overlaps, TRUE, "overlaps the payload");
  check_patch (fx, desc_beyond, TRUE, "overlaps the payload");
  check_patch (fx, desc_huge_length, TRUE, "overlaps the payload");
  check_patch (fx, payload_far, TRUE, "truncated file");
  check_patch (fx, payload_wraps, TRUE, "overflow");
}

static void
reserved_word (guint8 *b, gsize len)
{
  (void) len;
  poke_u32 (b, OFF_RESERVED0, 1);
}

static void
reserved_tail (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER - 1] = 0x40;
}

static void
test_refuse_reserved (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, reserved_word, TRUE, "reserved bytes at offset 28");
  check_patch (fx, reserved_tail, TRUE, "reserved byte at offset 191");
}

static void
desc_unterminated (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER + peek_u64 (b, OFF_DESC_LENGTH) - 1] = 'x';
}

static void
desc_inner_nul (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER + 3] = '\0';
}

static void
desc_not_utf8 (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER + 20] = (guint8) 0xc3;     /* a lead byte, no continuation */
}

static void
desc_no_equals (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER + 4] = '-';                /* "arch-fc" */
}

static void
desc_crlf (guint8 *b, gsize len)
{
  (void) len;
  b[HEADER + 6] = '\r';               /* "arch=f\r\n" */
}

static void
desc_empty_line (guint8 *b, gsize len)
{
  (void) len;
  memcpy (b + HEADER, "\nrch=fc", 7);
}

static void
test_refuse_description (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_patch (fx, desc_unterminated, TRUE, "not NUL-terminated");
  check_patch (fx, desc_inner_nul, TRUE, "NUL byte at offset 3");
  check_patch (fx, desc_not_utf8, TRUE, "not valid UTF-8 (byte 20)");
  check_patch (fx, desc_no_equals, TRUE, "line 1 is not key=value");
  check_patch (fx, desc_crlf, TRUE, "line 1: control character 0x0d");
  check_patch (fx, desc_empty_line, TRUE, "line 1 is empty");
}

/* -------------------------------------------------------------- mutations */

/* Values that hit the edges of the header checks. */
static guint64
interesting (GRand *r)
{
  static const guint64 v[] = {
    0, 1, 2, 3, 7, 8, 9, 63, 64, 191, 192, 255, 256, 0x7fffffff, 0x80000000,
    0xffffffff, G_GUINT64_CONSTANT (0x100000000), G_MAXINT64,
    G_GUINT64_CONSTANT (0x8000000000000000), G_MAXUINT64 - 63, G_MAXUINT64,
  };
  return v[g_rand_int_range (r, 0, G_N_ELEMENTS (v))];
}

/* One random mutation of @src into a new buffer of exactly *@len bytes. */
static guint8 *
mutate (GRand *r, const guint8 *src, gsize src_len, gsize *len,
        gboolean header_only)
{
  guint8 *b;
  gsize n = src_len;
  int op = g_rand_int_range (r, 0, header_only ? 2 : 5);
  gsize span = header_only ? peek_u64 (src, OFF_PAYLOAD_OFFSET) : n;

  switch (op)
    {
    case 0:                             /* flip 1..4 bits, often in the header */
      b = g_memdup2 (src, n);
      for (int k = g_rand_int_range (r, 1, 5); k > 0; k--)
        {
          gsize at = g_rand_boolean (r)
                     ? (gsize) g_rand_int_range (r, 0, HEADER)
                     : (gsize) g_rand_int_range (r, 0, (gint32) span);
          b[at] ^= (guint8) (1u << g_rand_int_range (r, 0, 8));
        }
      break;
    case 1:                             /* overwrite a header field */
      b = g_memdup2 (src, n);
      {
        gsize at = (gsize) g_rand_int_range (r, 2, HEADER / 4) * 4;
        if (at >= OFF_DIMS && g_rand_boolean (r))
          poke_u64 (b, at & ~(gsize) 7, interesting (r));
        else
          poke_u32 (b, at, (guint32) interesting (r));
      }
      break;
    case 2:                             /* truncate */
      n = (gsize) g_rand_int_range (r, 0, (gint32) src_len);
      b = g_memdup2 (src, n);
      break;
    case 3:                             /* append */
      n = src_len + (gsize) g_rand_int_range (r, 1, 17);
      b = g_malloc (n);
      memcpy (b, src, src_len);
      for (gsize i = src_len; i < n; i++)
        b[i] = (guint8) g_rand_int (r);
      break;
    default:                            /* drop one byte */
      {
        gsize at = (gsize) g_rand_int_range (r, 0, (gint32) src_len);
        n = src_len - 1;
        b = g_malloc (n);
        memcpy (b, src, at);
        memcpy (b + at, src + at + 1, n - at);
      }
      break;
    }
  *len = n;
  return b;
}

/* Every change to a valid file is caught (if only by the checksum). */
static void
test_mutations (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *f64 = NULL, *f32 = NULL;
  g_autofree char *p64 = NULL, *p32 = NULL;
  gsize len64, len32;
  GRand *r = g_rand_new_with_seed (20240611);
  guint refused = 0;
  (void) data;

  p64 = write_fc (fx->dir, "k64.ntk", NTKMC_DTYPE_F64, &f64, &len64);
  p32 = write_fc (fx->dir, "k32.ntk", NTKMC_DTYPE_F32, &f32, &len32);
  for (int i = 0; i < 2000; i++)
    {
      gboolean use32 = i % 2;
      const guint8 *src = use32 ? f32 : f64;
      gsize src_len = use32 ? len32 : len64, len;
      g_autofree guint8 *b = mutate (r, src, src_len, &len, FALSE);
      GError *error = NULL;
      NtkmcKernelFile *kf;

      if (len == src_len && memcmp (b, src, len) == 0)
        continue;                       /* two flips cancelled */
      kf = ntkmc_kernelfile_open_from_bytes (len ? b : NULL, len, &error);
      if (kf != NULL)
        g_error ("mutation %d was accepted", i);
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
      refused++;
    }
  g_assert_cmpuint (refused, >, 1900);
  g_rand_free (r);
}

/* Mutations of the header and description with the checksum made valid
 * again reach the checks behind it; whatever is accepted must be usable. */
static void
test_mutations_resealed (Fixture *fx, gconstpointer data)
{
  g_autofree guint8 *src = NULL;
  g_autofree char *path = NULL;
  gsize src_len;
  GRand *r = g_rand_new_with_seed (7);
  guint accepted = 0;
  (void) data;

  path = write_fc (fx->dir, "k.ntk", NTKMC_DTYPE_F64, &src, &src_len);
  for (int i = 0; i < 2000; i++)
    {
      gsize len;
      g_autofree guint8 *b = mutate (r, src, src_len, &len, TRUE);
      GError *error = NULL;
      NtkmcKernelFile *kf;

      reseal (b, len);
      kf = ntkmc_kernelfile_open_from_bytes (b, len, &error);
      if (kf == NULL)
        {
          g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT);
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      accepted++;
      {
        uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];
        unsigned nd = ntkmc_kernelfile_get_dims (kf, dims);
        uint64_t n = ntkmc_kernelfile_get_n_elements (kf), prod = 1;
        size_t es = ntkmc_kernelfile_get_dtype (kf) == NTKMC_DTYPE_F32 ? 4 : 8;
        g_autofree double *out = NULL;
        g_autofree char *text = ntkmc_kernelfile_describe (kf);
        g_autofree char *v = ntkmc_kernelfile_get_value (kf, "depth");

        for (unsigned d = 0; d < nd; d++)
          prod *= dims[d];
        g_assert_cmpuint (prod, ==, n);
        g_assert_cmpuint (n * es, <=, len);
        g_assert_true (g_utf8_validate (text, -1, NULL));
        g_assert_true (v == NULL || g_utf8_validate (v, -1, NULL));
        g_assert_true (g_utf8_validate (ntkmc_kernelfile_peek_description (kf),
                                        -1, NULL));
        out = g_new (double, n);
        ntkmc_kernelfile_read_f64 (kf, out);
      }
      ntkmc_kernelfile_close (kf);
    }
  /* Some mutations are harmless (a flipped letter in a value, say). */
  g_assert_cmpuint (accepted, >, 0);
  g_assert_cmpuint (accepted, <, 2000);
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/kernelfile/" name, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)
  ADD ("roundtrip-f64", test_roundtrip_f64);
  ADD ("roundtrip-f32", test_roundtrip_f32);
  ADD ("four-dims", test_four_dims);
  ADD ("one-and-eight-dims", test_one_and_eight_dims);
  ADD ("large", test_large);
  ADD ("unaligned-bytes", test_unaligned_bytes);
  ADD ("description-values", test_description_values);
  ADD ("describe", test_describe);
  ADD ("write/bad-description", test_write_bad_description);
  ADD ("write/io-error", test_write_io_error);
  ADD ("write/programmer-errors", test_write_programmer_errors);
  ADD ("refuse/empty", test_refuse_empty);
  ADD ("refuse/nonexistent", test_refuse_nonexistent);
  ADD ("refuse/truncated", test_refuse_truncated);
  ADD ("refuse/trailing", test_refuse_trailing);
  ADD ("refuse/checksum", test_refuse_checksum);
  ADD ("refuse/magic", test_refuse_magic);
  ADD ("refuse/version", test_refuse_version);
  ADD ("refuse/byte-order", test_refuse_byte_order);
  ADD ("refuse/kind-dtype", test_refuse_kind_dtype);
  ADD ("refuse/shape", test_refuse_shape);
  ADD ("refuse/dims", test_refuse_dims);
  ADD ("refuse/layout", test_refuse_layout);
  ADD ("refuse/reserved", test_refuse_reserved);
  ADD ("refuse/description", test_refuse_description);
  ADD ("fuzz/mutations", test_mutations);
  ADD ("fuzz/mutations-resealed", test_mutations_resealed);
#undef ADD

  return g_test_run ();
}
