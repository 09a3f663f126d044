/* SPDX-License-Identifier: MIT */
/*
 * ntkmc.h: the public interface of libntkmc, matrix completion with the neural
 * tangent kernel of infinitely wide networks (Radhakrishnan, Stefanakis,
 * Belkin & Uhler, PNAS 2022).
 *
 * Conventions used throughout:
 *  - Every matrix is column-major and passed as (pointer, leading dimension):
 *    element (i, j) of an m x n matrix A with leading dimension lda >= m is
 *    A[i + j * lda].
 *  - Sizes are size_t; the narrowing to the BLAS integer type is checked
 *    inside the library (NTKMC_ERROR_TOO_LARGE).
 *  - Recoverable runtime errors (bad data, a kernel that is not positive
 *    definite, a corrupt file, cancellation) are reported through a GError
 *    in the NTKMC_ERROR domain: the function returns FALSE or NULL and sets
 *    @error.  Programmer errors (NULL where an object is required, an ld
 *    smaller than the row count) are caught with g_return_val_if_fail.
 *  - Numeric routines write into memory the caller allocated and keep no
 *    pointer to it after they return.  Inputs are never modified.
 *  - No global state: thread counts and callbacks live in an NtkmcContext.
 */
#ifndef NTKMC_H
#define NTKMC_H

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NTKMC_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ errors */

/**
 * NTKMC_ERROR:
 *
 * The GError domain of every error libntkmc reports.
 */
#define NTKMC_ERROR (ntkmc_error_quark ())
GQuark ntkmc_error_quark (void);

/**
 * NtkmcError:
 * @NTKMC_ERROR_INVALID: an argument or input value is not acceptable (the
 *   message names it): zero-norm prior column, a row with no observed entry,
 *   a negative ridge, a malformed text table...
 * @NTKMC_ERROR_NOT_SPD: a kernel matrix is not (numerically) positive
 *   definite; the message gives the failing system and suggests a ridge.
 * @NTKMC_ERROR_TOO_LARGE: a size does not fit the BLAS integer type or the
 *   memory that can be allocated.
 * @NTKMC_ERROR_IO: a file could not be opened, read, mapped or written.
 * @NTKMC_ERROR_FORMAT: a file is not in the expected format, or is
 *   truncated or corrupt (bad magic, version, checksum, byte order...).
 * @NTKMC_ERROR_MISMATCH: a file is valid but does not fit the problem it is
 *   used for (another architecture, prior, activation or size).
 * @NTKMC_ERROR_CANCELLED: the progress callback asked to stop.
 */
typedef enum {
  NTKMC_ERROR_INVALID,
  NTKMC_ERROR_NOT_SPD,
  NTKMC_ERROR_TOO_LARGE,
  NTKMC_ERROR_IO,
  NTKMC_ERROR_FORMAT,
  NTKMC_ERROR_MISMATCH,
  NTKMC_ERROR_CANCELLED
} NtkmcError;

/* ----------------------------------------------------------------- context */

/**
 * NtkmcProgressFunc:
 * @fraction: work done so far, in [0, 1].
 * @message: (nullable): what is being done now, e.g. "factorizing".
 * @user_data: the pointer given to ntkmc_context_set_progress().
 *
 * Called from the thread that called into the library (never from worker
 * threads), at least at every phase boundary.
 *
 * Returns: TRUE to go on, FALSE to cancel (the call then fails with
 *   NTKMC_ERROR_CANCELLED and leaves every output untouched).
 */
typedef gboolean (*NtkmcProgressFunc) (double fraction, const char *message,
                                       gpointer user_data);

/**
 * NtkmcContext:
 *
 * Opaque per-caller state: the number of threads to use and the progress /
 * cancel callback.  A context may be used by one thread at a time.
 */
typedef struct _NtkmcContext NtkmcContext;

/**
 * ntkmc_context_new:
 * @n_threads: threads for numeric work (OpenMP loops and BLAS); 0 = one per
 *   online processor.
 *
 * Returns: (transfer full): a new context; free with ntkmc_context_free().
 */
NtkmcContext *ntkmc_context_new (int n_threads);
void ntkmc_context_free (NtkmcContext *ctx);
int ntkmc_context_get_n_threads (const NtkmcContext *ctx);
void ntkmc_context_set_progress (NtkmcContext *ctx, NtkmcProgressFunc func,
                                 gpointer user_data);

/* ------------------------------------------------------------- activations */

/**
 * NtkmcActivationKind:
 * @NTKMC_ACT_RELU: phi(x) = max(x, 0), c = sqrt(2).
 * @NTKMC_ACT_LEAKY_RELU: phi(x) = max(x, slope * x), c = sqrt(2 / (1 + slope^2)).
 * @NTKMC_ACT_IDENTITY: phi(x) = x, c = 1 (a linear network).
 */
typedef enum {
  NTKMC_ACT_RELU,
  NTKMC_ACT_LEAKY_RELU,
  NTKMC_ACT_IDENTITY
} NtkmcActivationKind;

/**
 * NtkmcActivation:
 * @kind: the nonlinearity.
 * @slope: the negative slope of NTKMC_ACT_LEAKY_RELU (ignored otherwise).
 *
 * Dual activations are normalized so that dual(1) = 1: the constant c of the
 * paper's Eq. 6 is applied (c^2 = 1 / E[phi(u)^2], u ~ N(0, 1)).
 */
typedef struct {
  NtkmcActivationKind kind;
  double slope;
} NtkmcActivation;

/** The LeakyReLU slope of the reference implementation. */
#define NTKMC_LEAKY_RELU_DEFAULT_SLOPE 0.01

/**
 * ntkmc_activation_parse:
 * @text: "relu", "identity", "lrelu" (slope 0.01) or "lrelu:SLOPE".
 * @act: (out): the parsed activation.
 *
 * Returns: TRUE on success; sets @error (NTKMC_ERROR_INVALID) otherwise.
 */
gboolean ntkmc_activation_parse (const char *text, NtkmcActivation *act,
                                 GError **error);

/**
 * ntkmc_activation_to_string:
 *
 * Returns: (transfer full): the canonical text form that
 *   ntkmc_activation_parse() reads back ("relu", "lrelu:0.01", "identity").
 */
char *ntkmc_activation_to_string (const NtkmcActivation *act);

/**
 * ntkmc_dual:
 * @xi: a cosine; clamped to [-1, 1].
 *
 * Returns: the normalized dual activation c^2 E[phi(u) phi(v)] for (u, v)
 *   standard normal with correlation @xi.
 */
double ntkmc_dual (const NtkmcActivation *act, double xi);

/**
 * ntkmc_dual_deriv:
 * @xi: a cosine; clamped to [-1, 1].
 *
 * Returns: d ntkmc_dual / d xi = c^2 E[phi'(u) phi'(v)].
 */
double ntkmc_dual_deriv (const NtkmcActivation *act, double xi);

/**
 * ntkmc_kappa:
 * @depth: number of hidden (nonlinear) layers d >= 1 (Theorem 1).
 * @xi: a cosine; clamped to [-1, 1].
 *
 * Returns: kappa_d(xi), defined by kappa_0(xi) = xi and
 *   kappa_h(xi) = dual(dual^(h-1)(xi)) + kappa_(h-1)(xi) * dual'(dual^(h-1)(xi)).
 *   For ReLU, kappa_1(1) = 2 and kappa_1(0) = 1/pi.
 */
double ntkmc_kappa (const NtkmcActivation *act, int depth, double xi);

/* --------------------------------------------------- fully connected NTK */

/**
 * NtkmcNtkOptions:
 * @activation: the nonlinearity of the hidden layers (default ReLU).
 * @depth: number of hidden layers d >= 1 (default 1).
 * @identity_weight: c >= 0; every prior item z_j is extended by a private
 *   coordinate of value c before normalization, i.e. the prior becomes
 *   [Z; c I_n] without materializing I_n (the reference code's
 *   "normalization_factor", 1.5 in the paper's drug-screening priors, which
 *   makes the kernel safely positive definite).  Default 0: Z as given.
 */
typedef struct {
  NtkmcActivation activation;
  int depth;
  double identity_weight;
} NtkmcNtkOptions;

void ntkmc_ntk_options_init (NtkmcNtkOptions *opt);

/**
 * NtkmcNtkReport:
 * @seconds_gram: wall time of the prior Gram Z^T Z (BLAS).
 * @seconds_map: wall time of the element-wise map xi -> kappa_d(xi).
 *
 * Filled in by ntkmc_ntk_gram() when a non-NULL pointer is passed.
 */
typedef struct {
  double seconds_gram;
  double seconds_map;
} NtkmcNtkReport;

/**
 * ntkmc_ntk_gram:
 * @ctx: the context (threads, progress).
 * @opt: activation, depth and identity weight.
 * @p: feature dimension (rows of Z).
 * @n: number of columns of Z (columns of the matrix to complete).
 * @z: (nullable): the feature prior Z, p x n, column-major, ld @ldz >= p,
 *   one column per column of Y; each column is normalized to unit norm
 *   internally (Z itself is not modified); a column of zero norm (unless
 *   @opt->identity_weight > 0) or one holding a NaN or infinity is an
 *   error.  NULL means the one-hot (identity) prior Z = I_n, and then @p
 *   must equal @n.
 * @k: (out): the n x n kernel K = kappa_d(Zn^T Zn), column-major, ld @ldk
 *   >= n; both triangles are written.
 * @report: (out) (nullable): phase timings.
 *
 * Computes the NTK Gram matrix of Theorem 1 with a blocked symmetric rank-k
 * product (dgemm panels over the lower triangle) plus a threaded
 * element-wise map.  Work: p n^2 flops + n^2 / 2 evaluations of kappa_d.
 *
 * Returns: TRUE on success; sets @error otherwise (@k is then undefined).
 */
