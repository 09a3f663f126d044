/* SPDX-License-Identifier: MIT */
/*
 * context.h: private view of NtkmcContext for the modules of libntkmc.
 */
#ifndef NTKMC_BASE_CONTEXT_H
#define NTKMC_BASE_CONTEXT_H

#include <ntkmc/ntkmc.h>

/* The part [lo, hi] of the caller-visible progress scale that the current
 * phase covers: phases report their own 0..1, nested phases compose. */
typedef struct {
  double lo, hi;
} NtkmcProgressRange;

struct _NtkmcContext {
  int n_threads;                /* >= 1, resolved at creation */
  NtkmcProgressFunc progress;
  gpointer progress_data;
  NtkmcProgressRange range;     /* [0, 1] outside any phase */
};

/*
 * ntkmc_context_enter: called at the top of every numeric entry point.
 * Applies the context's thread count to the BLAS library (the only place
 * that touches OpenBLAS's process-wide setting).
 */
void ntkmc_context_enter (NtkmcContext *ctx);

/*
 * ntkmc_context_push_range: the reports that follow, until the matching
 * ntkmc_context_pop_range(), cover [lo, hi] (in 0..1) of the current range.
 * Returns the range to restore.
 */
NtkmcProgressRange ntkmc_context_push_range (NtkmcContext *ctx, double lo,
                                             double hi);
void ntkmc_context_pop_range (NtkmcContext *ctx, NtkmcProgressRange saved);

/*
 * ntkmc_context_report: tell the host how far we are (@fraction of the
 * current range).  Returns FALSE and
 * sets @error (NTKMC_ERROR_CANCELLED) when the host asked to stop.
 */
gboolean ntkmc_context_report (NtkmcContext *ctx, double fraction,
                               const char *message, GError **error);

#endif
