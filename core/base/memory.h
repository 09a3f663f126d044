/* SPDX-License-Identifier: MIT */
/*
 * memory.h: allocation of the large (O(n^2)) kernel buffers.
 */
#ifndef NTKMC_BASE_MEMORY_H
#define NTKMC_BASE_MEMORY_H

#include <stddef.h>
#include <glib.h>

/*
 * ntkmc_big_alloc: @count elements of @size bytes, 2 MiB aligned and marked
 * for transparent huge pages where the system supports it: a 15,000^2 kernel
 * is half a million 4 KiB pages, and faulting them in one by one costs more
 * than a second.  Returns NULL and sets NTKMC_ERROR_TOO_LARGE (naming @what)
 * when the memory cannot be had.  Free with ntkmc_big_free().
 */
void *ntkmc_big_alloc (size_t count, size_t size, const char *what,
                       GError **error);
void ntkmc_big_free (void *p);

#endif
