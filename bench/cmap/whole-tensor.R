# SPDX-License-Identifier: MIT
#
# bench/cmap/whole-tensor.R: imputing a whole tensor, every (drug, cell line)
# pair without a measured profile, on the full-size simulated data
# (simulate_cmap(): 978 genes, 2,000 drugs, 70 cell lines, 15,000 measured
# profiles, so 125,000 targets), with the NTK and the MCF7 prior:
#   - one call: cmap_impute(cm, prior = "mcf7"), one system whose kernel spans
#     the measured profiles only (targets in panels, see docs/numerics.md);
#   - batches: what the package asked of users before, when the kernel
#     spanned targets too: cmap_impute() on batches of --batch targets, each
#     call building and factorizing the measured profiles' kernel again;
#   - the mean over cell type, one call, as the cheap reference.
# Each runs in an R process of its own (peak resident memory from
# /proc/self/status).  Writes its section of docs/benchmarks.md between
# <!-- bench-cmap-whole:begin/end --> markers (after the bench-cmap section
# when new).
#
#   Rscript bench/cmap/whole-tensor.R [--lib DIR] [--output docs/benchmarks.md]
#       [--scale 1] [--batch 12500] [--threads 2]
#
# (make -C _build bench-cmap-whole builds and installs the package first.)

script <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
source(file.path(dirname(script), "common.R"))
batch <- as.integer(opt("batch", "12500"))

# ---------------------------------------------------------------- children
# Every pair without a measured profile, cell line by cell line.
all_targets <- function(cm) {
  d <- levels(cm$design$drug)
  c <- levels(cm$design$cell)
  g <- data.frame(drug = rep(d, times = length(c)), cell = rep(c, each = length(d)))
  g[!paste(g$cell, g$drug) %in% paste(cm$design$cell, cm$design$drug), ]
}

child <- function(task, out) {
  cm <- simulate()
  tg <- all_targets(cm)
  base <- peak_rss("VmRSS")
  t0 <- proc.time()[["elapsed"]]
  res <- list(task = task, n_measured = ncol(cm$x), n_targets = nrow(tg))
  if (task == "batches") {
    parts <- split(seq_len(nrow(tg)), ceiling(seq_len(nrow(tg)) / batch))
    pred <- matrix(NA_real_, nrow(cm$x), nrow(tg))
    for (p in parts) {
      o <- cmap_impute(cm, prior = "mcf7", targets = tg[p, ])
      pred[, p] <- o$x[, ncol(cm$x) + seq_along(p)]
      rm(o)
      gc()
    }
    res$n_calls <- length(parts)
  } else {
    o <- if (task == "one") cmap_impute(cm, prior = "mcf7")
         else cmap_impute(cm, "mean")
    key <- paste(o$design$cell, o$design$drug, sep = ":")
    pred <- o$x[, match(paste(tg$cell, tg$drug, sep = ":"), key)]
    rm(o)
  }
  res$seconds <- proc.time()[["elapsed"]] - t0
  res$peak <- peak_rss("VmHWM")
  res$base <- base
  # a fixed sample of predictions to compare the ways with each other
  set.seed(7)
  res$sample <- pred[, sort(sample(ncol(pred), 2000L))]
  res$any_na <- anyNA(pred)
  saveRDS(res, out)
}

if (!is.na(match("--child", args))) {
  child(opt("child", NA), opt("out", NA))
  quit(save = "no")
}

# ---------------------------------------------------------------- driver
run_child <- function(task) {
  out <- tempfile(fileext = ".rds")
  cmd <- c(script, "--child", task, "--out", out, "--scale", scale,
           "--threads", threads, "--batch", batch,
           if (!is.null(lib)) c("--lib", lib))
  message(sprintf("whole-tensor: %s ...", task))
  status <- system2(file.path(R.home("bin"), "Rscript"), cmd)
  if (status != 0L) stop(sprintf("%s failed", task))
  r <- readRDS(out)
  unlink(out)
  message(sprintf("whole-tensor: %s: %.1f s, peak %.2f GB", task, r$seconds, r$peak / 1e9))
  r
}

loadavg <- function() scan("/proc/loadavg", n = 1L, quiet = TRUE)
load_start <- loadavg()
runs <- list(one = run_child("one"), batches = run_child("batches"),
             mean = run_child("mean"))
