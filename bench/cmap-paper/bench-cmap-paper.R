# SPDX-License-Identifier: MIT
#
# bench/cmap-paper/bench-cmap-paper.R: the paper's drug-response comparison
# (Fig. 2, Appendices F-I) with the R package: 5 rounds of 10-fold CV (seeds
# 149, 10, 53, 77, 1928; folds per cell line) of
#   mean over cell type, DNPP, FaLRTC, NTK with the DNPP output as prior,
#   NTK with the FaLRTC output as prior, NTK with the MCF7 reference prior,
#   and NTK with the mixed prior (FaLRTC prior for dense cell lines, MCF7
#   prior for sparse ones: the paper's best method),
# on two data sets with simulated values (simulate_cmap()):
#   sim    the full-size simulated tensor (978 genes, 2,000 drugs, 70 cell
#          lines, ~15,000 measured profiles);
#   lincs  the real LINCS2020 availability pattern (../shared/data/cmap),
#          filtered as the paper does (>= 3 cell lines per drug, >= 3 drugs
#          per cell line) and subsampled by compound to ~15,000 profiles;
# and, as a real-data sanity check (3-fold CV, dense from 5 drugs):
#   real100  the 100 real LINCS2020 profiles (treated - control), written to
#            GCTX and read back through read_gct() and cmap_tensor();
#   modz272  the cmapR fixture's 272 real level-5 signatures (GCTX).
# Metrics overall and by regime (dense: >= 150 training drugs), the corrected
# repeated k-fold t-test of the mixed prior against DNPP (Appendix I), time
# per fold and peak memory.  Every fold is saved
# (RESULTS/<dataset>-<seed>-fold<f>.rds) and reused when the script runs
# again with the same settings, so a long comparison can be stopped and
# resumed; the folds of a round are joined with cmap_cv_combine().  (Rounds
# saved whole, RESULTS/<dataset>-<seed>.rds, by older versions are reused.)  Writes its section of docs/benchmarks.md between
# <!-- bench-cmap-paper:begin/end --> markers, and plots (Fig. 2 style) into
# docs/images/.
#
#   Rscript bench/cmap-paper/bench-cmap-paper.R [--lib DIR] [--datasets sim,lincs,real100,modz272]
#       [--scale 1] [--genes 978] [--seeds 149,10,53,77,1928] [--k 10]
#       [--falrtc-iters 500] [--falrtc-tol 1e-5] [--falrtc-center none]
#       [--falrtc-precision double] [--threads 2]
#       [--results DIR] [--shared DIR] [--threshold 150]
#       [--output docs/benchmarks.md] [--images docs/images]
#       [--marker bench-cmap-paper] [--saved-only]
#
# --falrtc-center cell runs FaLRTC on the data minus each cell line's mean
# profile (cmap_method("falrtc", center = "cell")); "none" is the method as
# the paper uses it.  --falrtc-tol is its stopping tolerance (relative
# change) and --falrtc-precision single runs its products in float (about
# twice as fast; what makes the full-size runs affordable).
#
# --scale s shrinks drugs and profiles (sim) or the compound sample (lincs)
# by s; --genes sets the number of genes.  Both are stated in the output.
#
# --marker names the section of the output that is replaced (between
# <!-- MARKER:begin --> and <!-- MARKER:end -->), so runs at several scales
# or of several data sets can each keep their own; --no-heading leaves out
# the section's "##" heading (for a data set run under its own marker below
# another's section).  --saved-only computes nothing: it reports the rounds
# whose folds are all saved (a long run's progress).
#
# The folds behind the paper-scale tables in docs/benchmarks.md are kept in
# bench/cmap-paper/results/paper-scale/ (a few hundred kB each: metrics per
# held-out profile, no predictions), so the tables can be regenerated with
# --saved-only and an interrupted comparison resumed from any checkout.

