#' Build a CMAP tensor from level-5 signatures
#'
#' Groups signatures (columns of a genes x signatures matrix, e.g. read with
#' [read_gct()]) by drug and cell line with a signature-information table
#' (CMap's `sig_info` / `siginfo_beta.txt`, or the column metadata of a GCT
#' file), optionally keeps only some times and doses, averages the replicate
#' signatures of each (drug, cell line) pair and applies the paper's filters
#' (Hodos et al. 2018, the paper's Appendix C): drugs measured in at least
#' `min_cells` cell lines and cell lines with at least `min_drugs` drugs,
#' repeated until both hold.
#'
#' @param x a genes x signatures numeric matrix whose column names are the
#'   signature ids, or an `ntkmc_gct` object from [read_gct()] (then
#'   `siginfo` defaults to its column metadata).
#' @param siginfo a data frame with one row per signature (more rows are
#'   fine): the signature id (column `sig`) and the drug and cell line
#'   columns.
#' @param sig,drug,cell names of the `siginfo` columns holding the signature
#'   id, the drug (`"pert_id"`, or e.g. `"cmap_name"`) and the cell line
#'   (`"cell_id"`; LINCS2020 calls it `"cell_iname"`, used when `cell_id` is
#'   absent).
#' @param time,dose keep only signatures whose `time_col` / `dose_col` value
#'   is one of these (e.g. `time = "24 h"`); `NULL` keeps all.
#' @param time_col,dose_col the `siginfo` columns compared with `time` and
#'   `dose`.
#' @param genes keep only these rows of `x`, in this order (e.g. the 978
#'   landmark genes); `NULL` keeps all.
#' @param min_cells,min_drugs the filters (3 and 3 in the paper).
#' @param normalize divide every averaged profile by its Euclidean norm (the
#'   paper's tensor holds unit-norm profiles).
#' @return An `ntkmc_cmap` object (see [cmap_data()]) of the measured
#'   profiles; attribute `n_signatures` gives the number of signatures
#'   averaged into each profile.
#' @seealso [read_gct()], [cmap_impute()], [cmap_cv()].
#' @examples
#' x <- matrix(rnorm(5 * 6), 5, 6, dimnames = list(paste0("g", 1:5),
#'                                               paste0("sig", 1:6)))
#' info <- data.frame(sig_id = paste0("sig", 1:6),
#'                    pert_id = c("a", "a", "b", "b", "a", "b"),
#'                    cell_id = c("MCF7", "MCF7", "MCF7", "PC3", "PC3", "PC3"))
#' cm <- cmap_tensor(x, info, min_cells = 1, min_drugs = 1)
#' cm
#' attr(cm, "n_signatures")
#' @export
cmap_tensor <- function(x, siginfo = NULL, sig = "sig_id", drug = "pert_id",
                        cell = "cell_id", time = NULL, dose = NULL,
                        time_col = "pert_itime", dose_col = "pert_idose",
                        genes = NULL, min_cells = 3L, min_drugs = 3L,
                        normalize = FALSE) {
  if (inherits(x, "ntkmc_gct")) {
    if (is.null(x$mat)) stopf("'x' was read with meta_only = TRUE: it has no values")
    if (is.null(siginfo)) {
      siginfo <- x$cdesc
      if (!sig %in% names(siginfo)) sig <- "id"
    }
    x <- x$mat
  }
  if (!is.matrix(x) || !is.numeric(x))
    stopf("'x' must be a genes x signatures numeric matrix or an ntkmc_gct object (got %s)",
          class(x)[1L])
  if (is.null(colnames(x))) stopf("'x' needs column names: the signature ids")
  if (!is.data.frame(siginfo))
    stopf("'siginfo' must be a data frame with one row per signature")
  if (!cell %in% names(siginfo) && cell == "cell_id" &&
      "cell_iname" %in% names(siginfo))
    cell <- "cell_iname"
  for (col in c(sig, drug, cell))
    if (!col %in% names(siginfo))
      stopf("'siginfo' has no column '%s' (columns: %s)", col,
            paste(utils::head(names(siginfo), 20L), collapse = ", "))
  min_cells <- check_count(min_cells, "min_cells", 1L)
  min_drugs <- check_count(min_drugs, "min_drugs", 1L)
  check_flag(normalize, "normalize")
  if (!is.null(genes)) {
    genes <- as.character(genes)
    miss <- setdiff(genes, rownames(x))
    if (length(miss))
      stopf("'genes' names %d gene%s not in 'x', e.g. '%s'", length(miss),
            if (length(miss) > 1L) "s" else "", miss[1L])
    x <- x[genes, , drop = FALSE]
  }
  ids <- as.character(siginfo[[sig]])
  if (anyDuplicated(ids))
    stopf("'siginfo' lists signature '%s' twice", ids[anyDuplicated(ids)])
  row <- match(colnames(x), ids)
  if (anyNA(row))
    stopf("%d signature%s of 'x' %s not in 'siginfo', e.g. '%s'",
          sum(is.na(row)), if (sum(is.na(row)) > 1L) "s" else "",
          if (sum(is.na(row)) > 1L) "are" else "is", colnames(x)[is.na(row)][1L])
  info <- siginfo[row, , drop = FALSE]
  keep <- !is.na(info[[drug]]) & !is.na(info[[cell]])
  for (f in list(list(time, time_col, "time"), list(dose, dose_col, "dose"))) {
    if (is.null(f[[1L]])) next
    if (!f[[2L]] %in% names(info))
      stopf("'siginfo' has no column '%s' to select the %s", f[[2L]], f[[3L]])
    keep <- keep & as.character(info[[f[[2L]]]]) %in% as.character(f[[1L]])
  }
  bad <- colSums(is.na(x[, keep, drop = FALSE])) > 0L
  if (any(bad))
    stopf("signature '%s' has missing values (%d such signatures); drop them first",
          colnames(x)[keep][which(bad)[1L]], sum(bad))
  d <- as.character(info[[drug]])[keep]
  cl <- as.character(info[[cell]])[keep]
  x <- x[, keep, drop = FALSE]
  if (ncol(x) == 0L) stopf("no signature is left after the time and dose selection")
  # the pairs, filtered until every drug has min_cells cell lines and every
  # cell line min_drugs drugs
  pairs <- unique(data.frame(drug = d, cell = cl))
  repeat {
    n <- nrow(pairs)
    nc <- table(pairs$drug)
    pairs <- pairs[pairs$drug %in% names(nc)[nc >= min_cells], , drop = FALSE]
    nd <- table(pairs$cell)
    pairs <- pairs[pairs$cell %in% names(nd)[nd >= min_drugs], , drop = FALSE]
    if (nrow(pairs) == n) break
  }
  if (nrow(pairs) == 0L)
    stopf("no (drug, cell line) pair is left: no drug is measured in %d cell lines with %d drugs each",
          min_cells, min_drugs)
  key <- paste(cl, d, sep = "\r")
  pkey <- paste(pairs$cell, pairs$drug, sep = "\r")
  use <- key %in% pkey
  group <- factor(key[use], levels = pkey)
  sums <- t(rowsum(t(x[, use, drop = FALSE]), group, reorder = TRUE))
  n_sig <- tabulate(group, length(pkey))
  prof <- sweep(sums, 2L, n_sig, "/")
  if (normalize) {
    nrm <- col_norms(prof)
    if (any(nrm == 0)) stopf("a profile has norm 0 and cannot be normalized")
    prof <- sweep(prof, 2L, nrm, "/")
  }
  dimnames(prof) <- list(rownames(x), paste(pairs$cell, pairs$drug, sep = ":"))
  out <- cmap_data(prof, data.frame(drug = pairs$drug, cell = pairs$cell))
  attr(out, "n_signatures") <- stats::setNames(n_sig, colnames(prof))
  out
}
