/* SPDX-License-Identifier: MIT */
/*
 * context.h: private view of NtkmcContext for the modules of libntkmc.
 */
#ifndef NTKMC_BASE_CONTEXT_H
#define NTKMC_BASE_CONTEXT_H

#include <ntkmc/ntkmc.h>

struct _NtkmcContext {
  int n_threads;                /* >= 1, resolved at creation */
  NtkmcProgressFunc progress;
  gpointer progress_data;
};

/*
 * ntkmc_context_enter: called at the top of every numeric entry point.
 * Applies the context's thread count to the BLAS library (the only place
 * that touches OpenBLAS's process-wide setting).
 */
void ntkmc_context_enter (NtkmcContext *ctx);

/*
 * ntkmc_context_report: tell the host how far we are.  Returns FALSE and
 * sets @error (NTKMC_ERROR_CANCELLED) when the host asked to stop.
 */
gboolean ntkmc_context_report (NtkmcContext *ctx, double fraction,
                               const char *message, GError **error);

#endif
