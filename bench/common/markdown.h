/* SPDX-License-Identifier: MIT */
/*
 * markdown.h: replacing one benchmark's section of docs/benchmarks.md
 * (header-only; shared by the benchmark programs).
 */
#ifndef NTKMC_BENCH_MARKDOWN_H
#define NTKMC_BENCH_MARKDOWN_H

#include <string.h>
#include <glib.h>

/*
 * bench_write_section: replaces the text between "<!-- NAME:begin -->" and
 * "<!-- NAME:end -->" of the Markdown file @path with @section (appending
 * the markers when absent; creating the file when missing).
 */
static inline gboolean
bench_write_section (const char *path, const char *name, const char *section,
                     GError **error)
{
  char *begin = g_strdup_printf ("<!-- %s:begin -->", name);
  char *end = g_strdup_printf ("<!-- %s:end -->", name);
  gchar *old = NULL;
  GString *doc = g_string_new (NULL);
  char *b, *e;
  gboolean ok;

  if (!g_file_get_contents (path, &old, NULL, NULL))
    old = g_strdup ("# Benchmarks\n");
  b = strstr (old, begin);
  e = b ? strstr (b, end) : NULL;
  if (b != NULL && e != NULL)
    {
      g_string_append_len (doc, old, b - old);
      g_string_append_printf (doc, "%s\n%s%s", begin, section, end);
      g_string_append (doc, e + strlen (end));
    }
  else
    {
      g_string_append (doc, old);
      if (doc->len > 0 && doc->str[doc->len - 1] != '\n')
        g_string_append_c (doc, '\n');
      g_string_append_printf (doc, "\n%s\n%s%s\n", begin, section, end);
    }
  ok = g_file_set_contents (path, doc->str, (gssize) doc->len, error);
  g_string_free (doc, TRUE);
  g_free (old);
  g_free (begin);
  g_free (end);
  return ok;
}

#endif
