test_that("folds are per cell line, disjoint, balanced and reproducible", {
  cm <- small_cmap()
  f <- cmap_folds(cm, k = 5, seed = 149)
  expect_identical(nrow(f), ncol(cm$x))
  expect_true(all(is.na(f$fold[f$cell == "MCF7"])))
  counts <- table(cm$design$cell)
  for (c in setdiff(names(counts), "MCF7")) {
    ff <- f$fold[f$cell == c]
    if (counts[[c]] < 5) {
      expect_true(all(is.na(ff)))
    } else {
      sizes <- tabulate(ff, 5)
      expect_lte(max(sizes) - min(sizes), 1L)
      expect_identical(sum(sizes), as.integer(counts[[c]]))
    }
  }
  expect_identical(cmap_folds(cm, 5, 149, quiet = TRUE), f)
  expect_false(identical(cmap_folds(cm, 5, 10, quiet = TRUE)$fold, f$fold))
  # a cell line with fewer drugs than folds only trains, and is named
  few <- which(cm$design$cell == "CELL03")[-(1:3)]
  cm3 <- cmap_data(cm$x[, -few], cm$design[-few, ])
  expect_message(f3 <- cmap_folds(cm3, k = 5), "1 cell line with fewer than 5 drugs only train: CELL03")
  expect_true(all(is.na(f3$fold[f3$cell == "CELL03"])))
})

test_that("cmap_cv tests every eligible profile once per round", {
  cm <- small_cmap()
  cv <- cmap_cv(cm, list(mean = cmap_method("mean")), k = 4, seeds = c(1, 2),
                threshold = 20, verbose = FALSE)
  p <- cv$profiles
  for (s in c(1, 2)) {
    ps <- p[p$seed == s, ]
    expect_false(anyDuplicated(paste(ps$cell, ps$drug)) > 0)
    f <- cmap_folds(cm, 4, s, quiet = TRUE)
    expect_identical(nrow(ps), sum(!is.na(f$fold)))
    expect_identical(sort(paste(ps$cell, ps$drug, ps$fold)),
                     sort(paste(f$cell, f$drug, f$fold)[!is.na(f$fold)]))
  }
  # regimes partition the profiles, by training drugs of the cell line
  fa <- cv$folds[cv$folds$regime == "all", ]
  fd <- cv$folds[cv$folds$regime == "dense", ]
  fs <- cv$folds[cv$folds$regime == "sparse", ]
  expect_identical(fa$n_test, fd$n_test + fs$n_test)
  expect_true(all(p$regime[p$cell == "CELL01"] == "dense"))
})

test_that("explicit folds are honoured", {
  cm <- small_cmap()
  d <- cm$design
  folds <- data.frame(drug = d$drug, cell = d$cell,
                      fold = ifelse(d$cell == "CELL02", rep_len(1:2, nrow(d)), NA))
  cv <- cmap_cv(cm, list(mean = cmap_method("mean")), folds = folds,
                threshold = 20, verbose = FALSE)
  got <- cv$profiles
  want <- folds[!is.na(folds$fold), ]
  expect_identical(sort(paste(got$cell, got$drug, got$fold)),
                   sort(paste(want$cell, want$drug, want$fold)))
  # the metrics of a fold are those of cmap_impute on its training data
  test <- which(!is.na(folds$fold) & folds$fold == 1)
  train <- cmap_data(cm$x[, -test], d[-test, ])
  pred <- cmap_impute(train, "mean", targets = d[test, ])
  truth <- cm$x[, test]
  m <- cmap_metrics(truth, pred$x[, ncol(train$x) + seq_along(test)])
  row <- cv$folds[cv$folds$fold == 1 & cv$folds$regime == "all", ]
  expect_equal(row$pearson, m[["pearson"]])
  expect_equal(row$mean_r2, m[["mean_r2"]])
  expect_equal(row$mean_cosine, m[["mean_cosine"]])
  expect_error(cmap_cv(cm, folds = data.frame(drug = "x", cell = "MCF7", fold = 1)),
               "not measured")
  expect_error(cmap_cv(cm, folds = data.frame(drug = d$drug, cell = d$cell, fold = 0)),
               "fold numbers >= 1")
  expect_error(cmap_cv(cm, methods = list("mean")), "list of cmap_method")
})

