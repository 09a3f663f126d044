/* SPDX-License-Identifier: MIT */
/*
 * cache.c: the per-user kernel cache shared by every front end (the CLI,
 * the GIMP filter, the R package): one kernel file per network and size.
 */
#include "config.h"

#include <ntkmc/ntkmc.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

char *
ntkmc_cache_dir (void)
{
  const char *env = g_getenv ("NTKMC_CACHE_DIR");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_cache_dir (), "ntkmc", "kernels", NULL);
}

void
ntkmc_cache_report_clear (NtkmcCacheReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->path, g_free);
  g_clear_pointer (&report->warning, g_free);
  report->computed = FALSE;
  report->seconds = 0;
}

/* The file-name key of @arch: 16 hex digits of the SHA-256 of its text. */
static char *
arch_key (const NtkmcArch *arch)
{
  char *text = ntkmc_arch_to_string (arch);
  char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  char *key = g_strndup (sum, 16);

  g_free (sum);
  g_free (text);
  return key;
}

/* A cached kernel for @arch that serves width x height, or NULL.  Files are
 * named "<key>-<W>x<H>.nkf" after the size they were computed for; a
 * compact kernel (nearest upsampling) serves larger sizes too.  A file that
 * fails validation is skipped (and recomputed by the caller). */
static NtkmcCntk *
lookup (const char *dir, const char *key, const NtkmcArch *arch,
        size_t width, size_t height, char **found_path)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  NtkmcCntk *found = NULL;

  if (d == NULL)
    return NULL;
  while (found == NULL && (name = g_dir_read_name (d)) != NULL)
    {
      size_t w = 0, h = 0;
      char *path;
      NtkmcCntk *k;

      if (!g_str_has_prefix (name, key) || !g_str_has_suffix (name, ".nkf")
          || sscanf (name + strlen (key), "-%zux%zu.nkf", &w, &h) != 2
          || w > width || h > height)
        continue;
      path = g_build_filename (dir, name, NULL);
      k = ntkmc_cntk_open (path, NULL);
      if (k != NULL && ntkmc_cntk_check_arch (k, arch, NULL)
          && ntkmc_cntk_check_size (k, width, height, NULL))
        {
          found = k;
          *found_path = path;
          path = NULL;
        }
      else
        ntkmc_cntk_free (k);
      g_free (path);
    }
  g_dir_close (d);
  return found;
}

NtkmcCntk *
ntkmc_cache_get (NtkmcContext *ctx, const NtkmcArch *arch, size_t width,
                 size_t height, const char *dir, NtkmcCacheReport *report,
                 GError **error)
{
  size_t unit, pw, ph;
  char *own_dir = NULL, *key, *path = NULL;
  NtkmcCntk *k;
  NtkmcCacheReport rep = { 0 };

  g_return_val_if_fail (arch != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "image size %zu x %zu: both sides must be positive",
                   width, height);
      return NULL;
    }
  unit = (size_t) 1 << ntkmc_arch_get_levels (arch);
  pw = (width + unit - 1) / unit * unit;
  ph = (height + unit - 1) / unit * unit;
  if (dir == NULL)
    dir = own_dir = ntkmc_cache_dir ();
  key = arch_key (arch);

  k = lookup (dir, key, arch, pw, ph, &path);
  if (k == NULL)
    {
      gint64 t0 = g_get_monotonic_time ();
      GError *werr = NULL;
      char *name;

      k = ntkmc_arch_is_stationary (arch)
          ? ntkmc_cntk_compute (ctx, arch, NULL, pw, ph, error)
          : ntkmc_cntk_compute_general (ctx, arch, NULL, 0, NULL, pw, ph,
                                        error);
      if (k == NULL)
        goto out;
      rep.computed = TRUE;
      rep.seconds = (double) (g_get_monotonic_time () - t0) * 1e-6;
      name = g_strdup_printf ("%s-%zux%zu.nkf", key, pw, ph);
      path = g_build_filename (dir, name, NULL);
      g_free (name);
      if (g_mkdir_with_parents (dir, 0755) != 0)
        rep.warning = g_strdup_printf ("cannot create the kernel cache "
                                       "directory %s: %s", dir,
                                       g_strerror (errno));
      else if (!ntkmc_cntk_write (k, path, NTKMC_DTYPE_F32, &werr))
        {
          rep.warning = g_strdup (werr->message);
          g_clear_error (&werr);
        }
      else
        {
          /* use what the cache holds (float32), so that this run and every
           * later one give the same pixels */
          NtkmcCntk *cached = ntkmc_cntk_open (path, &werr);
          if (cached != NULL)
            {
              ntkmc_cntk_free (k);
              k = cached;
            }
          else
            {
              rep.warning = g_strdup (werr->message);
              g_clear_error (&werr);
            }
        }
      if (rep.warning != NULL)
        g_clear_pointer (&path, g_free);
    }
  rep.path = path;
  path = NULL;

out:
  if (report != NULL)
    *report = rep;
  else
    ntkmc_cache_report_clear (&rep);
  g_free (path);
  g_free (key);
  g_free (own_dir);
  return k;
}