gboolean ntkmc_ntk_gram (NtkmcContext *ctx, const NtkmcNtkOptions *opt,
                         size_t p, size_t n, const double *z, size_t ldz,
                         double *k, size_t ldk, NtkmcNtkReport *report,
                         GError **error);

/* -------------------------------------------------------------- completion */

/**
 * NtkmcCompleteOptions:
 * @ridge: lambda >= 0 added to the diagonal of every kernel block before it
 *   is factorized (default 0: interpolation, as in the paper).
 */
typedef struct {
  double ridge;
} NtkmcCompleteOptions;

void ntkmc_complete_options_init (NtkmcCompleteOptions *opt);

/**
 * NtkmcCompleteReport:
 * @n_patterns: number of distinct observation patterns among the rows of Y
 *   that have a missing entry (one Cholesky factorization each).
 * @n_observed: number of observed entries.
 * @n_missing: number of missing entries predicted.
 * @max_system: size of the largest system factorized.
 * @min_rcond: smallest reciprocal condition number (1-norm estimate) over
 *   the factorized systems.
 * @seconds_gather: wall time spent copying kernel blocks.
 * @seconds_factor: wall time of the Cholesky factorizations (dpotrf).
 * @seconds_solve: wall time of the triangular solves (dtrsm).
 * @seconds_predict: wall time of the predictions K(missing, observed) alpha.
 * @ntk: the kernel timings, when the call computed the kernel.
 * @flops_factor: floating-point operations of the factorizations;
 *   likewise @flops_solve, @flops_predict, @flops_gram (the latter only when
 *   the call computed the kernel).
 */
typedef struct {
  size_t n_patterns;
  size_t n_observed;
  size_t n_missing;
  size_t max_system;
  double min_rcond;
  double seconds_gather;
  double seconds_factor;
  double seconds_solve;
  double seconds_predict;
  NtkmcNtkReport ntk;
  double flops_gram;
  double flops_factor;
  double flops_solve;
  double flops_predict;
} NtkmcCompleteReport;

/**
 * ntkmc_complete:
 * @ctx: the context.
 * @opt: (nullable): ridge; NULL = defaults.
 * @m: rows of Y.
 * @n: columns of Y (= order of the kernel).
 * @y: Y, m x n, column-major, ld @ldy >= m.  Missing entries are ignored
 *   (they may hold NaN).  Observed entries must be finite.
 * @mask: m x n, column-major, ld @ldmask >= m; non-zero = observed.
 * @k: the n x n kernel over the columns of Y (e.g. from ntkmc_ntk_gram()),
 *   column-major, ld @ldk >= n; only the lower triangle is read.
 * @out: (out): the completed m x n matrix, ld @ldout >= m.  Observed entries
 *   are copied from @y unchanged; missing ones are the kernel-regression
 *   predictions K(U_i, S_i) K(S_i, S_i)^-1 y_i,S_i for row i with observed
 *   set S_i and missing set U_i (Theorem 1: the NTK is block diagonal over
 *   the rows of Y).  @out may equal @y when the leading dimensions agree.
 * @report: (out) (nullable).
 *
 * Rows that share an observation pattern are solved together, as one
 * Cholesky factorization with many right-hand sides; when whole columns are
 * missing (the same pattern in every row) this is a single factorization.
 * Fully observed rows are copied.
 *
 * Returns: TRUE on success; on failure sets @error and leaves @out untouched.
 *   A row with no observed entry is NTKMC_ERROR_INVALID; a block that is not
 *   numerically positive definite is NTKMC_ERROR_NOT_SPD (suggests a ridge).
 */
gboolean ntkmc_complete (NtkmcContext *ctx, const NtkmcCompleteOptions *opt,
                         size_t m, size_t n, const double *y, size_t ldy,
                         const guint8 *mask, size_t ldmask,
                         const double *k, size_t ldk,
                         double *out, size_t ldout,
                         NtkmcCompleteReport *report, GError **error);

/**
 * ntkmc_ntk_complete:
 * @z: (nullable): the feature prior, p x n, ld @ldz (see ntkmc_ntk_gram());
 *   NULL = one-hot prior (then @p = @n).
 *
 * Computes the kernel and completes Y in one call (the arguments are those
 * of ntkmc_ntk_gram() and ntkmc_complete()).  When every row of Y shares one
 * observation pattern (whole columns missing, the drug-screening case) with
 * s observed and u = n - s missing columns, only the kernel over the
 * observed columns (s x s, factorized in place) and panels of the kernel
 * between missing and observed columns (b x s, b = max(256, s / 4)) are
 * formed: peak kernel memory s^2 + b s doubles, kernel work p (s^2 + 2 u s)
 * flops, however many columns are missing.  Otherwise the full n x n kernel
 * is formed.
 *
 * Returns: TRUE on success; on failure sets @error and leaves @out untouched.
 */
gboolean ntkmc_ntk_complete (NtkmcContext *ctx, const NtkmcNtkOptions *ntk,
                             const NtkmcCompleteOptions *opt,
                             size_t p, size_t n, const double *z, size_t ldz,
                             size_t m, const double *y, size_t ldy,
                             const guint8 *mask, size_t ldmask,
                             double *out, size_t ldout,
                             NtkmcCompleteReport *report, GError **error);

/* ---------------------------------------------------------- kernel files */

/*
 * A kernel file holds one kernel as an n-dimensional array of f32 or f64
 * (first dimension fastest) plus a text description of how it was made
 * ("key=value" lines).  The layout, byte by byte, is in
 * docs/kernel-format.md.  Files are written in the writer's native byte
 * order; a reader refuses a file of the other byte order.
 */

/**
 * NtkmcKernelKind:
 * @NTKMC_KERNEL_FC: a fully connected NTK Gram matrix over the n columns of
 *   a feature prior (payload: n x n, column-major, both triangles; the
 *   format requires 2 dimensions and a square shape).
 * @NTKMC_KERNEL_CONV: a convolutional NTK (compact stationary form; see
 *   docs/kernel-format.md): any shape, interpreted through the description.
 */
typedef enum {
  NTKMC_KERNEL_FC = 1,
  NTKMC_KERNEL_CONV = 2
} NtkmcKernelKind;

/**
 * NtkmcDType:
 * @NTKMC_DTYPE_F32: IEEE 754 binary32.
 * @NTKMC_DTYPE_F64: IEEE 754 binary64.
 */
typedef enum {
  NTKMC_DTYPE_F32 = 1,
  NTKMC_DTYPE_F64 = 2
} NtkmcDType;

/** Largest number of payload dimensions a kernel file can carry. */
#define NTKMC_KERNELFILE_MAX_DIMS 8

/**
 * NtkmcKernelFile:
 *
 * Opaque handle on an open, fully validated, memory-mapped kernel file.
 * Read-only: one handle may be used from several threads at once.
 */
typedef struct _NtkmcKernelFile NtkmcKernelFile;

/**
 * ntkmc_kernelfile_write:
 * @path: the file to create or replace (written to "@path.XXXXXX" in the
 *   same directory and renamed into place, so a reader never sees half a
 *   file).
 * @kind: kernel kind; NTKMC_KERNEL_FC requires @n_dims = 2 and
 *   @dims[0] = @dims[1].
 * @description: canonical text description of the kernel: "key=value"
 *   lines (architecture, activation, depth, prior...) separated by '\n',
 *   an optional final '\n'; NUL-terminated UTF-8.  Keys are non-empty
 *   [A-Za-z0-9_.-]; values hold no control character (no tab, no CR).
 *   "" is allowed.  Stored verbatim.
 * @dtype: element type to store; @data is always double and is converted
 *   (to float with rounding to nearest).
 * @n_dims: number of payload dimensions, 1..NTKMC_KERNELFILE_MAX_DIMS.
 * @dims: the payload shape, each >= 1; the first dimension varies fastest
 *   (column-major), as everywhere in libntkmc.
 * @data: prod(dims) doubles, first dimension fastest.
 *
 * Streams the file (memory use does not grow with the payload).  A bad
 * @kind, @dtype, @n_dims, @dims or a NULL pointer is a programmer error.
 *
 * Returns: TRUE on success; sets @error otherwise (NTKMC_ERROR_INVALID: the
 *   description breaks the rules above; NTKMC_ERROR_TOO_LARGE: the shape's
 *   byte size overflows; NTKMC_ERROR_IO: create, write or rename failed).
 *   On failure no file is left behind and an existing @path is untouched.
 */
gboolean ntkmc_kernelfile_write (const char *path, NtkmcKernelKind kind,
                                 const char *description, NtkmcDType dtype,
                                 unsigned n_dims, const uint64_t *dims,
                                 const double *data, GError **error);

/**
 * ntkmc_kernelfile_open:
 * @path: a kernel file.
 *
 * Memory-maps the file and validates all of it before returning: magic,
 * format version, byte order, header fields, declared sizes against the file
 * size, the checksum over the whole file, and the description.  Reads the
 * whole file once (for the checksum).  The file must not be truncated or
 * rewritten in place while the handle is open.
 *
 * Returns: (transfer full): the open file, or NULL with @error set
 *   (NTKMC_ERROR_IO: cannot open or map, not a regular file;
 *   NTKMC_ERROR_FORMAT: not a valid kernel file), the message starting with
 *   the file name and saying what is wrong.
 */
NtkmcKernelFile *ntkmc_kernelfile_open (const char *path, GError **error);

