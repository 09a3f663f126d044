# CMAP tensors: genes x drugs x cell lines with whole profiles missing.
#
# Internally every input becomes an "ntkmc_cmap": a genes x profiles matrix
# `x` (one column per (drug, cell line) pair; an all-NA column is a missing
# profile) and a `design` data frame with factors `drug` and `cell`, one row
# per column.  Only measured profiles (and the ones to impute) are stored,
# which keeps a 978 x 2,000 x 70 tensor with 15,000 measured profiles at
# 120 MB instead of 1.1 GB.

#' CMAP data: build, convert, inspect
#'
#' `cmap_data()` turns any of the accepted inputs into an `ntkmc_cmap`
#' object: a genes x profiles matrix `x` with one column per (drug, cell
#' line) pair (an all-`NA` column is a missing profile) and a `design` data
#' frame with factors `drug` and `cell` (one row per column).  Accepted:
#'
#' * a 3-D array genes x drugs x cell lines with dimnames (an all-`NA`
#'   `[, drug, cell]` slice is a missing profile);
#' * a genes x profiles matrix with `design`, a data frame with one row per
#'   column holding the drug and the cell line of each profile;
#' * a `SummarizedExperiment` (package SummarizedExperiment) whose
#'   `colData()` has the drug and cell line columns;
#' * an `ntkmc_cmap` object (returned as is).
#'
#' Profiles are either complete or wholly missing: a profile with some genes
#' missing is an error.  Names must be unique (genes; drugs and cell lines of
#' an array; the (drug, cell) pairs of a design).
#'
#' @param x the data (see above).
#' @param design for a matrix `x`: a data frame with columns named by `drug`
#'   and `cell`, one row per column of `x`.
#' @param drug,cell names of the design (or `colData`) columns holding the
#'   drug and the cell line of each profile.
#' @param assay for a `SummarizedExperiment`: which assay (name or number).
#' @return An object of class `ntkmc_cmap`: `list(x, design)`.
#' @seealso [simulate_cmap()], [cmap_impute()].
#' @examples
#' a <- array(rnorm(5 * 3 * 2), c(5, 3, 2),
#'            dimnames = list(paste0("g", 1:5), c("d1", "d2", "d3"),
#'                            c("MCF7", "PC3")))
#' a[, "d2", "PC3"] <- NA
#' cm <- cmap_data(a)
#' cm
#' dim(as.array(cm))
#' @export
cmap_data <- function(x, design = NULL, drug = "drug", cell = "cell",
                      assay = 1L) {
  if (inherits(x, "ntkmc_cmap")) return(validate_cmap(x))
  if (inherits(x, "SummarizedExperiment")) {
    if (!requireNamespace("SummarizedExperiment", quietly = TRUE))
      stopf("package SummarizedExperiment is needed to read 'x'")
    cd <- as.data.frame(SummarizedExperiment::colData(x))
    m <- SummarizedExperiment::assay(x, assay, withDimnames = TRUE)
    return(cmap_data(as.matrix(m), cd, drug, cell))
  }
  if (is.array(x) && length(dim(x)) == 3L) {
    if (!is.null(design)) stopf("'design' is only used with a matrix 'x'")
    return(cmap_from_array(x))
  }
  if (is.data.frame(x)) x <- as.matrix(x)
  if (is.matrix(x)) {
    if (is.null(design))
      stopf("a matrix 'x' needs 'design': the drug and cell line of each column")
    return(cmap_from_matrix(x, design, drug, cell))
  }
  stopf("'x' must be a 3-D array (genes x drugs x cell lines), a matrix with 'design', a SummarizedExperiment or an ntkmc_cmap object (got %s%s)",
        class(x)[1L],
        if (is.array(x)) sprintf(" with %d dimensions", length(dim(x))) else "")
}

check_numeric_data <- function(x) {
  if (!is.numeric(x) && !(is.logical(x) && all(is.na(x))))
    stopf("'x' must hold numbers (got %s values)", typeof(x))
  if (any(is.infinite(x))) stopf("'x' holds infinite values")
}

cmap_from_array <- function(a) {
  check_numeric_data(a)
  d <- dim(a)
  if (any(d == 0L)) stopf("'x' is empty (%s)", paste(d, collapse = " x "))
  dn <- dimnames(a)
  if (is.null(dn) || is.null(dn[[2L]]) || is.null(dn[[3L]]))
    stopf("a 3-D 'x' needs dimnames: drug names (dimension 2) and cell line names (dimension 3)")
  if (!is.null(dn[[1L]])) check_unique_names(dn[[1L]], "gene")
  check_unique_names(dn[[2L]], "drug")
  check_unique_names(dn[[3L]], "cell line")
  m <- a
  dim(m) <- c(d[1L], d[2L] * d[3L])
  storage.mode(m) <- "double"
  design <- data.frame(drug = factor(rep(dn[[2L]], d[3L]), levels = dn[[2L]]),
                       cell = factor(rep(dn[[3L]], each = d[2L]),
                                     levels = dn[[3L]]))
  colnames(m) <- paste(design$cell, design$drug, sep = ":")
  rownames(m) <- dn[[1L]]
  # keep measured profiles and wholly missing ones; the all-NA columns of an
  # array are many, and only their pairs are needed
  validate_cmap(structure(list(x = m, design = design), class = "ntkmc_cmap"))
}

