# DNPP and FaLRTC: the engines against plain-R versions of their definitions,
# and in cmap_impute() / cmap_cv() / the mixed prior.

# DNPP as the reference code defines it, in plain R over an ntkmc_cmap.
dnpp_r <- function(cm, targets, k = 10L) {
  d <- as.character(cm$design$drug)
  cl <- as.character(cm$design$cell)
  corr <- list()
  for (c in unique(cl)) {
    j <- which(cl == c)
    r <- suppressWarnings(stats::cor(cm$x[, j, drop = FALSE]))
    dimnames(r) <- list(d[j], d[j])
    corr[[c]] <- r
  }
  sim <- function(a, b) {
    v <- vapply(corr, function(r)
      if (a %in% rownames(r) && b %in% rownames(r)) r[a, b] else NA_real_, 0)
    v <- v[!is.na(v)]
    if (length(v) == 0L) NA_real_ else mean(v)
  }
  levels_d <- levels(cm$design$drug)
  out <- matrix(NA_real_, nrow(cm$x), nrow(targets))
  for (t in seq_len(nrow(targets))) {
    td <- as.character(targets$drug[t])
    tc <- as.character(targets$cell[t])
    cand <- setdiff(d[cl == tc], td)
    s <- vapply(cand, function(b) sim(td, b), 0)
    keep <- !is.na(s)
    cand <- cand[keep]
    s <- s[keep]
    # descending by (similarity, drug order)
    o <- order(-s, -match(cand, levels_d))
    top <- o[seq_len(min(k, length(o)))]
    w <- pmin(pmax(s[top], 0), 1)
    prof <- cm$x[, cl == tc, drop = FALSE]
    colnames(prof) <- d[cl == tc]
    out[, t] <- if (sum(w) > 0) prof[, cand[top], drop = FALSE] %*% w / sum(w)
                else rowMeans(prof[, setdiff(colnames(prof), td), drop = FALSE])
  }
  out
}

toy_cmap <- function(seed = 3) {
  cm <- simulate_cmap(n_genes = 12, n_drugs = 25, n_cells = 5,
                      n_profiles = 70, n_dense = 2, threshold = 15,
                      seed = seed)
  obs <- !is.na(cm$x[1L, ])
  structure(list(x = cm$x[, obs], design = cm$design[obs, ]),
            class = "ntkmc_cmap")
}

test_that("the DNPP engine equals a plain-R DNPP", {
  cm <- toy_cmap()
  set.seed(1)
  cells <- levels(cm$design$cell)
  drugs <- levels(cm$design$drug)
  measured <- paste(cm$design$cell, cm$design$drug)
  grid <- expand.grid(drug = drugs, cell = cells, stringsAsFactors = FALSE)
  grid <- grid[!paste(grid$cell, grid$drug) %in% measured, ]
  tg <- grid[sample(nrow(grid), 40), ]
  for (k in c(1L, 3L, 10L)) {
    out <- cmap_impute(cm, cmap_method("dnpp", k = k), targets = tg)
    j <- match(paste(tg$cell, tg$drug), paste(out$design$cell, out$design$drug))
    want <- dnpp_r(cm, data.frame(drug = factor(tg$drug, drugs),
                                  cell = factor(tg$cell, cells)), k)
    expect_equal(unname(out$x[, j]), want, tolerance = 1e-10)
  }
})

test_that("FaLRTC recovers a low-rank tensor and keeps the measured profiles", {
  set.seed(5)
  g <- 40; nd <- 30; nc <- 12
  a <- matrix(rnorm(g * 2), g); b <- matrix(rnorm(nd * 2), nd)
  e <- matrix(rnorm(nc * 2), nc)
  core <- array(rnorm(8), c(2, 2, 2))
  full <- array(0, c(g, nd, nc))
  for (i in 1:2) for (j in 1:2) for (l in 1:2)
    full <- full + core[i, j, l] * outer(outer(a[, i], b[, j]), e[, l])
  dimnames(full) <- list(paste0("g", 1:g), paste0("d", 1:nd), paste0("c", 1:nc))
  x <- full
  miss <- matrix(runif(nd * nc) < 0.1, nd, nc)
  for (j in 1:nd) for (l in 1:nc) if (miss[j, l]) x[, j, l] <- NA
  out <- cmap_impute(x, cmap_method("falrtc", max_iters = 3000L, tol = 1e-7))
  flat <- function(t) matrix(t, g)
  err <- sqrt(sum((flat(out) - flat(full))[, c(miss)]^2) /
                sum(flat(full)[, c(miss)]^2))
  expect_lt(err, 0.05)
  expect_identical(out[!is.na(x)], x[!is.na(x)])
  expect_false(anyNA(out))
})

test_that("cmap_cv runs DNPP, FaLRTC and the NTK with a FaLRTC prior", {
  cm <- simulate_cmap(n_genes = 15, n_drugs = 30, n_cells = 6,
                      n_profiles = 110, n_dense = 2, threshold = 20)
  methods <- list(dnpp = cmap_method("dnpp"),
                  falrtc = cmap_method("falrtc", max_iters = 50L),
                  mixed = cmap_method("ntk", prior = "mixed", threshold = 20,
                                      imputation = cmap_method("falrtc",
                                                               max_iters = 50L)),
                  imp = cmap_method("ntk", prior = "imputation",
                                    imputation = cmap_method("falrtc",
                                                             max_iters = 50L)))
  cv <- cmap_cv(cm, methods, k = 3, seeds = 149, threshold = 20,
                verbose = FALSE, keep_predictions = TRUE)
  o <- cv$overall[cv$overall$regime == "all", ]
  expect_setequal(o$method, names(methods))
  expect_true(all(is.finite(o$mean_r2)))
  expect_true(all(vapply(cv$predictions, function(p) !anyNA(p), TRUE)))
  # every FaLRTC run is reported (the prior's run is the falrtc method's)
  expect_identical(unique(cv$falrtc$method), "falrtc")
  expect_identical(sort(cv$falrtc$fold), 1:3)
  expect_true(all(cv$falrtc$iterations >= 1 & cv$falrtc$iterations <= 50))
  expect_equal(cv$falrtc$converged, cv$falrtc$iterations < 50)
  expect_null(cmap_cv(cm, list(d = methods$dnpp), k = 3, threshold = 20,
                      verbose = FALSE)$falrtc)
  expect_match(format(methods$dnpp), "DNPP \\(k = 10\\)")
  expect_match(format(methods$falrtc), "FaLRTC")
})

