#' Cross-validation folds, as the paper draws them
#'
#' Assigns the measured profiles to `k` folds *per cell line*: each cell
#' line's drugs are shuffled and cut into `k` folds of nearly equal size, so
#' every fold tests about 1/k of the drugs of every cell line (paper Appendix
#' I; the reference code's `get_splits_in_cell_type`).  The reference cell
#' line is never tested (it stays in training), and cell lines with fewer
#' drugs than folds are not tested either (a message names them).
#'
#' @param x CMAP data (see [cmap_data()]).
#' @param k number of folds (10).
#' @param seed random seed; the caller's random state is left as it was.
#' @param reference the training-only reference cell line (`NULL`: none).
#' @param quiet suppress the message about excluded cell lines.
#' @return A data frame with one row per measured profile: `drug`, `cell`,
#'   `fold` (1..k, or `NA` for training only).
#' @examples
#' cm <- simulate_cmap(n_genes = 20, n_drugs = 30, n_cells = 6,
#'                     n_profiles = 100, n_dense = 2, threshold = 20)
#' f <- cmap_folds(cm, k = 5, seed = 149)
#' table(f$cell, f$fold, useNA = "ifany")
#' @export
cmap_folds <- function(x, k = 10L, seed = 149L, reference = "MCF7",
                       quiet = FALSE) {
  cm <- cmap_data(x)
  k <- check_count(k, "k", 2L)
  seed <- check_count(seed, "seed", 0L)
  obs <- cmap_observed(cm)
  d <- cm$design[obs, , drop = FALSE]
  fold <- rep(NA_integer_, nrow(d))
  counts <- table(d$cell)
  small <- setdiff(names(counts)[counts < k], reference)
  small <- small[counts[small] > 0L]
  if (length(small) > 0L && !check_flag(quiet, "quiet"))
    message(sprintf("cmap_folds: %d cell line%s with fewer than %d drugs only train: %s%s",
                    length(small), if (length(small) > 1L) "s" else "", k,
                    paste(utils::head(small, 10L), collapse = ", "),
                    if (length(small) > 10L) ", ..." else ""))
  with_seed(seed, {
    for (c in levels(d$cell)) {
      if (identical(c, reference) || c %in% small) next
      rows <- which(d$cell == c)
      if (length(rows) == 0L) next
      n <- length(rows)
      sizes <- rep(n %/% k, k) + (seq_len(k) <= n %% k)
      fold[rows[sample.int(n)]] <- rep(seq_len(k), sizes)
    }
  })
  data.frame(drug = d$drug, cell = d$cell, fold = fold)
}