/**
 * ntkmc_kernelfile_open_from_bytes:
 * @data: a whole kernel file in memory (not copied: must outlive the
 *   handle); any alignment.
 * @size: its size in bytes.
 *
 * Same validation as ntkmc_kernelfile_open(), for files already in memory
 * (and for fuzzing the parser).  Never reads outside @data[0..@size).
 *
 * Returns: (transfer full): the handle, or NULL with @error set
 *   (NTKMC_ERROR_FORMAT).
 */
NtkmcKernelFile *ntkmc_kernelfile_open_from_bytes (const void *data,
                                                   size_t size,
                                                   GError **error);
/** ntkmc_kernelfile_close: unmaps and frees; NULL-safe. */
void ntkmc_kernelfile_close (NtkmcKernelFile *kf);

NtkmcKernelKind ntkmc_kernelfile_get_kind (const NtkmcKernelFile *kf);
NtkmcDType ntkmc_kernelfile_get_dtype (const NtkmcKernelFile *kf);
/** Returns: the format version the file was written in (1 for now). */
unsigned ntkmc_kernelfile_get_version (const NtkmcKernelFile *kf);
/** Returns: (transfer none): the NUL-terminated description text. */
const char *ntkmc_kernelfile_peek_description (const NtkmcKernelFile *kf);
/**
 * ntkmc_kernelfile_get_value:
 * @key: a description key, e.g. "activation" (matched exactly, whole).
 *
 * Returns: (transfer full) (nullable): the value of the first "key=value"
 *   line of the description with that key (everything after the first
 *   '='), or NULL.
 */
char *ntkmc_kernelfile_get_value (const NtkmcKernelFile *kf, const char *key);
/** Returns: the number of payload dimensions; fills all of @dims (unused
 *  entries 0) unless it is NULL. */
unsigned ntkmc_kernelfile_get_dims (const NtkmcKernelFile *kf,
                                    uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS]);
/** Returns: the payload's element count (product of the dimensions). */
uint64_t ntkmc_kernelfile_get_n_elements (const NtkmcKernelFile *kf);
/**
 * ntkmc_kernelfile_peek_data:
 *
 * Returns: (transfer none): the mapped payload (float or double as
 *   ntkmc_kernelfile_get_dtype() says), first dimension fastest, valid
 *   until ntkmc_kernelfile_close().  64-byte aligned for a file opened with
 *   ntkmc_kernelfile_open(); for ntkmc_kernelfile_open_from_bytes() it is
 *   @data plus a multiple of 64, so aligned only as far as @data is.
 */
const void *ntkmc_kernelfile_peek_data (const NtkmcKernelFile *kf);
/**
 * ntkmc_kernelfile_read_f64:
 * @out: (out): room for ntkmc_kernelfile_get_n_elements() doubles.
 *
 * Copies the payload into @out, converting float to double when needed
 * (exact); works whatever the payload's alignment.
 */
void ntkmc_kernelfile_read_f64 (const NtkmcKernelFile *kf, double *out);
/**
 * ntkmc_kernelfile_describe:
 *
 * Returns: (transfer full): a human-readable, multi-line dump (file name,
 *   format version, kind, element type, byte order, shape, payload size and
 *   offset, checksum, description lines), as printed by
 *   `ntkmc kernel info`; for reading, not parsing.
 */
char *ntkmc_kernelfile_describe (const NtkmcKernelFile *kf);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcKernelFile, ntkmc_kernelfile_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcContext, ntkmc_context_free)

/* ------------------------------------------------------------ text tables */

/**
 * NtkmcTable:
 *
 * A numeric matrix read from TSV or CSV text, with optional column names (a
 * header line) and row names (a first column of labels).  Values are held
 * column-major (rows x cols, ld = rows); a missing cell is NaN in the values
 * and 0 in the mask.  The table keeps its layout (separator, header, corner
 * cell, row names) so that ntkmc_table_write() can reproduce it.
 */
typedef struct _NtkmcTable NtkmcTable;

/**
 * ntkmc_table_read:
 * @path: a TSV or CSV file ("-" = standard input, read to its end).
 *
 * The text format:
 *  - Lines end in LF or CRLF (not a bare CR); the last one may lack its line
 *    end.  A UTF-8 byte-order mark is skipped.  Leading and trailing blank
 *    lines (empty or only spaces) are ignored; every other line is a row,
 *    even one that starts with '#' (there are no comment lines).
 *  - The separator is a tab if the first non-blank line holds a tab, else a
 *    comma if it holds one (else a tab: a single column).  Blanks around a
 *    cell (spaces; tabs too in CSV) are dropped.  A cell may be
 *    double-quoted, with "" for a quote inside it ("a,b" or "say ""hi"""),
 *    in TSV as in CSV; a quoted cell cannot span lines.
 *  - A cell is missing when it is empty, "NA" or "NaN" (any case, and any
 *    other NaN spelling g_ascii_strtod() accepts, such as "-nan").  Any
 *    other cell must be a number as g_ascii_strtod() reads it (C locale,
 *    using the whole cell), and finite: "Inf" or "1e999" is an error.
 *  - Layout: the first column holds row names when any of its cells below
 *    the first line is a label (neither a number nor missing); then all of
 *    it are names, even those that look like numbers.  The first line is a
 *    header when any of its cells but the first is a label, or when its
 *    first cell is a label and there are no row names.  With a header and
 *    row names, the first header cell is the corner (e.g. "gene"; may be
 *    empty).  A header one cell shorter than the line below it is R's
 *    write.table() layout: no corner, and the first column is row names.
 *    The guess has limits: column names that all look like numbers are
 *    taken for data (unless the first header cell is a label and there are
 *    no row names), and so are row names that all look like numbers
 *    (outside R's layout).
 *  - Every line must have as many cells as the first line (as the second,
 *    in R's layout).  Names are kept as in the file, unquoted; duplicates
 *    are allowed; they are not checked to be UTF-8.
 *
 * Returns: (transfer full): the table, or NULL with @error set:
 *   NTKMC_ERROR_IO when the file cannot be read; NTKMC_ERROR_INVALID for
 *   its content, the message naming the file, the line and column (from 1,
 *   as in the file) and the text of the first problem, e.g.
 *   "m.tsv: line 4, column 3: 'abc' is not a number" (likewise a line with
 *   another number of cells, a non-finite value, a bad quote, a NUL byte,
 *   an empty file, a header with no data rows, labels with no data
 *   columns); NTKMC_ERROR_TOO_LARGE when the values cannot be allocated.
 */
NtkmcTable *ntkmc_table_read (const char *path, GError **error);
/** Frees @t (NULL is allowed). */
void ntkmc_table_free (NtkmcTable *t);
size_t ntkmc_table_get_n_rows (const NtkmcTable *t);
size_t ntkmc_table_get_n_cols (const NtkmcTable *t);
/** Returns: (transfer none): rows x cols values, column-major, ld = rows;
 *  NaN where missing. */
const double *ntkmc_table_peek_values (const NtkmcTable *t);
/** Returns: (transfer none): rows x cols, column-major; 1 = present,
 *  0 = missing. */
const guint8 *ntkmc_table_peek_mask (const NtkmcTable *t);
/** Returns: TRUE when the table has no missing cell. */
gboolean ntkmc_table_is_complete (const NtkmcTable *t);
/** Returns: (transfer none) (nullable): cols names followed by NULL, or
 *  NULL when there is no header. */
const char *const *ntkmc_table_peek_col_names (const NtkmcTable *t);
/** Returns: (transfer none) (nullable): rows names followed by NULL, or
 *  NULL when there are no row names. */
const char *const *ntkmc_table_peek_row_names (const NtkmcTable *t);
/** Returns: (transfer none) (nullable): the header cell above the row
 *  names (e.g. "gene", or ""), or NULL when there is no header, no row
 *  names, or R's layout (a header without that cell). */
const char *ntkmc_table_peek_corner (const NtkmcTable *t);
/** Returns: the separator the file used ('\t' or ','). */
char ntkmc_table_get_separator (const NtkmcTable *t);

/**
 * ntkmc_table_write:
 * @path: the output file, or "-" for standard output (written directly and
 *   flushed).  A regular file is replaced atomically: the text goes to a
 *   temporary file in the same directory (mode 0666 less the umask), which
 *   is synced and renamed over @path; on failure @path is left as it was and
 *   no temporary file remains.  An existing file that is not a regular file
 *   (a pipe, /dev/null) is written directly.
 * @like: (nullable): a table whose layout is reproduced: separator, header
 *   with its corner cell, row names; its shape must be @rows x @cols.
 *   NULL = plain TSV without names.
 * @values: @rows x @cols, column-major, ld @ld >= max(1, @rows).
 *
 * Numbers are written in the C locale with the fewest of 15, 16 or 17
 * significant digits that read back bit-identical (0.3 stays "0.3"; -0
 * and subnormals included).  NaN is written as "NA";
 * infinities as "Inf" and "-Inf" (which ntkmc_table_read() rejects).  A
 * name is double-quoted when it holds the separator, a quote or a line
 * break, or starts or ends with a blank.  Lines end in LF; no BOM.
 *
 * Returns: TRUE on success; sets @error (NTKMC_ERROR_IO) otherwise.
 */
gboolean ntkmc_table_write (const char *path, const NtkmcTable *like,
                            size_t rows, size_t cols, const double *values,
                            size_t ld, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcTable, ntkmc_table_free)

/* ------------------------------------------------------- CMap GCT / GCTX */