cmap_from_matrix <- function(m, design, drug, cell) {
  check_numeric_data(m)
  if (!is.data.frame(design))
    stopf("'design' must be a data frame (got %s)", class(design)[1L])
  for (col in c(drug, cell))
    if (!col %in% names(design))
      stopf("'design' has no column '%s' (columns: %s)", col,
            paste(names(design), collapse = ", "))
  if (nrow(design) != ncol(m))
    stopf("'design' has %d rows but 'x' has %d columns (one row per profile)",
          nrow(design), ncol(m))
  dd <- design[[drug]]
  cc <- design[[cell]]
  if (anyNA(dd) || anyNA(cc)) stopf("'design' has missing drug or cell names")
  d <- data.frame(drug = if (is.factor(dd)) droplevels(dd) else factor(dd),
                  cell = if (is.factor(cc)) droplevels(cc) else factor(cc))
  storage.mode(m) <- "double"
  if (!is.null(rownames(m))) check_unique_names(rownames(m), "gene")
  key <- paste(d$cell, d$drug, sep = ":")
  if (is.null(colnames(m))) {
    colnames(m) <- key                  # validate_cmap checks the pairs
  } else {
    unnamed <- is.na(colnames(m)) | !nzchar(colnames(m))   # cbind(m, NA)
    colnames(m)[unnamed] <- key[unnamed]
    check_unique_names(colnames(m), "profile")
  }
  validate_cmap(structure(list(x = m, design = d), class = "ntkmc_cmap"))
}

validate_cmap <- function(cm) {
  x <- cm$x
  if (!is.matrix(x) || !is.double(x)) stopf("an ntkmc_cmap's 'x' must be a double matrix")
  if (nrow(x) == 0L || ncol(x) == 0L) stopf("'x' has no genes or no profiles")
  if (!identical(nrow(cm$design), ncol(x)))
    stopf("an ntkmc_cmap needs one design row per column of 'x'")
  key <- paste(cm$design$cell, cm$design$drug, sep = "\r")
  if (anyDuplicated(key)) {
    i <- anyDuplicated(key)
    stopf("the profile of drug '%s' in cell line '%s' appears twice; average replicates first",
          cm$design$drug[i], cm$design$cell[i])
  }
  nas <- colSums(is.na(x))
  partial <- which(nas > 0L & nas < nrow(x))
  if (length(partial) > 0L) {
    j <- partial[1L]
    stopf("the profile of drug '%s' in cell line '%s' has %d of %d genes missing; only whole profiles may be missing (%d such profiles)",
          cm$design$drug[j], cm$design$cell[j], nas[j], nrow(x),
          length(partial))
  }
  cm
}

# Which columns are measured.
cmap_observed <- function(cm) !is.na(cm$x[1L, ])

#' @export
print.ntkmc_cmap <- function(x, ...) {
  obs <- cmap_observed(x)
  per_cell <- table(x$design$cell[obs])
  cat(sprintf("CMAP data: %d genes, %d drugs, %d cell lines; %d measured profiles (%.1f%% of the pairs), %d missing profiles listed\n",
              nrow(x$x), nlevels(x$design$drug), nlevels(x$design$cell),
              sum(obs), 100 * sum(obs) / (nlevels(x$design$drug) *
                                           nlevels(x$design$cell)),
              sum(!obs)))
  top <- utils::head(sort(per_cell, decreasing = TRUE), 5L)
  cat("drugs per cell line: ", paste0(names(top), " ", top, collapse = ", "),
      if (length(per_cell) > 5L) ", ..." else "", "\n", sep = "")
  invisible(x)
}

#' @rdname cmap_data
#' @param ... not used.
#' @export
as.array.ntkmc_cmap <- function(x, ...) {
  dl <- levels(x$design$drug)
  cl <- levels(x$design$cell)
  g <- nrow(x$x)
  a <- array(NA_real_, c(g, length(dl), length(cl)),
             dimnames = list(rownames(x$x), dl, cl))
  slot <- as.integer(x$design$drug) + length(dl) * (as.integer(x$design$cell) - 1L)
  dim(a) <- c(g, length(dl) * length(cl))
  a[, slot] <- x$x
  dim(a) <- c(g, length(dl), length(cl))
  dimnames(a) <- list(rownames(x$x), dl, cl)
  a
}