#' Cross-validate imputation methods
#'
#' Runs k-fold cross-validation as the paper does (folds per cell line, see
#' [cmap_folds()]), for one or several seeds, or with fold assignments given
#' by the caller, and scores every method on every fold with the paper's
#' metrics ([cmap_metrics()]), overall and by regime: a test profile is
#' *dense* when its cell line has at least `threshold` training profiles in
#' that fold, *sparse* otherwise.
#'
#' @param x CMAP data (see [cmap_data()]).
#' @param methods a named list of [cmap_method()] objects (or one method).
#' @param k number of folds.
#' @param seeds one or more seeds; each gives a round of k-fold CV (the
#'   paper's: 149, 10, 53, 77, 1928).
#' @param folds explicit fold assignments instead of seeds: a data frame with
#'   columns `drug`, `cell`, `fold` (and optionally `seed`, one round per
#'   value); measured profiles it does not list, or lists with fold `NA`,
#'   only train.
#' @param which_folds run only these folds of each round (e.g. `1` for a
#'   single train/test split); default all.
#' @param reference the training-only reference cell line.
#' @param threshold the dense/sparse boundary (training drugs per cell line).
#' @param keep_predictions keep the predicted profiles (one genes x profiles
#'   matrix per method and round).
#' @param threads threads for the NTK.
#' @param verbose report progress (one line per fold and method).
#' @return An object of class `ntkmc_cv`, a list with
#'   * `folds`: per method, round (`seed`), fold and regime (`all`, `dense`,
#'     `sparse`): `n_test`, `n_train`, `pearson`, `mean_r2`, `mean_cosine` and
#'     `seconds` (time of the method on the fold; predictions another method
#'     already made on that fold, e.g. the FaLRTC run behind a FaLRTC prior,
#'     are reused and not counted again);
#'   * `overall`: per method, round and regime, the metrics over all folds'
#'     test profiles stacked (the paper's numbers);
#'   * `profiles`: per method, round and test profile: `fold`, `regime`,
#'   `r2`, `cosine`;
#'   * `moments`: per method, round, fold and regime, the count, means,
#'     centred sums of squares and cross-product of the true and predicted
#'     values, from which [cmap_cv_combine()] computes the stacked Pearson r
#'     of folds run separately;
#'   * `falrtc`: per FaLRTC method, round and fold, the run's
#'     `iterations`, whether it `converged`, its last `rel_change` and
#'     `seconds` (`NULL` without FaLRTC methods);
#'   * `assignment`: the folds used; `predictions` when kept.
#' @seealso [cmap_compare()] for the corrected t-test, [plot.ntkmc_cv()],
#'   [cmap_cv_combine()] to join folds or rounds run separately.
#' @examples
#' cm <- simulate_cmap(n_genes = 30, n_drugs = 30, n_cells = 6,
#'                     n_profiles = 110, n_dense = 2, threshold = 20)
#' cv <- cmap_cv(cm, list(ntk = cmap_method("ntk", prior = "mcf7"),
#'                        mean = cmap_method("mean")),
#'               k = 5, seeds = c(149, 10), threshold = 20, verbose = FALSE)
#' cv
#' cmap_compare(cv, "ntk", "mean", metric = "mean_r2")
#' @export
cmap_cv <- function(x, methods = list(ntk_mcf7 = cmap_method("ntk", prior = "mcf7"),
                                      mean = cmap_method("mean")),
                    k = 10L, seeds = 149L, folds = NULL, which_folds = NULL,
                    reference = "MCF7", threshold = 150L,
                    keep_predictions = FALSE, threads = default_threads(),
                    verbose = interactive()) {
  cm <- cmap_data(x)
  if (inherits(methods, "ntkmc_method")) methods <- list(methods)
  if (!is.list(methods) || length(methods) == 0L ||
      !all(vapply(methods, inherits, TRUE, "ntkmc_method")))
    stopf("'methods' must be a list of cmap_method() objects")
  if (is.null(names(methods)))
    names(methods) <- vapply(methods, format, "")
  check_unique_names(names(methods), "method")
  reference <- check_string(reference, "reference")
  threshold <- check_count(threshold, "threshold", 1L)
  check_flag(keep_predictions, "keep_predictions")
  check_flag(verbose, "verbose")
  for (m in methods) check_reference(cm, reference, m)
  obs <- which(cmap_observed(cm))
  data <- cmap_subset(cm, obs)
  assign <- if (is.null(folds)) {
    seeds <- vapply(seeds, check_count, 1L, "seeds", 0L)
    if (length(seeds) == 0L || anyDuplicated(seeds))
      stopf("'seeds' must be distinct whole numbers")
    do.call(rbind, lapply(seeds, function(s)
      cbind(cmap_folds(data, k, s, reference, quiet = s != seeds[1L]), seed = s)))
  } else explicit_folds(data, folds)
  ctx <- list(reference = reference, threads = check_threads(threads),
              verbose = FALSE)
  rounds <- unique(assign$seed)
  fold_rows <- list()
  moment_rows <- list()
  falrtc_rows <- list()
  prof_rows <- list()
  overall_rows <- list()
  preds <- list()
  for (s in rounds) {
    a <- assign[assign$seed == s, , drop = FALSE]
    fold_of <- a$fold[match(paste(data$design$cell, data$design$drug, sep = "\r"),
                            paste(a$cell, a$drug, sep = "\r"))]
    fs <- sort(unique(stats::na.omit(fold_of)))
    if (!is.null(which_folds)) fs <- intersect(fs, which_folds)
    if (length(fs) == 0L) stopf("round %s has no fold to test", s)
    tested <- !is.na(fold_of) & fold_of %in% fs
    regime <- rep(NA_character_, length(fold_of))
    for (f in fs) {
      test <- which(fold_of == f)
      train <- cmap_subset(data, -test)
      counts <- tabulate(train$design$cell, nlevels(train$design$cell))
      regime[test] <- ifelse(counts[as.integer(data$design$cell[test])] >= threshold,
                             "dense", "sparse")
    }
    # one memo per training set, shared by the methods (see memo_key())
    memos <- lapply(fs, function(f) new.env(parent = emptyenv()))
    names(memos) <- fs
    for (mname in names(methods)) {
      pred_all <- matrix(NA_real_, nrow(data$x), ncol(data$x),
                         dimnames = dimnames(data$x))
      for (f in fs) {
        test <- which(fold_of == f)
        train <- cmap_subset(data, -test)
        targets <- data$design[test, , drop = FALSE]
        check_cells_trained(train, targets)
        t0 <- proc.time()[["elapsed"]]
        ctx$memo <- memos[[as.character(f)]]
        pred <- impute_targets(train, targets, methods[[mname]], ctx)
        secs <- proc.time()[["elapsed"]] - t0
        if (!is.null(rep <- attr(pred, "falrtc")))
          falrtc_rows[[length(falrtc_rows) + 1L]] <- data.frame(
            method = mname, seed = s, fold = f, iterations = rep$iterations,
            converged = rep$converged == 1, rel_change = rep$rel_change,
            seconds = rep$seconds)
        pred_all[, test] <- pred
        truth <- data$x[, test, drop = FALSE]
        pm <- profile_metrics(truth, pred)
        for (rg in c("all", "dense", "sparse")) {
          sel <- if (rg == "all") seq_along(test) else which(regime[test] == rg)
          fold_rows[[length(fold_rows) + 1L]] <- data.frame(
            method = mname, seed = s, fold = f, regime = rg,
            n_test = length(sel), n_train = ncol(train$x),
            pearson = stacked_cor(truth[, sel, drop = FALSE], pred[, sel, drop = FALSE]),
            mean_r2 = if (length(sel)) mean(pm$r2[sel]) else NA_real_,
            mean_cosine = if (length(sel)) mean(pm$cosine[sel], na.rm = TRUE) else NA_real_,
            seconds = if (rg == "all") secs else NA_real_)
          moment_rows[[length(moment_rows) + 1L]] <- cbind(
            data.frame(method = mname, seed = s, fold = f, regime = rg),
            value_moments(truth[, sel, drop = FALSE], pred[, sel, drop = FALSE]))
        }
        prof_rows[[length(prof_rows) + 1L]] <- data.frame(
          method = mname, seed = s, fold = f, drug = targets$drug,
          cell = targets$cell, regime = regime[test], r2 = pm$r2,
          cosine = pm$cosine)
        if (verbose)
          message(sprintf("cmap_cv: round %s, fold %d (%d/%d), %s: %d test profiles, %.1f s",
                          s, f, match(f, fs), length(fs), mname, length(test), secs))
      }
      for (rg in c("all", "dense", "sparse")) {
        sel <- which(tested & (rg == "all" | regime %in% rg))
        pm <- profile_metrics(data$x[, sel, drop = FALSE], pred_all[, sel, drop = FALSE])
        overall_rows[[length(overall_rows) + 1L]] <- data.frame(
          method = mname, seed = s, regime = rg, n_test = length(sel),
          pearson = stacked_cor(data$x[, sel, drop = FALSE], pred_all[, sel, drop = FALSE]),
          mean_r2 = if (length(sel)) mean(pm$r2) else NA_real_,
          mean_cosine = if (length(sel)) mean(pm$cosine, na.rm = TRUE) else NA_real_)
      }
      if (keep_predictions)
        preds[[paste(mname, s, sep = "/")]] <- pred_all[, tested, drop = FALSE]
    }
  }
  structure(list(folds = do.call(rbind, fold_rows),
                 moments = do.call(rbind, moment_rows),
                 falrtc = do.call(rbind, falrtc_rows),
                 overall = do.call(rbind, overall_rows),
                 profiles = do.call(rbind, prof_rows),
                 assignment = assign,
                 predictions = if (keep_predictions) preds,
                 methods = methods, k = k, threshold = threshold,
                 reference = reference),
            class = "ntkmc_cv")
}

