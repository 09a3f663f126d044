# GCT / GCTX glue: matrices, ids, metadata types and encodings, subsets,
# round trips through files the tests write, and the real CMap fixtures
# (NTKMC_SHARED/data/cmap, or ../shared/data/cmap beside the source tree)
# when they are there.

small_gct <- function() {
  m <- matrix(c(0.1, -1/3, NA, 1e-300, 2, -0), 3,
              dimnames = list(c("g1", "g:2|x", "g3"), c("SIG_A:BRD-1:10", "SIG_B")))
  rdesc <- data.frame(symbol = c("A", NA, "B"), n = c(1, 2, 3))
  cdesc <- data.frame(pert_idose = c("10 \xb5M", NA), pert_dose = c(10, NA))
  Encoding(cdesc$pert_idose) <- "latin1"
  list(m = m, rdesc = rdesc, cdesc = cdesc)
}

test_that("write_gct and read_gct round-trip GCT exactly", {
  s <- small_gct()
  f <- tempfile(fileext = ".gct")
  on.exit(unlink(f))
  expect_identical(write_gct(s$m, f, rdesc = s$rdesc, cdesc = s$cdesc), f)
  g <- read_gct(f)
  expect_s3_class(g, "ntkmc_gct")
  expect_identical(g$format, "gct1.3")
  expect_identical(g$mat, s$m)
  expect_identical(g$rdesc$id, rownames(s$m))
  expect_identical(g$rdesc$symbol, s$rdesc$symbol)
  expect_identical(g$rdesc$n, s$rdesc$n)
  expect_true(is.numeric(g$cdesc$pert_dose))
  expect_identical(g$cdesc$pert_dose, c(10, NA))
  expect_identical(Encoding(g$cdesc$pert_idose[1]), "latin1")
  expect_identical(g$cdesc$pert_idose, s$cdesc$pert_idose)
  expect_output(print(g), "3 rows x 2 columns")
})

test_that("GCTX round trip, subsets in the requested order", {
  s <- small_gct()
  f <- tempfile(fileext = ".gctx")
  on.exit(unlink(f))
  res <- try(write_gct(s$m, f, rdesc = s$rdesc, cdesc = s$cdesc), silent = TRUE)
  skip_if(inherits(res, "try-error") && grepl("HDF5", res), "built without HDF5")
  g <- read_gct(f)
  expect_identical(g$format, "gctx")
  expect_identical(g$mat, s$m)
  expect_identical(g$cdesc$pert_idose, s$cdesc$pert_idose)
  sub <- read_gct(f, rid = c("g3", "g1"), cid = "SIG_B")
  expect_identical(sub$mat, s$m[c("g3", "g1"), "SIG_B", drop = FALSE])
  expect_identical(sub$rdesc$symbol, c("B", "A"))
  expect_error(read_gct(f, cid = "nope"), "'nope' not found")
  meta <- read_gct(f, meta_only = TRUE)
  expect_null(meta$mat)
  expect_identical(nrow(meta$cdesc), 2L)
})

test_that("an ntkmc_gct object writes back as it was", {
  s <- small_gct()
  f1 <- tempfile(fileext = ".gct")
  f2 <- tempfile(fileext = ".gct")
  on.exit(unlink(c(f1, f2)))
  write_gct(s$m, f1, cdesc = s$cdesc)
  write_gct(read_gct(f1), f2)
  expect_identical(readBin(f1, "raw", 1e4), readBin(f2, "raw", 1e4))
})

test_that("bad arguments and broken files give errors", {
  f <- tempfile(fileext = ".gct")
  on.exit(unlink(f))
  expect_error(write_gct(matrix(1:4, 2), f), "row and column names")
  m <- matrix(1, 1, 1, dimnames = list("a", "b"))
  expect_error(write_gct(m, f, cdesc = data.frame(x = 1:2)), "1 rows")
  writeLines(c("#1.3", "1\t1\t0\t0", "id\tS", "a\tabc"), f)
  expect_error(read_gct(f), "line 4.*'abc' is not a number")
  expect_error(read_gct(tempfile()), "read_gct")
})

test_that("the cmapR fixtures: GCT.gz and GCTX agree, metadata typed", {
  gz <- cmap_fixture("cmapR_modzs_n272x978.gct.gz")
  x <- cmap_fixture("cmapR_modzs_n272x978.gctx")
  t <- read_gct(gz)
  expect_identical(dim(t$mat), c(978L, 272L))
  expect_identical(rownames(t$mat)[1], "200814_at")
  res <- try(read_gct(x), silent = TRUE)
  skip_if(inherits(res, "try-error") && grepl("HDF5", res), "built without HDF5")
  expect_identical(dimnames(res$mat), dimnames(t$mat))
  expect_lt(max(abs(res$mat - t$mat)), 5.1e-5)
  expect_true(is.numeric(res$cdesc$distil_cc_q75))
  expect_true(is.character(res$cdesc$cell_id))
  micro <- "10 \xb5M"
  Encoding(micro) <- "latin1"
  expect_true(micro %in% res$cdesc$pert_idose)
  lm <- rownames(t$mat)[c(10, 2, 500)]
  sub <- read_gct(x, rid = lm, cid = colnames(t$mat)[c(7, 3)])
  expect_identical(sub$mat, res$mat[lm, c(7, 3)])
})

test_that("the cmapPy plate: -666 is missing", {
  g <- read_gct(cmap_fixture("cmapPy_test_l1000_LJP005_A375_24H_n377x978.gct.gz"))
  expect_identical(dim(g$mat), c(978L, 377L))
  dmso <- g$cdesc$pert_type == "ctl_vehicle"
  expect_identical(sum(dmso), 26L)
  expect_true(all(is.na(g$cdesc$pert_dose[dmso])))
  expect_true(is.numeric(g$cdesc$pert_dose))
})
