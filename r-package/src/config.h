/* SPDX-License-Identifier: MIT */
/*
 * config.h for the R build of libntkmc.  The core's sources include
 * "config.h" first; in the autotools build it carries configure's results,
 * none of which the modules compiled into the R package (base, ntk, solve,
 * kernelfile) depend on.  Library flags come from ../configure.
 */
#ifndef NTKMC_R_CONFIG_H
#define NTKMC_R_CONFIG_H
#endif