# Count, means, centred sums of squares and cross-product of the values of
# truth and pred (matrices of the same shape): what the Pearson r of stacked
# values needs, and what combines exactly over disjoint sets
# (combine_moments()).
value_moments <- function(truth, pred) {
  t <- c(truth)
  p <- c(pred)
  n <- length(t)
  mt <- if (n) mean(t) else 0
  mp <- if (n) mean(p) else 0
  # counts as doubles: products of two counts overflow an integer
  data.frame(n_values = as.numeric(n), mean_truth = mt, mean_pred = mp,
             ss_truth = sum((t - mt)^2), ss_pred = sum((p - mp)^2),
             cross = sum((t - mt) * (p - mp)))
}

# Pearson r of the union of the sets whose moments are the rows of m (Chan,
# Golub & LeVeque's pairwise update, so no large sums cancel).
combine_moments <- function(m) {
  acc <- m[1L, ]
  for (i in seq_len(nrow(m))[-1L]) {
    b <- m[i, ]
    n <- as.numeric(acc$n_values) + b$n_values
    if (b$n_values == 0) next
    if (acc$n_values == 0) { acc <- b; next }
    w <- as.numeric(acc$n_values) * b$n_values / n
    dt <- b$mean_truth - acc$mean_truth
    dp <- b$mean_pred - acc$mean_pred
    acc$ss_truth <- acc$ss_truth + b$ss_truth + dt * dt * w
    acc$ss_pred <- acc$ss_pred + b$ss_pred + dp * dp * w
    acc$cross <- acc$cross + b$cross + dt * dp * w
    acc$mean_truth <- acc$mean_truth + dt * b$n_values / n
    acc$mean_pred <- acc$mean_pred + dp * b$n_values / n
    acc$n_values <- n
  }
  if (acc$n_values < 2L) return(NA_real_)
  acc$cross / sqrt(acc$ss_truth * acc$ss_pred)
}

