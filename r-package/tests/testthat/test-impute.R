# A data set where every prior is easy to build by hand: cell lines MCF7
# (all 6 drugs), A (4 drugs) and B (3 drugs).
hand_data <- function() {
  set.seed(11)
  drugs <- paste0("d", 1:6)
  design <- data.frame(drug = c(drugs, "d1", "d2", "d3", "d4", "d2", "d5", "d6"),
                       cell = c(rep("MCF7", 6), rep("A", 4), rep("B", 3)))
  x <- matrix(rnorm(8 * 13), 8, dimnames = list(paste0("g", 1:8), NULL))
  cmap_data(x, design)
}

test_that("the one-hot prior is the shrunk mean over the cell type", {
  cm <- hand_data()
  out <- cmap_impute(cm, prior = "onehot",
                     targets = data.frame(drug = c("d6", "d1"), cell = c("A", "B")))
  a <- cm$x[, cm$design$cell == "A"]
  b <- cm$x[, cm$design$cell == "B"]
  j <- ncol(cm$x) + 1:2
  expect_equal(unname(out$x[, j[1]]), unname(rowSums(a) / (2 * pi - 1 + 4)), tolerance = 1e-12)
  expect_equal(unname(out$x[, j[2]]), unname(rowSums(b) / (2 * pi - 1 + 3)), tolerance = 1e-12)
  expect_identical(out$x[, 1:13], cm$x)
})

test_that("the MCF7 prior is the paper's embedding, solved as by solve()", {
  cm <- hand_data()
  tg <- data.frame(drug = c("d5", "d1"), cell = c("A", "B"))
  out <- cmap_impute(cm, prior = "mcf7", targets = tg)
  # by hand: [1.25 ||e_d|| xbar_c / ||xbar_c||, e_d], then [., 1.5 I]
  x <- cm$x
  cells <- as.character(cm$design$cell)
  drugs <- as.character(cm$design$drug)
  ref <- x[, cells == "MCF7"]
  colnames(ref) <- drugs[cells == "MCF7"]
  emb <- function(d, c) {
    e <- ref[, d]
    xc <- rowMeans(x[, cells == c, drop = FALSE])
    c(1.25 * sqrt(sum(e^2)) * xc / sqrt(sum(xc^2)), e)
  }
  all_d <- c(drugs, tg$drug)
  all_c <- c(cells, tg$cell)
  prior <- t(mapply(emb, all_d, all_c))
  y <- cbind(x, NA, NA)
  ref_pred <- complete_r(y, ntk_gram_r(prior, 1.5))[, 14:15]
  expect_equal(unname(out$x[, 14:15]), unname(ref_pred), tolerance = 1e-9)
  # a drug the reference line never saw takes the reference line's mean
  cm2 <- cmap_data(cm$x[, -6], cm$design[-6, ])        # MCF7 loses d6
  out2 <- cmap_impute(cm2, prior = "mcf7", cell_weight = 0.75,
                      targets = data.frame(drug = "d6", cell = "A"))
  ref2 <- ref[, 1:5]
  emb2 <- function(d, c) {
    e <- if (d %in% colnames(ref2)) ref2[, d] else rowMeans(ref2)
    xc <- rowMeans(cm2$x[, cm2$design$cell == c, drop = FALSE])
    c(0.75 * sqrt(sum(e^2)) * xc / sqrt(sum(xc^2)), e)
  }
  prior2 <- t(mapply(emb2, c(as.character(cm2$design$drug), "d6"),
                     c(as.character(cm2$design$cell), "A")))
  ref_pred2 <- complete_r(cbind(cm2$x, NA), ntk_gram_r(prior2, 1.5))[, 13]
  expect_equal(unname(out2$x[, 13]), unname(ref_pred2), tolerance = 1e-9)
})

