# cmap_tensor(): signatures + signature info -> (drug, cell line) profiles,
# and the reuse of predictions between methods within a fold.

sig_data <- function() {
  set.seed(3)
  x <- matrix(rnorm(4 * 9), 4, 9,
              dimnames = list(paste0("g", 1:4), paste0("s", 1:9)))
  info <- data.frame(
    sig_id = paste0("s", c(9:1, 10)),          # other order, one extra row
    pert_id = c("c", "a", "a", "b", "b", "a", "c", "b", "a", "z"),
    cell_id = c("P", "Q", "P", "Q", "P", "P", "Q", "P", "P", "Q"),
    pert_itime = c("6 h", "24 h", "24 h", "24 h", "24 h", "6 h", "24 h",
                   "24 h", "24 h", "24 h"))
  list(x = x, info = info)
}

test_that("replicates are averaged per (drug, cell line)", {
  d <- sig_data()
  cm <- cmap_tensor(d$x, d$info, min_cells = 1, min_drugs = 1)
  info <- d$info[match(colnames(d$x), d$info$sig_id), ]
  for (j in seq_len(ncol(cm$x))) {
    dr <- as.character(cm$design$drug[j])
    ce <- as.character(cm$design$cell[j])
    sigs <- info$sig_id[info$pert_id == dr & info$cell_id == ce]
    expect_equal(unname(cm$x[, j]), unname(rowMeans(d$x[, sigs, drop = FALSE])))
    expect_equal(unname(attr(cm, "n_signatures")[j]), length(sigs))
  }
  expect_equal(ncol(cm$x), 6L)                  # a, b, c in P and Q
  expect_equal(sum(attr(cm, "n_signatures")), 9L)
  expect_equal(rownames(cm$x), paste0("g", 1:4))
})

test_that("time, dose, genes and normalization", {
  d <- sig_data()
  cm <- cmap_tensor(d$x, d$info, time = "24 h", min_cells = 1, min_drugs = 1,
                    genes = c("g3", "g1"), normalize = TRUE)
  expect_equal(sum(attr(cm, "n_signatures")), 7L)
  expect_equal(rownames(cm$x), c("g3", "g1"))
  expect_equal(unname(sqrt(colSums(cm$x^2))), rep(1, ncol(cm$x)))
  expect_error(cmap_tensor(d$x, d$info, dose = "10 uM"), "no column 'pert_idose'")
})

test_that("the filters hold together, repeated until they do", {
  # drug d3 only in P; removing it leaves P with 2 drugs < 3 ...
  pairs <- data.frame(drug = c("d1", "d2", "d3", "d1", "d2", "d4", "d1", "d2", "d4"),
                      cell = c("P", "P", "P", "Q", "Q", "Q", "R", "R", "R"))
  x <- matrix(1, 2, nrow(pairs), dimnames = list(c("g1", "g2"), paste0("s", seq_len(nrow(pairs)))))
  info <- data.frame(sig_id = colnames(x), pert_id = pairs$drug, cell_id = pairs$cell)
  cm <- cmap_tensor(x, info, min_cells = 2, min_drugs = 3)
  # d3 (1 cell) goes, then P has 2 drugs and goes, then d4 is in Q, R only
  # (2 cells, kept): Q and R keep d1, d2, d4
  expect_setequal(levels(cm$design$cell), c("Q", "R"))
  expect_setequal(levels(cm$design$drug), c("d1", "d2", "d4"))
  # d3, d4 go (fewer than 3 cells), then no cell line keeps 3 drugs
  expect_error(cmap_tensor(x, info, min_cells = 3, min_drugs = 3),
               "no \\(drug, cell line\\) pair is left")
})

