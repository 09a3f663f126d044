#' Plots: data availability and cross-validation results
#'
#' `plot()` of CMAP data draws its availability (the paper's Fig. 2A): cell
#' lines (rows, densest at the top) against drugs (columns, most measured
#' first), a dark cell for every measured profile, with the number of drugs
#' per cell line on the right and the dense/sparse threshold marked.
#'
#' `plot()` of a cross-validation draws each metric by regime (all, dense,
#' sparse) for every method (the paper's Fig. 2C-D): bars are the overall
#' values averaged over rounds, whiskers the range over the folds.  With
#' `baseline`, it draws instead every other method's difference from the
#' baseline method fold by fold (one point per fold of every round, a bar at
#' the mean), the differences that [cmap_compare()] tests: a method ahead on
#' every fold has all its points above the zero line.
#'
#' @param x an `ntkmc_cmap` or `ntkmc_cv` object.
#' @param threshold drug count marking dense cell lines.
#' @param metrics which metrics to draw.
#' @param baseline `NULL`, or the name of a method of `x` to draw the other
#'   methods' per-fold differences from.
#' @param methods `NULL` (all), or the names of the methods of `x` to draw
#'   (drawn in the order of `x`).
#' @param col colours (one per method of a cross-validation, in the order of
#'   its methods, so that a method keeps its colour whichever are drawn).
#' @param ... passed to [graphics::image()] or [graphics::barplot()] (or
#'   [graphics::plot.window()] with `baseline`).
#' @return `x`, invisibly.
#' @examples
#' cm <- simulate_cmap(n_genes = 20, n_drugs = 60, n_cells = 10,
#'                     n_profiles = 200, n_dense = 2, threshold = 30)
#' plot(cm, threshold = 30)
#' @export
plot.ntkmc_cmap <- function(x, threshold = 150L, col = c("grey95", "grey15"),
                            ...) {
  obs <- cmap_observed(x)
  d <- x$design[obs, , drop = FALSE]
  per_cell <- table(d$cell)
  per_drug <- table(d$drug)
  cells <- names(sort(per_cell, decreasing = FALSE))     # densest on top
  drugs <- names(sort(per_drug, decreasing = TRUE))
  m <- matrix(0L, length(drugs), length(cells))
  m[cbind(match(as.character(d$drug), drugs), match(as.character(d$cell), cells))] <- 1L
  op <- graphics::par(mar = c(3, 6, 2.5, 4), no.readonly = TRUE)
  on.exit(graphics::par(op))
  graphics::image(seq_along(drugs), seq_along(cells), m, col = col,
                  axes = FALSE, xlab = "", ylab = "", ...)
  graphics::title(main = sprintf("Measured profiles: %d of %d drugs x %d cell lines",
                                 sum(obs), length(drugs), length(cells)),
                  cex.main = 0.95)
  graphics::mtext("drugs (most measured first)", side = 1, line = 1)
  step <- max(1L, length(cells) %/% 25L)
  at <- seq(length(cells), 1L, by = -step)
  graphics::axis(2, at = at, labels = cells[at], las = 1, cex.axis = 0.6,
                 tick = FALSE, line = -0.8)
  graphics::axis(4, at = at, labels = per_cell[cells][at], las = 1,
                 cex.axis = 0.6, tick = FALSE, line = -0.8)
  n_dense <- sum(per_cell >= threshold)
  if (n_dense > 0L && n_dense < length(cells))
    graphics::abline(h = length(cells) - n_dense + 0.5, col = "firebrick",
                     lwd = 1.5)
  invisible(x)
}

#' @rdname plot.ntkmc_cmap
#' @export
plot.ntkmc_cv <- function(x, metrics = c("pearson", "mean_r2", "mean_cosine"),
                          baseline = NULL, methods = NULL, col = NULL, ...) {
  metrics <- match.arg(metrics, several.ok = TRUE)
  all_methods <- names(x$methods)
  if (is.null(methods)) methods <- all_methods
  if (!is.character(methods) || !length(methods) || anyNA(methods))
    stopf("'methods' must name methods of 'x'")
  unknown <- setdiff(methods, all_methods)
  if (length(unknown))
    stopf("method '%s' is not in 'x' (methods: %s)", unknown[1L],
          paste(all_methods, collapse = ", "))
  methods <- all_methods[all_methods %in% methods]
  if (!is.null(baseline)) {
    baseline <- check_string(baseline, "baseline")
    if (!baseline %in% all_methods)
      stopf("baseline method '%s' is not in 'x' (methods: %s)", baseline,
            paste(all_methods, collapse = ", "))
    methods <- setdiff(methods, baseline)
    if (!length(methods))
      stopf("no method to compare with baseline '%s'", baseline)
  }
  # colours follow the methods of x, so a method keeps its colour whichever
  # are shown
  if (is.null(col))
    col <- grDevices::hcl.colors(length(all_methods), "Dark 3")
  if (length(col) < length(all_methods))
    stopf("'col' gives %d colours for %d methods", length(col),
          length(all_methods))
  shown_col <- unname(col)[match(methods, all_methods)]
  op <- graphics::par(no.readonly = TRUE)   # all of it: the legend moves fig
  on.exit(graphics::par(op))
  graphics::par(mfrow = c(1L, length(metrics)), mar = c(3, 3.5, 2.5, 0.5),
                oma = c(1.6, 0, 0, 0))
  for (met in metrics) {
    if (is.null(baseline)) cv_bars(x, met, methods, shown_col, ...)
    else cv_differences(x, met, baseline, methods, shown_col, ...)
  }
  # one legend for all panels, under them, off the data
  graphics::par(fig = c(0, 1, 0, 1), oma = c(0, 0, 0, 0), mar = c(0, 0, 0, 0),
                new = TRUE)
  graphics::plot.new()
  graphics::legend("bottom", legend = methods, fill = shown_col, bty = "n",
                   horiz = TRUE, cex = 0.8, xpd = TRUE)
  invisible(x)
}

