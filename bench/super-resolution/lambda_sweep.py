#!/usr/bin/python3
"""The seed recipe's loss weights as one sweep on a running Gantry: super-resolution x2 on `digits`,
lambda_per in {0, 1, 10} x lambda_adv in {1e-3, 1} x 2 seeds, everything else equal (non-saturating
adversarial loss, L1 reconstruction weight 1, perceptual on relu1_2 + relu2_2), the held-out PSNR
as the objective. Writes the service's own analysis (JSON, CSV, PNG) beside this script and prints
the lambda table, mean +- std over the seeds of each configuration's last evaluation.

    GANTRY_KEY=gk_... /usr/bin/python3 bench/super-resolution/lambda_sweep.py [--url http://localhost:8080]
        [--steps 1000] [--vgg DIR_OR_PT] [--fid DIR_OR_PT] [--out bench/super-resolution]

Feature networks: the committed test networks by default (src/test/resources/features/vgg_tiny.pt
for the perceptual term, pooled_tiny.pt for FID; random weights), or a module and its .json
descriptor written by scripts/features/export_vgg19.py / export_inception.py. Standard library only.
bench/super-resolution/README.md keeps the table measured.
"""
import argparse
import json
import os
import pathlib
import sys
import time
import urllib.error
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
FEATURES = ROOT / "src/test/resources/features"
PER = "loss.terms[1].weight"
ADV = "loss.adversarial.weight"


class Api:
    def __init__(self, base, key):
        self.base = base
        self.key = key

    def call(self, path, method="GET", body=None, content_type=None, accept=None, raw=False):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", "Bearer " + self.key)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        try:
            with urllib.request.urlopen(request) as response:
                data = response.read()
                return data if raw else json.loads(data or b"null")
        except urllib.error.HTTPError as e:
            sys.exit(f"{method} {path}: {e.code} {e.read().decode()}")

    def upload(self, module):
        module = pathlib.Path(module)
        descriptor = module.with_suffix(".json")
        boundary = uuid.uuid4().hex
        parts = []
        for name, path, kind in (("descriptor", descriptor, "application/json"),
                                 ("module", module, "application/zip")):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
                f"Content-Type: {kind}\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        network = self.call("/api/v1/feature-networks", "POST", body, "multipart/form-data; boundary=" + boundary)
        while network["state"] == "PROCESSING":
            time.sleep(0.5)
            network = self.call("/api/v1/feature-networks/" + network["id"])
        if network["state"] != "READY":
            sys.exit(f"{module.name}: {network['state']} {network.get('failureReason')}")
        return network["id"]


def sweep_request(steps, vgg, fid):
    return {
        "name": "sr-lambda",
        "base": {
            "dataset": "digits", "task": "super-resolution",
            "superResolution": {"scale": 2, "validationImages": 500},
            "model": {"width": 32, "hiddenLayers": 4},
            "loss": {"adversarial": {"type": "non-saturating", "weight": 1},
                     "terms": [{"type": "reconstruction", "weight": 1},
                               {"type": "perceptual", "weight": 1,
                                "params": {"network": vgg, "layers": {"relu1_2": 1, "relu2_2": 1}}}]},
            "training": {"steps": steps, "batchSize": 16, "seed": 1},
            "checkpoints": {"everySteps": steps},
            "evaluation": {"everySteps": steps // 4, "featureNetwork": fid},
        },
        "space": {PER: {"values": [0, 1, 10]}, ADV: {"values": [0.001, 1]}},
        "seeds": 2,
        "objective": {"metric": "eval/psnr", "goal": "max"},
        "parallelTrials": 2,
        "budget": {"trials": 12, "steps": 12 * steps},
    }


def stat(m, name, digits):
    s = m.get(name)
    if not s or s["n"] == 0:
        return "–"
    std = f" ± {s['std']:.{digits}f}" if s["n"] > 1 else ""
    return f"{s['mean']:.{digits}f}{std}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--key", default=os.environ.get("GANTRY_KEY"))
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--vgg", default=str(FEATURES / "vgg_tiny.pt"))
    parser.add_argument("--fid", default=str(FEATURES / "pooled_tiny.pt"))
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent))
    args = parser.parse_args()
    if not args.key:
        sys.exit("an API key: --key or GANTRY_KEY")
    api = Api(args.url, args.key)
    vgg = api.upload(args.vgg)
    fid = api.upload(args.fid)
    started = time.time()
    sweep = api.call("/api/v1/sweeps", "POST", json.dumps(sweep_request(args.steps, vgg, fid)).encode(),
                     "application/json")
    print(f"sweep {sweep['id']}: {sweep['counts']['trials']} trials", file=sys.stderr)
    while sweep["state"] == "RUNNING":
        time.sleep(10)
        sweep = api.call("/api/v1/sweeps/" + sweep["id"])
        done = sum(1 for t in sweep["trials"] if t.get("state") in ("SUCCEEDED", "FAILED", "CANCELLED"))
        print(f"  {time.time() - started:5.0f} s: {done}/{len(sweep['trials'])} trials ended", file=sys.stderr)
    if sweep["state"] != "COMPLETED":
        sys.exit(f"sweep {sweep['id']}: {sweep['state']}")
    analysis = api.call(f"/api/v1/sweeps/{sweep['id']}/analysis")
    out = pathlib.Path(args.out)
    (out / "lambda-sweep.json").write_text(json.dumps(analysis, indent=1) + "\n")
    (out / "lambda-sweep.csv").write_bytes(api.call(f"/api/v1/sweeps/{sweep['id']}/analysis", accept="text/csv",
                                                    raw=True))
    (out / "lambda-sweep.png").write_bytes(api.call(f"/api/v1/sweeps/{sweep['id']}/analysis.png", raw=True))
    print(f"sweep {sweep['id']} in {time.time() - started:.0f} s; wrote lambda-sweep.json, .csv, .png in {out}",
          file=sys.stderr)

    print("| λ_per | λ_adv | seeds | PSNR (dB) | SSIM | FID (test network) |")
    print("| --- | --- | --- | --- | --- | --- |")
    rows = sorted(analysis["configurations"], key=lambda c: (c["params"][PER], c["params"][ADV]))
    for c in rows:
        m = c["metrics"]
        print(f"| {c['params'][PER]:g} | {c['params'][ADV]:g} | {c['completed']} | {stat(m, 'eval/psnr', 2)}"
              f" | {stat(m, 'eval/ssim', 4)} | {stat(m, 'eval/fid', 5)} |")
    m = rows[0]["metrics"]
    print(f"| bicubic | | | {stat(m, 'eval/psnr-bicubic', 2)} | {stat(m, 'eval/ssim-bicubic', 4)} | |")
    best = analysis["best"]
    print(f"\nbest: configuration {best['configuration']} {best['params']}, {best['confidence']}: {best.get('note', '')}")
    for marginal in analysis["marginals"]:
        levels = ", ".join(f"{level['value']:g} → {level['mean']:.2f}" for level in marginal["levels"])
        print(f"marginal {marginal['parameter']}: {levels}")


if __name__ == "__main__":
    main()
