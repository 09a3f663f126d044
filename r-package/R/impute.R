#' Impute missing drug-response profiles
#'
#' Predicts the missing profiles of a CMAP tensor (genes x drugs x cell
#' lines) from the measured ones, with the NTK and one of the paper's feature
#' priors, or with the mean over cell type (see [cmap_method()]).
#'
#' @param x the data: a 3-D array genes x drugs x cell lines with dimnames, a
#'   genes x profiles matrix with `design`, a `SummarizedExperiment`, or an
#'   `ntkmc_cmap` object (see [cmap_data()]).  Not modified.
#' @param method a method: `"ntk"`, `"mean"` or a [cmap_method()] object;
#'   further arguments (`...`) go to [cmap_method()].
#' @param ... settings of the method, e.g. `prior = "mcf7"`,
#'   `cell_weight = 1.25`, `f = 0.5` (see [cmap_method()]).
#' @param targets which profiles to impute: a data frame with columns `drug`
#'   and `cell`.  By default every missing profile of `x`: the all-`NA`
#'   profiles of an array, matrix or `SummarizedExperiment`; for an
#'   `ntkmc_cmap` (e.g. from [cmap_tensor()], which lists only measured
#'   profiles) every (drug, cell line) pair without a measured profile, i.e.
#'   the whole tensor.  With the NTK the kernel spans the measured profiles
#'   (memory `8 s^2` bytes for `s` of them); each target adds only its
#'   features and its prediction (see [ntk_memory()]).
#' @param reference the reference cell line of the MCF7 prior.
#' @param design,drug,cell,assay how to read `x`, see [cmap_data()].
#' @param threads threads for the NTK (0 = every processor).
#' @param verbose print progress.
#' @return `x` in its own form with the targets filled in: an array or
#'   matrix with the same dimnames, an `ntkmc_cmap`, or for a
#'   `SummarizedExperiment` a copy with a new assay `"imputed"`.  Attribute
#'   (or metadata) `ntkmc` holds the method, the number of imputed profiles
#'   and the time.
#' @examples
#' cm <- simulate_cmap(n_genes = 40, n_drugs = 30, n_cells = 6,
#'                     n_profiles = 100, n_dense = 2, threshold = 20)
#' a <- as.array(cm)                      # genes x drugs x cell lines, NA = missing
#' filled <- cmap_impute(a, prior = "mcf7")
#' sum(is.na(a)); sum(is.na(filled))
#' mean_fill <- cmap_impute(a, "mean")
#' @export
cmap_impute <- function(x, method = "ntk", ..., targets = NULL,
                        reference = "MCF7", design = NULL, drug = "drug",
                        cell = "cell", assay = 1L,
                        threads = default_threads(), verbose = FALSE) {
  spec <- if (inherits(method, "ntkmc_method")) {
    if (...length() > 0L)
      stopf("settings go into cmap_method() when 'method' is a cmap_method() object")
    method
  } else cmap_method(method, ...)
  cm <- cmap_data(x, design, drug, cell, assay)
  reference <- check_string(reference, "reference")
  check_reference(cm, reference, spec)
  obs <- cmap_observed(cm)
  if (!any(obs)) stopf("'x' has no measured profile")
  train <- cmap_subset(cm, obs)
  if (is.null(targets) && inherits(x, "ntkmc_cmap"))
    targets <- unmeasured_pairs(cm, obs)
  tg <- resolve_targets(cm, targets, obs)
  if (nrow(tg) == 0L) {
    warning("'x' has no missing profile: nothing to impute", call. = FALSE)
    return(x)
  }
  check_cells_trained(train, tg)
  ctx <- list(reference = reference, threads = check_threads(threads),
              verbose = check_flag(verbose, "verbose"),
              memo = new.env(parent = emptyenv()))
  t0 <- proc.time()[["elapsed"]]
  pred <- impute_targets(train, tg, spec, ctx)
  info <- list(method = format(spec), n_imputed = nrow(tg),
               seconds = proc.time()[["elapsed"]] - t0)
  fill_result(x, cm, tg, pred, info, assay)
}

check_reference <- function(cm, reference, spec) {
  needs <- spec$method == "ntk" &&
    (identical(spec$prior, "mcf7") || identical(spec$prior, "mixed"))
  if (needs && !reference %in% levels(cm$design$cell))
    stopf("the reference cell line '%s' is not in the data (cell lines: %s%s)",
          reference, paste(utils::head(levels(cm$design$cell), 8L), collapse = ", "),
          if (nlevels(cm$design$cell) > 8L) ", ..." else "")
}

cmap_subset <- function(cm, keep) {
  structure(list(x = cm$x[, keep, drop = FALSE],
                 design = cm$design[keep, , drop = FALSE]),
            class = "ntkmc_cmap")
}