args <- commandArgs(trailingOnly = TRUE)
opt <- function(name, default) {
  i <- match(paste0("--", name), args)
  if (is.na(i)) default else args[i + 1L]
}
lib <- opt("lib", NULL)
datasets <- strsplit(opt("datasets", "sim,lincs,real100,modz272"), ",")[[1L]]
scale <- as.numeric(opt("scale", "1"))
n_genes <- as.integer(opt("genes", "978"))
seeds <- as.integer(strsplit(opt("seeds", "149,10,53,77,1928"), ",")[[1L]])
k <- as.integer(opt("k", "10"))
falrtc_iters <- as.integer(opt("falrtc-iters", "500"))
falrtc_tol <- as.numeric(opt("falrtc-tol", "1e-5"))
falrtc_center <- opt("falrtc-center", "none")
falrtc_precision <- opt("falrtc-precision", "double")
threads <- as.integer(opt("threads", "2"))
results <- opt("results", "bench-cmap-paper-results")
shared <- opt("shared", file.path("..", "shared", "data"))
output <- opt("output", file.path("docs", "benchmarks.md"))
images <- opt("images", file.path("docs", "images"))
marker <- opt("marker", "bench-cmap-paper")
saved_only <- "--saved-only" %in% args
heading <- !("--no-heading" %in% args)
image_prefix <- sub("^bench-", "", marker)   # cmap-paper-sim.png by default
suppressPackageStartupMessages(library(ntkmc, lib.loc = lib))
options(ntkmc.threads = threads)
dir.create(results, showWarnings = FALSE, recursive = TRUE)

threshold <- as.integer(opt("threshold", "150"))

methods <- function() {
  falrtc <- cmap_method("falrtc", max_iters = falrtc_iters, tol = falrtc_tol,
                        center = falrtc_center, precision = falrtc_precision)
  dnpp <- cmap_method("dnpp", k = 10L)
  # order matters only for time: a method whose prediction another listed
  # earlier already made on the fold reuses it (see ?cmap_cv)
  list(mean = cmap_method("mean", f = 1),
       dnpp = dnpp,
       falrtc = falrtc,
       ntk_dnpp = cmap_method("ntk", prior = "imputation", imputation = dnpp),
       ntk_falrtc = cmap_method("ntk", prior = "imputation", imputation = falrtc),
       ntk_mcf7 = cmap_method("ntk", prior = "mcf7"),
       ntk_mixed = cmap_method("ntk", prior = "mixed", imputation = falrtc,
                               threshold = threshold))
}

peak_rss <- function() {
  l <- grep("^VmHWM:", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) * 1024
}

# ------------------------------------------------------------------ data sets
make_sim <- function() {
  simulate_cmap(n_genes = n_genes, n_drugs = round(2000 * scale),
                n_cells = 70L, n_profiles = round(15000 * scale),
                n_dense = 12L, threshold = threshold, seed = 1L)
}

# The LINCS2020 pattern: paper filters, then a compound sample of ~15,000 x
# scale profiles (seeded), filtered again; simulated values on it.
make_lincs <- function() {
  f <- file.path(shared, "cmap", "lincs2020_transigen_availability_n78569.tsv.gz")
  if (!file.exists(f)) stop("LINCS2020 availability table not found: ", f)
  av <- utils::read.delim(gzfile(f))
  av <- data.frame(drug = paste0("cp", av$compound_idx), cell = av$cell_id)
  filt <- function(av) repeat {
    n <- nrow(av)
    nc <- table(av$drug)
    av <- av[av$drug %in% names(nc)[nc >= 3L], ]
    nd <- table(av$cell)
    av <- av[av$cell %in% names(nd)[nd >= 3L], ]
    if (nrow(av) == n) return(av)
  }
  av <- filt(av)
  target <- 15000 * scale
  set.seed(1)
  drugs <- sample(unique(av$drug))
  # compounds in random order until the sample holds ~target profiles
  per <- table(av$drug)[drugs]
  keep <- drugs[cumsum(per) <= target]
  av <- filt(av[av$drug %in% keep, ])
  simulate_cmap(n_genes = n_genes, availability = av, threshold = threshold,
                seed = 1L)
}