#' Join cross-validation runs made separately
#'
#' Combines [cmap_cv()] results of the same methods on the same data, run
#' fold by fold (`which_folds`) or round by round (`seeds`), e.g. as
#' separate jobs or in pieces saved along the way, into the result one call
#' would have given: the per-fold and per-profile rows are joined and the
#' overall metrics of every round recomputed over all its folds (the
#' stacked Pearson r from the runs' `moments`, exactly).
#'
#' @param ... `ntkmc_cv` objects, or one list of them.
#' @return An object of class `ntkmc_cv`; its `predictions` are kept when
#'   every part kept them.
#' @examples
#' cm <- simulate_cmap(n_genes = 30, n_drugs = 30, n_cells = 6,
#'                     n_profiles = 110, n_dense = 2, threshold = 20)
#' m <- list(mean = cmap_method("mean"))
#' parts <- lapply(1:5, function(f)
#'   cmap_cv(cm, m, k = 5, which_folds = f, threshold = 20, verbose = FALSE))
#' cmap_cv_combine(parts)
#' @export
cmap_cv_combine <- function(...) {
  parts <- list(...)
  if (length(parts) == 1L && is.list(parts[[1L]]) &&
      !inherits(parts[[1L]], "ntkmc_cv"))
    parts <- parts[[1L]]
  if (length(parts) == 0L ||
      !all(vapply(parts, inherits, TRUE, "ntkmc_cv")))
    stopf("cmap_cv_combine() needs ntkmc_cv objects (results of cmap_cv())")
  first <- parts[[1L]]
  for (p in parts[-1L]) {
    if (!identical(names(p$methods), names(first$methods)) ||
        !identical(unclass(p$methods), unclass(first$methods)))
      stopf("cmap_cv_combine(): the runs compare different methods (%s vs %s)",
            paste(names(first$methods), collapse = ", "),
            paste(names(p$methods), collapse = ", "))
    for (what in c("k", "threshold", "reference"))
      if (!identical(p[[what]], first[[what]]))
        stopf("cmap_cv_combine(): the runs differ in '%s' (%s vs %s)", what,
              format(first[[what]]), format(p[[what]]))
  }
  if (any(vapply(parts, function(p) is.null(p$moments), TRUE)))
    stopf("cmap_cv_combine(): a run has no 'moments' (made by an older version of the package); run it again")
  folds <- do.call(rbind, lapply(parts, `[[`, "folds"))
  key <- paste(folds$method, folds$seed, folds$fold, folds$regime)
  if (anyDuplicated(key)) {
    d <- folds[anyDuplicated(key), ]
    stopf("cmap_cv_combine(): fold %d of round %s appears in two runs",
          d$fold, d$seed)
  }
  assign <- unique(do.call(rbind, lapply(parts, `[[`, "assignment")))
  clash <- paste(assign$drug, assign$cell, assign$seed)
  if (anyDuplicated(clash))
    stopf("cmap_cv_combine(): the runs assign profiles of round %s to different folds",
          assign$seed[anyDuplicated(clash)])
  moments <- do.call(rbind, lapply(parts, `[[`, "moments"))
  profiles <- do.call(rbind, lapply(parts, `[[`, "profiles"))
  overall <- list()
  for (m in names(first$methods))
    for (s in unique(folds$seed))
      for (rg in c("all", "dense", "sparse")) {
        pr <- profiles[profiles$method == m & profiles$seed == s &
                         (rg == "all" | profiles$regime %in% rg), ]
        mo <- moments[moments$method == m & moments$seed == s &
                        moments$regime == rg, ]
        overall[[length(overall) + 1L]] <- data.frame(
          method = m, seed = s, regime = rg, n_test = nrow(pr),
          pearson = combine_moments(mo),
          mean_r2 = if (nrow(pr)) mean(pr$r2) else NA_real_,
          mean_cosine = if (nrow(pr)) mean(pr$cosine, na.rm = TRUE) else NA_real_)
      }
  preds <- NULL
  if (all(vapply(parts, function(p) !is.null(p$predictions), TRUE))) {
    all_p <- do.call(c, lapply(parts, `[[`, "predictions"))
    preds <- lapply(split(all_p, names(all_p)), function(l) do.call(cbind, l))
  }
  falrtc <- do.call(rbind, lapply(parts, `[[`, "falrtc"))
  structure(list(folds = folds, moments = moments, falrtc = falrtc,
                 overall = do.call(rbind, overall), profiles = profiles,
                 assignment = assign, predictions = preds,
                 methods = first$methods, k = first$k,
                 threshold = first$threshold, reference = first$reference),
            class = "ntkmc_cv")
}

