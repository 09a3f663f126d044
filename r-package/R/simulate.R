#' Simulate a CMAP-like drug screen
#'
#' Generates a synthetic genes x drugs x cell lines tensor with the structure
#' of the CMAP/L1000 data the paper imputes (Section 3, Appendix C), measured
#' on a realistic availability pattern:
#'
#' * **values**: the profile of drug \eqn{d} in cell line \eqn{c} is
#'   \eqn{b_c + s_c a_d (\rho U + (1-\rho) U_c) v_d + \epsilon}: a cell-line
#'   baseline \eqn{b_c} (the dominant factor: cell lines share lineage factors
#'   but differ), a drug effect that is subtle (`drug_effect` against
#'   `cell_effect`), varies in strength \eqn{a_d} (many drugs barely act),
#'   and is partly shared: drugs come in mechanism clusters (`shared`) acting
#'   through gene programs \eqn{U} common to all cell lines (weight `rho`)
#'   and programs \eqn{U_c} of the cell line; plus noise.  With
#'   `normalize = TRUE` every profile is scaled to unit length, as the
#'   paper's characteristic-direction signatures are.
#' * **availability**: a few dense cell lines measured with many drugs
#'   (> `threshold`; the reference line, by default `"MCF7"`, with the most)
#'   and a long tail of sparse ones with 10 to `threshold` drugs; popular drugs
#'   are measured in more cell lines.  About `n_profiles` profiles in all.
#'   Or a real pattern: `availability`, a data frame of measured (drug, cell)
#'   pairs, e.g. from the LINCS2020 availability table.
#'
#' The defaults give the paper's scale: about 15,000 measured profiles of 978
#' genes over 2,000 drugs and 70 cell lines (12 of them dense).  Everything
#' scales down for quick runs (see the examples).  The caller's random number
#' state is left as it was.
#'
#' @param n_genes,n_drugs,n_cells tensor size (ignored for drugs and cell
#'   lines when `availability` is given).
#' @param n_profiles approximate number of measured profiles.
#' @param n_dense number of dense cell lines (the reference included).
#' @param threshold drug count that separates dense (at least `threshold`)
#'   from sparse cell lines, as in [cmap_impute()].
#' @param reference name of the densest cell line.
#' @param availability optional data frame with columns `drug` and `cell`:
#'   the measured pairs to simulate.
#' @param seed random seed.
#' @param rank dimension of the drug effects' gene programs.
#' @param cell_effect,drug_effect,noise scales of the cell baseline, of the
#'   drug effect and of the noise.
#' @param shared fraction of a drug's effect vector shared with its mechanism
#'   cluster.
#' @param rho fraction of a drug's effect that acts through gene programs
#'   common to all cell lines.
#' @param normalize scale every profile to unit Euclidean norm.
#' @return An `ntkmc_cmap` object (see [cmap_data()]) holding the measured
#'   profiles only; attribute `simulation` records the arguments.
#' @examples
#' small <- simulate_cmap(n_genes = 50, n_drugs = 40, n_cells = 8,
#'                        n_profiles = 150, n_dense = 2, threshold = 25)
#' small
#' plot(small)
#' @export
simulate_cmap <- function(n_genes = 978L, n_drugs = 2000L, n_cells = 70L,
                          n_profiles = 15000L, n_dense = 12L,
                          threshold = 150L, reference = "MCF7",
                          availability = NULL, seed = 1L, rank = 10L,
                          cell_effect = 1, drug_effect = 0.8, noise = 0.5,
                          shared = 0.5, rho = 0.6, normalize = TRUE) {
  n_genes <- check_count(n_genes, "n_genes", 2L)
  rank <- check_count(rank, "rank", 1L)
  seed <- check_count(seed, "seed", 0L)
  threshold <- check_count(threshold, "threshold", 2L)
  reference <- check_string(reference, "reference")
  cell_effect <- check_number(cell_effect, "cell_effect", 0)
  drug_effect <- check_number(drug_effect, "drug_effect", 0)
  noise <- check_number(noise, "noise", 0)
  shared <- check_number(shared, "shared", 0, 1)
  rho <- check_number(rho, "rho", 0, 1)
  check_flag(normalize, "normalize")
  args <- as.list(environment())
  args$availability <- NULL

  with_seed(seed, {
    if (is.null(availability)) {
      n_drugs <- check_count(n_drugs, "n_drugs", 2L)
      n_cells <- check_count(n_cells, "n_cells", 2L)
      n_profiles <- check_count(n_profiles, "n_profiles", n_cells)
      n_dense <- check_count(n_dense, "n_dense", 1L)
      if (n_dense > n_cells) stopf("'n_dense' (%d) exceeds 'n_cells' (%d)",
                                   n_dense, n_cells)
      if (threshold > n_drugs)
        stopf("'threshold' (%d) exceeds 'n_drugs' (%d): no cell line could be dense",
              threshold, n_drugs)
      pairs <- simulate_availability(n_drugs, n_cells, n_profiles, n_dense,
                                     threshold, reference)
    } else {
      pairs <- check_availability(availability, reference)
    }
    drugs <- levels(pairs$drug)
    cells <- levels(pairs$cell)
    x <- simulate_values(pairs, n_genes, rank, cell_effect, drug_effect,
                         noise, shared, rho)
  })
  if (normalize) x <- sweep(x, 2L, col_norms(x), "/")
  rownames(x) <- sprintf("g%04d", seq_len(n_genes))
  colnames(x) <- paste(pairs$cell, pairs$drug, sep = ":")
  cm <- structure(list(x = x, design = pairs), class = "ntkmc_cmap")
  attr(cm, "simulation") <- args
  cm
}

