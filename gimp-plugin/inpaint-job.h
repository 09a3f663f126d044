/* SPDX-License-Identifier: MIT */
/*
 * inpaint-job.h: the GIMP filter's engine glue, free of libgimp.
 *
 * Everything here is the same for every GIMP version: the filter's
 * settings, the region to work on (selection bounding box plus the context
 * the kernel needs, clipped to the layer), the missing mask made from the
 * selection, the kernel (shared cache, a kernel directory or one kernel
 * file) and the call to ntkmc_inpaint().  The version-specific front end
 * (gimp2-main.c for GIMP 2.10) only moves pixels between GEGL buffers and
 * NtkmcPluginPixels, shows the dialog and talks to the PDB.
 */
#ifndef NTKMC_GIMP_INPAINT_JOB_H
#define NTKMC_GIMP_INPAINT_JOB_H

#include <ntkmc/ntkmc.h>

G_BEGIN_DECLS

/** The longest architecture text and kernel path the settings hold. */
#define NTKMC_PLUGIN_ARCH_MAX 256
#define NTKMC_PLUGIN_PATH_MAX 1024

/**
 * NtkmcPluginSettings:
 * @arch: a preset name or layer tokens; "" = chosen from the selection.
 * @max_iters: the iterative solvers' iteration cap; 0 = automatic.
 * @solver: "" (automatic), "direct", "cg" or "eigenpro" (see NtkmcSolver).
 * @kernel_dir: where kernel files live: "" = the cache every ntkmc front
 *   end shares (ntkmc_cache_dir()), a directory (it must exist; kernels are
 *   looked up and stored there), or one kernel file (its network is used).
 *
 * Plain bytes, so that the host can store them as they are between runs
 * (gimp_set_data()).
 */
typedef struct {
  char arch[NTKMC_PLUGIN_ARCH_MAX];
  gint32 max_iters;
  char solver[16];
  char kernel_dir[NTKMC_PLUGIN_PATH_MAX];
} NtkmcPluginSettings;

/* Fills @s with the defaults: automatic network, solver and iterations,
 * the shared cache. */
void ntkmc_plugin_settings_init (NtkmcPluginSettings *s);

/*
 * ntkmc_plugin_settings_set: validates and stores the values a caller
 * gave (NULL strings = "").
 *
 * Returns: TRUE on success; else FALSE with NTKMC_ERROR_INVALID naming the
 *   bad value (a string too long, a negative iteration count, a network
 *   or solver that does not parse), @s unchanged.
 */
gboolean ntkmc_plugin_settings_set (NtkmcPluginSettings *s, const char *arch,
                                    gint32 max_iters, const char *solver,
                                    const char *kernel_dir, GError **error);

/* Makes stored settings safe to use (terminated strings, a sane iteration
 * count), whatever bytes they were read back from. */
void ntkmc_plugin_settings_sanitize (NtkmcPluginSettings *s);

/** A rectangle in layer coordinates. */
typedef struct {
  gint x, y, width, height;
} NtkmcPluginRect;

/*
 * ntkmc_plugin_plan_region: the region the filter reads and solves on:
 * @bbox (the selection's bounding box within the layer) grown by @margin
 * on every side and clipped to the @layer_width x @layer_height layer.
 */
void ntkmc_plugin_plan_region (const NtkmcPluginRect *bbox, guint margin,
                               gint layer_width, gint layer_height,
                               NtkmcPluginRect *region);

/**
 * NtkmcPluginSampleType:
 * @NTKMC_PLUGIN_U8: 8-bit integer samples, s / 255.
 * @NTKMC_PLUGIN_U16: 16-bit integer samples, s / 65535.
 * @NTKMC_PLUGIN_DOUBLE: floating point samples, used as they are.
 *
 * Integer drawables are read as integers so that the filter computes
 * exactly what "ntkmc inpaint" computes on the same image saved as PNG:
 * the same doubles in, the same rounding out.
 */
typedef enum {
  NTKMC_PLUGIN_U8,
  NTKMC_PLUGIN_U16,
  NTKMC_PLUGIN_DOUBLE
} NtkmcPluginSampleType;

/**
 * NtkmcPluginPixels:
 * @data: @width x @height pixels of @channels interleaved samples of
 *   @type, row-major, no padding (guint8, guint16 or double).
 * @channels: 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA).
 *
 * A region of a drawable, borrowed from the host.
 */
