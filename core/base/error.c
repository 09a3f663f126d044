/* SPDX-License-Identifier: MIT */
/*
 * error.c: the NTKMC_ERROR GError domain.
 */
#include "config.h"

#include <ntkmc/ntkmc.h>

G_DEFINE_QUARK (ntkmc-error-quark, ntkmc_error)
