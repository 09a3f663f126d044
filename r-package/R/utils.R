# Argument checks and small helpers shared by the package's functions.  Every
# message names the argument and says what is wrong with it.

stopf <- function(...) stop(sprintf(...), call. = FALSE)

check_flag <- function(x, name) {
  if (!is.logical(x) || length(x) != 1L || is.na(x))
    stopf("'%s' must be TRUE or FALSE", name)
  x
}

check_number <- function(x, name, lower = -Inf, upper = Inf,
                         lower_open = FALSE) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || !is.finite(x))
    stopf("'%s' must be a single finite number", name)
  if (x < lower || (lower_open && x == lower) || x > upper)
    stopf("'%s' must be %s %s%s (got %s)", name,
          if (lower_open) ">" else ">=", format(lower),
          if (is.finite(upper)) sprintf(" and <= %s", format(upper)) else "",
          format(x))
  as.double(x)
}

check_count <- function(x, name, lower = 0L) {
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x != round(x))
    stopf("'%s' must be a single whole number", name)
  if (x < lower)
    stopf("'%s' must be >= %d (got %s)", name, lower, format(x))
  as.integer(x)
}

check_string <- function(x, name) {
  if (!is.character(x) || length(x) != 1L || is.na(x) || !nzchar(x))
    stopf("'%s' must be a single non-empty string", name)
  x
}

# One of a few strings; the message lists them ("a" or "b").
check_choice <- function(x, name, choices) {
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices)
    stopf("'%s' must be %s (got %s)", name,
          paste0("\"", choices, "\"", collapse = " or "),
          paste(deparse(x), collapse = ""))
  x
}

# The number of threads for numeric work: option "ntkmc.threads", 0 = every
# online processor.
default_threads <- function() getOption("ntkmc.threads", 0L)

check_threads <- function(threads) check_count(threads, "threads", 0L)

# A numeric matrix without NA/NaN/Inf, as double; `what` names it.
check_finite_matrix <- function(x, name) {
  if (is.data.frame(x)) x <- as.matrix(x)
  if (!is.matrix(x) || !is.numeric(x))
    stopf("'%s' must be a numeric matrix (got %s)", name, class(x)[1L])
  bad <- which(!is.finite(x), arr.ind = TRUE)
  if (nrow(bad) > 0L) {
    i <- bad[1L, 1L]
    j <- bad[1L, 2L]
    rn <- rownames(x)
    stopf("'%s' holds %d missing or infinite value%s, the first at row %s, column %d",
          name, nrow(bad), if (nrow(bad) > 1L) "s" else "",
          if (is.null(rn)) as.character(i) else sprintf("%d ('%s')", i, rn[i]),
          j)
  }
  storage.mode(x) <- "double"
  x
}

check_unique_names <- function(names, what) {
  if (anyNA(names) || any(!nzchar(names)))
    stopf("%s names must not be NA or empty", what)
  dup <- unique(names[duplicated(names)])
  if (length(dup) > 0L)
    stopf("%s names must be unique; duplicated: %s", what,
          paste(utils::head(dup, 5L), collapse = ", "))
  invisible(names)
}

# Runs `expr` with the RNG seeded to `seed`, leaving the caller's RNG state as
# it was.
with_seed <- function(seed, expr) {
  if (exists(".Random.seed", envir = globalenv(), inherits = FALSE)) {
    old <- get(".Random.seed", envir = globalenv(), inherits = FALSE)
    on.exit(assign(".Random.seed", old, envir = globalenv()), add = TRUE)
  } else {
    on.exit(if (exists(".Random.seed", envir = globalenv(), inherits = FALSE))
      rm(".Random.seed", envir = globalenv()), add = TRUE)
  }
  set.seed(seed)
  expr
}

# Euclidean norms of the columns of a matrix.
col_norms <- function(x) sqrt(colSums(x * x))
