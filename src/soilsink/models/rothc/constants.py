"""RothC constants, each from the official Rothamsted release.

Sources (Apache-2.0, read with the ``search`` tool, not copied):

* ``RothC.for`` (Rothamsted-Models/RothC_Code, RothC 2.0.0 / June 2025 Farina branch),
  subroutines ``decomp``, ``RMF_Tmp``, ``RMF_Moist``, ``RMF_PC``, ``CALC_SM_VG``;
* ``Shell.for`` @ 1e0dadcd (the 2.0.0 driver: equilibrium loop, outputs);
* ``RothC_Py.py`` (Rothamsted-Models/RothC_Py, RothC 1.0.0 in Python, same constants);
* Coleman K, Jenkinson DS (1996/2014) *RothC-26.3 – A model for the turnover of carbon in
  soil*, model description (``RothC_description.pdf`` in both repositories).

Numbers are held in double precision, as in the official Python release. The Fortran release
writes some of them as single-precision literals (e.g. ``0.444``, ``1.0/12``); the effect is
below 1e-7 relative and far inside the agreement reached with its outputs.
"""

from __future__ import annotations

import math

# Decomposition rate constants, yr-1 (RothC.for ``decomp``: DPM_k, RPM_k, Bio_k, Hum_k;
# description section "Decomposition").
K_DPM = 10.0
K_RPM = 0.3
K_BIO = 0.66
K_HUM = 0.02

#: Monthly time step, yr (``tstep = 1/timeFact`` with ``timeFact = 12``).
TSTEP_MONTH = 1.0 / 12.0

# CO2 / (BIO + HUM) ratio x = 1.67 (1.85 + 1.60 exp(-0.0786 clay)) (RothC.for ``decomp``;
# description eq. for x). Of the C decomposed, x/(x+1) goes to CO2, 0.46/(x+1) to BIO and
# 0.54/(x+1) to HUM.
X_A = 1.67
X_B = 1.85
X_C = 1.60
X_D = 0.0786
FRAC_BIO = 0.46
FRAC_HUM = 0.54

# Farmyard manure split (RothC.for ``decomp``: FYM_C_DPM = 0.49, FYM_C_RPM = 0.49, FYM_C_Hum = 0.02).
FYM_DPM = 0.49
FYM_RPM = 0.49
FYM_HUM = 0.02

#: Default DPM/RPM ratio of plant inputs: 1.44 for agricultural crops and improved grassland
#: (RothC description, "Plant inputs"; the value in every row of the official example input).
DPM_RPM_DEFAULT = 1.44

# Temperature rate modifier a / (exp(b / (T + c)) + 1), 0 below -5 degC (RothC.for ``RMF_Tmp``).
TMP_A = 47.91
TMP_B = 106.06
TMP_C = 18.27
TMP_MIN_C = -5.0

# Soil moisture (RothC.for ``RMF_Moist``): max SMD for 0-23 cm = -(20 + 1.3 clay - 0.01 clay^2),
# scaled by depth/23; -1 bar at 0.444 of it; bare soil limit 0.556 of it; evaporation factor 0.75
# (open pan to evapotranspiration); modifier between minRM_Moist (default 0.2) and 1.
SMD_A = 20.0
SMD_B = 1.3
SMD_C = 0.01
SMD_REF_DEPTH_CM = 23.0
SMD_1BAR_FRAC = 0.444
SMD_BARE_FRAC = 0.556
PEVAP_FACTOR = 0.75
RM_MOIST_MAX = 1.0
MIN_RM_MOIST_DEFAULT = 0.2
#: opt_RMmoist 2/3 with opt_SMDbare 1: SMDBare = SMD15 - (0.6388/0.8) (SMD15 - SMD1bar) (RothC.for).
SMD_BARE_VG = 0.6388 / 0.8

# Plant cover modifier (RothC.for ``RMF_PC``): 0.6 covered, 1.0 bare.
RM_PC_COVERED = 0.6
RM_PC_BARE = 1.0

# Radiocarbon (RothC.for ``decomp`` / Shell.for): conr = ln 2 / 5568 (Libby half-life, yr);
# IOM radiocarbon age 50 000 yr; delta14C = (exp(-age / 8035) - 1) * 1000 per mil.
HALF_LIFE_LIBBY_YR = 5568.0
CONR = math.log(2.0) / HALF_LIFE_LIBBY_YR
IOM_RAGE_YR = 50000.0
DELTA_MEAN_LIFE_YR = 8035.0
#: radioactive decay over one month
EXC_MONTH = math.exp(-CONR * TSTEP_MONTH)

#: Equilibrium loop tolerance of the official driver: stop when the December total of the
#: four active pools changes by less than this from one year to the next (Shell.for).
SPINUP_TOL_T_HA = 1e-6

#: Falloon et al. (1998) IOM = 0.049 SOC^1.139 (t C/ha). Falloon P, Smith P, Coleman K,
#: Marshall S (1998) Estimating the size of the inert organic matter pool from total soil
#: organic carbon content for use in the Rothamsted carbon model. Soil Biol Biochem 30:1207-1211.
FALLOON_A = 0.049
FALLOON_B = 1.139
