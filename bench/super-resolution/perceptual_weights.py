#!/usr/bin/python3
"""The seed recipe's perceptual weight on a running Gantry: super-resolution x2 on `digits`,
lambda_per in {0, 1, 10} x 2 seeds, everything else equal (adversarial non-saturating weight 1,
reconstruction L1 weight 1), and the held-out PSNR, SSIM and FID each job reports at its end.

    /usr/bin/python3 bench/super-resolution/perceptual_weights.py [--url http://localhost:8080]
        [--steps 1000] [--vgg DIR_OR_PT] [--fid DIR_OR_PT]

Feature networks: the committed test networks by default (src/test/resources/features/vgg_tiny.pt
for the perceptual term, pooled_tiny.pt for FID; random weights), or a module and its .json
descriptor written by scripts/features/export_vgg19.py / export_inception.py. Standard library only.
Prints a Markdown table; bench/super-resolution/README.md keeps the one measured.
"""
import argparse
import json
import pathlib
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
FEATURES = ROOT / "src/test/resources/features"


def call(url, method="GET", body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {url}: {e.code} {e.read().decode()}")


def upload(base, module):
    module = pathlib.Path(module)
    descriptor = module.with_suffix(".json")
    boundary = uuid.uuid4().hex
    parts = []
    for name, path, kind in (("descriptor", descriptor, "application/json"), ("module", module, "application/zip")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode() + path.read_bytes() + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    network = call(base + "/api/v1/feature-networks", "POST", body, "multipart/form-data; boundary=" + boundary)
    while network["state"] == "PROCESSING":
        time.sleep(0.5)
        network = call(base + "/api/v1/feature-networks/" + network["id"])
    if network["state"] != "READY":
        sys.exit(f"{module.name}: {network['state']} {network.get('failureReason')}")
    return network["id"]


def submit(base, steps, seed, weight, vgg, fid):
    terms = [{"type": "reconstruction", "weight": 1}]
    if weight > 0:
        terms.append({"type": "perceptual", "weight": weight,
                      "params": {"network": vgg, "layers": {"relu1_2": 1, "relu2_2": 1}}})
    spec = {
        "name": f"sr-lambda-per-{weight}-seed-{seed}",
        "dataset": "digits", "task": "super-resolution",
        "superResolution": {"scale": 2, "validationImages": 500},
        "model": {"width": 32, "hiddenLayers": 4},
        "loss": {"adversarial": {"type": "non-saturating"}, "terms": terms},
        "training": {"steps": steps, "batchSize": 16, "seed": seed},
        "checkpoints": {"everySteps": steps},
        "evaluation": {"everySteps": steps, "featureNetwork": fid},
    }
    return call(base + "/api/v1/jobs", "POST", json.dumps(spec).encode(), "application/json")["id"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8080")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--vgg", default=str(FEATURES / "vgg_tiny.pt"))
    parser.add_argument("--fid", default=str(FEATURES / "pooled_tiny.pt"))
    args = parser.parse_args()
    vgg = upload(args.url, args.vgg)
    fid = upload(args.url, args.fid)
    runs = [(w, s) for w in (0, 1, 10) for s in (1, 2)]
    jobs = {run: submit(args.url, args.steps, run[1], run[0], vgg, fid) for run in runs}
    results = {}
    for run, job_id in jobs.items():
        while True:
            job = call(args.url + "/api/v1/jobs/" + job_id)
            if job["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                break
            time.sleep(2)
        if job["state"] != "SUCCEEDED":
            sys.exit(f"{job['name']}: {job['state']} {job.get('failure')}")
        m = job["latestMetrics"]
        results[run] = m
        print(f"{job['name']}: PSNR {m['eval/psnr']:.2f} dB, SSIM {m['eval/ssim']:.4f}, FID {m['eval/fid']:.5f}"
              f" ({job['progress'].get('stepsPerSecond', 0):.1f} steps/s)", file=sys.stderr)
    bicubic = results[runs[0]]
    print(f"| λ_per | seed | PSNR (dB) | SSIM | FID (test network) |")
    print("| --- | --- | --- | --- | --- |")
    for run in runs:
        m = results[run]
        print(f"| {run[0]} | {run[1]} | {m['eval/psnr']:.2f} | {m['eval/ssim']:.4f} | {m['eval/fid']:.5f} |")
    for w in (0, 1, 10):
        ms = [results[(w, s)] for s in (1, 2)]
        print(f"| {w} | mean | {statistics.mean(m['eval/psnr'] for m in ms):.2f}"
              f" | {statistics.mean(m['eval/ssim'] for m in ms):.4f}"
              f" | {statistics.mean(m['eval/fid'] for m in ms):.5f} |")
    print(f"| bicubic | | {bicubic['eval/psnr-bicubic']:.2f} | {bicubic['eval/ssim-bicubic']:.4f} | |")


if __name__ == "__main__":
    main()