load_end <- loadavg()
stopifnot(!runs$one$any_na, !runs$batches$any_na)
diff <- max(abs(runs$one$sample - runs$batches$sample)) / max(abs(runs$batches$sample))

fmt <- function(x, d = 1) formatC(x, format = "f", digits = d)
gb <- function(b) fmt(b / 1e9, 2)
s <- runs$one$n_measured
n <- s + runs$one$n_targets
m <- 978
label <- c(one = "ntkmc, NTK / MCF7 prior, one `cmap_impute()` call",
           batches = sprintf("ntkmc, NTK / MCF7 prior, %d calls of %s targets",
                             runs$batches$n_calls, format(batch, big.mark = ",")),
           mean = "ntkmc, mean over cell type, one call")
row <- function(name) {
  r <- runs[[name]]
  sprintf("| %s | %s | %s | %s | %s |", label[[name]], fmt(r$seconds),
          if (name == "one") "-" else fmt(r$seconds / runs$one$seconds, 2),
          gb(r$peak), gb(r$peak - r$base))
}
blas <- tryCatch(normalizePath(extSoftVersion()[["BLAS"]]), error = function(e) "?")
cmd_line <- shown_command("bench/cmap/whole-tensor.R")
marker <- "bench-cmap-whole"
lines <- c(
  sprintf("<!-- %s:begin -->", marker),
  "### Imputing the whole tensor",
  "",
  sprintf(paste0(
    "Every (drug, cell line) pair without a measured profile of the %s simulated tensor: ",
    "%s measured profiles, %s targets, 978 genes. With the whole-column pattern the core ",
    "forms the kernel over the measured profiles only (%s GB) and the targets' kernel against ",
    "them a panel at a time; a kernel over all %s profiles would take %s GB. ",
    "Before, the kernel spanned the targets too, so a large tensor had to be imputed in batches ",
    "of targets, each call computing and factorizing the measured profiles' kernel again ",
    "(second row, the same numbers). ",
    "Each row is one R process (peak RSS = its high-water mark; *above data* subtracts the ",
    "resident size after simulating). Machine: %s, %d threads, BLAS %s, %s; load average %.1f ",
    "at the start and %.1f at the end (shared machine: compare within this table). ",
    "Produced by `%s`."),
    if (scale == 1) "full-size" else sprintf("scale-%g", scale),
    format(s, big.mark = ","), format(runs$one$n_targets, big.mark = ","),
    fmt(8 * s * s / 1e9, 2), format(n, big.mark = ","), fmt(8 * n * n / 1e9, 0),
    R.version$platform, threads, blas, R.version.string, load_start, load_end,
    cmd_line),
  "",
  "| method | seconds | time / one call's | peak RSS (GB) | peak above data (GB) |",
  "|---|---:|---:|---:|---:|",
  row("one"), row("batches"), row("mean"),
  "",
  sprintf(paste0("One call and the batches agree to %.1e relative to the largest prediction ",
                 "(2,000 sampled targets). The batches run on the current core; when the kernel ",
                 "spanned measured profiles and targets, each batch of %s targets needed a %s GB ",
                 "kernel. The imputed tensor alone is %s GB (978 x %s doubles); the one call's peak ",
                 "holds the kernel and a panel (%s GB), the MCF7 prior (2 x 978 features, %s GB), ",
                 "the system's data and result and the returned object; `ntk_memory()`, which the ",
                 "package checks before it starts, estimates %s GB."),
          diff, format(batch, big.mark = ","), fmt(8 * (s + batch)^2 / 1e9, 1),
          fmt(8 * m * n / 1e9, 2), format(n, big.mark = ","),
          fmt(unclass(ntk_memory(n, 0, n_observed = s)) / 1e9, 2),
          fmt(8 * 2 * m * n / 1e9, 2),
          fmt(unclass(ntk_memory(n, m, n_observed = s, n_features = 2 * m)) / 1e9, 1)),
  "",
  sprintf("<!-- %s:end -->", marker))

output <- opt("output", NULL)
text <- paste(lines, collapse = "\n")
cat(text, "\n")
if (!is.null(output))
  write_section(output, marker, text, after = "<!-- bench-cmap:end -->")
