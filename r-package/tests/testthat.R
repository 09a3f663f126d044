library(testthat)
library(ntkmc)

test_check("ntkmc")
