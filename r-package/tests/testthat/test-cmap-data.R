test_that("arrays, matrices and ntkmc_cmap objects convert both ways", {
  cm <- small_cmap()
  a <- as.array(cm)
  expect_identical(dim(a), c(30L, 40L, 7L))
  expect_identical(sum(!is.na(a[1, , ])), ncol(cm$x))
  back <- cmap_data(a)
  obs <- !is.na(back$x[1, ])
  expect_identical(sum(obs), ncol(cm$x))
  key <- paste(cm$design$cell, cm$design$drug)
  key2 <- paste(back$design$cell, back$design$drug)[obs]
  expect_equal(back$x[, obs][, match(key, key2)], cm$x, ignore_attr = TRUE)
  m <- cmap_data(cm$x, data.frame(d = cm$design$drug, c = cm$design$cell),
                 drug = "d", cell = "c")
  expect_identical(m$x, cm$x)
  expect_s3_class(cmap_data(cm), "ntkmc_cmap")
  expect_output(print(cm), "30 genes, 40 drugs, 7 cell lines")
})

test_that("bad CMAP input gives clear errors", {
  a <- array(rnorm(4 * 3 * 2), c(4, 3, 2),
             dimnames = list(NULL, c("d1", "d2", "d3"), c("MCF7", "PC3")))
  expect_error(cmap_data(matrix(1, 2, 2)), "needs 'design'")
  expect_error(cmap_data(array(1, c(2, 2, 2, 2))), "with 4 dimensions")
  expect_error(cmap_data(list(1)), "must be a 3-D array")
  b <- a
  dimnames(b) <- NULL
  expect_error(cmap_data(b), "needs dimnames")
  b <- a
  dimnames(b)[[2]] <- c("d1", "d1", "d3")
  expect_error(cmap_data(b), "drug names must be unique; duplicated: d1")
  b <- a
  dimnames(b)[[3]] <- c("PC3", "PC3")
  expect_error(cmap_data(b), "cell line names must be unique")
  ch <- array("x", c(2, 2, 2), dimnames = list(NULL, c("a", "b"), c("c", "d")))
  expect_error(cmap_data(ch), "must hold numbers")
  b <- a
  b[2, "d1", "PC3"] <- NA
  expect_error(cmap_data(b), "drug 'd1' in cell line 'PC3' has 1 of 4 genes missing")
  m <- matrix(rnorm(8), 4)
  expect_error(cmap_data(m, data.frame(drug = "a", cell = "b")),
               "'design' has 1 rows but 'x' has 2 columns")
  expect_error(cmap_data(m, data.frame(drug = c("a", "a"), cell = c("b", "b"))),
               "appears twice")
  expect_error(cmap_data(m, data.frame(drug = c("a", "b"), line = c("b", "b"))),
               "'design' has no column 'cell'")
})

test_that("SummarizedExperiment input returns a copy with an imputed assay", {
  skip_if_not_installed("SummarizedExperiment")
  cm <- small_cmap()
  x <- cbind(cm$x, matrix(NA, nrow(cm$x), 1, dimnames = list(NULL, "new")))
  cd <- rbind(cm$design, data.frame(drug = levels(cm$design$drug)[1], cell = "CELL03"))
  se <- SummarizedExperiment::SummarizedExperiment(
    assays = list(counts = x), colData = S4Vectors::DataFrame(cd))
  out <- cmap_impute(se, "mean")
  imp <- SummarizedExperiment::assay(out, "imputed")
  expect_false(anyNA(imp))
  expect_identical(imp[, -ncol(imp)], cm$x)
  expect_true(anyNA(SummarizedExperiment::assay(out, "counts")))
})
