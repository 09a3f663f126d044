/* SPDX-License-Identifier: MIT */
/*
 * arch.h: the layer list behind NtkmcArch, for the CNTK modules.
 */
#ifndef NTKMC_CNTK_ARCH_H
#define NTKMC_CNTK_ARCH_H

#include <ntkmc/ntkmc.h>

typedef enum {
  NTKMC_LAYER_CONV,
  NTKMC_LAYER_ACT,
  NTKMC_LAYER_DOWN,
  NTKMC_LAYER_UP
} NtkmcLayerKind;

typedef struct {
  NtkmcLayerKind kind;
  unsigned q;                  /* CONV: filter size (odd) */
  NtkmcActivation act;         /* ACT */
  NtkmcUpsampling up;          /* UP */
} NtkmcLayer;

struct _NtkmcArch {
  GArray *layers;              /* of NtkmcLayer */
};

static inline const NtkmcLayer *
ntkmc_arch_layer (const NtkmcArch *arch, guint i)
{
  return &g_array_index (arch->layers, NtkmcLayer, i);
}

#endif
