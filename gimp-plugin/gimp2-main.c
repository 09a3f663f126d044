/* SPDX-License-Identifier: MIT */
/*
 * gimp2-main.c: the GIMP 2.10 front end of the filter "Inpaint Selection
 * (NTK)" (PDB procedure plug-in-ntkmc-inpaint): registration, run modes,
 * the dialog, and GEGL buffers in and out.  Everything that does not depend
 * on the GIMP version is in inpaint-job.c; a GIMP 3 front end is another
 * file like this one (docs/gimp.md).
 *
 * run() follows one path: run mode -> checks -> dialog -> selection and
 * region -> pixels -> ntkmc -> shadow buffer -> merge (one undo step).
 * Nothing is written to the drawable before the engine has succeeded, so
 * an error or a cancelled run (GIMP closes the plug-in then) leaves the
 * image and its undo history untouched.
 */
#include "config.h"

#include "gimp-plugin/inpaint-job.h"

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <string.h>

#define PLUG_IN_PROC "plug-in-ntkmc-inpaint"
#define PLUG_IN_BINARY "ntkmc-inpaint"
#define PLUG_IN_ROLE "ntkmc-inpaint"
#define N_ARGS 7

static void query (void);
static void run (const gchar *name, gint nparams, const GimpParam *param,
                 gint *nreturn_vals, GimpParam **return_vals);

/* The plug-in ABI: libgimp's MAIN() looks for this symbol. */
const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()

/* The PDB help text: what the filter does, and each preset's use. */
static gchar *
procedure_help (void)
{
  GString *help = g_string_new (
    "Fills the selected pixels of the layer by kernel regression with the "
    "neural tangent kernel of an infinitely wide convolutional network "
    "(CNTK), trained on the unselected pixels around the selection.  Only "
    "selected pixels change; partly selected (feathered) pixels are filled "
    "and blended by their selection value.  The work is done on the "
    "selection's bounding box plus the context the network needs.  Kernels "
    "come from the cache the ntkmc command-line tool and R package share "
    "($NTKMC_CACHE_DIR, else ~/.cache/ntkmc/kernels): the first run for a "
    "network and size computes the kernel, later runs read it.\n\n"
    "arch: \"\" chooses a preset from the selection, or one of:");
  const char *const *p;

  for (p = ntkmc_arch_presets (); *p != NULL; p++)
    g_string_append_printf (help, "\n  %s: %s", *p,
                            ntkmc_arch_preset_summary (*p));
  g_string_append (help, "\nor layer tokens such as \"conv3 lrelu down "
                   "conv3 lrelu up conv3\".");
  return g_string_free (help, FALSE);
}

/* Registers the procedure and its menu entry with GIMP. */
static void
query (void)
{
  static const GimpParamDef args[N_ARGS] = {
    { GIMP_PDB_INT32, "run-mode",
      "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), "
      "RUN-WITH-LAST-VALS (2) }" },
    { GIMP_PDB_IMAGE, "image", "Input image" },
    { GIMP_PDB_DRAWABLE, "drawable", "Input drawable (RGB, RGBA, GRAY, "
      "GRAYA); its selected pixels are filled" },
    { GIMP_PDB_STRING, "arch", "Network: \"\" = chosen from the "
      "selection's holes; a preset (notebook, large-hole, recon2, recon3, "
      "recon5b, recon6) or layer tokens" },
    { GIMP_PDB_INT32, "max-iterations", "Iteration cap of the iterative "
      "solvers (0 = automatic: 200 for cg, 100 for eigenpro); smaller is "
      "faster and rougher" },
    { GIMP_PDB_STRING, "solver", "\"\" or \"auto\" = a direct solve on "
      "the pixels near the selection (fast, the default); \"cg\" = "
      "conjugate gradients over every unselected pixel of the region (the "
      "exact solve); \"eigenpro\" = the paper's iterative solver" },
    { GIMP_PDB_STRING, "kernel-dir", "Where kernel files live: \"\" = the "
      "cache shared with the ntkmc tool ($NTKMC_CACHE_DIR, else "
      "~/.cache/ntkmc/kernels); a directory that exists; or one kernel "
      "file" }
  };
  gchar *help = procedure_help ();

  gimp_install_procedure (PLUG_IN_PROC,
                          "Fill the selection with an infinitely wide "
                          "convolutional network (NTK)",
                          help, "ntkmc developers", "MIT licence", "2026",
                          "Inpaint Selection (NTK)...", "RGB*, GRAY*",
                          GIMP_PLUGIN, N_ARGS, 0, args, NULL);
  gimp_plugin_menu_register (PLUG_IN_PROC, "<Image>/Filters/Enhance");
  g_free (help);
}

