/* SPDX-License-Identifier: MIT */
/*
 * inpaint-job.c: the GIMP filter's engine glue (see inpaint-job.h).  Uses
 * the public <ntkmc/ntkmc.h> only, and no libgimp.
 */
#include "config.h"

#include "gimp-plugin/inpaint-job.h"

#include <math.h>
#include <string.h>

struct _NtkmcPluginJob {
  NtkmcPluginSettings settings;
  char *dir;            /* kernel directory; NULL = the shared cache */
  NtkmcCntk *kernel;    /* the kernel file's kernel, if one was given */
  NtkmcArch *arch;      /* settled network, or NULL */
  char *arch_name;      /* as the user would name it */
};

void
ntkmc_plugin_settings_init (NtkmcPluginSettings *s)
{
  g_return_if_fail (s != NULL);
  memset (s, 0, sizeof *s);
}

gboolean
ntkmc_plugin_settings_set (NtkmcPluginSettings *s, const char *arch,
                           gint32 max_iters, const char *solver,
                           const char *kernel_dir, GError **error)
{
  NtkmcSolver which;

  g_return_val_if_fail (s != NULL, FALSE);
  if (arch == NULL)
    arch = "";
  if (solver == NULL)
    solver = "";
  if (*solver != '\0' && (strlen (solver) >= sizeof s->solver
                          || !ntkmc_solver_parse (solver, &which, error)))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "unknown solver \"%s\"", solver);
      return FALSE;
    }
  if (kernel_dir == NULL)
    kernel_dir = "";
  if (strlen (arch) >= sizeof s->arch)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the architecture text is longer than %zu bytes",
                   sizeof s->arch - 1);
      return FALSE;
    }
  if (strlen (kernel_dir) >= sizeof s->kernel_dir)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the kernel directory's path is longer than %zu bytes",
                   sizeof s->kernel_dir - 1);
      return FALSE;
    }
  if (max_iters < 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "max-iterations is %d; it must be 0 (automatic) or "
                   "positive", (int) max_iters);
      return FALSE;
    }
  if (*arch != '\0')
    {
      GError *why = NULL;
      NtkmcArch *a = ntkmc_arch_parse (arch, &why);
      if (a == NULL)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "architecture \"%s\": %s", arch, why->message);
          g_error_free (why);
          return FALSE;
        }
      ntkmc_arch_free (a);
    }
  g_strlcpy (s->arch, arch, sizeof s->arch);
  s->max_iters = max_iters;
  g_strlcpy (s->solver, solver, sizeof s->solver);
  g_strlcpy (s->kernel_dir, kernel_dir, sizeof s->kernel_dir);
  return TRUE;
}

void
ntkmc_plugin_settings_sanitize (NtkmcPluginSettings *s)
{
  NtkmcSolver which;

  g_return_if_fail (s != NULL);
  s->arch[sizeof s->arch - 1] = '\0';
  s->kernel_dir[sizeof s->kernel_dir - 1] = '\0';
  s->solver[sizeof s->solver - 1] = '\0';
  if (s->max_iters < 0)
    s->max_iters = 0;
  if (s->solver[0] != '\0' && !ntkmc_solver_parse (s->solver, &which, NULL))
    s->solver[0] = '\0';
}

void
ntkmc_plugin_plan_region (const NtkmcPluginRect *bbox, guint margin,
                          gint layer_width, gint layer_height,
                          NtkmcPluginRect *region)
{
  gint64 x0, y0, x1, y1;

  g_return_if_fail (bbox != NULL && region != NULL);
  /* in 64 bits: a margin near G_MAXUINT must not wrap */
  x0 = MAX ((gint64) bbox->x - (gint64) margin, 0);
  y0 = MAX ((gint64) bbox->y - (gint64) margin, 0);
  x1 = MIN ((gint64) bbox->x + bbox->width + (gint64) margin,
            (gint64) layer_width);
  y1 = MIN ((gint64) bbox->y + bbox->height + (gint64) margin,
            (gint64) layer_height);
  region->x = (gint) x0;
  region->y = (gint) y0;
  region->width = (gint) MAX (x1 - x0, 0);
  region->height = (gint) MAX (y1 - y0, 0);
}

