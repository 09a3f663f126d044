/* SPDX-License-Identifier: MIT */
/*
 * timer.h: wall-clock seconds for phase timings in reports.
 */
#ifndef NTKMC_BASE_TIMER_H
#define NTKMC_BASE_TIMER_H

#include <glib.h>

static inline double
ntkmc_now (void)
{
  return (double) g_get_monotonic_time () * 1e-6;
}

#endif
