/* SPDX-License-Identifier: MIT */
/*
 * arch.c: convolutional architectures: builder, text form, rules, presets.
 */
#include "config.h"

#include "cntk/arch.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The paper's networks (reference-spec.md section 6).  The reference code
 * specifies only the notebook network; the paper names the others by their
 * number of down/up levels, so they follow the notebook's pattern: one q x q
 * convolution + LeakyReLU(0.01) per level, nearest upsampling, a final
 * q x q convolution.  The filter size is not given for the paper's
 * networks: 7 x 7 for scattered pixels was measured best on every
 * reconstruction image (house 36.50 / 36.35 / 35.87 dB with q = 7 / 5 / 3,
 * barbara 26.70 / 26.64 / 26.39, lena 35.02 / 34.96 / 34.60, peppers 31.31
 * / 31.21 / 30.98); for holes 3 x 3 (vase 31.93 dB, 31.95 with q = 5, at 8x
 * the kernel cost). */
typedef struct {
  const char *name;
  unsigned levels, q;
  const char *up;
  const char *summary;
} Preset;

static const Preset presets[] = {
  { "notebook", 3, 3, "up",
    "the reference notebook's network (3 levels): holes up to ~40 px "
    "across, quick kernels; the kernel row spans 16 x 16 pixels" },
  { "large-hole", 6, 3, "up",
    "the paper's 6-level autoencoder for large holes (Library): the kernel "
    "row spans 128 x 128 pixels" },
  { "recon2", 2, 7, "up",
    "2 levels of 7 x 7 convolutions, for scattered missing pixels in fine "
    "texture (the paper's Barbara)" },
  { "recon3", 3, 7, "up",
    "3 levels of 7 x 7 convolutions, for scattered missing pixels (the "
    "paper's Finger)" },
  { "recon5b", 5, 3, "upbc",
    "5 levels with circular bilinear upsampling, for smooth images with "
    "scattered missing pixels (the paper's Peppers used bilinear)" },
  { "recon6", 6, 7, "up",
    "6 levels of 7 x 7 convolutions, for scattered missing pixels in "
    "photographs (the paper's Boat, Lena, House): the automatic choice for "
    "scattered pixels" },
};

static char *preset_text (const Preset *p);

const char *const *
ntkmc_arch_presets (void)
{
  static const char *names[G_N_ELEMENTS (presets) + 1];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (presets); i++)
    names[i] = presets[i].name;
  names[i] = NULL;
  return names;
}

const char *
ntkmc_arch_preset_summary (const char *name)
{
  guint i;

  g_return_val_if_fail (name != NULL, NULL);
  for (i = 0; i < G_N_ELEMENTS (presets); i++)
    if (strcmp (presets[i].name, name) == 0)
      return presets[i].summary;
  return NULL;
}

static char *
preset_text (const Preset *p)
{
  GString *s = g_string_new (NULL);
  unsigned l;

  for (l = 0; l < p->levels; l++)
    g_string_append_printf (s, "conv%u lrelu down ", p->q);
  for (l = 0; l < p->levels; l++)
    g_string_append_printf (s, "conv%u lrelu %s ", p->q, p->up);
  g_string_append_printf (s, "conv%u", p->q);
  return g_string_free (s, FALSE);
}

NtkmcArch *
ntkmc_arch_new (void)
{
  NtkmcArch *arch = g_new0 (NtkmcArch, 1);
  arch->layers = g_array_new (FALSE, TRUE, sizeof (NtkmcLayer));
  return arch;
}

void
ntkmc_arch_free (NtkmcArch *arch)
{
  if (arch == NULL)
    return;
  g_array_unref (arch->layers);
  g_free (arch);
}

static void
add (NtkmcArch *arch, NtkmcLayer layer)
{
  g_array_append_val (arch->layers, layer);
}

void
ntkmc_arch_add_conv (NtkmcArch *arch, unsigned q)
{
  NtkmcLayer l = { NTKMC_LAYER_CONV, q, { NTKMC_ACT_RELU, 0 }, NTKMC_UP_NEAREST };
  g_return_if_fail (arch != NULL);
  add (arch, l);
}

void
ntkmc_arch_add_activation (NtkmcArch *arch, const NtkmcActivation *act)
{
  NtkmcLayer l = { NTKMC_LAYER_ACT, 0, *act, NTKMC_UP_NEAREST };
  g_return_if_fail (arch != NULL && act != NULL);
  add (arch, l);
}

void
ntkmc_arch_add_down (NtkmcArch *arch)
{
  NtkmcLayer l = { NTKMC_LAYER_DOWN, 0, { NTKMC_ACT_RELU, 0 }, NTKMC_UP_NEAREST };
  g_return_if_fail (arch != NULL);
  add (arch, l);
}