test_that("mean over cell type, pure and mixed with the drug mean", {
  cm <- hand_data()
  tg <- data.frame(drug = c("d6", "d3"), cell = c("A", "B"))
  pure <- cmap_impute(cm, "mean", targets = tg)
  a_mean <- rowMeans(cm$x[, cm$design$cell == "A"])
  expect_equal(unname(pure$x[, 14]), unname(a_mean))
  mix <- cmap_impute(cm, "mean", f = 0.5, targets = tg)
  d3_mean <- rowMeans(cm$x[, cm$design$drug == "d3"])
  b_mean <- rowMeans(cm$x[, cm$design$cell == "B"])
  expect_equal(unname(mix$x[, 15]), unname(0.5 * b_mean + 0.5 * d3_mean))
  # a drug measured nowhere takes the mean of the drug means
  cm2 <- cmap_data(cbind(cm$x, NA), rbind(cm$design, data.frame(drug = "d7", cell = "A")))
  out <- cmap_impute(cm2, "mean", f = 0.5)
  dm <- sapply(split(seq_len(13), cm$design$drug), function(j) rowMeans(cm$x[, j, drop = FALSE]))
  expect_equal(unname(out$x[, 14]), unname(0.5 * a_mean + 0.5 * rowMeans(dm)))
})

test_that("the mixed prior uses the imputation prior for dense cell lines only", {
  cm <- hand_data()
  tg <- data.frame(drug = c("d5", "d1"), cell = c("A", "B"))   # A: 4 drugs, B: 3
  mixed <- cmap_impute(cm, prior = "mixed", threshold = 4, targets = tg)
  imp <- cmap_impute(cm, prior = "imputation", targets = tg[1, ])
  mcf <- cmap_impute(cm, prior = "mcf7", targets = tg[2, ])
  expect_equal(mixed$x[, 14], imp$x[, 14], tolerance = 1e-12)
  expect_equal(mixed$x[, 15], mcf$x[, 14], tolerance = 1e-12)
  # the imputation prior by hand: own profiles for training, the mean's
  # prediction for the target, [., 1.5 I]
  z <- t(cbind(cm$x, rowMeans(cm$x[, cm$design$cell == "A"])))
  by_hand <- complete_r(cbind(cm$x, NA), ntk_gram_r(z, 1.5))[, 14]
  expect_equal(unname(imp$x[, 14]), unname(by_hand), tolerance = 1e-9)
  # a given imputation (an ntkmc_cmap holding the target) works the same
  given <- cmap_impute(cm, "mean", targets = tg[1, ])
  imp2 <- cmap_impute(cm, prior = "imputation", imputation = given, targets = tg[1, ])
  expect_equal(imp2$x[, 14], imp$x[, 14], tolerance = 1e-12)
})

test_that("no_reference routes sparse targets of drugs the reference never measured", {
  cm <- hand_data()
  # d7: measured in A only, never in MCF7
  cm <- cmap_data(cbind(cm$x, rnorm(8)),
                  rbind(cm$design, data.frame(drug = "d7", cell = "A")))
  tg <- data.frame(drug = c("d7", "d1", "d6"), cell = c("B", "B", "A"))
  # B (3 drugs) is sparse, A (5 drugs) dense at threshold 4
  paper <- cmap_impute(cm, prior = "mixed", threshold = 4, targets = tg)
  routed <- cmap_impute(cm, prior = "mixed", threshold = 4, targets = tg,
                        no_reference = "imputation")
  imp <- cmap_impute(cm, prior = "imputation", targets = tg)
  mcf <- cmap_impute(cm, prior = "mcf7", targets = tg)
  j <- ncol(cm$x) + 1:3
  # the paper's split: (d7, B) sparse -> MCF7 prior; with no_reference it
  # takes the imputation prior; (d1, B) keeps the MCF7 prior (MCF7 has d1);
  # (d6, A) is dense -> imputation prior either way
  expect_equal(paper$x[, j[1]], mcf$x[, j[1]], tolerance = 1e-12)
  expect_equal(routed$x[, j[1]], imp$x[, j[1]], tolerance = 1e-12)
  expect_false(isTRUE(all.equal(imp$x[, j[1]], mcf$x[, j[1]])))
  expect_equal(routed$x[, j[2]], mcf$x[, j[2]], tolerance = 1e-12)
  expect_equal(routed$x[, j[3]], imp$x[, j[3]], tolerance = 1e-12)
  expect_equal(paper$x[, j[3]], imp$x[, j[3]], tolerance = 1e-12)
  expect_match(attr(routed, "ntkmc")$method, "reference never measured")
  expect_false(grepl("reference never measured", attr(paper, "ntkmc")$method))
  expect_error(cmap_method("ntk", prior = "mixed", no_reference = "mean"),
               "'no_reference' must be \"mcf7\" or \"imputation\"")
  # the paper's default is not stored, so older method objects compare equal
  expect_identical(cmap_method("ntk", prior = "mixed"),
                   cmap_method("ntk", prior = "mixed", no_reference = "mcf7"))
})