cv_metric_labels <- c(pearson = "Pearson r", mean_r2 = "mean R^2",
                      mean_cosine = "mean cosine similarity")
cv_regimes <- c("all", "dense", "sparse")

# The bars of plot.ntkmc_cv(): the overall metric `met` by regime, averaged
# over rounds, whiskers from the lowest to the highest fold.  Returns the
# values drawn (methods x regimes matrices value, lo, hi), invisibly.
cv_bars <- function(x, met, methods, col, ...) {
  v <- cv_bar_values(x, met, methods)
  ylim <- range(0, v$value, v$lo, v$hi, na.rm = TRUE)
  mids <- graphics::barplot(v$value, beside = TRUE, col = col, ylim = ylim,
                            main = cv_metric_labels[[met]], las = 1,
                            cex.names = 0.9, ...)
  ok <- is.finite(v$lo) & is.finite(v$hi) & v$hi > v$lo
  graphics::arrows(mids[ok], v$lo[ok], mids[ok], v$hi[ok], angle = 90,
                   code = 3, length = 0.03)
  invisible(v)
}

cv_bar_values <- function(x, met, methods) {
  o <- summary(x)
  v <- matrix(NA_real_, length(methods), 3L,
              dimnames = list(methods, cv_regimes))
  lo <- hi <- v
  for (mm in methods) for (rg in cv_regimes) {
    hit <- o[[met]][o$method == mm & o$regime == rg]
    if (length(hit)) v[mm, rg] <- hit
    f <- x$folds[[met]][x$folds$method == mm & x$folds$regime == rg &
                          x$folds$n_test > 0L]
    f <- f[is.finite(f)]
    if (length(f)) {
      lo[mm, rg] <- min(f)
      hi[mm, rg] <- max(f)
    }
  }
  list(value = v, lo = lo, hi = hi)
}

# The per-fold differences of plot(cv, baseline =): for each regime a group
# of columns, one per method, its folds' differences from the baseline as
# points (spread sideways so equal values stay visible) and a bar at their
# mean; a dashed line at zero.  Returns the differences drawn (a data frame
# of method, regime, seed, fold, difference), invisibly.
cv_differences <- function(x, met, baseline, shown, col, ...) {
  d <- cv_difference_values(x, met, baseline, shown)
  n <- length(shown)
  pos <- function(m, rg) (match(rg, cv_regimes) - 1L) * (n + 1L) + match(m, shown)
  xlim <- c(0.4, 3L * (n + 1L) - 0.4)
  ylim <- range(0, d$difference, na.rm = TRUE)
  graphics::plot.new()
  graphics::plot.window(xlim, ylim, ...)
  graphics::abline(h = 0, lty = 2, col = "grey40")
  for (m in shown) for (rg in cv_regimes) {
    y <- d$difference[d$method == m & d$regime == rg]
    if (!length(y)) next
    x0 <- pos(m, rg)
    spread <- if (length(y) > 1L) (rank(y, ties.method = "first") - 1) /
                                    (length(y) - 1) - 0.5 else 0
    graphics::points(x0 + 0.6 * spread, y, pch = 16, cex = 0.6,
                     col = col[match(m, shown)])
    graphics::segments(x0 - 0.4, mean(y), x0 + 0.4, mean(y), lwd = 2)
  }
  graphics::axis(2, las = 1)
  graphics::axis(1, at = (seq_along(cv_regimes) - 1L) * (n + 1L) + (n + 1) / 2,
                 labels = cv_regimes, tick = FALSE, cex.axis = 0.9)
  graphics::box()
  graphics::title(main = sprintf("%s minus %s's, per fold",
                                 cv_metric_labels[[met]], baseline))
  invisible(d)
}

cv_difference_values <- function(x, met, baseline, shown) {
  parts <- list()
  for (m in shown) for (rg in cv_regimes) {
    fd <- fold_differences(x, m, baseline, met, rg)
    if (nrow(fd))
      parts[[length(parts) + 1L]] <-
        data.frame(method = m, regime = rg, seed = fd$seed, fold = fd$fold,
                   difference = fd$difference)
  }
  if (!length(parts))
    return(data.frame(method = character(), regime = character(),
                      seed = integer(), fold = integer(),
                      difference = numeric()))
  do.call(rbind, parts)
}