void
ntkmc_arch_add_up (NtkmcArch *arch, NtkmcUpsampling mode)
{
  NtkmcLayer l = { NTKMC_LAYER_UP, 0, { NTKMC_ACT_RELU, 0 }, mode };
  g_return_if_fail (arch != NULL);
  add (arch, l);
}

static const char *
layer_name (const NtkmcLayer *l)
{
  switch (l->kind)
    {
    case NTKMC_LAYER_CONV: return "convolution";
    case NTKMC_LAYER_ACT: return "activation";
    case NTKMC_LAYER_DOWN: return "down";
    case NTKMC_LAYER_UP:
    default: return "upsampling";
    }
}

gboolean
ntkmc_arch_validate (const NtkmcArch *arch, GError **error)
{
  guint n, i;
  int level = 0;

  g_return_val_if_fail (arch != NULL, FALSE);
  n = arch->layers->len;
  if (n == 0 || ntkmc_arch_layer (arch, 0)->kind != NTKMC_LAYER_CONV)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "an architecture starts with a convolution");
      return FALSE;
    }
  if (ntkmc_arch_layer (arch, n - 1)->kind != NTKMC_LAYER_CONV)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "an architecture ends with a convolution (layer %u is "
                   "a%s %s)", n,
                   ntkmc_arch_layer (arch, n - 1)->kind == NTKMC_LAYER_ACT
                   ? "n" : "", layer_name (ntkmc_arch_layer (arch, n - 1)));
      return FALSE;
    }
  for (i = 0; i < n; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      const NtkmcLayer *next = i + 1 < n ? ntkmc_arch_layer (arch, i + 1) : NULL;

      switch (l->kind)
        {
        case NTKMC_LAYER_CONV:
          if (l->q == 0 || l->q % 2 == 0 || l->q > 63)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "layer %u: convolution size %u is not an odd "
                           "number from 1 to 63", i + 1, l->q);
              return FALSE;
            }
          if (next != NULL && next->kind != NTKMC_LAYER_ACT)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "layer %u: every convolution but the last is "
                           "followed by an activation (found %s)", i + 1,
                           layer_name (next));
              return FALSE;
            }
          break;
        case NTKMC_LAYER_ACT:
          if (ntkmc_arch_layer (arch, i - 1)->kind != NTKMC_LAYER_CONV)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "layer %u: an activation must follow a "
                           "convolution", i + 1);
              return FALSE;
            }
          if (l->act.kind == NTKMC_ACT_LEAKY_RELU
              && (!isfinite (l->act.slope) || l->act.slope == -1.0))
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "layer %u: LeakyReLU slope %g is not allowed",
                           i + 1, l->act.slope);
              return FALSE;
            }
          break;
        case NTKMC_LAYER_DOWN:
          level++;
          break;
        case NTKMC_LAYER_UP:
          if (--level < 0)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "layer %u: an upsampling needs an earlier "
                           "downsampling (the resolution may not rise above "
                           "the image's)", i + 1);
              return FALSE;
            }
          break;
        }
    }
  if (level != 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the network ends %d level%s below the image resolution: "
                   "every downsampling needs an upsampling", level,
                   level == 1 ? "" : "s");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_token (NtkmcArch *arch, const char *tok, guint index, GError **error)
{
  if (g_str_has_prefix (tok, "conv"))
    {
      guint64 q;
      if (!g_ascii_string_to_unsigned (tok + 4, 10, 1, 63, &q, NULL))
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "token %u '%s': expected conv<q> with an odd q from 1 "
                       "to 63, e.g. conv3", index, tok);
          return FALSE;
        }
      ntkmc_arch_add_conv (arch, (unsigned) q);
    }
  else if (strcmp (tok, "relu") == 0 || g_str_has_prefix (tok, "lrelu"))
    {
      NtkmcActivation act;
      if (!ntkmc_activation_parse (tok, &act, error))
        {
          g_prefix_error (error, "token %u: ", index);
          return FALSE;
        }
      ntkmc_arch_add_activation (arch, &act);
    }
  else if (strcmp (tok, "down") == 0)
    ntkmc_arch_add_down (arch);
  else if (strcmp (tok, "up") == 0)
    ntkmc_arch_add_up (arch, NTKMC_UP_NEAREST);
  else if (strcmp (tok, "upb") == 0)
    ntkmc_arch_add_up (arch, NTKMC_UP_BILINEAR);
  else if (strcmp (tok, "upbc") == 0)
    ntkmc_arch_add_up (arch, NTKMC_UP_BILINEAR_CIRCULAR);
  else
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "token %u '%s' is not a layer (conv<q>, relu, lrelu, "
                   "lrelu:<slope>, down, up, upb, upbc) nor a preset (%s)",
                   index, tok, "notebook, large-hole, recon2, recon3, "
                   "recon5b, recon6");
      return FALSE;
    }
  return TRUE;
}

