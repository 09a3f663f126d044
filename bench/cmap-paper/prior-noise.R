# SPDX-License-Identifier: MIT
#
# bench/cmap-paper/prior-noise.R: when does the NTK improve on the method
# whose output it takes as prior (the paper's Appendix F, Figs. 5-6)?
#
# The NTK with an imputation prior is kernel regression from the embedding
# [prior profile, 1.5 e_i] (normalized) to the measured profiles: a smoother
# over the training profiles.  It can add to a prior that is noisy or
# miscalibrated and can only lose detail from one that is already close to
# the truth.  This script measures that on the simulated tensor at reduced
# scale (simulate_cmap(), 200 genes, 200 drugs, 70 cell lines, 1,500
# profiles, "dense" from 15 training drugs), one round of 10-fold CV (seed
# 149), for noise levels of the simulation, with
#   DNPP, FaLRTC (plain, as the paper uses it, and centred by cell line),
#   the NTK with each of them as prior, and the NTK with the true profiles
#   as prior (the ceiling of the NTK's map from prior to prediction).
# Every noise level's result is saved (RESULTS/noise-<level>.rds) and reused.
# Writes its table between <!-- bench-cmap-prior-noise:begin/end --> in the
# output.
#
#   Rscript bench/cmap-paper/prior-noise.R [--lib DIR] [--noise 0.5,1,2]
#       [--threads 1] [--results DIR] [--output docs/benchmarks.md]

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else args[i + 1L]
}
lib <- opt("lib", NULL)
noise <- as.numeric(strsplit(opt("noise", "0.5,1,2"), ",")[[1L]])
threads <- as.integer(opt("threads", "1"))
results <- opt("results", "bench-cmap-paper-results")
output <- opt("output", file.path("docs", "benchmarks.md"))
suppressPackageStartupMessages(library(ntkmc, lib.loc = lib))
dir.create(results, showWarnings = FALSE, recursive = TRUE)
threshold <- 15L

run_level <- function(nz) {
  f <- file.path(results, sprintf("noise-%g.rds", nz))
  if (file.exists(f)) return(readRDS(f))
  message(sprintf("[%s] noise %g", format(Sys.time(), "%H:%M:%S"), nz))
  d <- simulate_cmap(n_genes = 200L, n_drugs = 200L, n_cells = 70L,
                     n_profiles = 1500L, n_dense = 12L, threshold = threshold,
                     seed = 1L, noise = nz)
  dnpp <- cmap_method("dnpp")
  plain <- cmap_method("falrtc")
  centred <- cmap_method("falrtc", center = "cell")
  imp <- function(m) cmap_method("ntk", prior = "imputation", imputation = m)
  methods <- list(mean = cmap_method("mean"), dnpp = dnpp,
                  ntk_dnpp = imp(dnpp), falrtc_plain = plain,
                  ntk_falrtc_plain = imp(plain), falrtc_centred = centred,
                  ntk_falrtc_centred = imp(centred),
                  ntk_truth = imp(d))     # the data itself: true profiles
  cv <- cmap_cv(d, methods, k = 10L, seeds = 149L, threshold = threshold,
                threads = threads, verbose = FALSE)
  saveRDS(cv, f)
  cv
}

fmt <- function(x) formatC(x, format = "f", digits = 3)
pairs <- list(c("ntk_dnpp", "dnpp"), c("ntk_falrtc_plain", "falrtc_plain"),
              c("ntk_falrtc_centred", "falrtc_centred"))
lines <- c(
  "| noise | mean over cell type | DNPP -> NTK | FaLRTC plain -> NTK | FaLRTC centred -> NTK | NTK, true profiles as prior |",
  "|---|---|---|---|---|---|")
for (nz in noise) {
  cv <- run_level(nz)
  fo <- cv$folds[cv$folds$regime == "dense", ]
  r2 <- function(m) mean(fo$mean_r2[fo$method == m])
  cos <- function(m) mean(fo$mean_cosine[fo$method == m])
  wins <- function(a, b) {
    x <- fo[fo$method == a, ]
    y <- fo[fo$method == b, ]
    mean(x$mean_r2 > y$mean_r2[match(x$fold, y$fold)])
  }
  cell <- function(p)
    sprintf("%s -> %s (%+.3f, %d/10 folds; cosine %+.3f)", fmt(r2(p[2])),
            fmt(r2(p[1])), r2(p[1]) - r2(p[2]), round(10 * wins(p[1], p[2])),
            cos(p[1]) - cos(p[2]))
  lines <- c(lines, sprintf("| %g | %s | %s | %s | %s | %s |", nz,
                            fmt(r2("mean")), cell(pairs[[1L]]),
                            cell(pairs[[2L]]), cell(pairs[[3L]]),
                            fmt(r2("ntk_truth"))))
}

text <- c("<!-- bench-cmap-prior-noise:begin -->",
          sprintf("`Rscript bench/cmap-paper/prior-noise.R --noise %s`, %s. Mean R^2 of the dense test profiles (cell lines with >= 15 training drugs) over one round of 10-fold CV (seed 149): the prior method -> the NTK with its output as prior (difference, folds where the NTK is ahead; difference in mean cosine).",
                  paste(noise, collapse = ","), format(Sys.Date())),
          "", lines, "", "<!-- bench-cmap-prior-noise:end -->")
doc <- if (file.exists(output)) readLines(output) else character()
b <- grep("<!-- bench-cmap-prior-noise:begin -->", doc, fixed = TRUE)
e <- grep("<!-- bench-cmap-prior-noise:end -->", doc, fixed = TRUE)
doc <- if (length(b) && length(e)) {
  c(doc[seq_len(b - 1L)], text, doc[-seq_len(e)])
} else c(doc, "", text)
writeLines(doc, output)
cat(text, sep = "\n")
