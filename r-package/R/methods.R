# Imputation methods for CMAP data.  A method is a specification made by
# cmap_method(); an engine (one function per method name, in `engines`)
# predicts the profiles of target (drug, cell) pairs from training profiles.
# cmap_impute() and cmap_cv() only talk to engines through impute_targets(),
# so new methods (DNPP, FaLRTC) and prior sources (GCT/GCTX readers) slot in
# by adding an engine and a cmap_method() branch.

#' Imputation methods and their settings
#'
#' `cmap_method()` describes an imputation method with its settings, for
#' [cmap_impute()] and [cmap_cv()] (which can compare several).  Every
#' constant is an argument with the paper's default.
#'
#' @section Method `"ntk"`: kernel regression with the NTK over the profiles
#'   (see [ntk_complete()]); the feature prior says which profiles are alike:
#'
#' * `"mcf7"`, the reference prior of the paper (Section 3): the embedding of
#'   the profile of drug \eqn{d} in cell line \eqn{c} is
#'   \eqn{[w \|e_d\| \bar{x}_c / \|\bar{x}_c\|, e_d]}, where the drug
#'   embedding \eqn{e_d} is the reference cell line's training profile of
#'   \eqn{d} (the mean of the reference line's training profiles when it
#'   never saw \eqn{d}), \eqn{\bar{x}_c} is the mean training profile of
#'   cell line \eqn{c}, and \eqn{w} = `cell_weight` = 1.25 (the paper's value;
#'   the reference code's `prior.py` uses 0.75).  Then `[Z, 1.5 I]` and
#'   normalization (`identity_weight`).
#' * `"onehot"`, one-hot drugs: each cell line's genes x drugs matrix is
#'   completed with the identity prior, which predicts the shrunk mean over
#'   the cell type, \eqn{\sum y / (2\pi - 1 + l)} for \eqn{l} training drugs
#'   (ReLU, depth 1; paper Appendix E, formula corrected).
#' * `"imputation"`: a prior from any imputation (Section 3): training
#'   profiles are embedded by their own values, targets by the values another
#'   method imputed for them (`imputation`), then `[Z, 1.5 I]`.
#' * `"mixed"`: the dense/sparse split of the paper: targets in cell lines
#'   with at least `threshold` = 150 training drugs use the imputation prior,
#'   the others the MCF7 prior (two systems, each over all training profiles).
#'   With `no_reference = "imputation"`, sparse targets whose drug the
#'   reference cell line never measured use the imputation prior too: the
#'   MCF7 prior has only the mean reference profile to embed such a drug, so
#'   it predicts little more than the cell line's mean (on the LINCS2020
#'   availability pattern a quarter of the sparse profiles are such).
#' * a user embedding: a list with matrices `drug` (one row per drug, row
#'   names = drug names) and `cell` (one row per cell line); the profile of
#'   (d, c) is embedded as `c(drug[d, ], cell[c, ])`.  Or a function
#'   `function(drug, cell, train)` returning one row per (drug, cell) pair,
#'   where `train` is the training data (an `ntkmc_cmap`).  Then `[Z, 1.5 I]`.
#'
#' @section Method `"mean"`: mean over cell type.  The prediction for (d, c)
#'   is \eqn{f \bar{x}_c + (1 - f) \bar{x}_d}, the means of the training
#'   profiles of cell line c and of drug d (over all cell lines, the
#'   reference included); an unseen cell line or drug takes the mean of the
#'   cell (or drug) means.  `f = 1` is the pure mean over cell type, the
#'   paper's baseline; the reference code's script defaults to `f = 0.5`.
#'
#' @section Method `"dnpp"`: drug neighbour profile prediction, the paper's
#'   baseline as the reference code computes it.  In every cell line the
#'   Pearson correlations between the training profiles of its drugs are
#'   computed; the similarity of two drugs is the mean of their correlations
#'   over the cell lines that measured both.  The profile of drug \eqn{d} in
#'   cell line \eqn{c} is predicted from the `k` = 10 drugs measured in
#'   \eqn{c} that are most similar to \eqn{d} (ties: the later drug in the
#'   data's drug order), weighted by their similarity clipped to \[0, 1\]; if
#'   all weights are 0, by the mean training profile of \eqn{c}.  The
#'   reference cell line's profiles take part like any other training
#'   profile.
#'
#' @section Method `"falrtc"`: low-rank tensor completion of the genes x
#'   drugs x cell lines tensor by FaLRTC (Liu et al., IEEE TPAMI 2013), the
#'   method of Hodos et al. (2018) that the paper compares with and uses as
#'   the imputation prior of its best method.  It minimizes the weighted sum
#'   of the trace norms of the three unfoldings (weights `alpha`, scaled to
#'   sum 1; smoothing `mu`, default \eqn{5 \alpha_i / \sqrt{I_i}}) with the
#'   training profiles held fixed, by accelerated gradient descent, until the
#'   relative change of an iteration falls below `tol` or after `max_iters`
#'   iterations.  The tensor spans every drug and cell line of the data, so
#'   memory is about six times the tensor (genes x drugs x cell lines
#'   doubles).  The report of the last run (iterations, objective,
#'   convergence) is attached to the predictions as attribute `falrtc`.
#'   With `center = "cell"` FaLRTC completes the training profiles minus
#'   the mean training profile of their cell line and adds each cell line's
#'   mean back (a cell line without training profiles takes the mean of all
#'   of them), so the missing profiles start at the mean over cell type and
#'   the trace norms do not shrink the cell lines' means toward zero.  On
#'   data whose cell lines differ mostly by their mean profile this matters
#'   a great deal: on one fold of the paper's comparison at reduced scale
#'   (simulated data, 200 genes x 200 drugs x 70 cell lines) the plain
#'   FaLRTC, converged, reaches mean R^2 0.36, below the mean over cell type
#'   (0.66), and the centred one 0.72, in fewer iterations (122 against
#'   178).  The default `"none"` is the method as the paper uses it.
#'   With `cmap_method("ntk", prior = "mixed", imputation =
#'   cmap_method("falrtc"))` the NTK uses FaLRTC's predictions as the prior
#'   for dense cell lines and the MCF7 prior for sparse ones, the paper's
#'   best method.
#'
#' @param method `"ntk"`, `"mean"`, `"dnpp"` or `"falrtc"`.
#' @param prior for `"ntk"`: `"mcf7"`, `"onehot"`, `"imputation"`, `"mixed"`,
#'   or a user embedding (see below).
#' @param cell_weight weight of the cell-line part of the MCF7 prior (1.25).
#' @param identity_weight weight of the identity concatenated to every prior
#'   but the one-hot one (1.5).
#' @param threshold training drugs from which a cell line is dense (150):
#'   used by `prior = "mixed"` and to report metrics by regime.
#' @param no_reference for `prior = "mixed"`: the prior of sparse targets
#'   whose drug has no training profile in the reference cell line:
#'   `"mcf7"` (the paper's choice: the MCF7 prior, embedding the drug by the
#'   mean reference profile) or `"imputation"` (the imputation prior).
#' @param imputation for the imputation and mixed priors: the imputation
#'   that gives the targets' embedding, either another `cmap_method()`
#'   (computed on the same training data, so also fold by fold in
#'   [cmap_cv()]; the default is `cmap_method("mean")`), or imputed data
#'   covering the targets (an `ntkmc_cmap` object or a 3-D array, looked up
#'   by drug and cell line names).
#' @param activation,depth,ridge the network and the solve, see
#'   [ntk_complete()].
#' @param f for `"mean"`: weight of the cell-line mean (1 = pure mean over
#'   cell type).
#' @param k for `"dnpp"`: the number of neighbour drugs (10).
#' @param alpha,mu,max_iters,tol for `"falrtc"`: the weights of the genes,
#'   drugs and cell-line unfoldings (equal), their smoothing parameters (0 =
#'   \eqn{5 \alpha_i / \sqrt{I_i}}), the iteration cap (500) and the
#'   relative-change tolerance (1e-5).
#' @param center for `"falrtc"`: `"none"` (complete the data as given) or
#'   `"cell"` (complete the data minus each cell line's mean profile, see
#'   above).
#' @param precision for `"falrtc"`: `"double"`, or `"single"` to run the
#'   Gram matrices and gradient products (all but a small part of the work)
#'   in single precision, about twice as fast on large tensors.  The
#'   iterates and eigendecompositions stay double; the completion agrees
#'   with double precision to the accuracy the tolerance leaves, but
#'   tolerances below about 1e-6 may not be reached.
#' @return An object of class `ntkmc_method`.
#' @examples
#' cmap_method("ntk", prior = "mcf7")
#' cmap_method("mean", f = 0.5)
#' cmap_method("dnpp", k = 10)
#' cmap_method("ntk", prior = "mixed", imputation = cmap_method("falrtc"))
#' @export
cmap_method <- function(method = c("ntk", "mean", "dnpp", "falrtc"),
                        prior = "mcf7", cell_weight = 1.25,
                        identity_weight = 1.5, threshold = 150L,
                        imputation = NULL, activation = "relu", depth = 1L,
                        ridge = 0, f = 1, k = 10L, alpha = c(1, 1, 1) / 3,
                        mu = c(0, 0, 0), max_iters = 500L, tol = 1e-5,
                        center = c("none", "cell"),
                        precision = c("double", "single"),
                        no_reference = c("mcf7", "imputation")) {
  method <- match.arg(method)
  spec <- list(method = method)
  if (method == "ntk") {
    if (is.character(prior)) {
      if (length(prior) != 1L ||
          !prior %in% c("mcf7", "onehot", "imputation", "mixed"))
        stopf("'prior' must be \"mcf7\", \"onehot\", \"imputation\", \"mixed\", a list(drug =, cell =) of embeddings or a function (got %s)",
              paste(deparse(prior), collapse = ""))
    } else if (is.list(prior) && !is.function(prior)) {
      if (!all(c("drug", "cell") %in% names(prior)))
        stopf("a list 'prior' needs matrices 'drug' and 'cell'")
      for (part in c("drug", "cell")) {
        prior[[part]] <- check_finite_matrix(prior[[part]],
                                             sprintf("prior$%s", part))
        if (is.null(rownames(prior[[part]])))
          stopf("'prior$%s' needs row names (the %s names)", part,
                if (part == "drug") "drug" else "cell line")
      }
    } else if (!is.function(prior)) {
      stopf("'prior' must be a string, a list of embeddings or a function")
    }
    spec$prior <- prior
    spec$cell_weight <- check_number(cell_weight, "cell_weight", 0)
    spec$identity_weight <- check_number(identity_weight, "identity_weight", 0)
    spec$activation <- check_string(activation, "activation")
    spec$depth <- check_count(depth, "depth", 1L)
    spec$ridge <- check_number(ridge, "ridge", 0)
    if (identical(prior, "imputation") || identical(prior, "mixed")) {
      if (is.null(imputation)) imputation <- cmap_method("mean")
      if (!inherits(imputation, "ntkmc_method"))
        imputation <- cmap_data(imputation)
      spec$imputation <- imputation
    }
    if (identical(prior, "mixed")) {
      no_reference <- check_choice(if (missing(no_reference)) "mcf7"
                                   else no_reference, "no_reference",
                                   c("mcf7", "imputation"))
      # stored only when it is not the paper's choice, so that methods made
      # before the option existed compare (and memoise) as equal
      if (no_reference == "imputation") spec$no_reference <- no_reference
    }
  } else if (method == "mean") {
    spec$f <- check_number(f, "f", 0, 1)
  } else if (method == "dnpp") {
    spec$k <- check_count(k, "k", 1L)
  } else {
    spec$alpha <- check_weights(alpha, "alpha", positive_sum = TRUE)
    spec$mu <- check_weights(mu, "mu", positive_sum = FALSE)
    spec$max_iters <- check_count(max_iters, "max_iters", 0L)
    spec$tol <- check_number(tol, "tol", 0)
    spec$center <- check_choice(if (missing(center)) "none" else center,
                                "center", c("none", "cell"))
    precision <- check_choice(if (missing(precision)) "double" else precision,
                              "precision", c("double", "single"))
    # stored only when it differs from the default, so that methods made
    # before the option existed compare (and memoise) as equal
    if (precision == "single") spec$precision <- precision
  }
  spec$threshold <- check_count(threshold, "threshold", 1L)
  structure(spec, class = "ntkmc_method")
}