/**
 * NtkmcGct:
 *
 * A CMap (Connectivity Map / LINCS L1000) expression matrix with its ids and
 * metadata, as stored in GCT 1.2 / 1.3 text and GCTX (HDF5) files
 * (docs/cmap-formats.md): n_rows genes (or probes) x n_cols signatures or
 * samples.  Values are held column-major (ld = n_rows), so one signature is
 * contiguous; NaN is a missing value.  Every id and metadata value is kept
 * as the bytes of the file (CMap metadata holds Latin-1 bytes such as 0xB5,
 * never assume UTF-8); a metadata value that is missing is a NULL entry.
 */
typedef struct _NtkmcGct NtkmcGct;

/**
 * NtkmcGctFormat:
 * @NTKMC_GCT_FORMAT_AUTO: reading: sniff the content (an HDF5 signature at
 *   offset 0, 512, 1024, 2048... makes GCTX, else the text header decides);
 *   writing: by the file name (".gctx" = GCTX, else GCT 1.3).
 * @NTKMC_GCT_FORMAT_GCT12: GCT 1.2 text (ids, a Description column, no
 *   column metadata).
 * @NTKMC_GCT_FORMAT_GCT13: GCT 1.3 text (row and column metadata).
 * @NTKMC_GCT_FORMAT_GCTX: GCTX, HDF5 (needs a library built with HDF5).
 */
typedef enum {
  NTKMC_GCT_FORMAT_AUTO,
  NTKMC_GCT_FORMAT_GCT12,
  NTKMC_GCT_FORMAT_GCT13,
  NTKMC_GCT_FORMAT_GCTX
} NtkmcGctFormat;

/** Returns: "auto", "gct1.2", "gct1.3" or "gctx". */
const char *ntkmc_gct_format_to_string (NtkmcGctFormat format);

/**
 * NtkmcGctReadOptions:
 * @row_ids: (nullable): the rows to read, by id, in the order wanted
 *   (e.g. the 978 landmark genes); NULL = every row in file order.
 * @n_row_ids: the length of @row_ids.
 * @col_ids: (nullable): likewise for the columns (signature ids).
 * @n_col_ids: the length of @col_ids.
 * @meta_only: read ids and metadata only; the values are then NULL.
 *
 * A requested id that the file lacks, or one asked for twice, is an error
 * naming it.
 */
typedef struct {
  const char *const *row_ids;
  size_t n_row_ids;
  const char *const *col_ids;
  size_t n_col_ids;
  gboolean meta_only;
} NtkmcGctReadOptions;

void ntkmc_gct_read_options_init (NtkmcGctReadOptions *opt);

/**
 * ntkmc_gct_read:
 * @path: a GCT 1.2 / 1.3 text file (optionally gzip-compressed, e.g.
 *   ".gct.gz") or a GCTX file, whatever its name says.
 * @opt: (nullable): NULL = read everything.
 *
 * Text: tab-separated, LF or CRLF line ends; a value (or metadata value)
 * is missing when it is empty or one of NA, na, N/A, #N/A, #NA, NULL,
 * None, NaN, nan, -NaN, -nan; a metadata value is also missing when it is
 * CMap's null -666 (also written -666.0).  Values must be numbers (C
 * locale, the whole cell); infinities are kept.  The filler cells under the
 * row-metadata names in the column-metadata block are not read.  When
 * line 2 declares more column fields than the file holds (the rest of the
 * file is n_rows lines and fewer than that many more), the block is taken
 * as that short.  GCT 1.2's
 * Description column becomes the row metadata field "Description".
 *
 * GCTX: the matrix /0/DATA/0/matrix (or /DATA/0/matrix), any floating or
 * integer type, dataspace (columns, rows); ids and metadata under
 * /0/META/ROW and /0/META/COL (or /META/...), one 1-D dataset per field:
 * fixed-length strings (space- or NUL-padded, trailing blanks trimmed),
 * variable-length strings, or numbers (NaN and -666 = missing; numbers are
 * turned into the shortest text that reads back to the stored value).  Only
 * the requested rows and columns are read (hyperslabs over the columns;
 * rows are taken from the span they cover), never the whole matrix unless
 * all of it is asked for.
 *
 * Returns: (transfer full): the matrix in the requested order, or NULL with
 *   @error set: NTKMC_ERROR_IO (cannot read), NTKMC_ERROR_FORMAT (not GCT
 *   or GCTX, truncated, corrupt, dimensions that disagree, a non-numeric
 *   value, duplicate ids, a GCTX file with a library built without HDF5;
 *   the message names the file and the line and column, or the dataset),
 *   NTKMC_ERROR_INVALID (a requested id missing from the file or asked for
 *   twice), NTKMC_ERROR_TOO_LARGE.
 */
NtkmcGct *ntkmc_gct_read (const char *path, const NtkmcGctReadOptions *opt,
                          GError **error);

/**
 * ntkmc_gct_new:
 * @values: (nullable): n_rows x n_cols, column-major, ld = n_rows, NaN =
 *   missing; copied.  NULL = a matrix of NaN.
 * @row_ids, @col_ids: n_rows and n_cols ids, non-NULL and unique; copied.
 *
 * Returns: (transfer full): a matrix without metadata (format
 *   NTKMC_GCT_FORMAT_AUTO), or NULL with NTKMC_ERROR_INVALID (a duplicate
 *   or NULL id).
 */
NtkmcGct *ntkmc_gct_new (size_t n_rows, size_t n_cols, const double *values,
                         const char *const *row_ids,
                         const char *const *col_ids, GError **error);

/**
 * ntkmc_gct_add_row_meta:
 * @name: the field name: not empty, not already a row field (a field
 *   named "id" is allowed, as cmapR writes one, but GCTX stores only the
 *   ids under that name).
 * @values: n_rows values (NULL entries = missing); copied.  The field is
 *   numeric when at least one value is not missing and every one that is
 *   not missing is a finite number.
 *
 * Returns: TRUE on success; FALSE with NTKMC_ERROR_INVALID for a bad name.
 */
gboolean ntkmc_gct_add_row_meta (NtkmcGct *g, const char *name,
                                 const char *const *values, GError **error);
/** Like ntkmc_gct_add_row_meta(), for a column field (n_cols values). */
gboolean ntkmc_gct_add_col_meta (NtkmcGct *g, const char *name,
                                 const char *const *values, GError **error);

/**
 * ntkmc_gct_write:
 * @format: NTKMC_GCT_FORMAT_AUTO chooses by the name of @path (".gctx" =
 *   GCTX, anything else GCT 1.3).
 *
 * GCT text: values with the fewest of 15-17 significant digits that read
 * back bit-identical, "NaN" where missing; missing metadata is written as
 * -666, the filler cells as "na"; LF line ends.  Ids and metadata must not
 * hold tabs or line breaks.  GCT 1.2 keeps only the ids and the row field
 * "Description" (empty when there is none).
 *
 * GCTX: float64 values (exact), version attribute "GCTX1.0", ids and
 * string metadata as NUL-terminated fixed-length strings, numeric metadata
 * as float64 (NaN = missing), missing string metadata as -666; the matrix
 * is chunked by columns (about 1 MiB a chunk) for column-wise reads.
 *
 * The file is written to a temporary file beside @path and renamed over it:
 * on failure @path is left as it was.
 *
 * Returns: TRUE on success; sets @error (NTKMC_ERROR_IO, or
 *   NTKMC_ERROR_INVALID for text that cannot be written as GCT, or
 *   NTKMC_ERROR_FORMAT for GCTX without HDF5 support).
 */
gboolean ntkmc_gct_write (const NtkmcGct *g, const char *path,
                          NtkmcGctFormat format, GError **error);

/** Frees @g (NULL is allowed). */
void ntkmc_gct_free (NtkmcGct *g);
/** Returns: the format the matrix was read from (AUTO for a new one). */
NtkmcGctFormat ntkmc_gct_get_format (const NtkmcGct *g);
size_t ntkmc_gct_get_n_rows (const NtkmcGct *g);
size_t ntkmc_gct_get_n_cols (const NtkmcGct *g);
/** Returns: (transfer none) (nullable): n_rows x n_cols values,
 *  column-major, ld = n_rows, NaN = missing; NULL after a meta_only read. */
const double *ntkmc_gct_peek_values (const NtkmcGct *g);
/** Returns: (transfer none): n_rows row ids followed by NULL. */
const char *const *ntkmc_gct_peek_row_ids (const NtkmcGct *g);
/** Returns: (transfer none): n_cols column ids followed by NULL. */
const char *const *ntkmc_gct_peek_col_ids (const NtkmcGct *g);
size_t ntkmc_gct_get_n_row_meta (const NtkmcGct *g);
size_t ntkmc_gct_get_n_col_meta (const NtkmcGct *g);
/** Returns: (transfer none): the name of row metadata field @i. */
const char *ntkmc_gct_get_row_meta_name (const NtkmcGct *g, size_t i);
const char *ntkmc_gct_get_col_meta_name (const NtkmcGct *g, size_t i);
/** Returns: (transfer none): n_rows values of row field @i, as bytes;
 *  a NULL entry is a missing value. */
const char *const *ntkmc_gct_peek_row_meta (const NtkmcGct *g, size_t i);
/** Returns: (transfer none): n_cols values of column field @i. */
const char *const *ntkmc_gct_peek_col_meta (const NtkmcGct *g, size_t i);
/** Returns: TRUE when row field @i is numeric: declared numeric in GCTX,
 *  or (text) every value that is not missing is a number, and one is. */