void
ntkmc_plugin_report_clear (NtkmcPluginReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->arch, g_free);
  g_clear_pointer (&report->kernel_path, g_free);
  g_clear_pointer (&report->warning, g_free);
}

NtkmcPluginJob *
ntkmc_plugin_job_new (const NtkmcPluginSettings *s, GError **error)
{
  NtkmcPluginJob *job;

  g_return_val_if_fail (s != NULL, NULL);
  job = g_new0 (NtkmcPluginJob, 1);
  job->settings = *s;
  ntkmc_plugin_settings_sanitize (&job->settings);
  s = &job->settings;

  if (s->kernel_dir[0] != '\0')
    {
      if (g_file_test (s->kernel_dir, G_FILE_TEST_IS_DIR))
        job->dir = g_strdup (s->kernel_dir);
      else if (g_file_test (s->kernel_dir, G_FILE_TEST_IS_REGULAR))
        {
          job->kernel = ntkmc_cntk_open (s->kernel_dir, error);
          if (job->kernel == NULL)
            {
              g_prefix_error (error, "kernel file %s: ", s->kernel_dir);
              goto fail;
            }
        }
      else
        {
          /* a mistyped path would otherwise silently start an empty cache
           * of hours-long kernel computations somewhere unexpected */
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                       "the kernel directory %s does not exist; create it, "
                       "choose another one, or leave it empty to use the "
                       "shared kernel cache", s->kernel_dir);
          goto fail;
        }
    }

  if (s->arch[0] != '\0')
    {
      job->arch = ntkmc_arch_parse (s->arch, error);
      if (job->arch == NULL)
        {
          g_prefix_error (error, "architecture \"%s\": ", s->arch);
          goto fail;
        }
      job->arch_name = g_strdup (s->arch);
      if (job->kernel != NULL
          && !ntkmc_cntk_check_arch (job->kernel, job->arch, error))
        {
          g_prefix_error (error, "kernel file %s: ", s->kernel_dir);
          goto fail;
        }
    }
  else if (job->kernel != NULL)
    {
      job->arch = ntkmc_arch_parse (ntkmc_cntk_peek_arch (job->kernel),
                                    error);
      if (job->arch == NULL)
        goto fail;
      job->arch_name = g_strdup (ntkmc_cntk_peek_arch (job->kernel));
    }
  return job;

fail:
  ntkmc_plugin_job_free (job);
  return NULL;
}

void
ntkmc_plugin_job_free (NtkmcPluginJob *job)
{
  if (job == NULL)
    return;
  g_free (job->dir);
  ntkmc_cntk_free (job->kernel);
  ntkmc_arch_free (job->arch);
  g_free (job->arch_name);
  g_free (job);
}

gboolean
ntkmc_plugin_job_choose_arch (NtkmcPluginJob *job, const guint8 *missing,
                              size_t width, size_t height, GError **error)
{
  const char *preset;

  g_return_val_if_fail (job != NULL, FALSE);
  if (job->arch != NULL)
    return TRUE;
  g_return_val_if_fail (missing != NULL && width > 0 && height > 0, FALSE);
  preset = ntkmc_inpaint_choose_arch (missing, width, height, NULL);
  job->arch = ntkmc_arch_parse (preset, error);
  if (job->arch == NULL)
    return FALSE;
  job->arch_name = g_strdup (preset);
  return TRUE;
}

const char *
ntkmc_plugin_job_peek_arch (const NtkmcPluginJob *job)
{
  g_return_val_if_fail (job != NULL, NULL);
  return job->arch_name;
}

