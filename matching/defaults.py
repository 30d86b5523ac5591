"""Default m and u probabilities, for inputs too small to estimate them (a steward's what-if run
on a few records, a unit test).

Estimated by :func:`matching.scoring.estimate_m` / :func:`estimate_u` on the synthetic
"normal" population (``hub.demo.generate_population(6000, 11)``, about 25,000 records). Rows follow
:data:`matching.compare.FIELDS`; column 0 is "missing", then one column per level; unused columns
are 1. The surname level 'swapped_with_first_name' was added later, m and u set by hand
(FEBRL shows about 2 % of duplicates with swapped names; strangers almost never).
The role row is set by hand (reporters are about 6 % of rows; most professional reporters
recur). Re-estimate them when levels change (``tests/matching`` checks the shapes).
"""

import numpy as np

DEFAULT_M = np.array([
    [1.0, 0.005283, 0.087646, 0.000622, 0.011966, 0.001, 0.027661, 0.866823],  # first_name
    [1.0, 0.019736, 0.002, 0.005905, 0.030458, 0.068376, 0.875524, 1.0],  # surname
    [1.0, 0.002303, 0.002299, 0.017097, 0.045372, 0.005425, 0.927504, 1.0],  # birth_date
    [1.0, 0.045533, 0.015483, 0.015159, 0.001, 0.919521, 0.004305, 1.0],  # bsn
    [1.0, 0.055329, 0.006583, 0.021171, 0.916918, 1.0, 1.0, 1.0],  # address
    [1.0, 0.002643, 0.997357, 1.0, 1.0, 1.0, 1.0, 1.0],  # sex
    [1.0, 0.005, 0.6, 0.395, 1.0, 1.0, 1.0, 1.0],  # role
])

DEFAULT_U = np.array([
    [1.0, 0.973144, 0.007766, 0.005804, 0.003229, 0.003349, 0.000391, 0.006316],
    [1.0, 0.990965, 0.000001, 0.003479, 0.001269, 0.000326, 0.003961, 1.0],
    [1.0, 0.88706, 0.110325, 0.001543, 0.000912, 0.000019, 0.000143, 1.0],
    [1.0, 0.963199, 0.031103, 0.000006, 0.000002, 0.000056, 0.005634, 1.0],
    [1.0, 0.997857, 0.000685, 0.001214, 0.000243, 1.0, 1.0, 1.0],
    [1.0, 0.487065, 0.512935, 1.0, 1.0, 1.0, 1.0, 1.0],
    [1.0, 0.11, 0.886, 0.004, 1.0, 1.0, 1.0, 1.0],
])
