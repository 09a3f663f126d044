test_that("simulate_cmap is seeded and leaves the caller's RNG alone", {
  set.seed(42)
  before <- .Random.seed
  a <- small_cmap(seed = 3)
  expect_identical(.Random.seed, before)
  b <- small_cmap(seed = 3)
  expect_identical(a$x, b$x)
  expect_false(identical(a$x, small_cmap(seed = 4)$x))
})

test_that("simulate_cmap has the structure of CMAP data", {
  cm <- simulate_cmap(n_genes = 40, n_drugs = 300, n_cells = 25,
                      n_profiles = 2000, n_dense = 4, threshold = 80)
  counts <- sort(table(cm$design$cell), decreasing = TRUE)
  expect_identical(names(counts)[1], "MCF7")
  expect_identical(sum(counts >= 80), 4L)
  expect_true(all(counts[-(1:4)] < 80 & counts[-(1:4)] >= 10))
  expect_lt(abs(ncol(cm$x) - 2000), 200)
  expect_equal(unname(sqrt(colSums(cm$x^2))), rep(1, ncol(cm$x)))
  # cell type dominates: profiles of one cell line correlate more
  r <- cor(cm$x)
  same <- outer(cm$design$cell, cm$design$cell, "==")
  expect_gt(mean(r[same & upper.tri(r)]), mean(r[!same]) + 0.3)
})

test_that("simulate_cmap takes a real availability pattern", {
  av <- data.frame(drug = c("a", "b", "c", "a", "b"),
                   cell = c("MCF7", "MCF7", "MCF7", "PC3", "PC3"))
  cm <- simulate_cmap(n_genes = 10, availability = av)
  expect_identical(ncol(cm$x), 5L)
  expect_identical(levels(cm$design$cell), c("MCF7", "PC3"))
  expect_error(simulate_cmap(availability = av, reference = "A549"),
               "reference cell line 'A549' is not in 'availability'")
  skip_if(!file.exists(f <- file.path(Sys.getenv("NTKMC_SHARED", "/nonexistent"),
                                      "data/cmap/lincs2020_transigen_availability_n78569.tsv.gz")),
          "LINCS2020 availability file not present")
  real <- utils::read.delim(f)
  small <- real[real$cell_id %in% c("MCF7", "A375", "HT29"), ][1:500, ]
  cm2 <- simulate_cmap(n_genes = 5,
                       availability = data.frame(drug = small$compound_idx,
                                                 cell = small$cell_id))
  expect_identical(ncol(cm2$x), nrow(unique(small[, c("cell_id", "compound_idx")])))
  # the whole pattern (78,569 profiles) needs a 49 GB kernel: refused, with
  # the numbers, before anything is allocated
  full <- simulate_cmap(n_genes = 2,
                        availability = data.frame(drug = real$compound_idx,
                                                  cell = real$cell_id))
  expect_identical(ncol(full$x), 78569L)
  old <- options(ntkmc.max_memory = 16e9)
  on.exit(options(old))
  missing_drug <- setdiff(levels(full$design$drug),
                          full$design$drug[full$design$cell == "A375"])[1]
  expect_error(cmap_impute(full, targets = data.frame(drug = missing_drug, cell = "A375")),
               "over 78,570 columns needs about 49.4 GB .* but only 16.0 GB are allowed")
})

test_that("simulate_cmap checks its arguments", {
  expect_error(simulate_cmap(n_dense = 10, n_cells = 5), "'n_dense' \\(10\\) exceeds 'n_cells' \\(5\\)")
  expect_error(simulate_cmap(n_drugs = 50), "'threshold' \\(150\\) exceeds 'n_drugs'")
  expect_error(simulate_cmap(noise = -1), "'noise' must be >= 0")
})
