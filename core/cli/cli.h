/* SPDX-License-Identifier: MIT */
/*
 * cli.h: the subcommands of the ntkmc command-line tool.  The tool is a front
 * end: it uses only the public header <ntkmc/ntkmc.h>.
 *
 * Each subcommand takes the arguments after its name (argv[0] = the
 * subcommand) and returns the process exit status: 0 on success, 1 on a
 * runtime error (message on stderr), 2 on a usage error.
 */
#ifndef NTKMC_CLI_H
#define NTKMC_CLI_H

#include <ntkmc/ntkmc.h>

typedef int (*NtkmcCliCommand) (int argc, char **argv);

/*
 * ntkmc_cli_run: runs @cmd on argv[1..] with its argv[0] set to
 * "argv[0] argv[1]" (e.g. "ntkmc kernel"), so that nested subcommands and
 * --help's usage line ("ntkmc kernel info [OPTION...]") name the full
 * command, and the demo can print runnable command lines.
 */
int ntkmc_cli_run (NtkmcCliCommand cmd, int argc, char **argv);

int ntkmc_cli_complete (int argc, char **argv);
int ntkmc_cli_kernel (int argc, char **argv);
int ntkmc_cli_demo (int argc, char **argv);
int ntkmc_cli_inpaint (int argc, char **argv);
int ntkmc_cli_gct (int argc, char **argv);
int ntkmc_cli_kernel_row (int argc, char **argv);
int ntkmc_cli_kernel_heatmap (int argc, char **argv);

/* "kernel compute --arch": returns the exit status. */
int ntkmc_cli_cntk_compute (const char *arch, const char *size,
                            const char *prior, gboolean general,
                            const char *dtype, int threads, const char *out);

/* Parses "WxH" (e.g. 512x384). */
gboolean ntkmc_cli_parse_size (const char *text, size_t *width,
                               size_t *height, GError **error);

/* The network options of "complete" and "kernel compute". */
typedef struct {
  char *activation;        /* NULL = relu */
  int depth;               /* -1 = not given (1) */
  double identity_weight;
  int threads;             /* 0 = all cores */
} NtkmcCliNetwork;

/* Adds --activation, --depth, --identity-weight and --threads. */
void ntkmc_cli_network_add_options (GOptionContext *octx, NtkmcCliNetwork *net);
/* TRUE when any of --activation, --depth, --identity-weight was given. */
gboolean ntkmc_cli_network_given (const NtkmcCliNetwork *net);
/* Fills @opt (defaults for what was not given); FALSE on a bad activation. */
gboolean ntkmc_cli_network_resolve (const NtkmcCliNetwork *net,
                                    NtkmcNtkOptions *opt, GError **error);
void ntkmc_cli_network_clear (NtkmcCliNetwork *net);

/*
 * ntkmc_cli_load_prior: reads a feature prior file (one row per item, one
 * column per feature) and returns Z, p x n column-major (g_free it); sets
 * @p and, when non-NULL, @n.  With
 * @in (nullable), n = the columns of @in and prior rows are matched to them
 * by name when both files carry names, else by position.
 */
double *ntkmc_cli_load_prior (const char *path, const NtkmcTable *in,
                              size_t *p, size_t *n, GError **error);

/* A progress callback printing a percentage on standard error. */
gboolean ntkmc_cli_print_progress (double fraction, const char *message,
                                   gpointer data);

/* Prints "ntkmc: <context>: <message>" on stderr and frees @error. */
void ntkmc_cli_report_error (const char *context, GError *error);

#endif