# The 100 real LINCS2020 profiles (../shared/data/cmap/transigen_example_*):
# signatures (treated - control) / norm, written to a GCTX file with
# write_gct() and read back with read_gct() and cmap_tensor(), as a CMap user
# would: a real-data sanity check of the readers and the methods.
make_real100 <- function() {
  dir <- file.path(shared, "cmap")
  rd <- function(f) {
    t <- utils::read.delim(gzfile(file.path(dir, f)), check.names = FALSE)
    m <- as.matrix(t[, -(1:2)])
    rownames(m) <- as.character(t$gene_id)
    m
  }
  x2 <- rd("transigen_example_x2_n978x100.tsv.gz")
  x1 <- rd("transigen_example_x1_n978x100.tsv.gz")
  meta <- utils::read.delim(file.path(dir, "transigen_example_meta_n100.tsv"))
  sig <- x2 - x1
  sig <- sweep(sig, 2L, sqrt(colSums(sig^2)), "/")
  f <- file.path(results, "real100.gctx")
  write_gct(sig, f, cdesc = data.frame(pert_id = paste0("cp", meta$compound_idx[
    match(colnames(sig), meta$sig)]), cell_id = meta$cell_id[match(colnames(sig), meta$sig)]))
  g <- read_gct(f)
  cmap_tensor(g, sig = "id", min_cells = 1L, min_drugs = 1L)
}

# The real level-5 MODZ signatures of the cmapR fixture (GCTX), by compound
# name: 3 compounds x 65 cell lines.
make_modz272 <- function() {
  g <- read_gct(file.path(shared, "cmap", "cmapR_modzs_n272x978.gctx"))
  cmap_tensor(g, drug = "pert_iname", min_cells = 1L, min_drugs = 1L)
}

# ------------------------------------------------------------------ runs
# A saved result (round or fold) if its file exists and has this setup.
load_saved <- function(f, name) {
  if (!file.exists(f)) return(NULL)
  r <- readRDS(f)
  if (same_setup(saved_setup(r), setup(name))) return(r)
  message(sprintf("%s: saved with another setup, recomputing", f))
  NULL
}

run_round <- function(name, data, seed) {
  whole <- load_saved(file.path(results, sprintf("%s-%d.rds", name, seed)), name)
  if (!is.null(whole)) return(whole)
  files <- file.path(results, sprintf("%s-%d-fold%d.rds", name, seed, seq_len(k)))
  if (saved_only) {
    parts <- lapply(files, load_saved, name)
    if (any(vapply(parts, is.null, TRUE))) return(NULL)
  }
  parts <- lapply(seq_len(k), function(fold) {
    f <- files[fold]
    r <- load_saved(f, name)
    if (!is.null(r)) return(r)
    message(sprintf("[%s] %s: round seed %d, fold %d/%d",
                    format(Sys.time(), "%H:%M:%S"), name, seed, fold, k))
    t0 <- proc.time()[["elapsed"]]
    cv <- cmap_cv(data, methods(), k = k, seeds = seed, which_folds = fold,
                  threshold = threshold, threads = threads, verbose = TRUE)
    r <- list(setup = setup(name), cv = cv,
              seconds = proc.time()[["elapsed"]] - t0, peak = peak_rss())
    saveRDS(r, f)
    r
  })
  list(setup = setup(name), cv = cmap_cv_combine(lapply(parts, `[[`, "cv")),
       seconds = sum(vapply(parts, `[[`, 1, "seconds")),
       peak = max(vapply(parts, `[[`, 1, "peak")))
}

# what a saved round depends on; NA: a setting the data set ignores (the
# real sets ignore --scale and --genes)
setup <- function(name) {
  real <- name %in% c("real100", "modz272")
  list(name = name, scale = if (real) NA else scale,
       genes = if (real) NA else n_genes, k = k, threshold = threshold,
       falrtc_iters = falrtc_iters, falrtc_tol = falrtc_tol,
       falrtc_center = falrtc_center, falrtc_precision = falrtc_precision)
}

