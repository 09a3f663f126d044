# The real CMap fixtures (NTKMC_SHARED/data/cmap, or ../shared/data/cmap
# beside the source tree); a test that needs one skips when it is absent.
cmap_fixture <- function(name) {
  dirs <- c(file.path(Sys.getenv("NTKMC_SHARED", "/nonexistent"), "data", "cmap"),
            file.path(test_path(), "..", "..", "..", "..", "shared", "data", "cmap"))
  for (d in dirs) if (file.exists(f <- file.path(d, name))) return(f)
  skip(paste("CMap fixture not found:", name))
}