test_that("user embeddings: a list of drug and cell matrices, or a function", {
  cm <- hand_data()
  set.seed(12)
  de <- matrix(rnorm(6 * 3), 6, dimnames = list(paste0("d", 1:6), NULL))
  ce <- matrix(rnorm(3 * 2), 3, dimnames = list(c("MCF7", "A", "B"), NULL))
  tg <- data.frame(drug = "d6", cell = "A")
  out <- cmap_impute(cm, prior = list(drug = de, cell = ce), targets = tg)
  z <- cbind(de[c(as.character(cm$design$drug), "d6"), ],
             ce[c(as.character(cm$design$cell), "A"), ])
  by_hand <- complete_r(cbind(cm$x, NA), ntk_gram_r(z, 1.5))[, 14]
  expect_equal(unname(out$x[, 14]), unname(by_hand), tolerance = 1e-9)
  fun <- function(drug, cell, train) cbind(de[drug, ], ce[cell, ])
  out2 <- cmap_impute(cm, prior = fun, targets = tg)
  expect_equal(out2$x[, 14], out$x[, 14], tolerance = 1e-12)
  de_na <- de
  de_na[2, 1] <- NA
  expect_error(cmap_impute(cm, prior = list(drug = de_na, cell = ce), targets = tg),
               "'prior\\$drug' holds 1 missing or infinite value, the first at row 2 \\('d2'\\)")
  expect_error(cmap_impute(cm, prior = list(drug = de[-6, ], cell = ce), targets = tg),
               "'prior\\$drug' has no row for drug 'd6'")
})

test_that("cmap_impute returns the input's form, filled, without modifying it", {
  cm <- small_cmap()
  a <- as.array(cm)
  a0 <- a
  f <- cmap_impute(a)
  expect_identical(a, a0)
  expect_identical(dimnames(f), dimnames(a))
  expect_false(anyNA(f))
  expect_identical(f[!is.na(a)], a[!is.na(a)])
  # only the targets asked for
  tg <- data.frame(drug = dimnames(a)[[2]][1:2], cell = "CELL05")
  tg <- tg[is.na(a[1, tg$drug, "CELL05"]), ]
  g <- cmap_impute(a, "mean", targets = tg)
  expect_identical(sum(is.na(a)) - sum(is.na(g)), nrow(tg) * dim(a)[1])
  # matrix + design
  m <- cbind(cm$x, NA)
  d <- rbind(cm$design, data.frame(drug = "BRD-00001", cell = "CELL05"))
  if (any(paste(cm$design$cell, cm$design$drug) == "CELL05 BRD-00001")) d$drug[nrow(d)] <- "BRD-00002"
  mf <- cmap_impute(m, design = d)
  expect_identical(dim(mf), dim(m))
  expect_false(anyNA(mf))
  expect_identical(mf[, -ncol(m)], cm$x)
})

test_that("cmap_impute rejects bad input clearly", {
  cm <- hand_data()
  expect_error(cmap_impute(cm, reference = "HELA",
                           targets = data.frame(drug = "d6", cell = "A")),
               "reference cell line 'HELA' is not in the data")
  a <- as.array(cm)
  a[, , "B"] <- NA
  expect_error(cmap_impute(a), "cell line 'B' has no measured profile \\(all NA\\)")
  expect_error(cmap_impute(cm, targets = data.frame(drug = "d1", cell = "A")),
               "which is measured")
  expect_error(cmap_impute(cm, targets = data.frame(drug = "d9", cell = "A")),
               "unknown drug 'd9'")
  expect_error(cmap_impute(cm, prior = "pca"), "'prior' must be")
  expect_error(cmap_impute(cm, "knn"), "should be one of")
  expect_error(cmap_method("mean", f = 2), "'f' must be >= 0 and <= 1")
  expect_output(print(cmap_method("mean", f = 0.5)), "mean over cell type and drug \\(f = 0.5\\)")
  expect_output(print(cmap_method("ntk", prior = "mixed")), "mixed prior, threshold 150")
})