gboolean ntkmc_gct_row_meta_is_numeric (const NtkmcGct *g, size_t i);
gboolean ntkmc_gct_col_meta_is_numeric (const NtkmcGct *g, size_t i);
/** Returns: TRUE when the library was built with HDF5 (GCTX support). */
gboolean ntkmc_gct_have_gctx (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcGct, ntkmc_gct_free)

/* ------------------------------------------------- convolutional NTK */

/*
 * Images: an image of width W and height H has N = W * H pixels; pixel
 * (r, c) (row r < H, column c < W) has index r * W + c (row-major, as image
 * buffers are stored).  A convolutional kernel K(i, j, i', j') relates
 * pixels (i, j) and (i', j').
 */

/**
 * NtkmcUpsampling:
 * @NTKMC_UP_NEAREST: x2 nearest-neighbour ("up").
 * @NTKMC_UP_BILINEAR: x2 bilinear as the reference code does it
 *   (align_corners, not circular; "upb"): breaks stationarity, so kernels
 *   with it are computed on the general path only.
 * @NTKMC_UP_BILINEAR_CIRCULAR: x2 bilinear with circular boundary ("upbc"):
 *   output 2a + e = 3/4 x[a] + 1/4 x[a - 1 + 2e] per axis, indices mod size.
 */
typedef enum {
  NTKMC_UP_NEAREST,
  NTKMC_UP_BILINEAR,
  NTKMC_UP_BILINEAR_CIRCULAR
} NtkmcUpsampling;

/**
 * NtkmcArch:
 *
 * Opaque description of a convolutional network: a sequence of q x q
 * convolutions (odd q, circular padding), activations, stride-2
 * downsamplings and x2 upsamplings.  Rules (those of the reference code): it
 * starts with a convolution, every convolution but the last is immediately
 * followed by an activation, activations follow convolutions only; the
 * resolution never rises above the input's (an upsampling needs an earlier
 * downsampling) and ends where it started.
 *
 * Text form: space-separated tokens "conv<q>", "relu", "lrelu" (slope 0.01),
 * "lrelu:<slope>", "down", "up", "upb", "upbc"; e.g.
 * "conv3 lrelu down conv3 lrelu up conv3".  A preset name may stand for the
 * whole text (ntkmc_arch_presets()).
 */
typedef struct _NtkmcArch NtkmcArch;

NtkmcArch *ntkmc_arch_new (void);
void ntkmc_arch_free (NtkmcArch *arch);
/* Builders: append a layer.  Sequence rules are checked by
 * ntkmc_arch_validate(), not here. */
void ntkmc_arch_add_conv (NtkmcArch *arch, unsigned q);
void ntkmc_arch_add_activation (NtkmcArch *arch, const NtkmcActivation *act);
void ntkmc_arch_add_down (NtkmcArch *arch);
void ntkmc_arch_add_up (NtkmcArch *arch, NtkmcUpsampling mode);

/**
 * ntkmc_arch_validate:
 *
 * Returns: TRUE when the layer sequence follows the rules above; otherwise
 *   FALSE with NTKMC_ERROR_INVALID naming the offending layer.
 */
gboolean ntkmc_arch_validate (const NtkmcArch *arch, GError **error);

/**
 * ntkmc_arch_parse:
 * @text: the text form, or a preset name.
 *
 * Returns: (transfer full): a validated architecture, or NULL with @error.
 */
NtkmcArch *ntkmc_arch_parse (const char *text, GError **error);

/** Returns: (transfer full): the canonical text form (presets expanded). */
char *ntkmc_arch_to_string (const NtkmcArch *arch);

/** Returns: s, the deepest downsampling level the network reaches. */
unsigned ntkmc_arch_get_levels (const NtkmcArch *arch);

/** Returns: FALSE when the network has a reference bilinear ("upb") layer,
 *  whose kernel is not stationary. */
gboolean ntkmc_arch_is_stationary (const NtkmcArch *arch);

/**
 * ntkmc_arch_check_size:
 *
 * Returns: TRUE when the network accepts width x height images: both sides
 *   multiples of 2^s (s = levels); else FALSE with NTKMC_ERROR_INVALID.
 */
gboolean ntkmc_arch_check_size (const NtkmcArch *arch, size_t width,
                                size_t height, GError **error);

/** Returns: (transfer none): NULL-terminated preset names. */
const char *const *ntkmc_arch_presets (void);
/** Returns: (transfer none) (nullable): a sentence on when to use the
 *  preset, or NULL for an unknown name. */
const char *ntkmc_arch_preset_summary (const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcArch, ntkmc_arch_free)

/**
 * NtkmcIidPrior:
 * @c1: sum over channels of z(p) z(p), one pixel with itself (default 1/300,
 *   the reference's U[0, 0.1] prior: E[z^2] = 0.01/3).
 * @c2: sum over channels of z(p) z(p') for two different pixels (default
 *   1/400 = E[z]^2).
 *
 * The i.i.d. feature prior: infinitely many channels of independent,
 * identically distributed entries.  The kernel then depends only on the
 * architecture and the image size, not on any pixel.
 */
typedef struct {
  double c1;
  double c2;
} NtkmcIidPrior;

void ntkmc_iid_prior_init (NtkmcIidPrior *prior);

/**
 * NtkmcCntk:
 *
 * Opaque, immutable convolutional NTK for matrix completion (Proposition 1):
 * either the compact stationary form (fast path) or a full N x N matrix
 * (general path).  Query it with ntkmc_cntk_entry() and ntkmc_cntk_row().
 */
typedef struct _NtkmcCntk NtkmcCntk;

/**
 * ntkmc_cntk_compute:
 * @arch: a stationary architecture (no "upb").
 * @prior: (nullable): the i.i.d. prior; NULL = defaults.
 * @width, @height: an image size the architecture admits.
 *
 * The fast path.  Every covariance tensor of the recursion is stored by
 * phase (position mod 2^k after k upsamplings) and displacement, never as an
 * N^2 array.  For networks with nearest upsampling only, the kernel is
 * computed at 2^(s+1) per side (or the image side, if smaller) and serves
 * every larger admitted size exactly (Appendix M: a pixel's kernel row is a
 * 2^(s+1)-wide window plus a constant).  With circular bilinear upsampling it
 * is computed at the image size itself.
 *
 * Returns: (transfer full): the kernel, or NULL with @error.
 */
NtkmcCntk *ntkmc_cntk_compute (NtkmcContext *ctx, const NtkmcArch *arch,
                               const NtkmcIidPrior *prior, size_t width,
                               size_t height, GError **error);

/**
 * ntkmc_cntk_compute_general:
 * @arch: any architecture (reference bilinear included).
 * @z: (nullable): a feature prior, @channels x N column-major (the channel
 *   vector of pixel i is column i); NULL = the i.i.d. prior @iid.
 * @iid: (nullable): used when @z is NULL; NULL = defaults.
 *
 * The general path: the reference recursion on full N x N tensors (N =
 * width * height), four N^2 tensors of memory: images of up to 20,066
 * pixels (12 GiB, e.g. 128 x 128 in 8.6 GiB; larger is
 * NTKMC_ERROR_TOO_LARGE).  The result is valid for
 * width x height only.  @channels = 0 or a non-finite entry of @z is
 * NTKMC_ERROR_INVALID.
 *
 * Returns: (transfer full): the kernel, or NULL with @error.
 */
NtkmcCntk *ntkmc_cntk_compute_general (NtkmcContext *ctx,
                                       const NtkmcArch *arch,
                                       const double *z, size_t channels,
                                       const NtkmcIidPrior *iid,
                                       size_t width, size_t height,
                                       GError **error);

/**
 * ntkmc_cntk_expand:
 * @base: a kernel from ntkmc_cntk_compute_general() at 2^(s+1) x 2^(s+1).
 *
 * The paper's expansion (Appendix M, the reference's expand_kernel): each
 * phase's kernel row at the base resolution, rolled and padded with its
 * minimum, gives the full kernel at width x height.  Exact for nearest
 * upsampling and the i.i.d. prior only; kept as an independent check.
 *
 * Returns: (transfer full): a full width x height kernel, or NULL with
 *   @error: NTKMC_ERROR_INVALID for a compact or wrongly sized base, or a
 *   target whose sides are not multiples of 2^s at least 2^(s+1);
 *   NTKMC_ERROR_TOO_LARGE above 4 GiB.
 */
NtkmcCntk *ntkmc_cntk_expand (const NtkmcCntk *base, size_t width,
                              size_t height, GError **error);

void ntkmc_cntk_free (NtkmcCntk *k);

/** Returns: (transfer none): the canonical architecture text. */
const char *ntkmc_cntk_peek_arch (const NtkmcCntk *k);

/**
 * ntkmc_cntk_check_size:
 *
 * Returns: TRUE when the kernel serves width x height images; else FALSE
 *   with NTKMC_ERROR_MISMATCH saying which sizes it serves.
 */
gboolean ntkmc_cntk_check_size (const NtkmcCntk *k, size_t width,
                                size_t height, GError **error);

/**
 * ntkmc_cntk_entry:
 *
 * Returns: K((r, c), (r2, c2)) for width x height images (a size for which
 *   ntkmc_cntk_check_size() holds).
 */
double ntkmc_cntk_entry (const NtkmcCntk *k, size_t width, size_t height,
                         size_t r, size_t c, size_t r2, size_t c2);

/**
 * ntkmc_cntk_row:
 * @row: (out): height x width values, row-major: row[r2 * width + c2] =
 *   K((r, c), (r2, c2)).
 */
void ntkmc_cntk_row (const NtkmcCntk *k, size_t width, size_t height,
                     size_t r, size_t c, double *row);

