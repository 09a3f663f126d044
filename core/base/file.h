/* SPDX-License-Identifier: MIT */
/*
 * file.h: replacing an output file whole.  The writers of tables, images
 * and GCT/GCTX files write to a temporary file in the same directory and
 * rename it onto the target at the end, so that a reader sees the old file
 * or the whole new one, and a failed write leaves the old file in place.
 */
#ifndef NTKMC_BASE_FILE_H
#define NTKMC_BASE_FILE_H

#include <glib.h>

/*
 * ntkmc_file_replace_begin: creates "@path.XXXXXX" (mode 0666 less the
 * umask, like any new file), opened with @flags (O_WRONLY or O_RDWR).
 * Returns its descriptor and its name in *@tmp (free it with
 * ntkmc_file_replace_end()), or -1 with errno set and *@tmp = NULL.
 */
int ntkmc_file_replace_begin (const char *path, int flags, char **tmp);

/*
 * ntkmc_file_replace_end: @ok says that the caller wrote and closed @tmp
 * completely.  Then @tmp is renamed onto @path; otherwise, or when the
 * rename fails, @tmp is removed.  Frees @tmp.  Returns 0 on success, the
 * errno of a failed rename, or -1 when @ok was FALSE.
 */
int ntkmc_file_replace_end (char *tmp, const char *path, gboolean ok);

#endif