/* ------------------------------------------------------------ progress */

/* What the progress callback remembers between calls: updates are PDB
 * round trips, so they are sent only on a new message or 1 % more. */
typedef struct {
  double last;
  gchar *text;
} Progress;

/* The NtkmcProgressFunc: forwards to GIMP's progress bar.  A failed
 * update means the progress is gone; the run stops then.  (GIMP 2.10's
 * Cancel button closes the plug-in process itself.) */
static gboolean
progress_cb (double fraction, const char *message, gpointer user_data)
{
  Progress *pr = user_data;
  gboolean ok = TRUE;

  if (message != NULL && g_strcmp0 (message, pr->text) != 0)
    {
      g_free (pr->text);
      pr->text = g_strdup (message);
      ok = gimp_progress_set_text (message);
    }
  if (ok && (fraction - pr->last >= 0.01 || fraction >= 1.0
             || fraction < pr->last))
    {
      pr->last = fraction;
      ok = gimp_progress_update (fraction);
    }
  return ok;
}

/* ------------------------------------------------------------- pixels */

/* The babl format the filter reads @drawable in, and its sample type:
 * perceptual (gamma) values in the drawable's colour space, integers for
 * integer images (so that 8-bit images give what "ntkmc inpaint" gives on
 * the same PNG), doubles otherwise. */
static const Babl *
pixel_format (gint32 image, gint32 drawable, NtkmcPluginSampleType *type,
              guint *channels)
{
  gboolean gray = gimp_drawable_is_gray (drawable);
  gboolean alpha = gimp_drawable_has_alpha (drawable);
  const char *model = gray ? (alpha ? "Y'A" : "Y'")
                           : (alpha ? "R'G'B'A" : "R'G'B'");
  const char *sample;
  gchar *name;
  const Babl *fmt;

  switch (gimp_image_get_precision (image))
    {
    case GIMP_PRECISION_U8_LINEAR:
    case GIMP_PRECISION_U8_GAMMA:
      *type = NTKMC_PLUGIN_U8;
      sample = "u8";
      break;
    case GIMP_PRECISION_U16_LINEAR:
    case GIMP_PRECISION_U16_GAMMA:
      *type = NTKMC_PLUGIN_U16;
      sample = "u16";
      break;
    default:
      *type = NTKMC_PLUGIN_DOUBLE;
      sample = "double";
      break;
    }
  *channels = (gray ? 1 : 3) + (alpha ? 1 : 0);
  name = g_strdup_printf ("%s %s", model, sample);
  fmt = babl_format_with_space (name, gimp_drawable_get_format (drawable));
  g_free (name);
  return fmt;
}

/* The selection's values over @rect (layer coordinates of a layer at
 * offset @ox, @oy), 0 where the rectangle leaves the image. */
static float *
read_selection (gint32 image, const NtkmcPluginRect *rect, gint ox, gint oy)
{
  GeglBuffer *sel = gimp_drawable_get_buffer (gimp_image_get_selection
                                              (image));
  float *cov = g_new (float, (size_t) rect->width * (size_t) rect->height);

  gegl_buffer_get (sel, GEGL_RECTANGLE (rect->x + ox, rect->y + oy,
                                        rect->width, rect->height),
                   1.0, babl_format ("Y float"), cov, GEGL_AUTO_ROWSTRIDE,
                   GEGL_ABYSS_NONE);
  g_object_unref (sel);
  return cov;
}

