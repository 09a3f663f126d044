#' Kernel files
#'
#' Saves and loads fully connected NTK kernels in ntkmc's kernel file format
#' (`docs/kernel-format.md` in the source tree): the files the command-line
#' tool writes with `ntkmc kernel compute` and reads with
#' `ntkmc complete --kernel`.  A file holds the `n x n` kernel (double or
#' float) and a description, `key=value` lines saying how it was made; every
#' read validates the whole file (checksum included).
#'
#' @param kernel an `n x n` numeric matrix, typically from [ntk_kernel()].
#' @param path the file.  Written atomically (a temporary file renamed into
#'   place).
#' @param dtype `"double"` or `"float"` (half the size, 7 significant
#'   digits).
#' @param description a named character vector of `key=value` pairs; by
#'   default the kernel's `description` attribute, which [ntk_kernel()] sets.
#' @return `ntk_kernel_write()`: `path`, invisibly.  `ntk_kernel_read()`: the
#'   kernel matrix with attributes `description` (named character vector) and
#'   `dtype`.
#' @examples
#' k <- ntk_kernel(matrix(rnorm(12), 4))
#' f <- tempfile(fileext = ".ntk")
#' ntk_kernel_write(k, f)
#' k2 <- ntk_kernel_read(f)
#' all.equal(c(k), c(k2))
#' attr(k2, "description")
#' unlink(f)
#' @export
ntk_kernel_write <- function(kernel, path, dtype = c("double", "float"),
                             description = attr(kernel, "description")) {
  path <- check_string(path, "path")
  dtype <- match.arg(dtype)
  if (!is.matrix(kernel) || !is.numeric(kernel) ||
      nrow(kernel) != ncol(kernel) || nrow(kernel) == 0L)
    stopf("'kernel' must be a non-empty square numeric matrix")
  if (any(!is.finite(kernel))) stopf("'kernel' holds NA or infinite values")
  if (is.null(description))
    description <- c(kernel = "fc", items = as.character(nrow(kernel)))
  if (!is.character(description) || is.null(names(description)))
    stopf("'description' must be a named character vector")
  if (any(!grepl("^[A-Za-z0-9_.-]+$", names(description))))
    stopf("'description' keys must be made of letters, digits, '_', '.' and '-'")
  if (any(grepl("[[:cntrl:]]", description)))
    stopf("'description' values must not hold control characters")
  text <- paste0(names(description), "=", description, "\n", collapse = "")
  storage.mode(kernel) <- "double"
  .Call(C_kernel_write, path.expand(path), kernel, text, dtype)
  invisible(path)
}

#' @rdname ntk_kernel_write
#' @export
ntk_kernel_read <- function(path) {
  path <- check_string(path, "path")
  res <- .Call(C_kernel_read, path.expand(path))
  k <- res$kernel
  attr(k, "description") <- parse_description(res$description)
  attr(k, "dtype") <- res$dtype
  k
}

# "key=value" lines -> named character vector (the first "=" separates).
parse_description <- function(text) {
  lines <- strsplit(text, "\n", fixed = TRUE)[[1L]]
  lines <- lines[nzchar(lines)]
  eq <- regexpr("=", lines, fixed = TRUE)
  stats::setNames(substring(lines, eq + 1L), substring(lines, 1L, eq - 1L))
}