test_that("metrics equal hand-computed values", {
  truth <- cbind(c(1, 2, 3, 4), c(0, 1, 0, -1))
  pred <- cbind(c(1, 2, 2, 5), c(0, 2, 0, -2))
  m <- cmap_metrics(truth, pred, by_profile = TRUE)
  # profile 1: mean 2.5, SS_tot = 5, SS_res = 2
  # profile 2: mean 0, SS_tot = 2, SS_res = 2
  expect_equal(m$profiles$r2, c(1 - 2 / 5, 1 - 2 / 2))
  cos1 <- sum(c(1, 2, 3, 4) * c(1, 2, 2, 5)) / sqrt(30 * 34)
  cos2 <- sum(c(0, 1, 0, -1) * c(0, 2, 0, -2)) / sqrt(2 * 8)
  expect_equal(m$profiles$cosine, c(cos1, cos2))
  expect_equal(m$summary[["mean_r2"]], mean(c(0.6, 0)))
  expect_equal(m$summary[["mean_cosine"]], mean(c(cos1, cos2)))
  tv <- c(1, 2, 3, 4, 0, 1, 0, -1)
  pv <- c(1, 2, 2, 5, 0, 2, 0, -2)
  r <- sum((tv - mean(tv)) * (pv - mean(pv))) /
    sqrt(sum((tv - mean(tv))^2) * sum((pv - mean(pv))^2))
  expect_equal(m$summary[["pearson"]], r)
  # a zero prediction has no cosine and is left out
  m0 <- cmap_metrics(truth, cbind(pred[, 1], 0))
  expect_equal(m0[["mean_cosine"]], cos1)
  expect_error(cmap_metrics(truth, pred[, 1, drop = FALSE]), "'truth' is 4 x 2 but 'pred' is 4 x 1")
})

test_that("folds and rounds run separately combine into the one-call result", {
  cm <- small_cmap()
  m <- list(mean = cmap_method("mean"), ntk = cmap_method("ntk", prior = "mcf7"))
  whole <- cmap_cv(cm, m, k = 4, seeds = c(1, 2), threshold = 20,
                   keep_predictions = TRUE, verbose = FALSE)
  parts <- c(lapply(1:4, function(f)
    cmap_cv(cm, m, k = 4, seeds = 1, which_folds = f, threshold = 20,
            keep_predictions = TRUE, verbose = FALSE)),
    list(cmap_cv(cm, m, k = 4, seeds = 2, threshold = 20,
                 keep_predictions = TRUE, verbose = FALSE)))
  comb <- cmap_cv_combine(rev(parts))       # order does not matter
  ord <- function(d) d[do.call(order, unname(d[intersect(c("method", "seed", "fold", "regime", "drug", "cell"), names(d))])), ]
  strip <- function(d) { d$seconds <- NULL; rownames(d) <- NULL; d }
  expect_equal(strip(ord(comb$overall)), strip(ord(whole$overall)), tolerance = 1e-12)
  expect_equal(strip(ord(comb$folds)), strip(ord(whole$folds)), tolerance = 1e-12)
  expect_equal(strip(ord(comb$profiles)), strip(ord(whole$profiles)), tolerance = 1e-12)
  # the stacked r really is over the folds together, not a mean of folds
  o <- comb$overall[comb$overall$method == "ntk" & comb$overall$seed == 1 &
                      comb$overall$regime == "all", ]
  p1 <- whole$predictions[["ntk/1"]]
  expect_equal(o$pearson, cor(c(cm$x[, colnames(p1)]), c(p1)), tolerance = 1e-12)
  expect_setequal(names(comb$predictions), names(whole$predictions))
  expect_equal(comb$predictions[["ntk/1"]][, colnames(p1)], p1)
  expect_s3_class(comb, "ntkmc_cv")
  expect_identical(cmap_compare(comb, "ntk", "mean")$statistic,
                   cmap_compare(whole, "ntk", "mean")$statistic)
  # mistakes are named
  expect_error(cmap_cv_combine(parts[[1]], parts[[1]]), "fold 1 of round 1 appears in two runs")
  other <- cmap_cv(cm, list(mean = cmap_method("mean", f = 0.5)), k = 4,
                   seeds = 3, threshold = 20, verbose = FALSE)
  expect_error(cmap_cv_combine(parts[[1]], other), "different methods")
  k5 <- cmap_cv(cm, m, k = 5, seeds = 3, threshold = 20, verbose = FALSE)
  expect_error(cmap_cv_combine(parts[[1]], k5), "differ in 'k'")
  expect_error(cmap_cv_combine(list(1)), "needs ntkmc_cv objects")
  # paper-size folds: a million values each, whose product overflows an int
  big <- data.frame(n_values = c(1317366L, 1316388L), mean_truth = c(0, 1),
                    mean_pred = c(0, 1), ss_truth = c(1, 1), ss_pred = c(1, 1),
                    cross = c(0.5, 0.5))
  r <- ntkmc:::combine_moments(big)
  n1 <- 1317366; n2 <- 1316388; w <- n1 * n2 / (n1 + n2)
  expect_equal(r, (1 + w) / (2 + w))
})

