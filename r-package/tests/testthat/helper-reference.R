# Independent plain-R versions of what the package computes, for comparison:
# the ReLU NTK from its closed form (Theorem 1) and kernel regression by
# solve(), row by row.

relu_dual <- function(x) (x * (pi - acos(x)) + sqrt(1 - x^2)) / pi
relu_dual_deriv <- function(x) (pi - acos(x)) / pi

kappa_r <- function(xi, depth = 1L) {
  xi <- pmin(pmax(xi, -1), 1)
  k <- xi
  s <- xi
  for (h in seq_len(depth)) {
    k <- relu_dual(s) + k * relu_dual_deriv(s)
    s <- relu_dual(s)
  }
  k
}

# prior: n x p (one row per column of y); [prior, c I] normalized by rows.
ntk_gram_r <- function(prior, identity_weight = 0, depth = 1L) {
  x <- cbind(prior, identity_weight * diag(nrow(prior)))
  x <- x / sqrt(rowSums(x^2))
  g <- tcrossprod(x)
  diag(g) <- 1           # unit vectors; avoids sqrt(1 - x^2) of rounding
  kappa_r(g, depth)
}

complete_r <- function(y, k, ridge = 0) {
  out <- y
  for (i in seq_len(nrow(y))) {
    s <- which(!is.na(y[i, ]))
    u <- which(is.na(y[i, ]))
    if (length(u) == 0L) next
    kss <- k[s, s, drop = FALSE] + ridge * diag(length(s))
    out[i, u] <- k[u, s, drop = FALSE] %*% solve(kss, y[i, s])
  }
  out
}

small_cmap <- function(seed = 1L, ...) {
  simulate_cmap(n_genes = 30L, n_drugs = 40L, n_cells = 7L, n_profiles = 130L,
                n_dense = 2L, threshold = 20L, seed = seed, ...)
}
