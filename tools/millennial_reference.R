# Runs the official Millennial v2 R code (rabramoff/Millennial, R/models/derivs_V2_MM.R and
# R/simulation/run_functions.R) on one case and writes its outputs at full precision.
# Called by tools/make_millennial_reference.py; needs R with the deSolve and nleqslv packages.
#
# Rscript millennial_reference.R MODE REPO PARAMS SITE FORCING INIT OUT [YEARS]
#   MODE    tutorial: the official Run_Model on the forcing table (365 daily rows, repeated)
#           run:      ode(..., method = "rk4") on the forcing table given point by point
#                     (approxfun over the whole series, as Run_Model builds it)
#           steady:   nleqslv root of the official derivatives under the forcing's first row
#   REPO    path of a checkout of rabramoff/Millennial
#   PARAMS  two columns name value (soilpara_in_*.txt format)
#   SITE    two columns name value: param_pH, param_bulkd, param_pc, param_claysilt
#   FORCING csv with columns forc_st, forc_sw, forc_npp
#   INIT    csv with columns POM, LMWC, AGG, MIC, MAOM (one row)
#   OUT     output csv: time and the state columns, %.17g
suppressMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]; repo <- args[2]
source(file.path(repo, "R", "models", "derivs_V2_MM.R"))
source(file.path(repo, "R", "simulation", "run_functions.R"))
pf <- read.table(args[3]); parameters <- as.list(pf$V2); names(parameters) <- pf$V1
sf <- read.table(args[4]); for (i in seq_len(nrow(sf))) parameters[[sf$V1[i]]] <- sf$V2[i]
forcing <- read.csv(args[5])
init <- unlist(read.csv(args[6])[1, c("POM", "LMWC", "AGG", "MIC", "MAOM")])
write_out <- function(m, path) {
  m <- as.data.frame(m)
  txt <- sapply(m, function(col) sprintf("%.17g", col))
  if (is.null(dim(txt))) txt <- t(txt)
  write.table(txt, path, sep = ",", quote = FALSE, row.names = FALSE, col.names = names(m))
}
if (mode == "tutorial") {
  years <- as.integer(args[8])
  out <- Run_Model(forcing, derivs_V2_MM, parameters, num.years = years,
                   state = c(init, CO2 = 0))
  write_out(out, args[7])
} else if (mode == "run") {
  steps <- seq_len(nrow(forcing))
  forc_st <- approxfun(steps, forcing$forc_st)
  forc_sw <- approxfun(steps, forcing$forc_sw)
  forc_npp <- approxfun(steps, forcing$forc_npp)
  out <- ode(y = c(init, CO2 = 0), times = steps, func = derivs_V2_MM, parms = parameters,
             forc_st = forc_st, forc_sw = forc_sw, forc_npp = forc_npp, method = "rk4")
  write_out(out, args[7])
} else if (mode == "steady") {
  suppressMessages(library(nleqslv))
  st <- forcing$forc_st[1]; sw <- forcing$forc_sw[1]; npp <- forcing$forc_npp[1]
  fn <- function(x) {
    names(x) <- c("POM", "LMWC", "AGG", "MIC", "MAOM")
    derivs_V2_MM(1, x, parameters, function(t) st, function(t) sw, function(t) npp)[[1]][1:5]
  }
  # solved in log space (pools stay positive), trust-region Newton
  gn <- function(y) fn(exp(y))
  sol <- nleqslv(log(init), gn, method = "Newton", global = "dbldog",
                 control = list(xtol = 1e-15, ftol = 1e-13, maxit = 1000))
  x <- exp(sol$x)
  res <- fn(x)
  out <- data.frame(pool = c("POM", "LMWC", "AGG", "MIC", "MAOM"), value = x,
                    residual = res, termcd = sol$termcd)
  out$value <- sprintf("%.17g", out$value); out$residual <- sprintf("%.17g", out$residual)
  write.table(out, args[7], sep = ",", quote = FALSE, row.names = FALSE)
} else {
  stop(paste("unknown mode", mode))
}