# The setup of a saved round, completed from its results where older
# versions of this script did not record a setting: the threshold and k are
# in the cv object, and FaLRTC without a centre setting did not centre.
saved_setup <- function(r) {
  s <- r$setup
  if (is.null(s$threshold)) s$threshold <- r$cv$threshold
  if (is.null(s$k)) s$k <- r$cv$k
  if (is.null(s$falrtc_center))
    s$falrtc_center <- r$cv$methods$falrtc$center %||% "none"
  if (is.null(s$falrtc_tol)) s$falrtc_tol <- r$cv$methods$falrtc$tol
  if (is.null(s$falrtc_precision))
    s$falrtc_precision <- r$cv$methods$falrtc$precision %||% "double"
  s
}

`%||%` <- function(a, b) if (is.null(a)) b else a

# Two setups are the same when every setting agrees: numbers by value (an
# integer 10 equals a double 10), and a setting that is NA on either side
# (ignored by the data set) or missing from both agrees with anything.
same_setup <- function(a, b) {
  for (n in union(names(a), names(b))) {
    x <- a[[n]]
    y <- b[[n]]
    if (is.null(x) && is.null(y)) next
    if (is.null(x) || is.null(y) || length(x) != 1L || length(y) != 1L)
      return(FALSE)
    if (is.na(x) || is.na(y)) next
    same <- if (is.numeric(x) && is.numeric(y)) isTRUE(all.equal(x, y))
            else identical(as.character(x), as.character(y))
    if (!same) return(FALSE)
  }
  TRUE
}

# one ntkmc_cv object over the rounds
merge_rounds <- function(rounds) {
  cvs <- lapply(rounds, `[[`, "cv")
  out <- cvs[[1L]]
  for (part in c("folds", "overall", "profiles", "assignment"))
    out[[part]] <- do.call(rbind, lapply(cvs, `[[`, part))
  out
}