/*
 * inpaint: the filter on @drawable with @s.  Reads the selection and the
 * region around it, runs the engine, and only then writes the shadow
 * buffer and merges it (one undo step).
 *
 * Returns: TRUE on success; else FALSE with @error, the image untouched.
 */
static gboolean
inpaint (gint32 image, gint32 drawable, const NtkmcPluginSettings *s,
         GError **error)
{
  g_autoptr (NtkmcPluginJob) job = NULL;
  g_autoptr (NtkmcContext) ctx = NULL;
  NtkmcPluginRect bbox, region;
  NtkmcPluginPixels px;
  NtkmcPluginReport rep = { 0 };
  Progress pr = { 0.0, NULL };
  const Babl *fmt;
  GeglBuffer *buf;
  float *cov;
  guint8 *missing;
  gint ox = 0, oy = 0;
  size_t i, n;
  gboolean ok;

  if (!gimp_drawable_mask_intersect (drawable, &bbox.x, &bbox.y, &bbox.width,
                                     &bbox.height)
      || bbox.width <= 0 || bbox.height <= 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the selection does not touch this layer: select the "
                   "area to fill on it");
      return FALSE;
    }
  gimp_drawable_offsets (drawable, &ox, &oy);
  job = ntkmc_plugin_job_new (s, error);
  if (job == NULL)
    return FALSE;

  /* the network first (it may depend on the holes: their selection and
   * the unselected ring around them), then the context it needs */
  ntkmc_plugin_plan_region (&bbox, 1, gimp_drawable_width (drawable),
                            gimp_drawable_height (drawable), &region);
  cov = read_selection (image, &region, ox, oy);
  n = (size_t) region.width * (size_t) region.height;
  missing = g_new (guint8, n);
  for (i = 0; i < n; i++)
    missing[i] = cov[i] > 0.0f;
  ok = ntkmc_plugin_job_choose_arch (job, missing, (size_t) region.width,
                                     (size_t) region.height, error);
  g_free (missing);
  g_free (cov);
  if (!ok)
    return FALSE;
  ntkmc_plugin_plan_region (&bbox, ntkmc_plugin_job_context_margin (job),
                            gimp_drawable_width (drawable),
                            gimp_drawable_height (drawable), &region);

  fmt = pixel_format (image, drawable, &px.type, &px.channels);
  px.width = region.width;
  px.height = region.height;
  px.data = g_malloc ((size_t) region.width * (size_t) region.height
                      * (size_t) babl_format_get_bytes_per_pixel (fmt));
  buf = gimp_drawable_get_buffer (drawable);
  gegl_buffer_get (buf, GEGL_RECTANGLE (region.x, region.y, region.width,
                                        region.height),
                   1.0, fmt, px.data, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buf);
  cov = read_selection (image, &region, ox, oy);

  gimp_progress_init_printf ("Inpainting the selection with %s",
                             ntkmc_plugin_job_peek_arch (job));
  ctx = ntkmc_context_new (0);
  ok = ntkmc_plugin_job_run (job, ctx, &px, cov, progress_cb, &pr, &rep,
                             error);
  if (ok)
    {
      gimp_image_undo_group_start (image);
      buf = gimp_drawable_get_shadow_buffer (drawable);
      gegl_buffer_set (buf, GEGL_RECTANGLE (region.x, region.y, region.width,
                                            region.height),
                       0, fmt, px.data, GEGL_AUTO_ROWSTRIDE);
      g_object_unref (buf);   /* flushes the shadow tiles to GIMP */
      gimp_drawable_merge_shadow (drawable, TRUE);
      gimp_drawable_update (drawable, region.x, region.y, region.width,
                            region.height);
      gimp_image_undo_group_end (image);
      gimp_progress_update (1.0);
      if (rep.warning != NULL)
        g_printerr ("%s: the kernel could not be cached: %s\n",
                    PLUG_IN_BINARY, rep.warning);
    }
  gimp_progress_end ();
  ntkmc_plugin_report_clear (&rep);
  g_free (pr.text);
  g_free (cov);
  g_free (px.data);
  return ok;
}

