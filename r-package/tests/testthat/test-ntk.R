test_that("kappa has the closed-form values of the ReLU NTK", {
  expect_equal(ntk_kappa(c(-1, 0, 1)), c(0, 1 / pi, 2))
  xi <- seq(-1, 1, length.out = 41)
  expect_equal(ntk_kappa(xi), kappa_r(xi), tolerance = 1e-12)
  expect_equal(ntk_kappa(xi, depth = 3), kappa_r(xi, 3), tolerance = 1e-12)
  expect_equal(ntk_kappa(-1, depth = 2), 1 / pi, tolerance = 1e-12)
})

test_that("Proposition 2: one-hot prior predicts sum(y) / (2 pi - 1 + l)", {
  set.seed(2)
  for (l in c(1L, 4L, 25L)) {
    y <- matrix(rnorm(3 * (l + 2)), 3)
    y[, l + 1:2] <- NA
    f <- ntk_complete(y)
    expect_equal(f[, l + 1], rowSums(y[, 1:l, drop = FALSE]) / (2 * pi - 1 + l),
                 tolerance = 1e-12)
    expect_equal(f[, l + 2], f[, l + 1])
  }
})

test_that("ntk_kernel equals the kernel built in R", {
  set.seed(3)
  z <- matrix(rnorm(12 * 5), 12, 5)
  expect_equal(unname(ntk_kernel(z)), ntk_gram_r(z), tolerance = 1e-12, ignore_attr = TRUE)
  expect_equal(unname(ntk_kernel(z, identity_weight = 1.5, depth = 2)),
               ntk_gram_r(z, 1.5, 2), tolerance = 1e-12, ignore_attr = TRUE)
  expect_equal(unname(ntk_kernel(n = 4)), ntk_gram_r(diag(4)), tolerance = 1e-12, ignore_attr = TRUE)
  rownames(z) <- paste0("c", 1:12)
  expect_identical(dimnames(ntk_kernel(z)), list(rownames(z), rownames(z)))
})

test_that("ntk_complete equals solve() with whole columns missing", {
  set.seed(4)
  z <- matrix(rnorm(40 * 6), 40, 6)
  y <- matrix(rnorm(5 * 6), 5) %*% t(z) + matrix(rnorm(200, sd = 0.1), 5)
  y[, c(3, 17, 30:33)] <- NA
  for (iw in c(0, 1.5)) {
    f <- ntk_complete(y, z, identity_weight = iw)
    expect_equal(f, complete_r(y, ntk_gram_r(z, iw)), tolerance = 1e-9,
                 ignore_attr = TRUE)
    expect_equal(attr(f, "report")$n_patterns, 1)
  }
})

test_that("ntk_complete equals solve() with scattered missing entries", {
  set.seed(5)
  z <- matrix(rnorm(25 * 4), 25, 4)
  y <- matrix(rnorm(8 * 25), 8)
  y[sample(length(y), 60)] <- NA
  y[, 2] <- NA                                  # and a whole column
  f <- ntk_complete(y, z, identity_weight = 1.5, depth = 2)
  expect_equal(f, complete_r(y, ntk_gram_r(z, 1.5, 2)), tolerance = 1e-9,
               ignore_attr = TRUE)
  expect_gt(attr(f, "report")$n_patterns, 1)
  # ridge
  f2 <- ntk_complete(y, z, identity_weight = 1.5, ridge = 0.3)
  expect_equal(f2, complete_r(y, ntk_gram_r(z, 1.5), 0.3), tolerance = 1e-9,
               ignore_attr = TRUE)
  # observed entries are copied unchanged
  expect_identical(f[!is.na(y)], y[!is.na(y)])
})

test_that("a precomputed kernel gives the same completion", {
  set.seed(6)
  z <- matrix(rnorm(20 * 3), 20, 3)
  y <- matrix(rnorm(4 * 20), 4)
  y[sample(80, 15)] <- NA
  k <- ntk_kernel(z, identity_weight = 1.5)
  expect_equal(ntk_complete(y, kernel = k),
               ntk_complete(y, z, identity_weight = 1.5), tolerance = 1e-12,
               ignore_attr = TRUE)
})

