#!/usr/bin/env python3
"""Golden values of Gantry's evaluation metrics (FID, KID, precision/recall) on fixed feature
matrices, written to src/test/resources/eval/metrics-golden.json for MetricsGoldenTest.

Independent of Gantry's method where it matters:
- FID's truth is computed with mpmath at 50 digits from the features: mean, covariance (n - 1),
  and tr (S1 S2)^1/2 as the sum of square roots of the eigenvalues of the *non-symmetric* product
  (Gantry uses a symmetric eigendecomposition of S1^1/2 S2 S1^1/2 in double precision). The value
  pytorch-fid would give (scipy.linalg.sqrtm of the product in float64, with its eps retry) is
  stored beside it, to show how far that lands on the ill-conditioned and rank-deficient cases.
- KID: torch-fidelity's unbiased MMD^2 with the cubic kernel (x.y/d + 1)^3, per subset, on full
  kernel matrices in numpy; mean and population standard deviation over the subsets. The subset
  indices are drawn here and stored, and Gantry is handed the same ones.
- Precision/recall (Kynkaenniemi et al. 2019, k = 3): scipy's cdist, the (k+1)-th smallest
  distance of each row to its own set (itself included, as the authors' kthvalue(k + 1) does), and
  `distance <= radius` (the "copies" case has exact ties, where < would differ).

Run with Debian's python3-numpy, python3-scipy and python3-mpmath:
    /usr/bin/python3 scripts/eval/metrics_golden.py
"""
import json
import pathlib

import mpmath
import numpy as np
import scipy.linalg
from scipy.spatial.distance import cdist

OUT = pathlib.Path(__file__).resolve().parents[2] / "src/test/resources/eval/metrics-golden.json"
K = 3
mpmath.mp.dps = 50


def fid_truth(x, y):
    def moments(f):
        rows = [[mpmath.mpf(float(v)) for v in r] for r in f]
        n, d = len(rows), len(rows[0])
        mean = [mpmath.fsum(rows[i][j] for i in range(n)) / n for j in range(d)]
        cov = mpmath.matrix(d, d)
        for a in range(d):
            for b in range(a, d):
                c = mpmath.fsum((rows[i][a] - mean[a]) * (rows[i][b] - mean[b]) for i in range(n)) / (n - 1)
                cov[a, b] = c
                cov[b, a] = c
        return mean, cov

    m1, s1 = moments(x)
    m2, s2 = moments(y)
    d = len(m1)
    mean_term = mpmath.fsum((m1[i] - m2[i]) ** 2 for i in range(d))
    eigenvalues = mpmath.eig(s1 * s2, left=False, right=False)
    # Real and >= 0 in exact arithmetic; what is left of an imaginary part or a negative value is
    # below 1e-40 here.
    tr_sqrt = mpmath.fsum(mpmath.sqrt(max(mpmath.re(e), 0)) for e in eigenvalues)
    tr1 = mpmath.fsum(s1[i, i] for i in range(d))
    tr2 = mpmath.fsum(s2[i, i] for i in range(d))
    return float(mean_term + tr1 + tr2 - 2 * tr_sqrt)


def fid_pytorch_fid(x, y, eps=1e-6):
    """pytorch-fid's calculate_frechet_distance, verbatim in substance."""
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    sigma1, sigma2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def kid(x, y, subsets_x, subsets_y):
    d = x.shape[1]
    values = []
    for ix, iy in zip(subsets_x, subsets_y):
        a, b = x[ix], y[iy]
        m = len(ix)
        kxx = (a @ a.T / d + 1) ** 3
        kyy = (b @ b.T / d + 1) ** 3
        kxy = (a @ b.T / d + 1) ** 3
        value = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.sum() / (m * m)
        values.append(value)
    values = np.array(values)
    return float(values.mean()), float(values.std()), [float(v) for v in values]