guint
ntkmc_plugin_job_context_margin (const NtkmcPluginJob *job)
{
  g_return_val_if_fail (job != NULL && job->arch != NULL, 0);
  return 2u << ntkmc_arch_get_levels (job->arch);
}

/* Maps the engine's per-call progress (0..1 of one phase) onto the part
 * [lo, hi] of the whole run, and names the phase for the user. */
typedef struct {
  NtkmcProgressFunc func;
  gpointer data;
  double lo, hi;
  const char *phase;
} Phase;

/* The NtkmcProgressFunc installed on the context during a phase. */
static gboolean
phase_progress (double fraction, const char *message, gpointer user_data)
{
  Phase *ph = user_data;
  char *text;
  gboolean go_on;

  if (ph->func == NULL)
    return TRUE;
  text = message != NULL ? g_strdup_printf ("%s: %s", ph->phase, message)
                         : g_strdup (ph->phase);
  go_on = ph->func (ph->lo + (ph->hi - ph->lo) * CLAMP (fraction, 0.0, 1.0),
                    text, ph->data);
  g_free (text);
  return go_on;
}

/* The scale of integer samples of @type (0 for floating point). */
static double
sample_scale (NtkmcPluginSampleType type)
{
  return type == NTKMC_PLUGIN_U8 ? 255.0
         : type == NTKMC_PLUGIN_U16 ? 65535.0 : 0.0;
}

/* A new NtkmcImage holding @px: integer samples s become s / (2^b - 1),
 * exactly as ntkmc_image_read() converts a file's samples. */
static NtkmcImage *
pixels_to_image (const NtkmcPluginPixels *px)
{
  size_t n = (size_t) px->width * (size_t) px->height, i;
  NtkmcImage *img = ntkmc_image_new ((size_t) px->width,
                                     (size_t) px->height, px->channels,
                                     px->type == NTKMC_PLUGIN_U8 ? 8 : 16);
  double scale = sample_scale (px->type);
  guint ch;

  for (ch = 0; ch < px->channels; ch++)
    {
      double *plane = ntkmc_image_peek_plane (img, ch);
      for (i = 0; i < n; i++)
        {
          size_t at = i * px->channels + ch;
          switch (px->type)
            {
            case NTKMC_PLUGIN_U8:
              plane[i] = ((const guint8 *) px->data)[at] / scale;
              break;
            case NTKMC_PLUGIN_U16:
              plane[i] = ((const guint16 *) px->data)[at] / scale;
              break;
            case NTKMC_PLUGIN_DOUBLE:
            default:
              plane[i] = ((const double *) px->data)[at];
              break;
            }
        }
    }
  return img;
}

/* Writes the pixels of @img that @missing marks back into @px: integers
 * rounded as ntkmc_image_write() rounds them, doubles as they are. */
static void
image_to_pixels (const NtkmcImage *img, const guint8 *missing,
                 NtkmcPluginPixels *px)
{
  size_t w = (size_t) px->width, n = w * (size_t) px->height, i;
  guint ch;

  for (i = 0; i < n; i++)
    {
      if (!missing[i])
        continue;
      for (ch = 0; ch < px->channels; ch++)
        {
          size_t at = i * px->channels + ch;
          switch (px->type)
            {
            case NTKMC_PLUGIN_U8:
              ((guint8 *) px->data)[at] = (guint8)
                ntkmc_image_get_sample_uint (img, i / w, i % w, ch);
              break;
            case NTKMC_PLUGIN_U16:
              ((guint16 *) px->data)[at] = (guint16)
                ntkmc_image_get_sample_uint (img, i / w, i % w, ch);
              break;
            case NTKMC_PLUGIN_DOUBLE:
            default:
              ((double *) px->data)[at] = ntkmc_image_get_sample (img, i / w,
                                                                 i % w, ch);
              break;
            }
        }
    }
}