/**
 * ntkmc_cntk_gather:
 * @rows: @n_rows pixel indices (r * width + c) of a width x height image.
 * @cols: @n_cols pixel indices.
 * @out: (out): n_rows x n_cols, column-major, ld @ld >= n_rows:
 *   out[a + b ld] = K(rows[a], cols[b]).
 *
 * A block of the kernel matrix, computed with the context's threads: what
 * the solvers need, faster than one ntkmc_cntk_entry() call per entry.  The
 * size must pass ntkmc_cntk_check_size().
 */
void ntkmc_cntk_gather (NtkmcContext *ctx, const NtkmcCntk *k, size_t width,
                        size_t height, size_t n_rows, const size_t *rows,
                        size_t n_cols, const size_t *cols, double *out,
                        size_t ld);

/**
 * ntkmc_cntk_check_arch:
 *
 * Returns: TRUE when the kernel was computed for @arch; else FALSE with
 *   NTKMC_ERROR_MISMATCH naming both architectures.
 */
gboolean ntkmc_cntk_check_arch (const NtkmcCntk *k, const NtkmcArch *arch,
                                GError **error);

/**
 * ntkmc_cntk_write:
 *
 * Saves the kernel as a kernel file of kind NTKMC_KERNEL_CONV (description:
 * architecture, prior, base size, representation).
 */
gboolean ntkmc_cntk_write (const NtkmcCntk *k, const char *path,
                           NtkmcDType dtype, GError **error);

/**
 * ntkmc_cntk_open:
 *
 * Loads a kernel file written by ntkmc_cntk_write() (validated completely;
 * another kind, or a description that does not parse, is refused).
 */
NtkmcCntk *ntkmc_cntk_open (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcCntk, ntkmc_cntk_free)

/* ------------------------------------------------------------ kernel cache */

/**
 * ntkmc_cache_dir:
 *
 * The per-user kernel cache every front end shares: $NTKMC_CACHE_DIR when
 * set and not empty, else $XDG_CACHE_HOME/ntkmc/kernels (by default
 * ~/.cache/ntkmc/kernels).
 *
 * Returns: (transfer full): the directory (it may not exist yet).
 */
char *ntkmc_cache_dir (void);

/**
 * NtkmcCacheReport:
 * @computed: TRUE when no cached kernel served the request and it was
 *   computed (then @seconds is the time it took).
 * @path: (nullable): the file the kernel came from or was stored in; NULL
 *   when it could not be stored.
 * @warning: (nullable): why a computed kernel could not be stored (the
 *   kernel is still returned; the next run computes it again).
 *
 * Free the strings with ntkmc_cache_report_clear().
 */
typedef struct {
  gboolean computed;
  double seconds;
  char *path;
  char *warning;
} NtkmcCacheReport;

void ntkmc_cache_report_clear (NtkmcCacheReport *report);

/**
 * ntkmc_cache_get:
 * @arch: the network.
 * @width, @height: the image size to serve; the kernel is looked up, or
 *   computed, for the size rounded up to multiples of 2^s (s = levels), the
 *   size ntkmc_inpaint() pads to.
 * @dir: (nullable): the cache directory; NULL = ntkmc_cache_dir().
 * @report: (out) (nullable): what happened.
 *
 * A kernel for @arch serving width x height: a cached kernel file that
 * passes every check (checksum, network, size) when there is one, else one
 * computed now (ntkmc_cntk_compute(), or the general path for networks that
 * are not stationary) and stored as float32 in @dir.  Files are named
 * "<16 hex digits of the SHA-256 of the network text>-<W>x<H>.nkf"; a
 * damaged file is ignored and replaced.  A cache that cannot be written is
 * reported in @report, not an error.
 *
 * Returns: (transfer full): the kernel, or NULL with @error (the errors of
 *   ntkmc_cntk_compute(), cancellation included).
 */
NtkmcCntk *ntkmc_cache_get (NtkmcContext *ctx, const NtkmcArch *arch,
                            size_t width, size_t height, const char *dir,
                            NtkmcCacheReport *report, GError **error);

/* ------------------------------------------------------------------ images */

/**
 * NtkmcImage:
 *
 * Opaque raster image: width x height pixels of 1 to 4 channels (1 grey,
 * 2 grey + alpha, 3 RGB, 4 RGBA, alpha last and not premultiplied), held
 * as doubles in [0, 1], planar: plane k (channel k) is height x width
 * values, row-major, so that pixel (r, c) has index r * width + c as for
 * the convolutional NTK; the planes are contiguous, plane k starting
 * k * width * height values after plane 0 (a (width * height) x channels
 * column-major matrix with ld = width * height).
 *
 * The image also has a bit depth, 8 or 16, that of the file it was read
 * from (or the one given to ntkmc_image_new()) and the one it is written
 * with.  A sample s read at depth b becomes exactly s / (2^b - 1) (a
 * correctly rounded division), and ntkmc_image_write() stores
 * floor(v * (2^b - 1) + 0.5), which gives s back for every such value: an
 * image read and written unchanged to PNG or TIFF keeps every sample
 * bit-identical (JPEG output is lossy).
 *
 * Colour management is left to the caller: samples are the file's numbers,
 * with no gamma, ICC profile or orientation (EXIF, TIFF) applied.
 */
typedef struct _NtkmcImage NtkmcImage;

/** The most pixels (width x height) an image may have: 2^28. */
#define NTKMC_IMAGE_MAX_PIXELS ((size_t) 1 << 28)

/**
 * ntkmc_image_new:
 * @width, @height: at least 1; @width * @height at most
 *   NTKMC_IMAGE_MAX_PIXELS.
 * @channels: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
 * @depth: 8 or 16, the bit depth ntkmc_image_write() uses.
 *
 * Returns: (transfer full): a black, transparent image (every sample 0);
 *   free with ntkmc_image_free().
 */
NtkmcImage *ntkmc_image_new (size_t width, size_t height, unsigned channels,
                             unsigned depth);

/** Returns: (transfer full): a deep copy of @image. */
NtkmcImage *ntkmc_image_copy (const NtkmcImage *image);

/** Frees @image (NULL is allowed). */
void ntkmc_image_free (NtkmcImage *image);

/**
 * ntkmc_image_read:
 * @path: a PNG, JPEG or TIFF file, recognized by its first bytes (the
 *   extension does not matter).
 *
 * What is read:
 *  - PNG: every colour type and depth.  Palette images become RGB, or RGBA
 *    with a transparency chunk; grey of 1, 2 or 4 bits becomes 8-bit (s *
 *    255 / (2^b - 1)); a transparent colour (tRNS) of a grey or RGB image
 *    becomes an alpha channel.  Interlaced files are read too.
 *  - JPEG: greyscale and YCbCr/RGB (8-bit); CMYK and YCCK are refused.
 *    Corrupt data that libjpeg would only warn about (a truncated file,
 *    bad Huffman codes) is an error; extraneous bytes between markers are
 *    not.
 *  - TIFF and BigTIFF, first image only: grey (min-is-black or, inverted
 *    on reading, min-is-white) of 1, 2, 4 (expanded to 8), 8 or 16 bits;
 *    RGB of 8 or 16 bits; each with an optional unassociated (or
 *    unspecified) alpha sample; unsigned integer samples, contiguous or
 *    separate planes, strips or tiles, any compression libtiff decodes.
 *    Palette and YCbCr images are read through libtiff's RGBA interface,
 *    as 8-bit RGB (RGBA with an alpha sample).  Premultiplied alpha, CMYK,
 *    CIE Lab, floating point or signed samples and other bit depths are
 *    refused.
 *
 * The decoders print nothing and keep no global state: their messages end
 * up in @error.  Several threads may read and write images at once.
 *
 * Returns: (transfer full): the image, or NULL with @error set:
 *   NTKMC_ERROR_IO when the file cannot be opened or read;
 *   NTKMC_ERROR_FORMAT when it is empty, not a PNG, JPEG or TIFF file (the
 *   message shows its first bytes), truncated or corrupt (with the
 *   decoder's message), or in a layout listed above as refused;
 *   NTKMC_ERROR_TOO_LARGE for more than NTKMC_IMAGE_MAX_PIXELS pixels or
 *   when memory runs out.
 */
NtkmcImage *ntkmc_image_read (const char *path, GError **error);

/**
 * ntkmc_image_write:
 * @path: the output file; its extension (any case) sets the format:
 *   ".png", ".jpg" or ".jpeg", ".tif" or ".tiff".  A regular file is
 *   replaced atomically: the image goes to a temporary file in the same
 *   directory (mode 0666 less the umask), which is synced and renamed over
 *   @path; on failure @path is left as it was and no temporary file
 *   remains.  An existing file that is not a regular file (a pipe,
 *   /dev/null) is written directly.
 *
 * Each sample v is stored as floor(v * (2^b - 1) + 0.5) after clamping v to
 * [0, 1], b the image's depth (8 for JPEG, whatever the image's depth).
 *  - PNG: 8 or 16 bits, colour type grey, grey + alpha, RGB or RGBA, not
 *    interlaced, no gamma or colour chunks.
 *  - JPEG: quality 95, no chroma subsampling (4:4:4), baseline; grey or
 *    RGB only.
 *  - TIFF: 8 or 16 bits, contiguous, Deflate with horizontal predictor
 *    (LZW when libtiff lacks Deflate), alpha as an unassociated extra
 *    sample.
 *
 * Returns: TRUE on success; else FALSE with @error set:
 *   NTKMC_ERROR_INVALID for an extension that names no supported format,
 *   an image with alpha written as JPEG, or a sample that is NaN or
 *   infinite (the message names the first one: row, column, channel);
 *   NTKMC_ERROR_IO when the file cannot be written.
 */
