/* SPDX-License-Identifier: MIT */
/*
 * memory.c: large, huge-page-backed buffers for kernel matrices.
 */
#include "config.h"

#include "base/memory.h"

#include <ntkmc/ntkmc.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t) 2 << 20)

void *
ntkmc_big_alloc (size_t count, size_t size, const char *what, GError **error)
{
  size_t bytes;
  void *p = NULL;

  if (size != 0 && count > G_MAXSIZE / size)
    bytes = G_MAXSIZE;
  else
    bytes = MAX (count * size, (size_t) 1);
  if (bytes == G_MAXSIZE || posix_memalign (&p, HUGE_PAGE, bytes) != 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "cannot allocate %.1f GiB for %s",
                   (double) count * (double) size / 1073741824.0, what);
      return NULL;
    }
#ifdef MADV_HUGEPAGE
  if (bytes >= HUGE_PAGE)
    (void) madvise (p, bytes, MADV_HUGEPAGE);   /* advice only */
#endif
  return p;
}

void
ntkmc_big_free (void *p)
{
  free (p);
}