stacked_cor <- function(truth, pred) {
  if (length(truth) < 2L) return(NA_real_)
  stats::cor(c(truth), c(pred))
}

explicit_folds <- function(data, folds) {
  if (!is.data.frame(folds) || !all(c("drug", "cell", "fold") %in% names(folds)))
    stopf("'folds' must be a data frame with columns 'drug', 'cell' and 'fold'")
  if (!is.numeric(folds$fold) || any(folds$fold[!is.na(folds$fold)] < 1) ||
      any(folds$fold != round(folds$fold), na.rm = TRUE))
    stopf("'folds$fold' must hold fold numbers >= 1 (or NA for training only)")
  seed <- if ("seed" %in% names(folds)) folds$seed else rep(1L, nrow(folds))
  key <- paste(folds$cell, folds$drug, seed, sep = "\r")
  if (anyDuplicated(key))
    stopf("'folds' lists a (drug, cell) pair twice in one round")
  measured <- paste(data$design$cell, data$design$drug, sep = "\r")
  unknown <- which(!paste(folds$cell, folds$drug, sep = "\r") %in% measured)
  if (length(unknown) > 0L)
    stopf("'folds' names a profile that is not measured: drug '%s' in cell line '%s'",
          folds$drug[unknown[1L]], folds$cell[unknown[1L]])
  data.frame(drug = as.character(folds$drug), cell = as.character(folds$cell),
             fold = as.integer(folds$fold), seed = seed)
}

#' @export
print.ntkmc_cv <- function(x, ...) {
  o <- summary(x)
  cat(sprintf("Cross-validation: %d method%s, %d round%s of %d-fold CV, threshold %d (dense/sparse)\n",
              length(x$methods), if (length(x$methods) > 1L) "s" else "",
              length(unique(x$overall$seed)),
              if (length(unique(x$overall$seed)) > 1L) "s" else "", x$k,
              x$threshold))
  print(o, row.names = FALSE, digits = 4)
  invisible(x)
}

#' @rdname cmap_cv
#' @param object an `ntkmc_cv` object.
#' @param ... not used.
#' @return `summary()`: the overall metrics averaged over rounds, per method
#'   and regime, with the mean time per fold.
#' @export
summary.ntkmc_cv <- function(object, ...) {
  o <- object$overall
  agg <- stats::aggregate(cbind(n_test, pearson, mean_r2, mean_cosine) ~ method + regime,
                          data = o, FUN = mean, na.action = stats::na.pass)
  secs <- stats::aggregate(seconds ~ method, data = object$folds, FUN = mean)
  agg$seconds_per_fold <- secs$seconds[match(agg$method, secs$method)]
  agg$regime <- factor(agg$regime, c("all", "dense", "sparse"))
  agg$method <- factor(agg$method, names(object$methods))
  agg[order(agg$method, agg$regime), ]
}