check_availability <- function(av, reference) {
  if (!is.data.frame(av) || !all(c("drug", "cell") %in% names(av)))
    stopf("'availability' must be a data frame with columns 'drug' and 'cell'")
  av <- unique(data.frame(drug = as.character(av$drug),
                          cell = as.character(av$cell)))
  if (anyNA(av)) stopf("'availability' has missing drug or cell names")
  if (!reference %in% av$cell)
    stopf("reference cell line '%s' is not in 'availability'", reference)
  data.frame(drug = factor(av$drug), cell = factor(av$cell))
}

# Measured (drug, cell) pairs: dense lines with geometrically decreasing
# counts (the reference first), sparse lines log-uniform in [lo, threshold).
simulate_availability <- function(n_drugs, n_cells, n_profiles, n_dense,
                                  threshold, reference) {
  n_sparse <- n_cells - n_dense
  lo <- max(2L, min(10L, threshold %/% 4L))
  sparse <- if (n_sparse > 0L)
    as.integer(floor(exp(stats::runif(n_sparse, log(lo), log(threshold)))))
  else integer()
  sparse <- pmin(sparse, threshold - 1L, n_drugs)
  left <- max(n_profiles - sum(sparse), n_dense * threshold)
  cap <- max(threshold, as.integer(floor(0.9 * n_drugs)))
  w <- 0.8^(seq_len(n_dense) - 1L)
  dense <- left * w / sum(w)
  for (i in seq_len(n_dense)) {       # give what the cap cuts to the others
    over <- dense > cap
    if (!any(over) || all(over)) break
    dense[!over] <- dense[!over] + sum(dense[over] - cap) *
      w[!over] / sum(w[!over])
    dense[over] <- cap
  }
  dense <- as.integer(pmax(threshold, pmin(round(dense), cap)))
  counts <- c(dense, sparse)
  others <- sprintf("CELL%02d", seq_len(n_cells))
  others <- setdiff(others, reference)[seq_len(n_cells - 1L)]
  cells <- c(reference, others)
  # drug popularity: some drugs are measured in many lines
  pop <- sample(1 / seq_len(n_drugs)^0.8)
  drugs <- sprintf("BRD-%05d", seq_len(n_drugs))
  which_drugs <- lapply(counts, function(k) sort(sample.int(n_drugs, k, prob = pop)))
  data.frame(drug = factor(drugs[unlist(which_drugs)], levels = drugs),
             cell = factor(rep(cells, lengths(which_drugs)), levels = cells))
}

simulate_values <- function(pairs, g, r, cell_effect, drug_effect, noise,
                            shared, rho) {
  nd <- nlevels(pairs$drug)
  nc <- nlevels(pairs$cell)
  # cell baselines: lineage factors shared between lines + private part
  lineage <- matrix(stats::rnorm(g * 4L), g, 4L)
  base <- cell_effect * (lineage %*% matrix(stats::rnorm(4L * nc), 4L, nc) / 2 +
                           matrix(stats::rnorm(g * nc), g, nc)) / sqrt(2)
  # drug effect vectors: mechanism clusters of ~20 drugs + private part
  n_clusters <- max(1L, nd %/% 20L)
  centre <- matrix(stats::rnorm(r * n_clusters), r, n_clusters)
  cluster <- sample.int(n_clusters, nd, replace = TRUE)
  v <- sqrt(shared) * centre[, cluster, drop = FALSE] +
    sqrt(1 - shared) * matrix(stats::rnorm(r * nd), r, nd)
  strength <- stats::rexp(nd)                 # many drugs barely act
  u <- matrix(stats::rnorm(g * r), g, r) / sqrt(r)
  scale <- stats::runif(nc, 0.5, 1.5)
  d <- as.integer(pairs$drug)
  cidx <- as.integer(pairs$cell)
  x <- base[, cidx, drop = FALSE]
  common <- u %*% v                           # g x drugs
  for (c in unique(cidx)) {
    cols <- which(cidx == c)
    uc <- matrix(stats::rnorm(g * r), g, r) / sqrt(r)
    eff <- rho * common[, d[cols], drop = FALSE] +
      (1 - rho) * (uc %*% v[, d[cols], drop = FALSE])
    x[, cols] <- x[, cols] + drug_effect * scale[c] *
      sweep(eff, 2L, strength[d[cols]], "*")
  }
  x + noise * matrix(stats::rnorm(length(x)), nrow(x))
}
