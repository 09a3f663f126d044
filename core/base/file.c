/* SPDX-License-Identifier: MIT */
/* file.c: replacing an output file whole (see file.h). */

#include "config.h"

#include "base/file.h"

#include <errno.h>
#include <fcntl.h>

#include <glib/gstdio.h>

int
ntkmc_file_replace_begin (const char *path, int flags, char **tmp)
{
  char *name = g_strconcat (path, ".XXXXXX", NULL);
  /* g_mkstemp would give 0600 */
  int fd = g_mkstemp_full (name, flags, 0666);

  if (fd < 0)
    {
      int saved = errno;

      g_free (name);
      *tmp = NULL;
      errno = saved;
      return -1;
    }
  *tmp = name;
  return fd;
}

int
ntkmc_file_replace_end (char *tmp, const char *path, gboolean ok)
{
  int result = ok ? 0 : -1;

  if (ok && g_rename (tmp, path) != 0)
    result = errno;
  if (result != 0)
    g_unlink (tmp);
  g_free (tmp);
  return result;
}
