"""Times scipy on the data the drift benchmark hands it: two float64 files, little-endian.

Run by bench/drift.bench.ts (python3 bench/scipy-peer.py a.f64 b.f64 rounds); prints one JSON object with
the median seconds per call of ks_2samp (method='auto') and wasserstein_distance, and their results, so the
benchmark can check both sides computed the same thing. Loading the files is not timed.
"""
import json
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import stats

a = np.fromfile(sys.argv[1], dtype="<f8")
b = np.fromfile(sys.argv[2], dtype="<f8")
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5


def timed(f):
    f()  # warm-up
    times = []
    result = None
    for _ in range(rounds):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


ks_time, ks = timed(lambda: stats.ks_2samp(a, b))
w_time, w = timed(lambda: stats.wasserstein_distance(a, b))
print(json.dumps({
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "ks": {"seconds": ks_time, "statistic": float(ks.statistic), "pvalue": float(ks.pvalue)},
    "wasserstein": {"seconds": w_time, "value": float(w)},
}))