test_that("ntk_complete keeps dimnames and does not modify its input", {
  y <- matrix(c(1, 2, NA, 4, 5, 6), 2,
              dimnames = list(c("a", "b"), c("x", "y", "z")))
  y0 <- y
  f <- ntk_complete(y)
  expect_identical(y, y0)
  expect_identical(dimnames(f), dimnames(y))
  expect_false(anyNA(f))
  full <- matrix(1:4 + 0.5, 2)
  expect_identical(ntk_complete(full), full)
})

test_that("ntk_complete and ntk_kernel reject bad input clearly", {
  y <- matrix(c(1, NA, 3, 4), 2)
  expect_error(ntk_complete("a"), "'y' must be a numeric matrix")
  expect_error(ntk_complete(1:4), "'y' must be a numeric matrix")
  expect_error(ntk_complete(y, prior = matrix(1, 3, 2)), "'prior' has 3 rows but 'y' has 2 columns")
  expect_error(ntk_complete(y, prior = matrix(c(1, NA, 1, 1), 2)),
               "'prior' holds 1 missing or infinite value")
  expect_error(ntk_complete(matrix(c(NA, 1, NA, 2), 2)), "row 1 of 'y' has no observed entry")
  expect_error(ntk_complete(matrix(c(Inf, 1, NA, 2), 2)), "infinite")
  expect_error(ntk_complete(y, ridge = -1), "'ridge' must be >= 0")
  expect_error(ntk_complete(y, activation = "tanh"), "activation")
  expect_error(ntk_complete(y, depth = 0), "'depth' must be >= 1")
  expect_error(ntk_complete(y, kernel = diag(3)), "'kernel' must be a numeric 2 x 2 matrix")
  expect_error(ntk_kernel(), "'n' is needed")
  expect_error(ntk_kernel(matrix(0, 2, 2)), "zero")
})

test_that("memory estimates and refusals", {
  expect_gt(unclass(ntk_memory(78569)), 49e9)
  expect_lt(unclass(ntk_memory(78569)), 50e9)
  expect_match(format(ntk_memory(78569)), "GB")
  withr_opt <- options(ntkmc.max_memory = 1e5)
  on.exit(options(withr_opt))
  y <- matrix(rnorm(800), 4)
  y[, 1] <- NA
  expect_error(ntk_complete(y), "needs about .* but only .* allowed by option ntkmc.max_memory")
  expect_error(ntk_kernel(n = 200), "the kernel over 200 columns needs")
})

test_that("many missing columns: predictions from the observed kernel only", {
  # 300 observed columns, 2,700 missing: the core forms K(S, S) and panels
  # of K(U, S) (never the 3,000 x 3,000 kernel); the same numbers as the
  # full kernel of ntk_kernel() and a dense solve
  set.seed(5)
  n <- 3000L
  s <- sample(n, 300L)
  z <- matrix(rnorm(n * 20), n)
  y <- matrix(NA_real_, 5, n)
  y[, s] <- rnorm(5 * 300)
  out <- ntk_complete(y, prior = z, identity_weight = 1.5)
  k <- ntk_kernel(z, identity_weight = 1.5)
  u <- setdiff(seq_len(n), s)
  want <- t(k[u, s] %*% solve(k[s, s], t(y[, s])))
  expect_equal(out[, u], want, tolerance = 1e-8)
  expect_identical(out[, s], y[, s])
  # the estimate counts the observed kernel and one panel, not n^2
  expect_equal(unclass(ntk_memory(n, 5, n_observed = 300)),
               8 * (300^2 + 256 * 300) + 16 * 5 * n)
  expect_equal(unclass(ntk_memory(140000, 978, n_observed = 15000)),
               8 * (15000^2 + 3750 * 15000) + 16 * 978 * 140000)
  expect_error(ntk_memory(10, n_observed = 11), "'n_observed' \\(11\\) is more than 'n' \\(10\\)")
  # a prior the call builds counts too
  expect_equal(unclass(ntk_memory(140000, 978, n_observed = 15000,
                                  n_features = 2 * 978)),
               8 * (15000^2 + 3750 * 15000) + 16 * 978 * 140000 +
                 8 * 2 * 978 * 140000)
  expect_error(ntk_memory(10, n_features = -1), "'n_features' must be >= 0")
})
