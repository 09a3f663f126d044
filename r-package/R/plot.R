#' Plots: data availability and cross-validation results
#'
#' `plot()` of CMAP data draws its availability (the paper's Fig. 2A): cell
#' lines (rows, densest at the top) against drugs (columns, most measured
#' first), a dark cell for every measured profile, with the number of drugs
#' per cell line on the right and the dense/sparse threshold marked.
#'
#' `plot()` of a cross-validation draws each metric by regime (all, dense,
#' sparse) for every method (the paper's Fig. 2C-D): bars are the overall
#' values averaged over rounds, whiskers the range over the folds.
#'
#' @param x an `ntkmc_cmap` or `ntkmc_cv` object.
#' @param threshold drug count marking dense cell lines.
#' @param metrics which metrics to draw.
#' @param col colours (one per method for a cross-validation).
#' @param ... passed to [graphics::image()] or [graphics::barplot()].
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
                          col = NULL, ...) {
  metrics <- match.arg(metrics, several.ok = TRUE)
  labels <- c(pearson = "Pearson r", mean_r2 = "mean R^2",
              mean_cosine = "mean cosine similarity")
  methods <- names(x$methods)
  regimes <- c("all", "dense", "sparse")
  if (is.null(col))
    col <- grDevices::hcl.colors(length(methods), "Dark 3")
  o <- summary(x)
  op <- graphics::par(mfrow = c(1L, length(metrics)), mar = c(3, 3.5, 2.5, 0.5),
                      no.readonly = TRUE)
  on.exit(graphics::par(op))
  for (met in metrics) {
    v <- matrix(NA_real_, length(methods), 3L, dimnames = list(methods, regimes))
    lo <- hi <- v
    for (mm in methods) for (rg in regimes) {
      v[mm, rg] <- o[[met]][o$method == mm & o$regime == rg]
      f <- x$folds[[met]][x$folds$method == mm & x$folds$regime == rg]
      f <- f[is.finite(f)]
      if (length(f)) {
        lo[mm, rg] <- min(f)
        hi[mm, rg] <- max(f)
      }
    }
    ylim <- range(0, v, lo, hi, na.rm = TRUE)
    mids <- graphics::barplot(v, beside = TRUE, col = col, ylim = ylim,
                              main = labels[[met]], las = 1, cex.names = 0.9,
                              ...)
    ok <- is.finite(lo) & is.finite(hi) & hi > lo
    graphics::arrows(mids[ok], lo[ok], mids[ok], hi[ok], angle = 90,
                     code = 3, length = 0.03)
    if (met == metrics[1L])
      graphics::legend("bottomleft", legend = methods, fill = col, bty = "n",
                       cex = 0.8)
  }
  invisible(x)
}
