#' @useDynLib ntkmc, .registration = TRUE, .fixes = "C_"
NULL

#' The NTK of an infinitely wide fully connected network
#'
#' `ntk_kernel()` computes the kernel \eqn{K_{jj'} = \kappa_d(z_j^T z_{j'})}
#' between the items of a feature prior (Theorem 1 of Radhakrishnan et al.,
#' PNAS 2022), where the \eqn{z_j} are the prior's rows, each extended by a
#' private coordinate of value `identity_weight` and normalized to unit
#' length.  `ntk_kappa()` evaluates \eqn{\kappa_d} itself (for ReLU,
#' \eqn{\kappa_1(1) = 2} and \eqn{\kappa_1(0) = 1/\pi}).
#'
#' @param prior the feature prior: a numeric matrix with one row per item
#'   (per column of the matrix to complete) and one column per feature; or
#'   `NULL` for the one-hot prior (the identity), which needs `n`.
#' @param n number of items of the one-hot prior (ignored otherwise).
#' @param activation the hidden layers' nonlinearity: `"relu"`,
#'   `"identity"`, `"lrelu"` (negative slope 0.01) or `"lrelu:SLOPE"`.
#' @param depth number of hidden layers \eqn{d \ge 1}.
#' @param identity_weight weight \eqn{c \ge 0} of the identity appended to the
#'   prior, `[Z, c I]`, before normalization (the paper's drug-screening
#'   priors use 1.5, which makes the kernel safely positive definite).
#' @param threads threads for the kernel (OpenMP and BLAS); 0 = every
#'   processor.  Default: option `ntkmc.threads`, else 0.
#' @return `ntk_kernel()`: the `n x n` kernel matrix, with the prior's row
#'   names as dimnames and attribute `description`, a named character vector
#'   saying how it was made (the keys of the kernel file format: `kernel`,
#'   `activation`, `depth`, `identity_weight`, `prior`, `prior_sha256`,
#'   `items`, `features`).  `ntk_kappa()`: a vector like `xi`.
#' @seealso [ntk_complete()], [ntk_kernel_write()].
#' @examples
#' z <- matrix(rnorm(20), 5, 4, dimnames = list(letters[1:5], NULL))
#' k <- ntk_kernel(z)
#' diag(k)                        # kappa_1(1) = 2 for ReLU
#' ntk_kappa(c(-1, 0, 1))         # 0, 1/pi, 2
#' attr(k, "description")
#' @export
ntk_kernel <- function(prior = NULL, n = NULL, activation = "relu",
                       depth = 1L, identity_weight = 0,
                       threads = default_threads()) {
  act <- check_string(activation, "activation")
  depth <- check_count(depth, "depth", 1L)
  identity_weight <- check_number(identity_weight, "identity_weight", 0)
  threads <- check_threads(threads)
  if (is.null(prior)) {
    if (is.null(n)) stopf("'n' is needed with the one-hot prior (prior = NULL)")
    n <- check_count(n, "n", 1L)
    z <- NULL
    names <- NULL
  } else {
    prior <- check_finite_matrix(prior, "prior")
    n <- nrow(prior)
    if (n < 1L) stopf("'prior' has no rows")
    z <- t(prior)
    names <- rownames(prior)
  }
  check_memory(n, 0, what = "the kernel")
  k <- .Call(C_ntk_gram, z, n, act, depth, identity_weight, threads)
  attr(k, "description") <- parse_description(attr(k, "description"))
  if (!is.null(names)) dimnames(k) <- list(names, names)
  k
}

#' @rdname ntk_kernel
#' @param xi cosines in \[-1, 1\] (values outside are clamped).
#' @export
ntk_kappa <- function(xi, activation = "relu", depth = 1L) {
  if (!is.numeric(xi)) stopf("'xi' must be numeric")
  out <- .Call(C_kappa, as.double(xi), check_string(activation, "activation"),
               check_count(depth, "depth", 1L))
  attributes(out) <- attributes(xi)
  out
}

