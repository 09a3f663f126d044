/* SPDX-License-Identifier: MIT */
/*
 * test-inpaint-job.c: the GIMP filter's engine glue without GIMP: settings,
 * the region around the selection, the kernel directory, and runs that
 * fill only the selected pixels, equal ntkmc_inpaint() on the same pixels,
 * and leave everything untouched when cancelled.
 */
#include "config.h"

#include "gimp-plugin/inpaint-job.h"
#include "tests/core/test-util.h"

/* A 32 x 32 RGB 8-bit picture and a 8 x 8 hole at (12, 10). */
#define W 32
#define H 32

static void
make_pixels (guint8 *px, float *cov)
{
  size_t r, c, ch;

  for (r = 0; r < H; r++)
    for (c = 0; c < W; c++)
      {
        for (ch = 0; ch < 3; ch++)
          px[(r * W + c) * 3 + ch] = (guint8) ((r * 7 + c * 3 + ch * 50
                                                + (r / 4 + c / 4) % 2 * 40)
                                               % 256);
        cov[r * W + c] = r >= 10 && r < 18 && c >= 12 && c < 20 ? 1.0f
                                                                  : 0.0f;
      }
}

static void
test_settings (void)
{
  NtkmcPluginSettings s;
  GError *error = NULL;
  char *long_text = g_strnfill (NTKMC_PLUGIN_PATH_MAX + 10, 'x');

  ntkmc_plugin_settings_init (&s);
  g_assert_cmpstr (s.arch, ==, "");
  g_assert_cmpint (s.max_iters, ==, 0);
  g_assert_true (ntkmc_plugin_settings_set (&s, "notebook", 30, "cg", NULL,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpstr (s.arch, ==, "notebook");
  g_assert_cmpstr (s.solver, ==, "cg");
  g_assert_false (ntkmc_plugin_settings_set (&s, "conv3 bogus", 0, "", "",
                                             &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ntkmc_plugin_settings_set (&s, "", -1, "", "", &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ntkmc_plugin_settings_set (&s, "", 0, "jacobi", "",
                                             &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ntkmc_plugin_settings_set (&s, "", 0, "", long_text,
                                             &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  /* failures leave the settings as they were */
  g_assert_cmpstr (s.arch, ==, "notebook");
  g_assert_cmpint (s.max_iters, ==, 30);

  /* stored bytes from anywhere become usable settings */
  memset (&s, 'z', sizeof s);
  s.max_iters = -5;
  ntkmc_plugin_settings_sanitize (&s);
  g_assert_cmpuint (strlen (s.arch), <, sizeof s.arch);
  g_assert_cmpuint (strlen (s.kernel_dir), <, sizeof s.kernel_dir);
  g_assert_cmpstr (s.solver, ==, "");
  g_assert_cmpint (s.max_iters, ==, 0);
  g_free (long_text);
}

static void
test_region (void)
{
  NtkmcPluginRect bbox = { 40, 8, 12, 10 }, r;

  ntkmc_plugin_plan_region (&bbox, 16, 64, 64, &r);
  g_assert_cmpint (r.x, ==, 24);
  g_assert_cmpint (r.y, ==, 0);
  g_assert_cmpint (r.width, ==, 40);
  g_assert_cmpint (r.height, ==, 34);
  ntkmc_plugin_plan_region (&bbox, G_MAXUINT, 64, 64, &r);
  g_assert_cmpint (r.x, ==, 0);
  g_assert_cmpint (r.width, ==, 64);
  ntkmc_plugin_plan_region (&bbox, 0, 64, 64, &r);
  g_assert_cmpint (r.x, ==, 40);
  g_assert_cmpint (r.width, ==, 12);
}

static void
test_missing_dir (void)
{
  NtkmcPluginSettings s;
  GError *error = NULL;
  NtkmcPluginJob *job;

  ntkmc_plugin_settings_init (&s);
  g_assert_true (ntkmc_plugin_settings_set (&s, "", 0, "",
                                            "/nonexistent/ntkmc/kernels",
                                            &error));
  job = ntkmc_plugin_job_new (&s, &error);
  g_assert_null (job);
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ntkmc/kernels"));
  g_clear_error (&error);
}

/* The progress callback of the cancel test: goes on @data times. */
static gboolean
stop_after (double fraction, const char *message, gpointer data)
{
  int *left = data;

  g_assert_true (fraction >= 0.0 && fraction <= 1.0);
  g_assert_nonnull (message);
  return (*left)-- > 0;
}

/* Runs in a temporary kernel directory (@f), so that no test touches the
 * user's cache. */
static void
test_run (TestDir *f, gconstpointer data)
{
  g_autofree guint8 *px = g_new (guint8, W * H * 3);
  g_autofree guint8 *orig = g_new (guint8, W * H * 3);
  g_autofree float *cov = g_new (float, W * H);
  g_autofree guint8 *missing = g_new (guint8, W * H);
  const char *dir = f->dir;
  NtkmcPluginSettings s;
  NtkmcPluginPixels pixels = { NTKMC_PLUGIN_U8, W, H, 3, NULL };
  NtkmcPluginReport rep;
  GError *error = NULL;
  g_autoptr (NtkmcPluginJob) job = NULL;
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  g_autoptr (NtkmcImage) image = ntkmc_image_new (W, H, 3, 8);
  g_autoptr (NtkmcImage) want = NULL;
  g_autoptr (NtkmcArch) arch = NULL;
  g_autoptr (NtkmcCntk) k = NULL;
  size_t i, changed = 0;
  int calls = 0;

  make_pixels (px, cov);
  memcpy (orig, px, W * H * 3);
  pixels.data = px;
  ntkmc_plugin_settings_init (&s);
  g_assert_true (ntkmc_plugin_settings_set (&s, "notebook", 0, "", dir,
                                            &error));
  job = ntkmc_plugin_job_new (&s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ntkmc_plugin_job_context_margin (job), ==, 16);

  /* cancelled at once, then after a few reports: nothing written */
  for (calls = 0; calls < 3; calls += 2)
    {
      int left = calls;
      g_assert_false (ntkmc_plugin_job_run (job, ctx, &pixels, cov,
                                            stop_after, &left, NULL,
                                            &error));
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED);
      g_clear_error (&error);
      g_assert_cmpmem (px, W * H * 3, orig, W * H * 3);
    }

  g_assert_true (ntkmc_plugin_job_run (job, ctx, &pixels, cov, NULL, NULL,
                                       &rep, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rep.arch, ==, "notebook");
  g_assert_cmpuint (rep.n_missing, ==, 64);
  g_assert_nonnull (rep.kernel_path);
  g_assert_true (g_str_has_prefix (rep.kernel_path, dir));
  ntkmc_plugin_report_clear (&rep);

  /* the same as ntkmc_inpaint() on the same doubles, rounded as written */
  for (i = 0; i < W * H; i++)
    {
      unsigned ch;
      missing[i] = cov[i] > 0;
      for (ch = 0; ch < 3; ch++)
        ntkmc_image_set_sample (image, i / W, i % W, ch,
                                orig[i * 3 + ch] / 255.0);
    }
  arch = ntkmc_arch_parse ("notebook", &error);
  k = ntkmc_cache_get (ctx, arch, W, H, dir, NULL, &error);
  g_assert_no_error (error);
  want = ntkmc_inpaint (ctx, k, NULL, image, missing, NULL, &error);
  g_assert_no_error (error);
  for (i = 0; i < W * H * 3; i++)
    {
      size_t p = i / 3;
      guint v = missing[p]
                ? ntkmc_image_get_sample_uint (want, p / W, p % W, i % 3)
                : orig[i];
      g_assert_cmpuint (px[i], ==, v);
      changed += px[i] != orig[i];
    }
  g_assert_cmpuint (changed, >, 0);

  /* an empty selection is refused, not "filled" */
  memset (cov, 0, W * H * sizeof *cov);
  g_assert_false (ntkmc_plugin_job_run (job, ctx, &pixels, cov, NULL, NULL,
                                        NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  (void) data;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gimp-job/settings", test_settings);
  g_test_add_func ("/gimp-job/region", test_region);
  g_test_add_func ("/gimp-job/missing-dir", test_missing_dir);
  g_test_add ("/gimp-job/run", TestDir, NULL, test_dir_setup, test_run,
              test_dir_teardown);
  return g_test_run ();
}
