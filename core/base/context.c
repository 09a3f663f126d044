/* SPDX-License-Identifier: MIT */
/*
 * context.c: NtkmcContext, the explicit per-caller state (threads, progress).
 */
#include "config.h"

#include "base/context.h"

#include <unistd.h>

/* OpenBLAS's thread control, if the BLAS we are linked against is OpenBLAS.
 * Weak, so that libntkmc also links against the reference BLAS (e.g. in R). */
extern void openblas_set_num_threads (int n) __attribute__ ((weak));

NtkmcContext *
ntkmc_context_new (int n_threads)
{
  NtkmcContext *ctx = g_new0 (NtkmcContext, 1);

  if (n_threads <= 0)
    {
      long online = sysconf (_SC_NPROCESSORS_ONLN);
      n_threads = online > 0 ? (int) MIN (online, 1024) : 1;
    }
  ctx->n_threads = n_threads;
  ctx->range.lo = 0.0;
  ctx->range.hi = 1.0;
  return ctx;
}

void
ntkmc_context_free (NtkmcContext *ctx)
{
  g_free (ctx);
}

int
ntkmc_context_get_n_threads (const NtkmcContext *ctx)
{
  g_return_val_if_fail (ctx != NULL, 1);
  return ctx->n_threads;
}

void
ntkmc_context_set_progress (NtkmcContext *ctx, NtkmcProgressFunc func,
                            gpointer user_data)
{
  g_return_if_fail (ctx != NULL);
  ctx->progress = func;
  ctx->progress_data = user_data;
}

void
ntkmc_context_enter (NtkmcContext *ctx)
{
  if (openblas_set_num_threads != NULL)
    openblas_set_num_threads (ctx->n_threads);
}

NtkmcProgressRange
ntkmc_context_push_range (NtkmcContext *ctx, double lo, double hi)
{
  NtkmcProgressRange saved = ctx->range;
  double w = saved.hi - saved.lo;

  ctx->range.lo = saved.lo + w * CLAMP (lo, 0.0, 1.0);
  ctx->range.hi = saved.lo + w * CLAMP (hi, 0.0, 1.0);
  return saved;
}

void
ntkmc_context_pop_range (NtkmcContext *ctx, NtkmcProgressRange saved)
{
  ctx->range = saved;
}

gboolean
ntkmc_context_report (NtkmcContext *ctx, double fraction, const char *message,
                      GError **error)
{
  double f = ctx->range.lo
             + (ctx->range.hi - ctx->range.lo) * CLAMP (fraction, 0.0, 1.0);

  if (ctx->progress == NULL)
    return TRUE;
  if (ctx->progress (f, message, ctx->progress_data))
    return TRUE;
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED, "cancelled%s%s",
               message ? " while " : "", message ? message : "");
  return FALSE;
}
