# SPDX-License-Identifier: MIT
#
# bench/cmap/common.R: what the bench/cmap scripts share, sourced by them
# after they set `script` (their own path): the command line (--lib,
# --scale, --threads), the full-size simulated tensor, peak memory, and
# writing a section of docs/benchmarks.md.

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else args[i + 1L]
}
lib <- opt("lib", NULL)
scale <- as.numeric(opt("scale", "1"))
threads <- as.integer(opt("threads", "2"))
suppressPackageStartupMessages(library(ntkmc, lib.loc = lib))
options(ntkmc.threads = threads)

# The full-size simulated tensor (978 genes, 2,000 drugs, 70 cell lines,
# 15,000 measured profiles), drugs and profiles scaled by --scale.
simulate <- function() {
  simulate_cmap(n_genes = 978L, n_drugs = round(2000 * scale),
                n_cells = 70L, n_profiles = round(15000 * scale),
                n_dense = 12L, threshold = 150L, seed = 1L)
}

# Resident memory of this process (VmHWM: its high-water mark), bytes.
peak_rss <- function(field = "VmHWM") {
  l <- grep(paste0("^", field, ":"), readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) * 1024
}

# The command line as shown in a table (without --lib and --output).
shown_command <- function(name) {
  shown <- args
  for (o in c("--lib", "--output")) {
    i <- match(o, shown)
    if (!is.na(i)) shown <- shown[-c(i, i + 1L)]
  }
  paste(c(paste("Rscript", name), shown), collapse = " ")
}

# Replaces the section between <!-- marker:begin/end --> of file `output`
# with `text`; a new section goes after the line `after` matches (if any),
# else at the end.
write_section <- function(output, marker, text, after = NULL) {
  doc <- readLines(output)
  b <- grep(sprintf("<!-- %s:begin -->", marker), doc, fixed = TRUE)
  e <- grep(sprintf("<!-- %s:end -->", marker), doc, fixed = TRUE)
  a <- if (is.null(after)) integer() else grep(after, doc, fixed = TRUE)
  doc <- if (length(b) == 1L && length(e) == 1L)
    c(doc[seq_len(b - 1L)], text, doc[-seq_len(e)])
  else if (length(a) == 1L)
    c(doc[seq_len(a)], "", text, doc[-seq_len(a)])
  else c(doc, "", text)
  writeLines(doc, output)
}