test_that("an ntkmc_cmap is imputed whole by default, as its array", {
  cm <- hand_data()                       # 13 measured of 3 x 6 pairs
  out <- cmap_impute(cm, prior = "mcf7")
  expect_identical(ncol(out$x), 18L)
  expect_identical(out$x[, 1:13], cm$x)
  expect_false(anyNA(out$x))
  expect_identical(attr(out, "ntkmc")$n_imputed, 5L)
  a <- cmap_impute(as.array(cm), prior = "mcf7")
  new <- out$design[14:18, ]
  for (j in seq_len(5))
    expect_equal(unname(out$x[, 13 + j]),
                 unname(a[, as.character(new$drug[j]), as.character(new$cell[j])]),
                 tolerance = 1e-10)
  # the pairs are listed cell line by cell line, every one once
  expect_identical(paste(new$cell, new$drug),
                   c("A d5", "A d6", "B d1", "B d3", "B d4"))
  # nothing missing: the data back, with a warning
  full <- as.array(out)
  expect_warning(same <- cmap_impute(full), "no missing profile: nothing to impute")
  expect_identical(same, full)
})

test_that("an ntkmc_cmap gets listed targets in place and new ones appended", {
  cm <- hand_data()
  # d6 in A listed as an NA column; d1 in B not listed at all
  cm2 <- cmap_data(cbind(cm$x, NA),
                   rbind(cm$design, data.frame(drug = "d6", cell = "A")))
  before <- cm2
  tg <- data.frame(drug = c("d1", "d6"), cell = c("B", "A"))
  out <- cmap_impute(cm2, prior = "mcf7", targets = tg)
  expect_identical(cm2, before)
  expect_identical(dim(out$x), c(8L, 15L))
  expect_identical(out$x[, 1:13], cm$x)
  expect_identical(colnames(out$x)[15], "B:d1")
  expect_identical(as.character(out$design$drug[14:15]), c("d6", "d1"))
  expect_identical(as.character(out$design$cell[14:15]), c("A", "B"))
  ref <- cmap_impute(cm, prior = "mcf7", targets = tg)
  expect_equal(unname(out$x[, 14:15]), unname(ref$x[, 15:14]), tolerance = 1e-12)
  # only listed targets: no column added
  out2 <- cmap_impute(cm2, prior = "mcf7", targets = tg[2, ])
  expect_identical(dim(out2$x), dim(cm2$x))
  expect_identical(dimnames(out2$x), dimnames(cm2$x))
  expect_equal(out2$x[, 14], out$x[, 14], tolerance = 1e-12)
})

test_that("the MCF7 prior is built the same in blocks of any size", {
  cm <- hand_data()
  obs <- !is.na(cm$x[1, ])
  train <- ntkmc:::cmap_subset(cm, obs)
  tg <- data.frame(drug = factor(c("d5", "d6", "d1"), levels(cm$design$drug)),
                   cell = factor(c("A", "A", "B"), levels(cm$design$cell)))
  spec <- cmap_method("ntk", prior = "mcf7")
  ctx <- list(reference = "MCF7")
  one <- ntkmc:::mcf7_prior(train, tg, spec, ctx)
  expect_identical(dim(one), c(16L, 16L))
  for (b in c(1L, 4L, 7L))
    expect_identical(ntkmc:::mcf7_prior(train, tg, spec, ctx, block = b), one)
})

test_that("the memory check counts the prior cmap_impute builds", {
  cm <- hand_data()                  # 8 genes, 13 measured, 5 unmeasured
  # kernel 8 (13^2 + 5 x 13) = 1,872 bytes, data and result 16 x 8 x 18 =
  # 2,304, the MCF7 prior (16 features) 8 x 16 x 18 = 2,304
  old <- options(ntkmc.max_memory = 5000)
  on.exit(options(old))
  expect_error(cmap_impute(cm, prior = "mcf7"),
               "needs about 6.5 kB \\(a dense double kernel of 1.9 kB plus data of 2.3 kB and a feature prior of 2.3 kB\\)")
  options(ntkmc.max_memory = 7000)
  expect_false(anyNA(cmap_impute(cm, prior = "mcf7")$x))
  options(ntkmc.max_memory = 5000)
  # the mean needs no kernel
  expect_false(anyNA(cmap_impute(cm, "mean")$x))
})