NtkmcArch *
ntkmc_arch_parse (const char *text, GError **error)
{
  NtkmcArch *arch;
  char **tokens;
  char *expanded = NULL, *stripped;
  guint i, n = 0;

  g_return_val_if_fail (text != NULL, NULL);
  stripped = g_strstrip (g_strdup (text));
  for (i = 0; i < G_N_ELEMENTS (presets); i++)
    if (strcmp (stripped, presets[i].name) == 0)
      expanded = preset_text (&presets[i]);
  g_free (stripped);
  tokens = g_strsplit_set (expanded ? expanded : text, " \t\n", -1);
  arch = ntkmc_arch_new ();
  for (i = 0; tokens[i] != NULL; i++)
    {
      if (tokens[i][0] == '\0')
        continue;
      if (!parse_token (arch, tokens[i], ++n, error))
        {
          ntkmc_arch_free (arch);
          arch = NULL;
          break;
        }
    }
  g_strfreev (tokens);
  g_free (expanded);
  if (arch != NULL && !ntkmc_arch_validate (arch, error))
    {
      g_prefix_error (error, "architecture '%s': ", text);
      ntkmc_arch_free (arch);
      return NULL;
    }
  return arch;
}

char *
ntkmc_arch_to_string (const NtkmcArch *arch)
{
  GString *s = g_string_new (NULL);
  guint i;

  g_return_val_if_fail (arch != NULL, NULL);
  for (i = 0; i < arch->layers->len; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      if (i > 0)
        g_string_append_c (s, ' ');
      switch (l->kind)
        {
        case NTKMC_LAYER_CONV:
          g_string_append_printf (s, "conv%u", l->q);
          break;
        case NTKMC_LAYER_ACT:
          if (l->act.kind == NTKMC_ACT_LEAKY_RELU
              && l->act.slope == NTKMC_LEAKY_RELU_DEFAULT_SLOPE)
            g_string_append (s, "lrelu");
          else
            {
              char *a = ntkmc_activation_to_string (&l->act);
              g_string_append (s, a);
              g_free (a);
            }
          break;
        case NTKMC_LAYER_DOWN:
          g_string_append (s, "down");
          break;
        case NTKMC_LAYER_UP:
          g_string_append (s, l->up == NTKMC_UP_NEAREST ? "up"
                              : l->up == NTKMC_UP_BILINEAR ? "upb" : "upbc");
          break;
        }
    }
  return g_string_free (s, FALSE);
}

unsigned
ntkmc_arch_get_levels (const NtkmcArch *arch)
{
  int level = 0, deepest = 0;
  guint i;

  g_return_val_if_fail (arch != NULL, 0);
  for (i = 0; i < arch->layers->len; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      if (l->kind == NTKMC_LAYER_DOWN)
        {
          level++;
          deepest = MAX (deepest, level);
        }
      else if (l->kind == NTKMC_LAYER_UP)
        level--;
    }
  return (unsigned) deepest;
}

gboolean
ntkmc_arch_is_stationary (const NtkmcArch *arch)
{
  guint i;

  g_return_val_if_fail (arch != NULL, FALSE);
  for (i = 0; i < arch->layers->len; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      if (l->kind == NTKMC_LAYER_UP && l->up == NTKMC_UP_BILINEAR)
        return FALSE;
    }
  return TRUE;
}

gboolean
ntkmc_arch_check_size (const NtkmcArch *arch, size_t width, size_t height,
                       GError **error)
{
  unsigned s = ntkmc_arch_get_levels (arch);
  size_t unit = (size_t) 1 << s;
  gboolean needs_two = FALSE;
  guint i;

  /* the reference bilinear interpolates between 2 pixels: it needs at least
   * 2 pixels per side at the level it upsamples from */
  for (i = 0; i < arch->layers->len; i++)
    if (ntkmc_arch_layer (arch, i)->kind == NTKMC_LAYER_UP
        && ntkmc_arch_layer (arch, i)->up == NTKMC_UP_BILINEAR)
      needs_two = TRUE;
  if (width == 0 || height == 0 || width % unit != 0 || height % unit != 0
      || (needs_two && (width < 2 * unit || height < 2 * unit)))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "a %zu x %zu image does not fit this network: with %u "
                   "downsampling level%s both sides must be multiples of %zu%s",
                   width, height, s, s == 1 ? "" : "s", unit,
                   needs_two ? " and at least twice that" : "");
      return FALSE;
    }
  return TRUE;
}