# Every (drug, cell line) pair of the data's levels without a measured
# profile, cell line by cell line (the order of as.array()).
unmeasured_pairs <- function(cm, obs) {
  d <- levels(cm$design$drug)
  c <- levels(cm$design$cell)
  grid <- data.frame(drug = rep(d, times = length(c)),
                     cell = rep(c, each = length(d)))
  measured <- paste(cm$design$cell, cm$design$drug, sep = "\r")[obs]
  grid[!paste(grid$cell, grid$drug, sep = "\r") %in% measured, , drop = FALSE]
}

resolve_targets <- function(cm, targets, obs) {
  if (is.null(targets)) return(cm$design[!obs, , drop = FALSE])
  if (!is.data.frame(targets) || !all(c("drug", "cell") %in% names(targets)))
    stopf("'targets' must be a data frame with columns 'drug' and 'cell'")
  dd <- as.character(targets$drug)
  cc <- as.character(targets$cell)
  bad_d <- setdiff(dd, levels(cm$design$drug))
  if (length(bad_d)) stopf("'targets' names unknown drug '%s'", bad_d[1L])
  bad_c <- setdiff(cc, levels(cm$design$cell))
  if (length(bad_c)) stopf("'targets' names unknown cell line '%s'", bad_c[1L])
  key <- paste(cc, dd, sep = "\r")
  measured <- paste(cm$design$cell, cm$design$drug, sep = "\r")[obs]
  if (any(key %in% measured)) {
    i <- which(key %in% measured)[1L]
    stopf("'targets' asks for drug '%s' in cell line '%s', which is measured",
          dd[i], cc[i])
  }
  if (anyDuplicated(key)) stopf("'targets' lists a (drug, cell) pair twice")
  data.frame(drug = factor(dd, levels = levels(cm$design$drug)),
             cell = factor(cc, levels = levels(cm$design$cell)))
}

# Every cell line with targets needs training profiles.
check_cells_trained <- function(train, targets) {
  have <- unique(as.character(train$design$cell))
  lost <- setdiff(unique(as.character(targets$cell)), have)
  if (length(lost) > 0L)
    stopf("cell line '%s' has no measured profile (all NA): its profiles cannot be imputed; drop it or measure some drugs in it%s",
          lost[1L], if (length(lost) > 1L)
            sprintf(" (%d such cell lines)", length(lost)) else "")
}

# Puts the predictions back into the caller's form of the data.
fill_result <- function(x, cm, targets, pred, info, assay) {
  if (inherits(x, "SummarizedExperiment")) {
    m <- SummarizedExperiment::assay(x, assay, withDimnames = TRUE)
    j <- match(paste(targets$cell, targets$drug, sep = "\r"),
               paste(cm$design$cell, cm$design$drug, sep = "\r"))
    if (anyNA(j))
      stopf("with a SummarizedExperiment, 'targets' must be columns of it")
    m[, j] <- pred
    SummarizedExperiment::assay(x, "imputed", withDimnames = FALSE) <- m
    S4Vectors::metadata(x)$ntkmc <- info
    return(x)
  }
  if (is.array(x) && length(dim(x)) == 3L) {
    d <- dim(x)
    slot <- as.integer(targets$drug) + d[2L] * (as.integer(targets$cell) - 1L)
    out <- x
    storage.mode(out) <- "double"
    dim(out) <- c(d[1L], d[2L] * d[3L])
    out[, slot] <- pred
    dim(out) <- d
    dimnames(out) <- dimnames(x)
    attr(out, "ntkmc") <- info
    return(out)
  }
  key <- paste(targets$cell, targets$drug, sep = "\r")
  j <- match(key, paste(cm$design$cell, cm$design$drug, sep = "\r"))
  if (inherits(x, "ntkmc_cmap")) {
    out <- cm
    new <- is.na(j)                    # targets not listed yet: new columns
    old <- cm$x
    if (any(!new)) old[, j[!new]] <- pred[, !new, drop = FALSE]
    if (any(new)) {
      # one allocation of the result (with a whole tensor's targets the
      # predictions are most of it)
      x2 <- if (all(new)) cbind(old, pred)
            else cbind(old, pred[, new, drop = FALSE])
      cn <- colnames(cm$x)
      if (is.null(cn)) cn <- character(ncol(cm$x))
      dimnames(x2) <- list(rownames(cm$x),
                           c(cn, paste(targets$cell, targets$drug, sep = ":")[new]))
      out$x <- x2
      out$design <- rbind(out$design, targets[new, , drop = FALSE])
    } else out$x <- old
    attr(out, "ntkmc") <- info
    return(out)
  }
  if (anyNA(j))
    stopf("with a matrix 'x', 'targets' must be columns of it (add NA columns for new profiles)")
  out <- if (is.data.frame(x)) as.matrix(x) else x
  storage.mode(out) <- "double"
  out[, j] <- pred
  attr(out, "ntkmc") <- info
  out
}