/* ------------------------------------------------------------- dialog */

/* The dialog's widgets, for the callbacks. */
typedef struct {
  GtkWidget *arch;        /* GtkComboBoxText; entry 0 = automatic */
  GtkWidget *solver;      /* GtkComboBoxText; entry 0 = automatic */
  GtkWidget *summary;     /* GtkLabel: when to pick the chosen network */
} DialogWidgets;

/* The architecture text the combo box shows ("" for automatic). */
static gchar *
dialog_arch (GtkWidget *combo)
{
  gchar *text;

  if (gtk_combo_box_get_active (GTK_COMBO_BOX (combo)) <= 0)
    return g_strdup ("");
  text = gtk_combo_box_text_get_active_text (GTK_COMBO_BOX_TEXT (combo));
  return text != NULL ? text : g_strdup ("");
}

/* "changed" on the network combo box: explain the choice. */
static void
dialog_arch_changed (GtkWidget *combo, gpointer user_data)
{
  DialogWidgets *dw = user_data;
  gchar *arch = dialog_arch (combo);
  const char *summary = ntkmc_arch_preset_summary (arch);

  gtk_label_set_text (GTK_LABEL (dw->summary),
                      arch[0] == '\0'
                      ? "Chosen from the selection: the size and shape of "
                        "the holes decide."
                      : summary != NULL ? summary
                      : "A network given as layer tokens.");
  g_free (arch);
}

/* Attaches a right-aligned @label for @widget, which explains itself
 * with @tooltip (nullable), in row @row of @table. */
static void
dialog_row (GtkWidget *table, guint row, const char *label,
            GtkWidget *widget, const char *tooltip)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);

  if (tooltip != NULL)
    gtk_widget_set_tooltip_text (widget, tooltip);

  gtk_misc_set_alignment (GTK_MISC (l), 1.0, 0.5);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), widget);
  gtk_table_attach (GTK_TABLE (table), l, 0, 1, row, row + 1, GTK_FILL,
                    GTK_FILL, 0, 0);
  gtk_table_attach (GTK_TABLE (table), widget, 1, 2, row, row + 1,
                    GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
}

/* A wrapping, left-aligned note in row @row of @table, under a widget. */
static GtkWidget *
dialog_note (GtkWidget *table, guint row, const char *text)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_line_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (l), 48);
  gtk_misc_set_alignment (GTK_MISC (l), 0.0, 0.5);
  gtk_table_attach (GTK_TABLE (table), l, 1, 2, row, row + 1,
                    GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
  return l;
}

/*
 * dialog: asks for the settings, starting from @s.
 *
 * Returns: TRUE when the user pressed OK with valid values (then stored
 *   in @s); FALSE when the dialog was cancelled or closed.
 */