gboolean ntkmc_image_write (const NtkmcImage *image, const char *path,
                            GError **error);

size_t ntkmc_image_get_width (const NtkmcImage *image);
size_t ntkmc_image_get_height (const NtkmcImage *image);
/** Returns: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA). */
unsigned ntkmc_image_get_n_channels (const NtkmcImage *image);
/** Returns: 8 or 16: the depth read, and written by ntkmc_image_write(). */
unsigned ntkmc_image_get_depth (const NtkmcImage *image);
/** Returns: TRUE when the last channel is alpha (2 or 4 channels). */
gboolean ntkmc_image_has_alpha (const NtkmcImage *image);

/**
 * ntkmc_image_peek_plane:
 * @channel: < ntkmc_image_get_n_channels().
 *
 * Returns: (transfer none): channel @channel, height x width doubles,
 *   row-major (pixel (r, c) at r * width + c); writable, valid as long as
 *   @image.  The next plane follows it directly.
 */
double *ntkmc_image_peek_plane (NtkmcImage *image, unsigned channel);

/** Returns: sample (@r, @c) of @channel, in [0, 1] for a read image. */
double ntkmc_image_get_sample (const NtkmcImage *image, size_t r, size_t c,
                               unsigned channel);
/** Sets sample (@r, @c) of @channel to @value (clamped to [0, 1] only
 *  when written out). */
void ntkmc_image_set_sample (NtkmcImage *image, size_t r, size_t c,
                             unsigned channel, double value);

/**
 * ntkmc_image_get_sample_uint:
 *
 * Returns: the integer ntkmc_image_write() stores for sample (@r, @c) of
 *   @channel at the image's depth (0..255 or 0..65535); for an image just
 *   read, the file's sample.  A NaN sample gives 0.
 */
guint ntkmc_image_get_sample_uint (const NtkmcImage *image, size_t r,
                                   size_t c, unsigned channel);

/**
 * ntkmc_image_to_mask:
 * @mask: an image used as a mask; its alpha channel, if any, is ignored.
 * @inverted: FALSE: a pixel is missing when any of its colour samples is
 *   above 0 (not black: a selection, as GIMP's, marks the pixels to fill);
 *   TRUE: a pixel is missing when any of its colour samples is below 1
 *   (not white: 255 = observed, the convention of the paper's mask files).
 *   Either way a grey level between black and white counts as missing, and
 *   a colour mask acts as its luminance would, whatever the weights.  Keep
 *   masks in a lossless format: JPEG's noise near black and white would
 *   mark pixels missing.
 * @missing: (out caller-allocates): width x height bytes, row-major:
 *   1 = missing, 0 = observed.
 *
 * Returns: the number of missing pixels.
 */
size_t ntkmc_image_to_mask (const NtkmcImage *mask, gboolean inverted,
                            guint8 *missing);

/**
 * ntkmc_image_read_mask:
 * @path: any image ntkmc_image_read() reads.
 * @inverted: as for ntkmc_image_to_mask().
 * @width, @height: the size of the image the mask belongs to.
 *
 * Returns: (transfer full): @width x @height bytes, row-major, 1 = missing
 *   and 0 = observed (see ntkmc_image_to_mask()); free with g_free().  NULL
 *   with @error set: as ntkmc_image_read(), or NTKMC_ERROR_MISMATCH when
 *   the mask has another size (the message gives both).
 */
guint8 *ntkmc_image_read_mask (const char *path, gboolean inverted,
                               size_t width, size_t height, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcImage, ntkmc_image_free)

/* ------------------------------------------------------------ inpainting */

/**
 * NtkmcSolver:
 * @NTKMC_SOLVER_AUTO: the local direct solve (see @radius below).
 * @NTKMC_SOLVER_DIRECT: the same, by name: a dense Cholesky solve over the
 *   observed pixels near the holes (tiles for scattered pixels).
 * @NTKMC_SOLVER_CG: conjugate gradients (Nystrom-preconditioned) over every
 *   observed pixel, with the kernel applied by its structure (memory
 *   linear in the image size): the exact full solve.
 * @NTKMC_SOLVER_EIGENPRO: the paper's solver, full-batch EigenPro over
 *   every observed pixel; stopped after a number of iterations it
 *   regularizes.
 */
typedef enum {
  NTKMC_SOLVER_AUTO,
  NTKMC_SOLVER_DIRECT,
  NTKMC_SOLVER_CG,
  NTKMC_SOLVER_EIGENPRO
} NtkmcSolver;

/** Returns: the solver named @name ("auto", "direct", "cg", "eigenpro"),
 *  or FALSE with NTKMC_ERROR_INVALID listing the names. */
gboolean ntkmc_solver_parse (const char *name, NtkmcSolver *solver,
                             GError **error);

/**
 * NtkmcInpaintOptions:
 * @ridge: lambda relative to the mean diagonal of the kernel system (the
 *   paper's epsilon tr(K) / n; default 4e-5).  Required: kernels of networks
 *   ending with nearest upsampling are singular on large holes.  The direct
 *   solver's.
 * @iterative_ridge: the same for the iterative solvers (default 1e-3):
 *   their full solve over every observed pixel is better regularized and
 *   conditioned with a larger ridge (measured in docs/inpainting.md).
 * @radius: direct solver: observed pixels within this Chebyshev distance of
 *   a missing pixel form the context of the solve; 0 = automatic (a
 *   2-pixel ring, 1 pixel if that exceeds @max_system; when even that does
 *   not fit, as for scattered missing pixels, 32 x 32 tiles are solved each
 *   from the observed pixels within 8 pixels); -1 = every observed pixel
 *   (the exact full solve, dense).  Holes whose contexts do not touch are
 *   solved apart.
 * @max_system: the largest dense system the automatic radius allows
 *   (default 12000: 1.1 GiB, seconds to factorize); tiles get a quarter.
 * @solver: see #NtkmcSolver (default automatic).
 * @max_iters: iterative solvers: iteration cap; 0 = automatic (200 for
 *   conjugate gradients, 100 for EigenPro).
 * @tol: iterative solvers: stop when the relative residual
 *   ||(K + lambda I) alpha - y|| / ||y|| of every channel is below it;
 *   0 = automatic (1e-2 for either solver: conjugate gradients reaches it
 *   on every benchmark image, and iterations beyond it gain no PSNR there;
 *   EigenPro converges far more slowly and mostly stops at its cap, early
 *   stopping as in the paper: docs/inpainting.md).
 */
typedef struct {
  double ridge;
  long radius;
  size_t max_system;
  NtkmcSolver solver;
  size_t max_iters;
  double tol;
  double iterative_ridge;
} NtkmcInpaintOptions;

void ntkmc_inpaint_options_init (NtkmcInpaintOptions *opt);

/**
 * NtkmcInpaintReport:
 * @padded_width, @padded_height: the size the kernel was used at (the image
 *   is padded at the bottom and right when the kernel does not serve it).
 * @radius: the context radius used.
 * @n_context: observed pixels in the system (the largest, with tiles or
 *   groups); @n_missing: pixels filled.
 * @n_groups: direct solver: holes whose contexts do not touch are solved
 *   apart, one system per group; this many groups.
 * @n_tiles: 0 for one global solve, else the number of tiles solved
 *   (scattered missing pixels).
 * @lambda: the absolute ridge; @rcond: the system's reciprocal condition
 *   number estimate.
 * @seconds_kernel, @seconds_factor, @seconds_solve: phase timings.
 * @solver: the solver used (never NTKMC_SOLVER_AUTO).
 * @iters, @residual: iterative solvers: iterations done and the final
 *   largest relative residual over the channels.
 */
typedef struct {
  size_t padded_width, padded_height, radius, n_context, n_missing, n_tiles;
  size_t n_groups;
  double lambda, rcond;
  double seconds_kernel, seconds_factor, seconds_solve;
  NtkmcSolver solver;
  size_t iters;
  double residual;
} NtkmcInpaintReport;

/**
 * ntkmc_inpaint:
 * @k: a convolutional kernel serving the image's size (or a size it can be
 *   padded to).
 * @opt: (nullable): NULL = defaults.
 * @image: the image; not modified.
 * @missing: width x height bytes, row-major, non-zero = fill this pixel.
 * @report: (out) (nullable).
 *
 * Fills the missing pixels of every channel by kernel regression with the
 * CNTK on the observed ones (one factorization for all channels).  Observed
 * pixels are copied unchanged, so they write back bit-identical.
 *
 * Returns: (transfer full): a new image, or NULL with @error (an empty or
 *   full mask, a kernel that serves no padded size, a singular system,
 *   cancellation).
 */
NtkmcImage *ntkmc_inpaint (NtkmcContext *ctx, const NtkmcCntk *k,
                           const NtkmcInpaintOptions *opt,
                           const NtkmcImage *image, const guint8 *missing,
                           NtkmcInpaintReport *report, GError **error);

/**
 * ntkmc_inpaint_choose_arch:
 * @missing: width x height bytes, row-major, non-zero = missing.
 * @hole_depth: (out) (nullable): the largest Chebyshev distance from a
 *   missing pixel to the nearest observed one.
 *
 * The preset suited to the holes of @missing, from how deep they are: a
 * network whose kernel reaches across the hole from its rim
 * (docs/inpainting.md gives the rule and the measurements behind it).
 *
 * Returns: (transfer none): a preset name for ntkmc_arch_parse().
 */
const char *ntkmc_inpaint_choose_arch (const guint8 *missing, size_t width,
                                       size_t height, size_t *hole_depth);