# the training set and targets of fold 1 of a 3-fold split
first_fold <- function(cm) {
  folds <- cmap_folds(cm, k = 3, seed = 149, quiet = TRUE)
  tg <- folds[!is.na(folds$fold) & folds$fold == 1L, c("drug", "cell")]
  keep <- !paste(cm$design$drug, cm$design$cell) %in% paste(tg$drug, tg$cell)
  list(targets = tg, train = ntkmc:::cmap_subset(cm, keep))
}

test_that("FaLRTC centred by cell line starts at the mean over cell type and beats the plain one on per-cell offsets", {
  cm <- simulate_cmap(n_genes = 30, n_drugs = 40, n_cells = 8,
                      n_profiles = 180, n_dense = 3, threshold = 20, seed = 3L)
  sp <- first_fold(cm)
  tg <- sp$targets
  train <- sp$train
  m0 <- cmap_impute(train, cmap_method("falrtc", center = "cell",
                                       max_iters = 0L), targets = tg)
  mean <- cmap_impute(train, cmap_method("mean"), targets = tg)
  key <- function(o) match(paste(tg$drug, tg$cell),
                           paste(o$design$drug, o$design$cell))
  expect_equal(m0$x[, key(m0)], mean$x[, key(mean)], tolerance = 1e-12)
  expect_match(format(cmap_method("falrtc", center = "cell")), "centred")
  methods <- list(plain = cmap_method("falrtc", max_iters = 1000L),
                  centred = cmap_method("falrtc", center = "cell",
                                        max_iters = 1000L))
  cv <- cmap_cv(cm, methods, k = 3, seeds = 149, threshold = 20,
                verbose = FALSE)
  o <- cv$overall[cv$overall$regime == "all", ]
  expect_gt(o$mean_r2[o$method == "centred"],
            o$mean_r2[o$method == "plain"] + 0.1)
})

test_that("FaLRTC in single precision gives the double-precision completion", {
  cm <- simulate_cmap(n_genes = 30, n_drugs = 40, n_cells = 8,
                      n_profiles = 180, n_dense = 3, threshold = 20, seed = 5L)
  sp <- first_fold(cm)
  tg <- sp$targets
  train <- sp$train
  x0 <- train$x
  run <- function(precision)
    cmap_impute(train, cmap_method("falrtc", center = "cell", tol = 1e-6,
                                   max_iters = 2000L, precision = precision),
                targets = tg)
  d <- run("double")
  s <- run("single")
  expect_identical(train$x, x0)
  expect_identical(dimnames(s$x), dimnames(d$x))
  expect_lt(sqrt(sum((s$x - d$x)^2) / sum(d$x^2)), 3e-3)
  expect_gt(max(abs(s$x - d$x)), 0)    # really another computation
  m <- cmap_method("falrtc", precision = "single")
  expect_match(format(m), "single-precision")
  # the default is not stored: methods made before the option compare equal
  expect_identical(cmap_method("falrtc"), cmap_method("falrtc", precision = "double"))
})

test_that("the baselines reject bad settings and data", {
  expect_error(cmap_method("dnpp", k = 0), "'k' must be >= 1")
  expect_error(cmap_method("falrtc", alpha = c(0, 0, 0)), "positive entry")
  expect_error(cmap_method("falrtc", alpha = c(1, 1)), "3 finite numbers")
  expect_error(cmap_method("falrtc", mu = c(-1, 0, 0)), "3 finite numbers")
  expect_error(cmap_method("falrtc", tol = -1), "'tol' must be >= 0")
  expect_error(
    .Call(ntkmc:::C_dnpp, array(0, c(2, 2, 2)), matrix(FALSE, 2, 2), 1L, 1L,
          10L, 1L, FALSE), "no profile is measured")
  expect_error(
    .Call(ntkmc:::C_falrtc, array(NaN, c(2, 2, 2)), matrix(TRUE, 2, 2),
          c(1, 1, 1), c(0, 0, 0), 10L, 1e-5, 0L, FALSE, 1L, FALSE), "non-finite")
  expect_error(cmap_method("falrtc", center = "drug"),
               "'center' must be \"none\" or \"cell\"")
  expect_error(cmap_method("falrtc", center = c("cell", "none")), "'center'")
  expect_error(
    .Call(ntkmc:::C_falrtc, array(1, c(2, 2, 2)), matrix(TRUE, 2, 2),
          c(1, 1, 1), c(0, 0, 0), 10L, 1e-5, 5L, FALSE, 1L, FALSE), "center must be")
  expect_error(cmap_method("falrtc", precision = "half"),
               "'precision' must be \"double\" or \"single\"")
  expect_error(cmap_method("falrtc", precision = NA_character_), "'precision'")
})
