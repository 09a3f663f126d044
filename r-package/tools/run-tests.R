# SPDX-License-Identifier: MIT
#
# run-tests.R LIBDIR TESTDIR: runs the package's testthat tests against the
# package installed in LIBDIR and prints automake-style totals for the
# project's test runner:  "# PASS: n" (expectations that passed) and
# "# FAIL: n" (expectations that failed, plus test blocks that stopped with
# an error).  Exits non-zero on any failure.
args <- commandArgs(trailingOnly = TRUE)
lib <- args[1L]
dir <- args[2L]
.libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages({
  library(testthat)
  library(ntkmc)
})
res <- as.data.frame(test_dir(dir, reporter = "summary",
                              stop_on_failure = FALSE))
failed <- sum(res$failed) + sum(res$error)
passed <- sum(res$nb) - sum(res$failed) - sum(res$skipped)
cat(sprintf("# SKIP: %d\n# PASS: %d\n# FAIL: %d\n", sum(res$skipped),
            passed, failed))
quit(status = if (failed > 0L) 1L else 0L)