#' @export
format.ntkmc_method <- function(x, ...) {
  if (x$method == "dnpp")
    return(sprintf("DNPP (k = %d)", x$k))
  if (x$method == "falrtc")
    return(sprintf("FaLRTC (alpha %s, tol %g, at most %d iterations%s)",
                   paste(format(x$alpha / sum(x$alpha), digits = 3),
                         collapse = "/"), x$tol, x$max_iters,
                   paste0(if (identical(x$center, "cell")) ", centred by cell line"
                          else "",
                          if (identical(x$precision, "single"))
                            ", single-precision products" else "")))
  if (x$method == "mean")
    return(if (x$f == 1) "mean over cell type"
           else sprintf("mean over cell type and drug (f = %g)", x$f))
  prior <- if (is.character(x$prior)) x$prior else "user embedding"
  sprintf("NTK (%s, depth %d), %s prior%s", x$activation, x$depth, prior,
          switch(prior, mcf7 = sprintf(", cell weight %g", x$cell_weight),
                 mixed = sprintf(", threshold %d%s", x$threshold,
                                 if (identical(x$no_reference, "imputation"))
                                   ", imputation prior for drugs the reference never measured"
                                 else ""), ""))
}

#' @export
print.ntkmc_method <- function(x, ...) {
  cat("<ntkmc method> ", format(x), "\n", sep = "")
  invisible(x)
}