def precision_recall(real, fake, k=K):
    def radii(f):
        dist = cdist(f, f)
        return np.partition(dist, k, axis=1)[:, k]  # the (k+1)-th smallest, the row itself being 0

    r_real, r_fake = radii(real), radii(fake)
    d = cdist(real, fake)  # real i × fake j
    precision = (d <= r_real[:, None]).any(axis=0).mean()
    recall = (d <= r_fake[None, :]).any(axis=1).mean()
    return float(precision), float(recall)


def rotation(rng, d):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return q


def subsets(rng, n, count, size):
    return [sorted(rng.choice(n, size, replace=False).tolist()) for _ in range(count)]


def case(name, real, fake, rng, kid_subsets, kid_size, note):
    sx = subsets(rng, len(real), kid_subsets, kid_size)
    sy = subsets(rng, len(fake), kid_subsets, kid_size)
    kid_mean, kid_std, kid_values = kid(real, fake, sx, sy)
    precision, recall = precision_recall(real, fake)
    s1 = np.cov(real, rowvar=False)
    eig = np.linalg.eigvalsh(s1)
    return {
        "name": name,
        "note": note,
        "real": real.tolist(),
        "fake": fake.tolist(),
        "fid": fid_truth(real, fake),
        "fidPytorchFid": fid_pytorch_fid(real, fake),
        "realCovarianceCondition": float(abs(eig).max() / max(abs(eig).min(), 1e-300)),
        "kidSubsetsReal": sx,
        "kidSubsetsFake": sy,
        "kid": kid_mean,
        "kidStd": kid_std,
        "kidValues": kid_values,
        "k": K,
        "precision": precision,
        "recall": recall,
    }


def main():
    rng = np.random.default_rng(20261201)
    cases = []

    d = 12
    a = rng.standard_normal((d, d)) / np.sqrt(d)
    real = rng.standard_normal((300, d)) @ a
    fake = 0.8 * rng.standard_normal((250, d)) @ a + 0.3
    cases.append(case("gaussians", real, fake, rng, 10, 100, "correlated Gaussians, shifted and shrunk"))

    d = 10
    spread = np.logspace(0, -7, d)  # standard deviations 1 .. 1e-7: covariance condition ~1e14
    q = rotation(rng, d)
    real = (rng.standard_normal((200, d)) * spread) @ q + 5.0
    fake = (rng.standard_normal((200, d)) * spread[::-1] * 0.5) @ q + 5.0
    cases.append(case("ill-conditioned", real, fake, rng, 5, 60, "spreads 1..1e-7 in a rotated basis, offset 5"))

    d = 40
    basis = rotation(rng, d)[:5]
    real = rng.standard_normal((30, 5)) @ basis
    fake = rng.standard_normal((25, 5)) @ basis * 1.5 + 0.1 * rng.standard_normal((25, d))
    cases.append(case("rank-deficient", real, fake, rng, 4, 20, "n < d, the real set on a 5-dimensional subspace"))

    real = rng.standard_normal((120, 8))
    cases.append(case("identical", real, real.copy(), rng, 3, 50, "the same set twice: FID 0, precision 1, recall 1"))

    # Exact ties, as identical images give identical features: values on a 1/16 grid (every
    # distance exact in double on both sides), a generator that copies two reference samples five
    # times each (those fakes have radius 0, so each copied reference sample is covered only under
    # `distance <= radius`) and puts the rest off the reference. Recall is 2/40 with <=, 0 with <.
    real = np.round(rng.standard_normal((40, 6)) * 16) / 16
    fake = np.concatenate([np.repeat(real[:2], 5, axis=0), np.round((rng.standard_normal((15, 6)) + 3) * 16) / 16])
    cases.append(case("copies", real, fake, rng, 3, 20, "exact ties: two reference samples copied 5 times each"))

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"generator": "scripts/eval/metrics_golden.py", "cases": cases}) + "\n")
    for c in cases:
        print(f"{c['name']:16s} fid {c['fid']:.12g} (pytorch-fid {c['fidPytorchFid']:.12g}, "
              f"cond {c['realCovarianceCondition']:.2g})  kid {c['kid']:.6g} ± {c['kidStd']:.3g}  "
              f"precision {c['precision']:.4f} recall {c['recall']:.4f}")


if __name__ == "__main__":
    main()