# The paper's claims about these methods (Fig. 2C-D, Appendices F and I)
# next to what this run measured: each claim as the paper states it, the
# measured differences (overall values, averaged over rounds) with the folds
# won (per fold and round, cmap_compare()'s pairing), and whether it holds.
claims_lines <- function(cv) {
  and_list <- function(x) if (length(x) < 3L) paste(x, collapse = " and ")
                          else paste(paste(x[-length(x)], collapse = ", "), "and", x[length(x)])
  need <- c("mean", "dnpp", "falrtc", "ntk_dnpp", "ntk_falrtc", "ntk_mcf7", "ntk_mixed")
  if (!all(need %in% names(cv$methods))) return(character())
  o <- summary(cv)
  mets <- c(mean_r2 = "R^2", mean_cosine = "cosine", pearson = "r")
  labels <- c(mean = "the mean", dnpp = "DNPP", falrtc = "FaLRTC")
  val <- function(m, met, rg) o[[met]][o$method == m & o$regime == rg]
  signed <- function(x) sprintf("%+.3f", x)
  # a against b in regime rg: overall difference and folds won, per metric
  against <- function(a, b, rg) {
    lapply(names(mets), function(met) {
      d <- cmap_compare(cv, a, b, metric = met, regime = rg)$differences
      list(metric = met, diff = val(a, met, rg) - val(b, met, rg),
           won = sum(d > 0), n = length(d))
    })
  }
  every_fold <- function(a, b, rg) {
    r <- against(a, b, rg)
    text <- paste(vapply(r, function(x) sprintf("%s %s (%d/%d folds)", mets[[x$metric]],
                                                signed(x$diff), x$won, x$n), ""),
                  collapse = ", ")
    won <- vapply(r, function(x) x$won, 1)
    n <- vapply(r, function(x) x$n, 1)
    holds <- if (all(won == n)) "yes"
             else if (all(won == 0)) "no: behind on every fold"
             else "no: not on every fold"
    c(text, holds)
  }
  ahead_of_all <- function(a, rg) {
    rows <- lapply(names(labels), function(b) {
      r <- against(a, b, rg)
      list(b = b, diff = vapply(r, function(x) x$diff, 1))
    })
    text <- paste(vapply(rows, function(x) sprintf("%s: %s", labels[[x$b]],
                                                   paste(signed(x$diff), collapse = " / ")), ""),
                  collapse = "; ")
    behind <- vapply(rows, function(x) any(x$diff <= 0), TRUE)
    holds <- if (!any(behind)) "yes"
             else sprintf("no: behind %s", and_list(labels[vapply(rows[behind], `[[`, "", "b")]))
    c(sprintf("%s (R^2 / cosine / r)", text), holds)
  }
  t_r2 <- cmap_compare(cv, "ntk_mixed", "dnpp", metric = "mean_r2")
  t_cos <- cmap_compare(cv, "ntk_mixed", "dnpp", metric = "mean_cosine")
  mix <- every_fold("ntk_mixed", "dnpp", "all")
  p_max <- max(t_r2$p.value, t_cos$p.value)
  rows <- list(
    c("The NTK with DNPP's output as prior improves on DNPP in every metric on every fold (Appendix F, Fig. 5)",
      every_fold("ntk_dnpp", "dnpp", "all")),
    c("The NTK with FaLRTC's output as prior improves on FaLRTC in every metric on every fold (Appendix F, Fig. 6)",
      every_fold("ntk_falrtc", "falrtc", "all")),
    c("In the sparse regime the NTK with the MCF7 prior is ahead of the mean over cell type, FaLRTC and DNPP (Fig. 2C)",
      ahead_of_all("ntk_mcf7", "sparse")),
    c("On all profiles the mixed prior (FaLRTC dense, MCF7 sparse) is ahead of DNPP, FaLRTC and the mean over cell type (Fig. 2D)",
      ahead_of_all("ntk_mixed", "all")),
    c("The mixed prior is ahead of DNPP on every fold of every round in every metric, p < 1e-20 (Appendix I)",
      sprintf("%s; t = %.1f (R^2), %.1f (cosine), p <= %.2g with %d df",
              mix[1L], t_r2$statistic, t_cos$statistic, p_max,
              as.integer(t_r2$parameter)),
      if (mix[2L] != "yes") mix[2L]
      else if (p_max < 1e-20) "yes"
      else "every fold: yes; p < 1e-20 needs more folds (the paper's 5 rounds)"))
  c("", "The paper's claims (on the real CMAP data) next to this run; differences are this run's overall values minus the other method's, folds are those where the method is ahead:",
    "", "| the paper's claim | measured here | holds |", "|---|---|---|",
    vapply(rows, function(r) sprintf("| %s | %s | %s |", r[1L], r[2L], r[3L]), ""))
}