# ---------------------------------------------------------------- engines

# impute_targets(train, targets, spec, ctx): the genes x length(targets)
# predictions.  train: ntkmc_cmap of measured profiles only; targets: data
# frame (drug, cell) of factors with train's levels; ctx: list(reference,
# threads, verbose).
impute_targets <- function(train, targets, spec, ctx) {
  if (nrow(targets) == 0L)
    return(matrix(0, nrow(train$x), 0L, dimnames = list(rownames(train$x), NULL)))
  want <- paste(targets$cell, targets$drug, sep = ":")
  key <- if (!is.null(ctx$memo)) memo_key(spec)
  if (!is.null(key)) {
    hit <- memo_get(ctx$memo, key, want)
    if (!is.null(hit)) return(hit)
  }
  engine <- engines[[spec$method]]
  out <- engine(train, targets, spec, ctx)
  dimnames(out) <- list(rownames(train$x), want)
  if (!is.null(key)) memo_put(ctx$memo, key, out)
  out
}

# Predictions already made on one training set are reused: ctx$memo is an
# environment for one training set (one call of cmap_impute(), one fold of
# cmap_cv()).  A prediction depends only on the training data, the target
# and the settings that define the method, so the FaLRTC run behind an
# imputation prior, or the two halves of the mixed prior, are computed once
# when the same fold also scores those methods on their own.
memo_key <- function(spec) {
  s <- unclass(spec)
  s$threshold <- NULL               # only splits targets; never a prediction
  if (s$method == "ntk") {
    if (!identical(s$prior, "mcf7") && !identical(s$prior, "mixed"))
      s$cell_weight <- NULL
    if (!identical(s$prior, "imputation") && !identical(s$prior, "mixed"))
      s$imputation <- NULL
    if (identical(s$prior, "onehot")) s$identity_weight <- NULL
  }
  s
}

