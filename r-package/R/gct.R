#' Read and write CMap GCT and GCTX files
#'
#' `read_gct()` reads the expression matrices of the Connectivity Map
#' (LINCS L1000): GCT 1.2 and 1.3 text, plain or gzip-compressed
#' (`.gct.gz`), and GCTX (HDF5).  The format is recognized by the content,
#' not the file name.  Rows (genes) and columns (signatures) can be read by
#' id, in any order; from a GCTX file only the requested columns are read,
#' so a subset of a release-size file (hundreds of thousands of signatures)
#' is cheap.  `write_gct()` writes GCT 1.3 (values exact: the shortest
#' decimals that read back identical) or GCTX (float64).  Both use the C
#' library; `docs/cmap-formats.md` in the source tree gives the details.
#'
#' Missing values are `NA`: `NaN`, `NA` and similar in the matrix, and in
#' the metadata also CMap's null `-666`.  Metadata fields that are numbers
#' (declared numeric in GCTX, or every value a number in text) become
#' numeric columns; the others stay character.  Metadata strings are the
#' bytes of the file: those that are not UTF-8 (CMap's `pert_idose` holds the
#' Latin-1 byte 0xB5, "micro") are marked `"latin1"` so that they print.
#'
#' @param path the file.
#' @param rid,cid `NULL` (all rows / columns, in file order) or a character
#'   vector of row (gene) / column (signature) ids, in the order wanted.  An
#'   id the file lacks is an error naming it.
#' @param meta_only `TRUE` to read ids and metadata only (`mat` is then
#'   `NULL`).
#' @return `read_gct()`: an object of class `ntkmc_gct`, a list with `mat`
#'   (genes x samples numeric matrix with dimnames), `rdesc` and `cdesc`
#'   (data frames with one row per row / column of `mat`: the `id`, then one
#'   column per metadata field) and `format` (`"gct1.2"`, `"gct1.3"` or
#'   `"gctx"`).
#' @examples
#' m <- matrix(c(0.1, -1/3, NA, 2), 2,
#'             dimnames = list(c("200814_at", "222103_at"), c("SIG1", "SIG2")))
#' f <- tempfile(fileext = ".gct")
#' write_gct(m, f, cdesc = data.frame(pert_dose = c(10, NA)))
#' g <- read_gct(f)
#' identical(g$mat, m)
#' g$cdesc
#' read_gct(f, cid = "SIG2")$mat
#' unlink(f)
#' @export
read_gct <- function(path, rid = NULL, cid = NULL, meta_only = FALSE) {
  path <- check_string(path, "path")
  if (!is.null(rid)) rid <- as.character(rid)
  if (!is.null(cid)) cid <- as.character(cid)
  meta_only <- check_flag(meta_only, "meta_only")
  res <- .Call(C_gct_read, path.expand(path), rid, cid, meta_only)
  mat <- res$mat
  if (!is.null(mat)) dimnames(mat) <- list(res$row_ids, res$col_ids)
  structure(list(mat = mat, rdesc = gct_desc(res$row_ids, res$rdesc),
                 cdesc = gct_desc(res$col_ids, res$cdesc),
                 format = res$format),
            class = "ntkmc_gct")
}

# ids + fields (list(names, values, numeric)) -> data.frame, numeric fields
# converted; a field named "id" (cmapR writes one) is the ids again.
gct_desc <- function(ids, fields) {
  cols <- list(id = ids)
  for (i in seq_along(fields$names)) {
    name <- fields$names[i]
    if (name == "id") next
    v <- fields$values[[i]]
    cols[[name]] <- if (fields$numeric[i]) as.numeric(v) else v
  }
  df <- as.data.frame(cols, stringsAsFactors = FALSE, optional = TRUE)
  rownames(df) <- NULL
  df
}

#' @rdname read_gct
#' @param x a numeric matrix with row and column names (ids), or an
#'   `ntkmc_gct` object (its `rdesc` and `cdesc` are used by default).
#' @param rdesc,cdesc `NULL` or data frames with one row per row / column of
#'   the matrix, in the same order; a column `id` is ignored (the ids are the
#'   dimnames).  Missing values are written as `-666` (CMap's null).
#' @param format `"auto"` (by the name of `path`: `.gctx` = GCTX, else GCT
#'   1.3), `"gct"`, `"gct1.2"` or `"gctx"`.
#' @return `write_gct()`: `path`, invisibly.  The file is written to a
#'   temporary file and renamed into place.
#' @export
write_gct <- function(x, path, rdesc = NULL, cdesc = NULL,
                      format = c("auto", "gct", "gct1.2", "gctx")) {
  path <- check_string(path, "path")
  format <- match.arg(format)
  if (inherits(x, "ntkmc_gct")) {
    if (is.null(rdesc)) rdesc <- x$rdesc
    if (is.null(cdesc)) cdesc <- x$cdesc
    x <- x$mat
  }
  if (!is.matrix(x) || !is.numeric(x))
    stopf("'x' must be a numeric matrix or an ntkmc_gct object")
  if (is.null(rownames(x)) || is.null(colnames(x)))
    stopf("'x' needs row and column names (the ids)")
  storage.mode(x) <- "double"
  .Call(C_gct_write, path.expand(path), x, rownames(x), colnames(x),
        desc_fields(rdesc, nrow(x), "rdesc"),
        desc_fields(cdesc, ncol(x), "cdesc"), format)
  invisible(path)
}

# data.frame -> named list of character vectors (NA = missing), without "id".
desc_fields <- function(desc, n, name) {
  if (is.null(desc)) return(list())
  if (!is.data.frame(desc) || nrow(desc) != n)
    stopf("'%s' must be a data frame with %d rows", name, n)
  desc <- desc[setdiff(names(desc), "id")]
  lapply(desc, function(v) {
    out <- if (is.double(v)) format_number(v) else as.character(v)
    out[is.na(v)] <- NA_character_
    out
  })
}

# Shortest of 15 to 17 significant digits that reads back identical.
format_number <- function(v) {
  out <- sprintf("%.15g", v)
  out[is.na(v)] <- NA_character_
  for (digits in 16:17) {
    bad <- !is.na(v) & suppressWarnings(as.numeric(out)) != v
    bad[is.na(bad)] <- TRUE
    if (!any(bad)) break
    out[bad] <- sprintf(paste0("%.", digits, "g"), v[bad])
  }
  out
}

#' @rdname read_gct
#' @param ... unused.
#' @export
print.ntkmc_gct <- function(x, ...) {
  cat(sprintf("CMap matrix (%s): %d rows x %d columns%s\n", x$format,
              nrow(x$rdesc), nrow(x$cdesc),
              if (is.null(x$mat)) " (metadata only)" else ""))
  cat(sprintf("row metadata: %s\n",
              paste(setdiff(names(x$rdesc), "id"), collapse = ", ")))
  cat(sprintf("column metadata: %s\n",
              paste(setdiff(names(x$cdesc), "id"), collapse = ", ")))
  invisible(x)
}