test_that("cmap_compare is the corrected repeated k-fold t-test", {
  cm <- small_cmap()
  cv <- cmap_cv(cm, list(ntk = cmap_method("ntk"), mean = cmap_method("mean")),
                k = 4, seeds = c(149, 10), threshold = 20, verbose = FALSE)
  res <- cmap_compare(cv, "ntk", "mean", metric = "mean_cosine")
  expect_s3_class(res, "htest")
  a <- cv$folds[cv$folds$method == "ntk" & cv$folds$regime == "all", ]
  b <- cv$folds[cv$folds$method == "mean" & cv$folds$regime == "all", ]
  d <- a$mean_cosine - b$mean_cosine
  ratio <- mean(a$n_test / a$n_train)
  t <- mean(d) / sqrt((1 / length(d) + ratio) * var(d))
  expect_equal(unname(res$statistic), t)
  expect_identical(unname(res$parameter), length(d) - 1L)
  expect_equal(res$p.value, pt(t, length(d) - 1L, lower.tail = FALSE))
  two <- cmap_compare(cv, "ntk", "mean", metric = "mean_cosine", alternative = "two.sided")
  expect_equal(two$p.value, 2 * pt(-abs(t), length(d) - 1L))
  expect_error(cmap_compare(cv, "ntk", "dnpp"), "method 'dnpp' is not in 'cv'")
})

test_that("plots draw without error", {
  cm <- small_cmap()
  cv <- cmap_cv(cm, list(ntk = cmap_method("ntk"), mean = cmap_method("mean")),
                k = 4, threshold = 20, verbose = FALSE)
  f <- tempfile(fileext = ".pdf")
  grDevices::pdf(f)
  on.exit(unlink(f))
  expect_identical(plot(cm, threshold = 20), cm)
  expect_identical(plot(cv), cv)
  grDevices::dev.off()
  expect_gt(file.size(f), 1000)
  expect_output(print(cv), "2 methods, 1 round of 4-fold CV")
})

test_that("cross-validation plots draw the values they claim", {
  cm <- small_cmap()
  cv <- cmap_cv(cm, list(ntk = cmap_method("ntk"), mean = cmap_method("mean"),
                         mean_half = cmap_method("mean", f = 0.5)),
                k = 4, seeds = c(149, 10), threshold = 20, verbose = FALSE)
  # bars: the overall metric averaged over rounds, whiskers the fold range
  v <- ntkmc:::cv_bar_values(cv, "mean_r2", c("ntk", "mean"))
  o <- cv$overall
  expect_equal(v$value["ntk", "dense"],
               mean(o$mean_r2[o$method == "ntk" & o$regime == "dense"]))
  f <- cv$folds[cv$folds$method == "mean" & cv$folds$regime == "sparse", ]
  expect_equal(v$lo["mean", "sparse"], min(f$mean_r2))
  expect_equal(v$hi["mean", "sparse"], max(f$mean_r2))
  # with a baseline: the per-fold differences cmap_compare() tests
  d <- ntkmc:::cv_difference_values(cv, "mean_cosine", "mean", c("ntk", "mean_half"))
  expect_setequal(unique(d$method), c("ntk", "mean_half"))
  expect_equal(nrow(d), 2 * 3 * 8)                  # methods x regimes x folds
  for (rg in c("all", "sparse"))
    expect_equal(d$difference[d$method == "ntk" & d$regime == rg],
                 cmap_compare(cv, "ntk", "mean", metric = "mean_cosine",
                              regime = rg)$differences)
  a <- cv$folds[cv$folds$method == "mean_half" & cv$folds$regime == "dense", ]
  b <- cv$folds[cv$folds$method == "mean" & cv$folds$regime == "dense", ]
  expect_equal(d$difference[d$method == "mean_half" & d$regime == "dense"],
               a$mean_cosine - b$mean_cosine[match(paste(a$seed, a$fold),
                                                   paste(b$seed, b$fold))])
  f <- tempfile(fileext = ".pdf")
  grDevices::pdf(f)
  on.exit(unlink(f))
  mfrow <- graphics::par("mfrow")
  expect_identical(plot(cv, baseline = "mean"), cv)
  expect_identical(plot(cv, baseline = "mean", methods = "ntk",
                        metrics = "mean_r2"), cv)
  expect_identical(plot(cv, methods = c("mean", "ntk"), col = 1:3), cv)
  expect_identical(graphics::par("mfrow"), mfrow)   # settings restored
  expect_error(plot(cv, baseline = "dnpp"),
               "baseline method 'dnpp' is not in 'x' \\(methods: ntk, mean, mean_half\\)")
  expect_error(plot(cv, methods = c("ntk", "falrtc")), "method 'falrtc' is not in 'x'")
  expect_error(plot(cv, baseline = "ntk", methods = "ntk"),
               "no method to compare with baseline 'ntk'")
  expect_error(plot(cv, col = c("red", "blue")), "'col' gives 2 colours for 3 methods")
  grDevices::dev.off()
  expect_gt(file.size(f), 1000)
})