memo_get <- function(memo, key, want) {
  for (e in memo$entries) {
    if (!identical(e$key, key)) next
    j <- match(want, colnames(e$pred))
    if (!anyNA(j)) return(e$pred[, j, drop = FALSE])
  }
  NULL
}

memo_put <- function(memo, key, pred) {
  memo$entries <- c(memo$entries, list(list(key = key, pred = pred)))
}

impute_mean <- function(train, targets, spec, ctx) {
  x <- train$x
  cell_means <- group_means(x, train$design$cell)
  drug_means <- group_means(x, train$design$drug)
  pick <- function(means, key) {
    fallback <- rowMeans(means)
    out <- matrix(fallback, nrow(x), length(key))
    hit <- match(as.character(key), colnames(means))
    out[, !is.na(hit)] <- means[, hit[!is.na(hit)]]
    out
  }
  pc <- pick(cell_means, targets$cell)
  if (spec$f == 1) return(pc)
  spec$f * pc + (1 - spec$f) * pick(drug_means, targets$drug)
}

# genes x groups means of the columns of x, for the groups that occur.
group_means <- function(x, group) {
  group <- droplevels(as.factor(group))
  s <- t(rowsum(t(x), group, reorder = TRUE))
  sweep(s, 2L, tabulate(group, nlevels(group)), "/")
}