# Sparse test profiles of drugs the reference line never measured: the
# MCF7 prior can embed them only by the mean reference profile.  Mean R^2
# by whether the reference measured the drug, and the mixed prior with such
# targets routed to the imputation prior (cmap_method(..., no_reference =
# "imputation")).  A target's prediction does not depend on the other
# targets, so that variant's per-profile metrics are ntk_falrtc's on the
# dense and unreferenced sparse profiles and ntk_mcf7's on the others: its
# mean R^2 and mean cosine per fold follow exactly from the saved
# per-profile metrics (the pooled Pearson r does not).
no_reference_lines <- function(cv) {
  if (!all(c("dnpp", "ntk_falrtc", "ntk_mcf7", "ntk_mixed") %in% names(cv$methods)))
    return(character())
  ref <- cv$reference
  a <- cv$assignment
  seen <- unique(paste(a$seed, a$drug)[a$cell == ref])
  p <- cv$profiles
  p$unref <- !(paste(p$seed, p$drug) %in% seen)
  fold_means <- function(q) {
    q$regime <- as.character(q$regime)
    q <- rbind(q, transform(q, regime = "all"))
    stats::aggregate(cbind(mean_r2 = r2, mean_cosine = cosine) ~ seed + fold + regime,
                     data = q, FUN = mean)
  }
  # the derivation holds: ntk_mixed's per-fold means from its profiles are
  # the ones cmap_cv() reported
  chk <- fold_means(p[p$method == "ntk_mixed", ])
  f <- cv$folds[cv$folds$method == "ntk_mixed" & cv$folds$n_test > 0L, ]
  j <- match(paste(f$seed, f$fold, f$regime), paste(chk$seed, chk$fold, chk$regime))
  stopifnot(!anyNA(j), isTRUE(all.equal(f$mean_r2, chk$mean_r2[j])))
  routed <- rbind(p[p$method == "ntk_falrtc" & (p$regime == "dense" | p$unref), ],
                  p[p$method == "ntk_mcf7" & p$regime == "sparse" & !p$unref, ])
  name <- "ntk_mixed_noref"
  rf <- fold_means(routed)
  add <- f[, c("method", "seed", "fold", "regime", "n_test", "n_train")]
  add$method <- name
  j <- match(paste(add$seed, add$fold, add$regime), paste(rf$seed, rf$fold, rf$regime))
  add$pearson <- NA_real_
  add$mean_r2 <- rf$mean_r2[j]
  add$mean_cosine <- rf$mean_cosine[j]
  add$seconds <- NA_real_
  cv2 <- cv
  cv2$folds <- rbind(cv$folds[, names(add)], add)
  cv2$methods[[name]] <- cv$methods$ntk_mixed
  sp <- p[p$regime == "sparse", ]
  n_ref <- sum(sp$method == "ntk_mcf7" & !sp$unref)
  n_unref <- sum(sp$method == "ntk_mcf7" & sp$unref)
  by_ref <- function(q, m) {
    v <- function(u) mean(q$r2[q$method == m & q$unref == u])
    sprintf("| %s | %s | %s |", m, fmt(v(FALSE)), fmt(v(TRUE)))
  }
  sp_routed <- routed[routed$regime == "sparse", ]
  sp_routed$method <- name
  ov <- function(metric, rg) fmt(mean(rf[[metric]][rf$regime == rg]))
  t_r2 <- cmap_compare(cv2, name, "dnpp", metric = "mean_r2")
  t_cos <- cmap_compare(cv2, name, "dnpp", metric = "mean_cosine")
  t_mix <- cmap_compare(cv2, name, "ntk_mixed", metric = "mean_r2")
  c("", sprintf("Sparse test profiles of drugs the reference line (%s) never measured: %d of %d (%.0f%%); the MCF7 prior embeds them by the mean %s profile. Mean R^2 on the sparse profiles, by whether %s measured the drug (the last row: the mixed prior with those targets given the FaLRTC prior, `no_reference = \"imputation\"`):",
                ref, n_unref, n_ref + n_unref, 100 * n_unref / (n_ref + n_unref), ref, ref),
    "",
    sprintf("| method | %s measured the drug (%d) | %s did not (%d) |", ref, n_ref, ref, n_unref),
    "|---|---|---|",
    vapply(c("mean", "dnpp", "falrtc", "ntk_falrtc", "ntk_mcf7", "ntk_mixed"),
           function(m) by_ref(sp, m), ""),
    by_ref(sp_routed, name),
    "",
    sprintf("%s (from the per-profile metrics of ntk_falrtc and ntk_mcf7; a target's prediction does not depend on the other targets): mean R^2 %s / %s / %s, mean cosine %s / %s / %s (all / dense / sparse); against DNPP t = %.2f (mean R^2), %.2f (mean cosine); against ntk_mixed t = %.2f (mean R^2, p = %.2g), %d df.",
            name, ov("mean_r2", "all"), ov("mean_r2", "dense"), ov("mean_r2", "sparse"),
            ov("mean_cosine", "all"), ov("mean_cosine", "dense"), ov("mean_cosine", "sparse"),
            t_r2$statistic, t_cos$statistic, t_mix$statistic, t_mix$p.value,
            as.integer(t_mix$parameter)))
}