test_that("bad input is named", {
  d <- sig_data()
  expect_error(cmap_tensor(d$x, d$info[-1, ]), "signature.*not in 'siginfo'")
  expect_error(cmap_tensor(d$x, d$info, drug = "cmap_name"), "no column 'cmap_name'")
  expect_error(cmap_tensor(unname(d$x), d$info), "column names")
  expect_error(cmap_tensor(d$x, d$info, genes = "g9"), "not in 'x'")
  x <- d$x
  x[2, 3] <- NA
  expect_error(cmap_tensor(x, d$info, min_cells = 1, min_drugs = 1),
               "signature 's3' has missing values")
  info <- d$info
  info$sig_id[2] <- "s9"
  expect_error(cmap_tensor(d$x, info), "lists signature 's9' twice")
})

test_that("a real GCT file and its column metadata make a tensor", {
  g <- read_gct(cmap_fixture("cmapR_modzs_n272x978.gct.gz"))
  # three compounds under six BRD ids: group by compound name
  cm <- cmap_tensor(g, drug = "pert_iname", min_cells = 1, min_drugs = 1)
  expect_s3_class(cm, "ntkmc_cmap")
  # README: collapsing dose and time gives 131 (drug, cell line) pairs of 3
  # drugs in 65 cell lines
  expect_equal(ncol(cm$x), 131L)
  expect_equal(nlevels(cm$design$drug), 3L)
  expect_equal(nlevels(cm$design$cell), 65L)
  expect_equal(sum(attr(cm, "n_signatures")), 272L)
  # with the paper's filters only cell lines with all three drugs remain
  cm3 <- cmap_tensor(g, drug = "pert_iname")
  expect_true(all(table(cm3$design$cell) == 3L))
  expect_equal(nlevels(cm3$design$drug), 3L)
  expect_equal(nrow(cm3$x), 978L)
})

test_that("a fold reuses the predictions other methods made on it", {
  cm <- simulate_cmap(n_genes = 30, n_drugs = 40, n_cells = 6,
                      n_profiles = 150, n_dense = 2, threshold = 20, seed = 2)
  ntk_mean <- cmap_method("ntk", prior = "imputation",
                          imputation = cmap_method("mean", f = 0.5))
  mcf7 <- cmap_method("ntk", prior = "mcf7")
  mixed <- cmap_method("ntk", prior = "mixed", threshold = 20,
                       imputation = cmap_method("mean", f = 0.5))
  both <- cmap_cv(cm, list(ntk_mean = ntk_mean, mcf7 = mcf7, mixed = mixed),
                  k = 3, seeds = 5, threshold = 20, keep_predictions = TRUE,
                  verbose = FALSE)
  alone <- cmap_cv(cm, list(mixed = mixed), k = 3, seeds = 5, threshold = 20,
                   keep_predictions = TRUE, verbose = FALSE)
  expect_equal(both$predictions[["mixed/5"]], alone$predictions[["mixed/5"]],
               tolerance = 1e-12)
  # dense targets equal the imputation-prior method, sparse the MCF7 one
  p <- both$profiles[both$profiles$method == "mixed", ]
  key <- paste(p$cell, p$drug, sep = ":")
  dense <- key[p$regime == "dense"]
  sparse <- key[p$regime == "sparse"]
  expect_gt(length(dense), 0L)
  expect_gt(length(sparse), 0L)
  expect_equal(both$predictions[["mixed/5"]][, dense],
               both$predictions[["ntk_mean/5"]][, dense], tolerance = 1e-12)
  expect_equal(both$predictions[["mixed/5"]][, sparse],
               both$predictions[["mcf7/5"]][, sparse], tolerance = 1e-12)
  # memo entries are found by what defines the prediction, not the threshold
  memo <- new.env()
  pred <- matrix(1:4, 2, dimnames = list(NULL, c("A:x", "B:y")))
  ntkmc:::memo_put(memo, ntkmc:::memo_key(cmap_method("ntk", threshold = 7)), pred)
  expect_equal(ntkmc:::memo_get(memo, ntkmc:::memo_key(cmap_method("ntk")), "B:y"),
               pred[, 2, drop = FALSE])
  expect_null(ntkmc:::memo_get(memo, ntkmc:::memo_key(cmap_method("ntk", ridge = 1)), "B:y"))
  expect_null(ntkmc:::memo_get(memo, ntkmc:::memo_key(cmap_method("ntk")), "C:z"))
})