typedef struct {
  NtkmcPluginSampleType type;
  gint width, height;
  guint channels;
  gpointer data;
} NtkmcPluginPixels;

/**
 * NtkmcPluginReport:
 * @arch: (nullable): the network used (a preset name or its text).
 * @n_missing: pixels filled.
 * @kernel_computed: TRUE when the kernel was computed in this run.
 * @kernel_seconds: the time it took then.
 * @kernel_path: (nullable): the kernel file used or stored.
 * @warning: (nullable): why a computed kernel could not be stored.
 * @inpaint: the engine's report.
 *
 * Free the strings with ntkmc_plugin_report_clear().
 */
typedef struct {
  char *arch;
  size_t n_missing;
  gboolean kernel_computed;
  double kernel_seconds;
  char *kernel_path;
  char *warning;
  NtkmcInpaintReport inpaint;
} NtkmcPluginReport;

void ntkmc_plugin_report_clear (NtkmcPluginReport *report);

/**
 * NtkmcPluginJob:
 *
 * One run of the filter: the settings resolved (kernel directory checked,
 * kernel file opened, network parsed), then the network chosen for the
 * selection, then the solve.
 */
typedef struct _NtkmcPluginJob NtkmcPluginJob;

/*
 * ntkmc_plugin_job_new: checks the settings against the file system.
 *
 * Returns: (transfer full): the job, or NULL with @error:
 *   NTKMC_ERROR_IO when @s->kernel_dir names nothing that exists;
 *   the errors of ntkmc_cntk_open() for a kernel file;
 *   NTKMC_ERROR_MISMATCH when a kernel file and @s->arch name two networks.
 */
NtkmcPluginJob *ntkmc_plugin_job_new (const NtkmcPluginSettings *s,
                                      GError **error);
void ntkmc_plugin_job_free (NtkmcPluginJob *job);

/*
 * ntkmc_plugin_job_choose_arch: settles the network: the one the settings
 * or the kernel file name, else the preset suited to the holes in
 * @missing (@width x @height bytes, non-zero = selected), which should
 * cover the selection's bounding box and a ring of unselected pixels
 * around it (the choice depends on how far the holes reach from their
 * rim).
 *
 * Returns: TRUE on success; else FALSE with @error.
 */
gboolean ntkmc_plugin_job_choose_arch (NtkmcPluginJob *job,
                                       const guint8 *missing, size_t width,
                                       size_t height, GError **error);

/* Returns: (transfer none): the network's text as the user named it (a
 * preset name or tokens); valid after ntkmc_plugin_job_choose_arch(). */
const char *ntkmc_plugin_job_peek_arch (const NtkmcPluginJob *job);

/*
 * ntkmc_plugin_job_context_margin: the context the network needs around
 * the selection: 2^(s+1) pixels (s = its downsampling levels), the width
 * of the window beyond which its kernel rows are constant.  Valid after
 * ntkmc_plugin_job_choose_arch().
 */
guint ntkmc_plugin_job_context_margin (const NtkmcPluginJob *job);

/*
 * ntkmc_plugin_job_run: fills the selected pixels of @pixels.
 * @coverage: @pixels->width x @pixels->height selection values in [0, 1],
 *   row-major; a pixel is filled when its value is above 0 (the host
 *   blends partly selected pixels by their value when it merges).
 * @progress, @progress_data: (nullable): told how far the run is, with
 *   a message for the user; returning FALSE cancels.
 *
 * Only the filled pixels of @pixels are written, and only when the call
 * succeeds; on failure (cancellation included) @pixels is untouched.
 *
 * Returns: TRUE on success; else FALSE with @error (NTKMC_ERROR_INVALID
 *   for an empty selection, NTKMC_ERROR_CANCELLED, the kernel's and the
 *   engine's errors).
 */
gboolean ntkmc_plugin_job_run (NtkmcPluginJob *job, NtkmcContext *ctx,
                               NtkmcPluginPixels *pixels,
                               const float *coverage,
                               NtkmcProgressFunc progress,
                               gpointer progress_data,
                               NtkmcPluginReport *report, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtkmcPluginJob, ntkmc_plugin_job_free)

G_END_DECLS

#endif
