# A virtual drug screen on simulated data (simulate_cmap(), no files needed):
# the availability of the data, imputation with the NTK and the MCF7
# reference prior, and a 5-fold cross-validation against the mean over cell
# type.  About a minute on 2 cores.
library(ntkmc)
cm <- simulate_cmap(n_genes = 978, n_drugs = 500, n_cells = 40,
                    n_profiles = 4000, n_dense = 6, threshold = 150)
print(cm)
# five drugs never measured in the sparsest cell line
cell <- levels(cm$design$cell)[40]
new <- setdiff(levels(cm$design$drug), cm$design$drug[cm$design$cell == cell])
filled <- cmap_impute(cm, prior = "mcf7",
                      targets = data.frame(drug = new[1:5], cell = cell))
cat("imputed", attr(filled, "ntkmc")$n_imputed, "profiles in",
    round(attr(filled, "ntkmc")$seconds, 2), "s\n")
cv <- cmap_cv(cm, list(ntk_mcf7 = cmap_method("ntk", prior = "mcf7"),
                       mean = cmap_method("mean")),
              k = 5, which_folds = 1:2, verbose = TRUE)
print(cv)
print(cmap_compare(cv, "ntk_mcf7", "mean", metric = "mean_r2"))