# the plot of a data set: cmap-paper-sim.png by default; a marker that
# already ends in the data set's name is not repeated
# (bench-cmap-paper-lincs: cmap-paper-lincs.png)
image_file <- function(name, suffix = "") {
  if (endsWith(image_prefix, paste0("-", name))) paste0(image_prefix, suffix, ".png")
  else sprintf("%s-%s%s.png", image_prefix, name, suffix)
}

fmt <- function(x, d = 3) ifelse(is.na(x), "-", formatC(x, format = "f", digits = d))

section <- function(name, data, rounds) {
  cv <- merge_rounds(rounds)
  ov <- stats::aggregate(cbind(pearson, mean_r2, mean_cosine) ~ method + regime,
                         data = cv$overall, FUN = mean)
  sec <- stats::aggregate(seconds ~ method, data = cv$folds, FUN = mean)
  obs <- ncol(data$x)
  counts <- table(data$design$cell)
  plural <- if (length(rounds) == 1L) "" else "s"
  lines <- c(
    sprintf("### %s", switch(name,
      sim = "Simulated tensor (simulate_cmap)",
      lincs = "LINCS2020 availability pattern, simulated values",
      real100 = "100 real LINCS2020 profiles (treated - control), through write_gct/read_gct",
      modz272 = "272 real level-5 MODZ signatures (cmapR fixture, GCTX), by compound")),
    "",
    sprintf("%d genes, %d drugs, %d cell lines, %d measured profiles (%d cell lines with >= %d drugs); %d round%s of %d-fold CV (seed%s %s); FaLRTC to a relative change of %g or at most %d iterations%s%s.",
            nrow(data$x), nlevels(data$design$drug), nlevels(data$design$cell),
            obs, sum(counts >= threshold), threshold, length(rounds), plural, k, plural,
            paste(vapply(rounds, function(r) r$cv$folds$seed[1L], 1), collapse = ", "),
            falrtc_tol, falrtc_iters,
            if (falrtc_center == "cell") ", centred by cell line" else "",
            if (falrtc_precision == "single") ", single-precision products" else ""),
    "",
    "| method | Pearson r (all / dense / sparse) | mean R^2 (all / dense / sparse) | mean cosine (all / dense / sparse) | s per fold |",
    "|---|---|---|---|---|")
  for (m in names(cv$methods)) {
    cell <- function(metric) paste(vapply(c("all", "dense", "sparse"), function(rg) {
      v <- ov[[metric]][ov$method == m & ov$regime == rg]
      if (length(v) == 1L) fmt(v) else "-"
    }, ""), collapse = " / ")
    lines <- c(lines, sprintf("| %s | %s | %s | %s | %.1f |", m, cell("pearson"),
                              cell("mean_r2"), cell("mean_cosine"),
                              sec$seconds[sec$method == m]))
  }
  metrics <- c("mean_r2", "mean_cosine", "pearson")
  tests <- lapply(metrics, function(metric)
    cmap_compare(cv, "ntk_mixed", "dnpp", metric = metric))
  wins <- stats::setNames(vapply(tests, function(t) mean(t$differences > 0), 1), metrics)
  lines <- c(lines, "",
    "Corrected repeated k-fold t-test (Appendix I), NTK mixed prior vs DNPP, one-sided; the paper reports t = 18.29 (p = 7.7e-24) for mean R^2 and t = 14.75 (p = 5.9e-20) for mean cosine, and an improvement on every fold:",
    "",
    "| metric | t | df | p | folds where NTK mixed > DNPP |",
    "|---|---|---|---|---|")
  for (i in seq_along(tests))
    lines <- c(lines, sprintf("| %s | %.2f | %d | %.2g | %.0f%% |",
                              names(wins)[i], tests[[i]]$statistic,
                              as.integer(tests[[i]]$parameter), tests[[i]]$p.value,
                              100 * wins[i]))
  lines <- c(lines, claims_lines(cv), no_reference_lines(cv))
  peak <- max(vapply(rounds, `[[`, 1, "peak"))
  lines <- c(lines, "",
    sprintf("Peak resident memory of the run: %.1f GB; wall time per round: %s s.",
            peak / 1e9, paste(sprintf("%.0f", vapply(rounds, `[[`, 1, "seconds")),
                              collapse = ", ")),
    "", sprintf("![%s](images/%s)", name, image_file(name)), "")
  dir.create(images, showWarnings = FALSE, recursive = TRUE)
  grDevices::png(file.path(images, image_file(name)),
                 width = 1200, height = 420, res = 100)
  plot(cv)
  grDevices::dev.off()
  # the differences the t-test is about, fold by fold (the mean over cell
  # type, far below, would flatten the others)
  if ("dnpp" %in% names(cv$methods)) {
    shown <- setdiff(names(cv$methods), "mean")
    lines <- c(lines,
      "Per fold, each method's metric minus DNPP's on the same fold (points: the folds of every round; bar: their mean):",
      "", sprintf("![%s, per fold against DNPP](images/%s)", name,
                  image_file(name, "-vs-dnpp")), "")
    grDevices::png(file.path(images, image_file(name, "-vs-dnpp")),
                   width = 1200, height = 420, res = 100)
    plot(cv, baseline = "dnpp", methods = shown)
    grDevices::dev.off()
  }
  lines
}