/* ------------------------------------------------ CMAP baselines (tensor) */

/*
 * The drug-screening baselines the paper compares with: DNPP and FaLRTC.
 * Both work on a CMAP tensor of n_genes x n_drugs x n_cells doubles stored
 * column-major, genes fastest: entry (g, d, c) is
 *   y[g + n_genes * (d + n_drugs * c)],
 * so the profile (gene fibre) of drug d in cell line c is the n_genes
 * contiguous doubles at y + n_genes * (d + n_drugs * c).  A profile is
 * measured as a whole or not at all: @observed is an n_drugs x n_cells byte
 * matrix, column-major (observed[d + n_drugs * c] != 0: measured).  The
 * values of unmeasured profiles are never read (they may hold NaN); measured
 * ones must be finite.
 */

/**
 * NTKMC_DNPP_DEFAULT_K:
 *
 * The number of neighbours of the reference code (dnpp.py, -n 10).
 */
#define NTKMC_DNPP_DEFAULT_K 10

/**
 * NtkmcDnppOptions:
 * @k: neighbours per prediction, >= 1 (default 10).
 */
typedef struct {
  size_t k;
} NtkmcDnppOptions;

void ntkmc_dnpp_options_init (NtkmcDnppOptions *opt);

/**
 * NtkmcDnppReport:
 * @n_pairs: drug pairs with a defined similarity (measured together in at
 *   least one cell line), counting (d1, d2) and (d2, d1) once.
 * @n_fallback: targets predicted by the cell line's mean profile (no
 *   candidate neighbour with a positive weight).
 * @seconds_similarity: wall time of the correlations.
 * @seconds_predict: wall time of the predictions.
 */
typedef struct {
  size_t n_pairs;
  size_t n_fallback;
  double seconds_similarity;
  double seconds_predict;
} NtkmcDnppReport;

/**
 * ntkmc_dnpp:
 * @ctx: the context.
 * @opt: (nullable): NULL = defaults.
 * @n_genes, @n_drugs, @n_cells: the tensor's shape.
 * @y: the tensor (see above); measured profiles finite.
 * @observed: n_drugs x n_cells, non-zero = the profile is measured.
 * @n_targets: profiles to predict.
 * @target_drug, @target_cell: (array length=n_targets): their drug and cell
 *   indices (from 0).  A target may be measured; its own profile is then
 *   left out of its prediction.
 * @out: (out): n_genes x n_targets, column-major: column t is the predicted
 *   profile of target t.
 * @report: (out) (nullable).
 *
 * Drug neighbour profile prediction (DNPP), as in the reference code
 * (dnpp.py).  In every cell line c, corr_c(d1, d2) is the Pearson
 * correlation over genes of the measured profiles of d1 and d2 in c (a
 * profile with zero variance has no correlation).  sim(d1, d2) is the mean
 * of corr_c(d1, d2) over the cell lines where both are measured, undefined
 * if there is none.  For the target (d, c) the candidates are the drugs
 * d' != d measured in c with sim(d, d') defined; the k of them with the
 * largest similarity are kept, ties broken by the larger drug index (the
 * reference's (similarity, drug) tuple order).  With weights
 * w = clip(sim, 0, 1), the prediction is sum w y(d', c) / sum w, or the mean
 * of the measured profiles of c (d's own left out) when sum w = 0.
 *
 * Memory: two n_drugs x n_drugs matrices (similarity sums and counts) and
 * one cell line's normalized profiles.
 *
 * Returns: TRUE on success; on failure (a bad index, a non-finite measured
 *   value, a target whose cell line has no other measured profile, nothing
 *   measured, cancellation) sets @error and leaves @out untouched.
 */
gboolean ntkmc_dnpp (NtkmcContext *ctx, const NtkmcDnppOptions *opt,
                     size_t n_genes, size_t n_drugs, size_t n_cells,
                     const double *y, const guint8 *observed,
                     size_t n_targets, const size_t *target_drug,
                     const size_t *target_cell, double *out,
                     NtkmcDnppReport *report, GError **error);

/**
 * NtkmcFalrtcCenter:
 * @NTKMC_FALRTC_CENTER_NONE: complete the data as given; unmeasured
 *   profiles start at the mean of all measured profiles (Liu et al.'s
 *   method as the paper uses it).
 * @NTKMC_FALRTC_CENTER_CELL: subtract from every measured profile the mean
 *   measured profile of its cell line, complete that tensor, and add each
 *   cell line's mean back to its completed profiles (a cell line without
 *   measured profiles takes the mean of all measured profiles).  Unmeasured
 *   profiles then start at the mean over cell type.  The trace norms no
 *   longer shrink the cell lines' mean profiles toward zero.
 *
 * What FaLRTC completes.  Both use the measured profiles only.
 */
typedef enum {
  NTKMC_FALRTC_CENTER_NONE = 0,
  NTKMC_FALRTC_CENTER_CELL = 1
} NtkmcFalrtcCenter;

/**
 * NtkmcFalrtcOptions:
 * @alpha: weights of the trace norms of the mode-1 (genes), mode-2 (drugs)
 *   and mode-3 (cell lines) unfoldings, >= 0, not all 0; they are scaled to
 *   sum to 1.  Default 1/3 each.
 * @mu: smoothing parameters, > 0; 0 = the default 5 alpha_i / sqrt(I_i)
 *   (I_i the size of mode i, alpha_i after scaling), Liu et al.'s choice.
 * @max_iters: iteration cap (default 500).
 * @tol: stop when ||X_k+1 - X_k||_F / ||X_k||_F < tol (default 1e-5).
 * @lipschitz0: the line search's first Lipschitz estimate, as a fraction
 *   of the exact constant sum alpha_i / mu_i, in (0, 1] (default 1/64).
 * @center: what is completed: the data (%NTKMC_FALRTC_CENTER_NONE, the
 *   default) or the data minus each cell line's mean profile
 *   (%NTKMC_FALRTC_CENTER_CELL); see #NtkmcFalrtcCenter.
 * @single_precision: compute the Gram matrices of the unfoldings and the
 *   gradient's products in single precision (sgemm/ssyrk on a float copy of
 *   the iterate); the iterates, the eigendecompositions and the reported
 *   objectives stay double.  About twice as fast on large tensors; the
 *   completion agrees with double precision to the accuracy the tolerance
 *   leaves, but tolerances below about 1e-6 may not be reached (the float
 *   gradient's rounding keeps the relative change from falling further).
 *   Default FALSE.
 */
typedef struct {
  double alpha[3];
  double mu[3];
  int max_iters;
  double tol;
  double lipschitz0;
  NtkmcFalrtcCenter center;
  gboolean single_precision;
} NtkmcFalrtcOptions;

void ntkmc_falrtc_options_init (NtkmcFalrtcOptions *opt);

/**
 * NtkmcFalrtcReport:
 * @iters: iterations done.
 * @objective: the smoothed objective sum alpha_i f_mu_i(X_(i)) at the
 *   result; @objective0 at the start (of the centred tensor when centring).
 * @rel_change: the last relative change.
 * @converged: TRUE when @rel_change fell below the tolerance.
 * @n_line_search: objective evaluations that the line search rejected.
 * @lipschitz: the final Lipschitz estimate; @lipschitz_max the exact one.
 * @mu: the smoothing parameters used.
 * @seconds: wall time.
 */
typedef struct {
  int iters;
  double objective;
  double objective0;
  double rel_change;
  gboolean converged;
  int n_line_search;
  double lipschitz;
  double lipschitz_max;
  double mu[3];
  double seconds;
} NtkmcFalrtcReport;

/**
 * ntkmc_falrtc:
 * @ctx: the context.
 * @opt: (nullable): NULL = defaults.
 * @n_genes, @n_drugs, @n_cells: the tensor's shape.
 * @y: the tensor (see above); measured profiles finite.
 * @observed: n_drugs x n_cells, non-zero = the profile is measured.
 * @out: (out): the completed tensor, same shape and order as @y; measured
 *   profiles are copied from @y bit for bit.  May equal @y.
 * @report: (out) (nullable).
 *
 * Low-rank tensor completion by FaLRTC (Liu, Musialski, Wonka & Ye, IEEE
 * TPAMI 2013): minimizes sum_i alpha_i ||X_(i)||_* subject to X = Y on the
 * measured profiles, each trace norm smoothed with parameter mu_i, by
 * Nesterov's accelerated gradient method with an adaptive Lipschitz line
 * search.  Unmeasured profiles start at the mean measured profile; with
 * @opt->center = %NTKMC_FALRTC_CENTER_CELL the tensor completed is the data
 * minus each cell line's mean profile (see #NtkmcFalrtcCenter).
 * docs/numerics.md gives the algorithm and its cost: per iteration and
 * line-search trial, three Gram matrices of the unfoldings (the smaller
 * side), their eigendecompositions, and three products with the tensor.
 *
 * Memory: four tensor-sized work arrays (iterate, auxiliary sequence,
 * search point, gradient/trial point) plus the Gram matrices.
 *
 * Returns: TRUE on success (also when the iteration cap stops it before
 *   the tolerance: see @report->converged); on failure (bad shape or
 *   options, nothing measured, a non-finite measured value, an
 *   eigensolver failure, cancellation) sets @error and leaves @out
 *   untouched.
 */
gboolean ntkmc_falrtc (NtkmcContext *ctx, const NtkmcFalrtcOptions *opt,
                       size_t n_genes, size_t n_drugs, size_t n_cells,
                       const double *y, const guint8 *observed, double *out,
                       NtkmcFalrtcReport *report, GError **error);

G_END_DECLS

#endif /* NTKMC_H */