impute_ntk <- function(train, targets, spec, ctx) {
  prior <- spec$prior
  if (identical(prior, "onehot")) return(impute_onehot(train, targets, spec, ctx))
  nt <- ncol(train$x)
  if (identical(prior, "mixed")) {
    # targets of dense cell lines: the imputation prior; of sparse ones: the
    # MCF7 prior (or, with no_reference = "imputation", the imputation prior
    # when the reference cell line never measured the drug).  A target's
    # prediction does not depend on the other targets, so the two halves
    # are the imputation-prior and MCF7-prior methods on those targets (and
    # come from ctx$memo when known).
    counts <- tabulate(train$design$cell, nlevels(train$design$cell))
    imp <- counts[as.integer(targets$cell)] >= spec$threshold
    if (identical(spec$no_reference, "imputation")) {
      seen <- train$design$drug[train$design$cell == ctx$reference]
      imp <- imp | !(as.integer(targets$drug) %in% as.integer(seen))
    }
    # refuse before building priors of the size of the system
    check_memory(nt + max(sum(imp), sum(!imp)), nrow(train$x),
                 n_observed = nt, n_features = prior_features(train, spec))
    out <- matrix(NA_real_, nrow(train$x), nrow(targets))
    if (any(imp))
      out[, imp] <- impute_targets(train, targets[imp, , drop = FALSE],
                                   mixed_part(spec, "imputation"), ctx)
    if (any(!imp))
      out[, !imp] <- impute_targets(train, targets[!imp, , drop = FALSE],
                                    mixed_part(spec, "mcf7"), ctx)
    return(out)
  }
  check_memory(nt + nrow(targets), nrow(train$x), n_observed = nt,
               n_features = prior_features(train, spec))
  z <- if (identical(prior, "mcf7")) mcf7_prior(train, targets, spec, ctx)
       else if (identical(prior, "imputation"))
         imputation_prior(train, targets, spec, ctx)
       else user_prior(train, targets, spec)
  ntk_system(train, targets, z, spec, ctx)
}

# Features of the prior impute_ntk() builds (for the memory estimate; a
# prior function's are not known before it runs: 0).
prior_features <- function(train, spec) {
  m <- nrow(train$x)
  prior <- spec$prior
  if (is.character(prior))
    return(switch(prior, mcf7 = 2 * m, imputation = m, mixed = 2 * m, 0))
  if (is.list(prior))
    return(sum(vapply(prior, function(e) as.numeric(NCOL(e)), 0)))
  0
}

# The NTK method with one of the mixed prior's two priors.
mixed_part <- function(spec, prior) {
  spec$prior <- prior
  spec$no_reference <- NULL
  if (prior == "mcf7") spec$imputation <- NULL
  spec
}