out <- c()
k_all <- k
threshold_all <- threshold
for (name in datasets) {
  data <- switch(name, sim = make_sim(), lincs = make_lincs(),
                 real100 = make_real100(), modz272 = make_modz272(),
                 stop("unknown data set: ", name))
  # the real sets are small: 3 folds, and "dense" from 5 training drugs
  small <- name %in% c("real100", "modz272")
  k <- if (small) 3L else k_all
  threshold <- if (small) 5L else threshold_all
  rounds <- Filter(Negate(is.null), lapply(seeds, function(s) run_round(name, data, s)))
  out <- c(out, if (length(rounds)) section(name, data, rounds)
                else c(sprintf("### %s: no complete round saved yet", name), ""))
}

command <- c(sprintf("`Rscript bench/cmap-paper/bench-cmap-paper.R --datasets %s --scale %g --genes %d --threshold %d --falrtc-iters %d --falrtc-tol %g --falrtc-center %s --falrtc-precision %s --threads %d%s%s`, %s.",
                  paste(datasets, collapse = ","), scale, n_genes,
                  threshold_all, falrtc_iters, falrtc_tol, falrtc_center,
                  falrtc_precision, threads,
                  if (marker != "bench-cmap-paper") paste(" --marker", marker) else "",
                  if (heading) "" else " --no-heading",
                  format(Sys.Date())), "")
text <- if (heading) {
  c(sprintf("## The paper's CMAP comparison (bench/cmap-paper)%s",
            if (scale == 1 && n_genes == 978) ", at the paper's scale"
            else sprintf(", reduced scale (%g, %d genes)", scale, n_genes)), "",
    command, out)
} else c(out[1:2], command, out[-(1:2)])   # the command under the "###" heading
text <- c(sprintf("<!-- %s:begin -->", marker), text, sprintf("<!-- %s:end -->", marker))
doc <- if (file.exists(output)) readLines(output) else character()
b <- grep(sprintf("<!-- %s:begin -->", marker), doc, fixed = TRUE)
e <- grep(sprintf("<!-- %s:end -->", marker), doc, fixed = TRUE)
doc <- if (length(b) && length(e)) {
  c(doc[seq_len(b - 1L)], text, doc[-seq_len(e)])
} else c(doc, "", text)
writeLines(doc, output)
cat(text, sep = "\n")
