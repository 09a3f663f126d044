/* SPDX-License-Identifier: MIT */
/*
 * config.h for the R build of libntkmc.  The core's sources include
 * "config.h" first; in the autotools build it carries configure's results,
 * none of which the modules compiled into the R package (base, ntk, solve,
 * kernelfile, cmap) depend on, but HAVE_HDF5, which ../configure puts in
 * PKG_CPPFLAGS with the library flags when it finds HDF5.
 */
#ifndef NTKMC_R_CONFIG_H
#define NTKMC_R_CONFIG_H
#endif