#' Corrected repeated k-fold cross-validation t-test
#'
#' Tests whether method `a` scores higher than method `b` with the corrected
#' repeated k-fold cv test of Bouckaert and Frank (2004) that the paper uses
#' (Appendix I): with \eqn{d_{ij}} the difference of a metric between the
#' methods on fold i of round j (k folds, r rounds),
#' \deqn{t = \frac{\bar{d}}{\sqrt{(1/(kr) + n_2/n_1)\,\hat{\sigma}^2}}}
#' with \eqn{\hat{\sigma}^2} the variance of the \eqn{d_{ij}} and
#' \eqn{n_2/n_1} the ratio of test to training profiles; t has a t
#' distribution with kr - 1 degrees of freedom.  (The paper prints the
#' denominator without its square root.)
#'
#' @param cv an `ntkmc_cv` object from [cmap_cv()].
#' @param a,b names of two methods of `cv`.
#' @param metric `"mean_r2"`, `"mean_cosine"` or `"pearson"` (per fold).
#' @param regime `"all"`, `"dense"` or `"sparse"`.
#' @param alternative `"greater"` (a better than b; the paper's one-sided
#'   test), `"less"` or `"two.sided"`.
#' @return An `htest` object: statistic `t`, parameter `df`, `p.value`,
#'   `estimate` (mean difference), plus `differences` (per fold and round).
#' @examples
#' cm <- simulate_cmap(n_genes = 30, n_drugs = 30, n_cells = 6,
#'                     n_profiles = 110, n_dense = 2, threshold = 20)
#' cv <- cmap_cv(cm, k = 5, seeds = c(149, 10), threshold = 20,
#'               verbose = FALSE)
#' cmap_compare(cv, "ntk_mcf7", "mean")
#' @export
cmap_compare <- function(cv, a, b, metric = c("mean_r2", "mean_cosine", "pearson"),
                         regime = c("all", "dense", "sparse"),
                         alternative = c("greater", "less", "two.sided")) {
  if (!inherits(cv, "ntkmc_cv")) stopf("'cv' must come from cmap_cv()")
  metric <- match.arg(metric)
  rg <- match.arg(regime)
  alternative <- match.arg(alternative)
  for (m in c(a, b))
    if (!m %in% names(cv$methods))
      stopf("method '%s' is not in 'cv' (methods: %s)", m,
            paste(names(cv$methods), collapse = ", "))
  if (identical(a, b)) stopf("'a' and 'b' must be different methods")
  fd <- fold_differences(cv, a, b, metric, rg)
  d <- fd$difference
  n <- length(d)
  if (n < 2L) stopf("the test needs at least 2 folds with %s test profiles", rg)
  ratio <- mean(fd$n_test / fd$n_train)
  v <- stats::var(d)
  tstat <- if (v > 0) mean(d) / sqrt((1 / n + ratio) * v)
           else sign(mean(d)) * Inf
  df <- n - 1L
  p <- switch(alternative,
              greater = stats::pt(tstat, df, lower.tail = FALSE),
              less = stats::pt(tstat, df),
              two.sided = 2 * stats::pt(-abs(tstat), df))
  structure(list(statistic = c(t = tstat), parameter = c(df = df),
                 p.value = p, estimate = c(`mean difference` = mean(d)),
                 null.value = c(`mean difference` = 0),
                 alternative = alternative,
                 method = sprintf("Corrected repeated k-fold cv t-test (Bouckaert & Frank), %d folds x rounds, n2/n1 = %.3f",
                                  n, ratio),
                 data.name = sprintf("%s of %s vs %s (%s profiles)", metric, a, b, rg),
                 differences = d),
            class = "htest")
}

# Metric of method a minus that of method b on each fold of each round where
# both have test profiles of regime rg and both values are finite: a data
# frame (seed, fold, difference, n_test, n_train), folds in a's order.
# cmap_compare() tests these differences and plot(cv, baseline =) draws them.
fold_differences <- function(cv, a, b, metric, rg) {
  f <- cv$folds[cv$folds$regime == rg & cv$folds$n_test > 0L, ]
  fa <- f[f$method == a, ]
  fb <- f[f$method == b, ]
  key_a <- paste(fa$seed, fa$fold)
  key_b <- paste(fb$seed, fb$fold)
  ia <- which(key_a %in% key_b)
  ib <- match(key_a[ia], key_b)
  d <- fa[[metric]][ia] - fb[[metric]][ib]
  ok <- is.finite(d)
  data.frame(seed = fa$seed[ia][ok], fold = fa$fold[ia][ok],
             difference = d[ok], n_test = fa$n_test[ia][ok],
             n_train = fa$n_train[ia][ok])
}