static gboolean
dialog (NtkmcPluginSettings *s)
{
  static const struct {
    const char *name, *label;
  } solvers[] = {
    { "", "Automatic (direct, near the selection)" },
    { "cg", "Conjugate gradients (exact, slower)" },
    { "eigenpro", "EigenPro (the paper's solver)" },
    { "direct", "Direct" }
  };
  DialogWidgets dw;
  GtkWidget *dlg, *vbox, *table, *iters, *dir;
  const char *const *p;
  gchar *cache, *text;
  gint active = 0, idx = 1;
  gboolean run = FALSE;

  gimp_ui_init (PLUG_IN_BINARY, FALSE);
  dlg = gimp_dialog_new ("Inpaint Selection (NTK)", PLUG_IN_ROLE, NULL, 0,
                         gimp_standard_help_func, PLUG_IN_PROC,
                         "_Cancel", GTK_RESPONSE_CANCEL,
                         "_OK", GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_alternative_button_order (GTK_DIALOG (dlg),
                                           GTK_RESPONSE_OK,
                                           GTK_RESPONSE_CANCEL, -1);
  gimp_window_set_transient (GTK_WINDOW (dlg));

  vbox = gtk_vbox_new (FALSE, 12);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dlg))),
                      vbox, TRUE, TRUE, 0);
  table = gtk_table_new (6, 2, FALSE);
  gtk_table_set_col_spacings (GTK_TABLE (table), 6);
  gtk_table_set_row_spacings (GTK_TABLE (table), 6);
  gtk_box_pack_start (GTK_BOX (vbox), table, FALSE, FALSE, 0);

  /* network */
  dw.arch = gtk_combo_box_text_new ();
  gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (dw.arch),
                                  "Automatic (from the selection)");
  for (p = ntkmc_arch_presets (); *p != NULL; p++, idx++)
    {
      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (dw.arch), *p);
      if (strcmp (*p, s->arch) == 0)
        active = idx;
    }
  if (s->arch[0] != '\0' && active == 0)
    {
      /* layer tokens from a script or an earlier run */
      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (dw.arch), s->arch);
      active = idx;
    }
  dialog_row (table, 0, "_Network:", dw.arch, NULL);
  dw.summary = dialog_note (table, 1, NULL);
  g_signal_connect (dw.arch, "changed", G_CALLBACK (dialog_arch_changed),
                    &dw);
  gtk_combo_box_set_active (GTK_COMBO_BOX (dw.arch), active);
  dialog_arch_changed (dw.arch, &dw);

  /* solver and its effort */
  dw.solver = gtk_combo_box_text_new ();
  for (idx = 0; idx < (gint) G_N_ELEMENTS (solvers); idx++)
    {
      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (dw.solver),
                                      solvers[idx].label);
      if (strcmp (solvers[idx].name, s->solver) == 0)
        gtk_combo_box_set_active (GTK_COMBO_BOX (dw.solver), idx);
    }
  if (gtk_combo_box_get_active (GTK_COMBO_BOX (dw.solver)) < 0)
    gtk_combo_box_set_active (GTK_COMBO_BOX (dw.solver), 0);
  dialog_row (table, 2, "_Solver:", dw.solver,
              "Automatic: a direct solve on the pixels near the selection, "
              "fast.  Conjugate gradients: every unselected pixel of the "
              "region, exact and slower.  EigenPro: the paper's solver.");
  iters = gtk_spin_button_new_with_range (0, 1000000, 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (iters), s->max_iters);
  dialog_row (table, 3, "Max. _iterations:", iters,
              "0 = automatic.  Caps the iterations of the iterative "
              "solvers: smaller is faster and rougher.");

  /* kernel files */
  dir = gtk_entry_new ();
  gtk_entry_set_text (GTK_ENTRY (dir), s->kernel_dir);
  dialog_row (table, 4, "_Kernel files:", dir,
              "Empty: the kernel cache shared with the ntkmc tool and the "
              "R package.  Or a directory of kernel files, or one kernel "
              "file (from 'ntkmc kernel compute --arch').");
  cache = ntkmc_cache_dir ();
  text = g_strdup_printf ("Empty = the shared cache, %s.  The first run "
                          "for a network and size computes its kernel "
                          "(seconds to minutes); later runs read it.",
                          cache);
  dialog_note (table, 5, text);
  g_free (text);
  g_free (cache);

  gtk_widget_show_all (dlg);
  while (gimp_dialog_run (GIMP_DIALOG (dlg)) == GTK_RESPONSE_OK)
    {
      GError *error = NULL;
      gchar *arch = dialog_arch (dw.arch);
      gint32 n = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (iters));
      gint sv = gtk_combo_box_get_active (GTK_COMBO_BOX (dw.solver));

      run = ntkmc_plugin_settings_set (s, arch, n,
                                       solvers[MAX (sv, 0)].name,
                                       gtk_entry_get_text (GTK_ENTRY (dir)),
                                       &error);
      g_free (arch);
      if (run)
        break;
      gimp_message (error->message);   /* and let the user correct it */
      g_error_free (error);
    }
  gtk_widget_destroy (dlg);
  return run;
}

/* --------------------------------------------------------------- run */

/* Checks that do not need the settings: a drawable the filter can fill,
 * and a selection to fill.  Returns: TRUE, or FALSE with @error. */
