#' Memory an NTK completion needs
#'
#' Estimates the memory of [ntk_complete()] (and of the NTK methods of
#' [cmap_impute()] and [cmap_cv()]) before anything is allocated: the dense
#' double kernel, plus the data and the result (`2 x 8 m n` bytes), plus the
#' feature prior when the call builds it (`8 p n` bytes for `p` features:
#' [cmap_impute()]'s MCF7 prior has `p = 2 m`, its imputation prior
#' `p = m`).  When
#' whole columns are missing (`one_pattern`, the drug-screening case) and the
#' number `s` of observed columns is given, the kernel is the one over the
#' observed columns plus one panel of `b = max(256, s / 4)` missing columns
#' against them (`8 (s^2 + b s)` bytes), however many columns are missing;
#' otherwise it is the kernel over all `n` columns (`8 n^2` bytes).  When the
#' missing entries do not all share one pattern (scattered missingness), the
#' largest system is factorized beside the kernel, which can double the
#' kernel term.
#'
#' Before a kernel is computed the package compares this estimate with the
#' memory available (option `ntkmc.max_memory` in bytes if set, otherwise
#' `MemAvailable` of `/proc/meminfo` where that exists) and refuses with a
#' message giving both numbers when it does not fit: the full LINCS2020
#' availability pattern (78,569 profiles) needs about 49 GB for its kernel
#' alone.
#'
#' @param n number of columns (profiles) of the system.
#' @param m number of rows (genes).
#' @param one_pattern `TRUE` when whole columns are missing (the drug
#'   screening case).
#' @param n_observed with `one_pattern`: the number of observed columns
#'   (`NULL`: unknown, the full `n x n` kernel is counted).
#' @param n_features features of a prior the call builds (0: the prior is
#'   the caller's, already in memory, as for [ntk_complete()]).
#' @return The estimate in bytes (a double), with class `ntkmc_bytes` for
#'   printing.
#' @examples
#' ntk_memory(15000, 978)
#' ntk_memory(78569, 978)   # the full LINCS2020 pattern: ~50 GB
#' # 15,000 measured profiles, the other 125,000 of a 2,000 x 70 grid imputed
#' # with the MCF7 prior (2 x 978 features): cmap_impute(cm, prior = "mcf7")
#' ntk_memory(140000, 978, n_observed = 15000, n_features = 2 * 978)
#' @export
ntk_memory <- function(n, m = 0, one_pattern = TRUE, n_observed = NULL,
                       n_features = 0) {
  structure(sum(memory_parts(n, m, one_pattern, n_observed, n_features)),
            class = "ntkmc_bytes")
}

# The terms of ntk_memory(), in bytes: c(kernel, data (and result), prior).
memory_parts <- function(n, m, one_pattern, n_observed, n_features) {
  n <- check_number(n, "n", 0)
  m <- check_number(m, "m", 0)
  p <- check_number(n_features, "n_features", 0)
  check_flag(one_pattern, "one_pattern")
  kernel <- 8 * n * n
  if (!is.null(n_observed)) {
    s <- check_number(n_observed, "n_observed", 0)
    if (s > n) stopf("'n_observed' (%s) is more than 'n' (%s)", s, n)
    if (one_pattern)
      kernel <- 8 * (s * s + min(n - s, max(256, floor(s / 4))) * s)
  }
  c(kernel = kernel * (if (one_pattern) 1 else 2), data = 16 * m * n,
    prior = 8 * p * n)
}

#' @export
format.ntkmc_bytes <- function(x, ...) format_bytes(unclass(x))

#' @export
print.ntkmc_bytes <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}

format_bytes <- function(b) {
  units <- c("bytes", "kB", "MB", "GB", "TB")
  i <- if (b < 1000) 1L else min(length(units), floor(log(b, 1000)) + 1L)
  if (i == 1L) sprintf("%.0f bytes", b)
  else sprintf("%.1f %s", b / 1000^(i - 1L), units[i])
}

# Memory available for a new allocation, in bytes (Inf when unknown).
available_memory <- function() {
  opt <- getOption("ntkmc.max_memory")
  if (!is.null(opt)) return(check_number(opt, "option ntkmc.max_memory", 0))
  if (file.exists("/proc/meminfo")) {
    lines <- tryCatch(readLines("/proc/meminfo", warn = FALSE),
                      error = function(e) character())
    hit <- grep("^MemAvailable:", lines, value = TRUE)
    if (length(hit) == 1L) {
      kb <- suppressWarnings(as.numeric(gsub("[^0-9]", "", hit)))
      if (is.finite(kb)) return(kb * 1024)
    }
  }
  Inf
}

# Refuses, with the numbers, a system that would not fit in memory.
check_memory <- function(n, m, one_pattern = TRUE, what = "the NTK system",
                         n_observed = NULL, n_features = 0) {
  parts <- memory_parts(n, m, one_pattern, n_observed, n_features)
  need <- sum(parts)
  have <- available_memory()
  if (need > have)
    stopf(paste0(
      "%s over %s columns needs about %s (a dense double kernel of %s ",
      "plus data of %s%s), but only %s %s. Impute fewer profiles at once ",
      "(argument 'targets' of cmap_impute()), use a smaller tensor, or raise ",
      "option ntkmc.max_memory if more memory is really available."),
      what, format(n, big.mark = ","), format_bytes(need),
      format_bytes(parts[["kernel"]]), format_bytes(parts[["data"]]),
      if (parts[["prior"]] > 0)
        paste(" and a feature prior of", format_bytes(parts[["prior"]]))
      else "",
      format_bytes(have),
      if (is.null(getOption("ntkmc.max_memory"))) "is available"
      else "are allowed by option ntkmc.max_memory")
  invisible(need)
}