gboolean
ntkmc_plugin_job_run (NtkmcPluginJob *job, NtkmcContext *ctx,
                      NtkmcPluginPixels *pixels, const float *coverage,
                      NtkmcProgressFunc progress, gpointer progress_data,
                      NtkmcPluginReport *report, GError **error)
{
  NtkmcPluginReport rep = { 0 };
  NtkmcCacheReport cache = { 0 };
  NtkmcInpaintOptions opt;
  NtkmcCntk *k = NULL;
  NtkmcImage *image = NULL, *done = NULL;
  guint8 *missing = NULL;
  size_t w, h, i;
  Phase ph = { progress, progress_data, 0.0, 0.0, NULL };
  gboolean ok = FALSE;

  g_return_val_if_fail (job != NULL && ctx != NULL && pixels != NULL
                        && coverage != NULL, FALSE);
  g_return_val_if_fail (pixels->width > 0 && pixels->height > 0
                        && pixels->channels >= 1 && pixels->channels <= 4
                        && pixels->data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  w = (size_t) pixels->width;
  h = (size_t) pixels->height;

  /* the hole: every pixel the selection touches; partly selected pixels
   * are filled too, and the host blends them by their selection value */
  missing = g_new (guint8, w * h);
  for (i = 0; i < w * h; i++)
    {
      missing[i] = coverage[i] > 0.0f;
      rep.n_missing += missing[i];
    }
  if (rep.n_missing == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the selection covers no pixel of the layer: select the "
                   "area to fill first");
      goto out;
    }
  if (!ntkmc_plugin_job_choose_arch (job, missing, w, h, error))
    goto out;
  rep.arch = g_strdup (job->arch_name);

  ntkmc_context_set_progress (ctx, phase_progress, &ph);
  if (job->kernel != NULL)
    {
      /* a size it does not serve is ntkmc_inpaint()'s to report */
      k = job->kernel;
      rep.kernel_path = g_strdup (job->settings.kernel_dir);
    }
  else
    {
      char *dir = job->dir != NULL ? g_strdup (job->dir) : ntkmc_cache_dir ();
      char *phase = g_strdup_printf ("Kernel for %s", job->arch_name);

      ph.lo = 0.0;
      ph.hi = 0.3;
      ph.phase = phase;
      if (progress != NULL
          && !progress (0.0, "Looking up the kernel in the kernel cache",
                        progress_data))
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED,
                       "cancelled");
          g_free (phase);
          g_free (dir);
          goto out;
        }
      k = ntkmc_cache_get (ctx, job->arch, w, h, dir, &cache, error);
      if (k == NULL)
        g_prefix_error (error, "kernel for %s in %s: ", job->arch_name, dir);
      g_free (phase);
      g_free (dir);
      if (k == NULL)
        goto out;
      rep.kernel_computed = cache.computed;
      rep.kernel_seconds = cache.seconds;
      rep.kernel_path = g_steal_pointer (&cache.path);
      rep.warning = g_steal_pointer (&cache.warning);
    }

  ntkmc_inpaint_options_init (&opt);
  opt.max_iters = (size_t) job->settings.max_iters;
  if (job->settings.solver[0] != '\0')
    ntkmc_solver_parse (job->settings.solver, &opt.solver, NULL);
  image = pixels_to_image (pixels);
  ph.lo = 0.3;
  ph.hi = 1.0;
  ph.phase = "Filling the selection";
  done = ntkmc_inpaint (ctx, k, &opt, image, missing, &rep.inpaint, error);
  if (done == NULL)
    goto out;
  image_to_pixels (done, missing, pixels);
  ok = TRUE;

out:
  ntkmc_context_set_progress (ctx, NULL, NULL);
  if (k != job->kernel)
    ntkmc_cntk_free (k);
  ntkmc_cache_report_clear (&cache);
  ntkmc_image_free (image);
  ntkmc_image_free (done);
  g_free (missing);
  if (report != NULL)
    *report = rep;
  else
    ntkmc_plugin_report_clear (&rep);
  return ok;
}