# One NTK system over the training profiles and the targets; z (features x
# profiles) has one column per training profile then one per target.
ntk_system <- function(train, targets, z, spec, ctx) {
  nt <- ncol(train$x)
  y <- matrix(NA_real_, nrow(train$x), nt + nrow(targets))
  y[, seq_len(nt)] <- train$x
  if (anyNA(z)) stopf("the feature prior holds missing values")
  out <- ntk_complete_z(y, z, NULL, spec$activation, spec$depth,
                        spec$identity_weight, spec$ridge, ctx$threads,
                        ctx$verbose)
  out[, nt + seq_len(nrow(targets)), drop = FALSE]
}

# Columns [cell_weight ||e_d|| xbar_c / ||xbar_c||; e_d] for the training
# profiles then the targets ((2 genes) x profiles).  Built in place, a block
# of columns at a time: with a whole tensor's targets the prior is the
# largest matrix of the call, and assembling it from full-size pieces would
# hold it about three times over.
mcf7_prior <- function(train, targets, spec, ctx, block = 4096L) {
  ref <- ctx$reference
  d <- train$design
  is_ref <- d$cell == ref
  if (!any(is_ref))
    stopf("the reference cell line '%s' has no training profile", ref)
  ref_x <- train$x[, is_ref, drop = FALSE]
  ref_mean <- rowMeans(ref_x)
  cell_means <- group_means(train$x, d$cell)
  cell_dir <- sweep(cell_means, 2L, col_norms(cell_means), "/")
  all_drug <- c(as.character(d$drug), as.character(targets$drug))
  all_cell <- c(as.character(d$cell), as.character(targets$cell))
  missing_cells <- setdiff(unique(all_cell), colnames(cell_dir))
  if (length(missing_cells) > 0L)
    stopf("cell line '%s' has no training profile, so the MCF7 prior has no embedding for it",
          missing_cells[1L])
  hit <- match(all_drug, as.character(d$drug[is_ref]))
  cell <- match(all_cell, colnames(cell_dir))
  g <- nrow(ref_x)
  n <- length(all_drug)
  z <- matrix(0, 2L * g, n)
  top <- seq_len(g)
  for (j0 in seq(0L, n - 1L, by = block)) {
    j <- j0 + seq_len(min(block, n - j0))
    e <- matrix(ref_mean, g, length(j))
    h <- hit[j]
    e[, !is.na(h)] <- ref_x[, h[!is.na(h)]]
    z[top, j] <- cell_dir[, cell[j], drop = FALSE] *
      rep(spec$cell_weight * col_norms(e), each = g)
    z[g + top, j] <- e
  }
  z
}

imputation_prior <- function(train, targets, spec, ctx) {
  imp <- spec$imputation
  if (inherits(imp, "ntkmc_method")) {
    pred <- impute_targets(train, targets, imp, ctx)
  } else {
    key <- paste(imp$design$cell, imp$design$drug, sep = "\r")
    want <- paste(targets$cell, targets$drug, sep = "\r")
    hit <- match(want, key)
    bad <- which(is.na(hit) | is.na(imp$x[1L, pmax(hit, 1L)]))
    if (length(bad) > 0L)
      stopf("'imputation' has no values for drug '%s' in cell line '%s' (%d targets uncovered)",
            targets$drug[bad[1L]], targets$cell[bad[1L]], length(bad))
    if (!identical(rownames(imp$x), rownames(train$x)) &&
        nrow(imp$x) != nrow(train$x))
      stopf("'imputation' has %d genes but the data have %d", nrow(imp$x),
            nrow(train$x))
    pred <- imp$x[, hit, drop = FALSE]
  }
  cbind(train$x, pred)
}

