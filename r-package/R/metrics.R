#' Imputation metrics
#'
#' The three metrics of the paper (Appendix H), as its code computes them
#' (`reference-spec` section 2.7 in the source tree), for predicted profiles
#' against the truth (genes x profiles, same shape):
#'
#' * `pearson`: Pearson's r (centred) between all entries of the profiles
#'   stacked into one vector (the paper's formula is the uncentred cosine, its
#'   code `scipy.stats.pearsonr`);
#' * `mean_r2`: the mean over profiles of
#'   \eqn{R^2 = 1 - \sum_g (y_g - \hat{y}_g)^2 / \sum_g (y_g - \bar{y})^2},
#'   \eqn{\bar{y}} the profile's mean over genes;
#' * `mean_cosine`: the mean over profiles of the cosine similarity between
#'   the profile and its prediction.  A profile whose truth or prediction is
#'   all zeros has no cosine and is left out (the reference code leaves out
#'   profiles whose *sum* is below 1e-8, an accident of its test).
#'
#' @param truth,pred numeric matrices, genes x profiles, same shape.
#' @param by_profile also return the per-profile values.
#' @return A named vector `c(pearson, mean_r2, mean_cosine, n_profiles)`; with
#'   `by_profile = TRUE` a list with that vector as `summary` and a data frame
#'   `profiles` (`r2`, `cosine`).
#' @examples
#' truth <- matrix(rnorm(20), 5)
#' cmap_metrics(truth, truth + rnorm(20, sd = 0.1))
#' @export
cmap_metrics <- function(truth, pred, by_profile = FALSE) {
  if (!is.matrix(truth) || !is.numeric(truth))
    stopf("'truth' must be a numeric matrix")
  if (!is.matrix(pred) || !is.numeric(pred))
    stopf("'pred' must be a numeric matrix")
  if (!identical(dim(truth), dim(pred)))
    stopf("'truth' is %s but 'pred' is %s", paste(dim(truth), collapse = " x "),
          paste(dim(pred), collapse = " x "))
  if (anyNA(truth) || anyNA(pred)) stopf("'truth' and 'pred' must not hold NA")
  if (nrow(truth) < 2L) stopf("profiles need at least 2 genes")
  pp <- profile_metrics(truth, pred)
  s <- c(pearson = if (length(truth) > 1L) stats::cor(c(truth), c(pred)) else NA_real_,
         mean_r2 = mean(pp$r2), mean_cosine = mean(pp$cosine, na.rm = TRUE),
         n_profiles = ncol(truth))
  if (by_profile) list(summary = s, profiles = pp) else s
}

# Per-profile R^2 and cosine similarity (columns).
profile_metrics <- function(truth, pred) {
  res <- colSums((truth - pred)^2)
  centred <- sweep(truth, 2L, colMeans(truth), "-")
  tot <- colSums(centred^2)
  nt <- col_norms(truth)
  np <- col_norms(pred)
  cosine <- colSums(truth * pred) / (nt * np)
  cosine[nt == 0 | np == 0] <- NA_real_
  data.frame(r2 = 1 - res / tot, cosine = cosine)
}