static gboolean
check_target (gint32 image, gint32 drawable, GError **error)
{
  if (!gimp_item_is_valid (drawable) || !gimp_item_is_drawable (drawable))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the drawable %d does not exist", (int) drawable);
      return FALSE;
    }
  if (gimp_drawable_is_indexed (drawable))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "indexed images are not supported: convert the image "
                   "with Image > Mode > RGB (or Grayscale) first");
      return FALSE;
    }
  if (gimp_selection_is_empty (image))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "nothing is selected: select the area to fill first");
      return FALSE;
    }
  return TRUE;
}

/* The procedure: see the file comment. */
static void
run (const gchar *name, gint nparams, const GimpParam *param,
     gint *nreturn_vals, GimpParam **return_vals)
{
  /* The return values must outlive run(): the plug-in ABI. */
  static GimpParam values[2];
  GimpRunMode run_mode = GIMP_RUN_NONINTERACTIVE;
  GimpPDBStatusType status = GIMP_PDB_SUCCESS;
  NtkmcPluginSettings s;
  GError *error = NULL;
  gint32 image, drawable;

  (void) name;
  *nreturn_vals = 1;
  *return_vals = values;
  values[0].type = GIMP_PDB_STATUS;
  if (nparams < 3)
    {
      values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
      return;
    }
  run_mode = (GimpRunMode) param[0].data.d_int32;
  image = param[1].data.d_image;
  drawable = param[2].data.d_drawable;
  gegl_init (NULL, NULL);

  ntkmc_plugin_settings_init (&s);
  switch (run_mode)
    {
    case GIMP_RUN_INTERACTIVE:
    case GIMP_RUN_WITH_LAST_VALS:
      if (gimp_get_data_size (PLUG_IN_PROC) == sizeof s)
        gimp_get_data (PLUG_IN_PROC, &s);
      ntkmc_plugin_settings_sanitize (&s);
      break;
    case GIMP_RUN_NONINTERACTIVE:
    default:
      if (nparams != N_ARGS)
        {
          g_set_error (&error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "%s takes %d arguments, not %d", PLUG_IN_PROC,
                       N_ARGS, nparams);
          status = GIMP_PDB_CALLING_ERROR;
        }
      else if (!ntkmc_plugin_settings_set (&s, param[3].data.d_string,
                                           param[4].data.d_int32,
                                           param[5].data.d_string,
                                           param[6].data.d_string, &error))
        status = GIMP_PDB_CALLING_ERROR;
      break;
    }

  if (status == GIMP_PDB_SUCCESS && !check_target (image, drawable, &error))
    status = GIMP_PDB_EXECUTION_ERROR;
  if (status == GIMP_PDB_SUCCESS && run_mode == GIMP_RUN_INTERACTIVE
      && !dialog (&s))
    status = GIMP_PDB_CANCEL;
  if (status == GIMP_PDB_SUCCESS)
    {
      if (inpaint (image, drawable, &s, &error))
        {
          if (run_mode != GIMP_RUN_NONINTERACTIVE)
            gimp_displays_flush ();
          if (run_mode == GIMP_RUN_INTERACTIVE)
            gimp_set_data (PLUG_IN_PROC, &s, sizeof s);
        }
      else
        status = error != NULL && error->code == NTKMC_ERROR_CANCELLED
                 ? GIMP_PDB_CANCEL : GIMP_PDB_EXECUTION_ERROR;
    }

  if (error != NULL)
    {
      if (run_mode == GIMP_RUN_NONINTERACTIVE)
        {
          /* scripts get the message with the status (GIMP reports it) */
          *nreturn_vals = 2;
          values[1].type = GIMP_PDB_STRING;
          values[1].data.d_string = g_strdup_printf ("Inpaint Selection "
                                                     "(NTK): %s",
                                                     error->message);
        }
      else if (status != GIMP_PDB_CANCEL)
        gimp_message (error->message);
      g_error_free (error);
    }
  values[0].data.d_status = status;
  gegl_exit ();
}