#' Matrix completion with the NTK
#'
#' Fills the missing entries of `y` by kernel regression with the neural
#' tangent kernel over its columns (Theorem 1 of Radhakrishnan et al., PNAS
#' 2022): row \eqn{i} with observed columns \eqn{S} and missing columns
#' \eqn{U} is predicted as \eqn{K(U, S) K(S, S)^{-1} y_{i,S}}.  Rows that share
#' an observation pattern share one Cholesky factorization; when whole columns
#' are missing (the drug-screening case) there is one factorization in all.
#'
#' With the one-hot prior (`prior = NULL`), ReLU and depth 1, every missing
#' entry of a row with \eqn{l} observed entries is predicted as
#' \eqn{\sum y / (2\pi - 1 + l)} (Proposition 2, corrected; the paper prints a
#' different formula).
#'
#' @param y a numeric matrix with `NA` for the entries to fill.  Each row
#'   needs at least one observed entry.  Not modified.
#' @param prior the feature prior, one row per column of `y` (see
#'   [ntk_kernel()]); `NULL` = one-hot.
#' @param ridge \eqn{\lambda \ge 0} added to the kernel's diagonal before the
#'   solve (0: interpolation, as in the paper).
#' @param kernel optional precomputed `ncol(y) x ncol(y)` kernel (from
#'   [ntk_kernel()] or [ntk_kernel_read()]); then `prior`, `activation`,
#'   `depth` and `identity_weight` are not used.
#' @param verbose print progress to the console.
#' @inheritParams ntk_kernel
#' @return `y` with its missing entries filled (observed ones unchanged,
#'   dimnames kept), with attribute `report`: the number of observation
#'   patterns, observed and missing entries, the largest system, its smallest
#'   reciprocal condition number and phase timings.
#' @section Interrupts: the computation can be interrupted (Ctrl-C / Esc)
#'   between its phases; memory is released and nothing is returned.
#' @examples
#' set.seed(1)
#' z <- matrix(rnorm(30 * 5), 30, 5)           # prior: 30 columns, 5 features
#' y <- matrix(rnorm(4 * 5), 4) %*% t(z)       # 4 x 30
#' y[, 1:3] <- NA                              # three whole columns missing
#' y[2, 10] <- NA                              # and one scattered entry
#' filled <- ntk_complete(y, z, identity_weight = 1.5)
#' attr(filled, "report")$n_patterns
#'
#' # Proposition 2: the one-hot prior shrinks the row mean
#' y1 <- matrix(c(1, 2, 3, NA), 1)
#' ntk_complete(y1)[4]
#' sum(1:3) / (2 * pi - 1 + 3)
#' @export
ntk_complete <- function(y, prior = NULL, activation = "relu", depth = 1L,
                         identity_weight = 0, ridge = 0, kernel = NULL,
                         threads = default_threads(), verbose = FALSE) {
  y <- check_y(y)
  n <- ncol(y)
  if (!is.null(kernel)) {
    if (!is.matrix(kernel) || !is.numeric(kernel) ||
        !identical(dim(kernel), c(n, n)))
      stopf("'kernel' must be a numeric %d x %d matrix (one row and column per column of 'y')",
            n, n)
    storage.mode(kernel) <- "double"
  }
  z <- NULL
  if (is.null(kernel) && !is.null(prior)) {
    prior <- check_finite_matrix(prior, "prior")
    if (nrow(prior) != n)
      stopf("'prior' has %d rows but 'y' has %d columns (one prior row per column)",
            nrow(prior), n)
    z <- t(prior)
  }
  ntk_complete_z(y, z, kernel, activation, depth, identity_weight, ridge,
                 threads, verbose)
}

# ntk_complete() on checked y, with the prior as Z (features x items) or a
# kernel.  Also used by the CMAP engines, which build Z directly.
ntk_complete_z <- function(y, z, kernel = NULL, activation = "relu",
                           depth = 1L, identity_weight = 0, ridge = 0,
                           threads = default_threads(), verbose = FALSE) {
  ridge <- check_number(ridge, "ridge", 0)
  threads <- check_threads(threads)
  check_flag(verbose, "verbose")
  n_miss <- colSums(is.na(y))
  if (!any(n_miss > 0)) return(y)
  one_pattern <- all(n_miss %in% c(0, nrow(y)))
  n_obs <- if (one_pattern) sum(n_miss == 0) else NULL
  if (verbose)
    message(sprintf("ntkmc: a system over %d columns, about %s of memory",
                    ncol(y), format(ntk_memory(ncol(y), nrow(y), one_pattern,
                                               n_obs))))
  if (!is.null(kernel)) {
    check_memory(ncol(y), nrow(y), FALSE)
    out <- .Call(C_ntk_complete, y, NULL, kernel, "relu", 1L, 0, ridge,
                 threads, verbose)
  } else {
    act <- check_string(activation, "activation")
    depth <- check_count(depth, "depth", 1L)
    identity_weight <- check_number(identity_weight, "identity_weight", 0)
    check_memory(ncol(y), nrow(y), one_pattern, n_observed = n_obs)
    out <- .Call(C_ntk_complete, y, z, NULL, act, depth, identity_weight,
                 ridge, threads, verbose)
  }
  out
}

# y for ntk_complete(): a numeric matrix, as double, NA = missing.
check_y <- function(y) {
  if (is.data.frame(y)) y <- as.matrix(y)
  if (!is.matrix(y) || !(is.numeric(y) || is.logical(y) && all(is.na(y))))
    stopf("'y' must be a numeric matrix (got %s)", class(y)[1L])
  if (any(dim(y) == 0L)) stopf("'y' is empty (%d x %d)", nrow(y), ncol(y))
  if (any(is.infinite(y))) stopf("'y' holds infinite values")
  empty <- which(rowSums(!is.na(y)) == 0L)
  if (length(empty) > 0L && any(is.na(y)))
    stopf("row %d of 'y' has no observed entry (%d such rows): nothing to learn from",
          empty[1L], length(empty))
  storage.mode(y) <- "double"
  y
}