user_prior <- function(train, targets, spec) {
  all_drug <- c(as.character(train$design$drug), as.character(targets$drug))
  all_cell <- c(as.character(train$design$cell), as.character(targets$cell))
  prior <- spec$prior
  if (is.function(prior)) {
    z <- prior(all_drug, all_cell, train)
    z <- check_finite_matrix(z, "the prior function's result")
    if (nrow(z) != length(all_drug))
      stopf("the prior function returned %d rows for %d profiles", nrow(z),
            length(all_drug))
    return(t(z))
  }
  pick <- function(m, key, what) {
    i <- match(key, rownames(m))
    if (anyNA(i))
      stopf("'prior$%s' has no row for %s '%s'", what,
            if (what == "drug") "drug" else "cell line", key[is.na(i)][1L])
    m[i, , drop = FALSE]
  }
  t(cbind(pick(prior$drug, all_drug, "drug"),
          pick(prior$cell, all_cell, "cell")))
}

# One-hot drugs: each cell line's genes x drugs matrix on its own, identity
# prior (Proposition 2: the shrunk mean over the cell type).
impute_onehot <- function(train, targets, spec, ctx) {
  out <- matrix(NA_real_, nrow(train$x), nrow(targets))
  for (c in unique(as.character(targets$cell))) {
    cols <- which(train$design$cell == c)
    if (length(cols) == 0L)
      stopf("cell line '%s' has no training profile, so the one-hot prior cannot impute it",
            c)
    want <- which(targets$cell == c)
    y <- cbind(train$x[, cols, drop = FALSE],
               matrix(NA_real_, nrow(train$x), length(want)))
    filled <- ntk_complete(y, NULL, activation = spec$activation,
                           depth = spec$depth, ridge = spec$ridge,
                           threads = ctx$threads)
    out[, want] <- filled[, length(cols) + seq_along(want)]
  }
  out
}

# Three non-negative finite numbers (alpha, mu of FaLRTC).
check_weights <- function(x, name, positive_sum) {
  if (!is.numeric(x) || length(x) != 3L || any(!is.finite(x)) || any(x < 0))
    stopf("'%s' must be 3 finite numbers >= 0 (genes, drugs, cell lines)",
          name)
  if (positive_sum && sum(x) <= 0)
    stopf("'%s' must have a positive entry", name)
  as.double(x)
}

# The training data as a genes x drugs x cell lines tensor over all drug and
# cell-line levels, with the drugs x cell lines matrix of measured profiles
# (unmeasured profiles hold 0; the C code never reads them).
dense_tensor <- function(train) {
  d <- train$design
  nd <- nlevels(d$drug)
  nc <- nlevels(d$cell)
  slot <- as.integer(d$drug) + nd * (as.integer(d$cell) - 1L)
  y <- matrix(0, nrow(train$x), nd * nc)
  y[, slot] <- train$x
  dim(y) <- c(nrow(train$x), nd, nc)
  observed <- matrix(FALSE, nd, nc)
  observed[slot] <- TRUE
  list(y = y, observed = observed, slot = function(drug, cell)
    as.integer(drug) + nd * (as.integer(cell) - 1L))
}

impute_dnpp <- function(train, targets, spec, ctx) {
  tt <- dense_tensor(train)
  .Call(C_dnpp, tt$y, tt$observed, as.integer(targets$drug),
        as.integer(targets$cell), spec$k, ctx$threads, ctx$verbose)
}

impute_falrtc <- function(train, targets, spec, ctx) {
  tt <- dense_tensor(train)
  # NtkmcFalrtcCenter; a method made before 'center' existed is "none"
  center <- if (identical(spec$center, "cell")) 1L else 0L
  single <- identical(spec$precision, "single")
  filled <- .Call(C_falrtc, tt$y, tt$observed, spec$alpha, spec$mu,
                  spec$max_iters, spec$tol, center, single, ctx$threads,
                  ctx$verbose)
  report <- attr(filled, "report")
  g <- dim(filled)[1L]
  dim(filled) <- c(g, length(filled) %/% g)
  out <- filled[, tt$slot(targets$drug, targets$cell), drop = FALSE]
  attr(out, "falrtc") <- report
  out
}

engines <- list(ntk = impute_ntk, mean = impute_mean, dnpp = impute_dnpp,
                falrtc = impute_falrtc)
