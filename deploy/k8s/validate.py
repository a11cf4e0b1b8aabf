#!/usr/bin/env python3
"""Checks the manifests in deploy/k8s without a cluster.

1. Schema: each object is read into the official Kubernetes client's model and written back;
   a misspelled or unknown field is dropped on the way and reported.
2. With --run: the pods' shell commands are run here as the Job controller would run them
   (JOB_COMPLETION_INDEX 0..N-1, then the merge), with /results mapped to a temporary
   directory and a copy of target/release/exportsim on PATH; the merged files are compared byte for
   byte with a single-machine `exportsim run` of the same command.

    pip install kubernetes pyyaml
    python3 deploy/k8s/validate.py [--run]     (from the repository root; --run needs
                                                `cargo build --release` first)
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from kubernetes.client import ApiClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def dropped(original, kept, path=""):
    """Fields of `original` that did not survive the round trip through the model."""
    if isinstance(original, dict):
        if not isinstance(kept, dict):
            return [f"{path} is not an object"]
        problems = []
        for key, value in original.items():
            if key in kept:
                problems += dropped(value, kept[key], f"{path}.{key}")
            else:
                problems.append(f"{path}.{key} is not a field")
        return problems
    if isinstance(original, list):
        return [p for i, (a, b) in enumerate(zip(original, kept)) for p in dropped(a, b, f"{path}[{i}]")]
    return [] if str(original) == str(kept) else [f"{path}: {original!r} read as {kept!r}"]


def check_schema():
    api, ok = ApiClient(), True
    for f in sorted(HERE.glob("*.yaml")):
        for doc in yaml.safe_load_all(f.read_text()):
            model = api._ApiClient__deserialize(doc, "V1" + doc["kind"])
            problems = dropped(doc, api.sanitize_for_serialization(model))
            print(f"{f.name}: {doc['kind']} {doc['metadata']['name']}: {'; '.join(problems) or 'ok'}")
            ok &= not problems
    return ok


def exportsim_env(bin_dir):
    return dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")


def container(manifest):
    return manifest["spec"]["template"]["spec"]["containers"][0]


def run_pod(manifest, results, index=None):
    """Runs a pod's command here; resourceFieldRef variables (THREADS) read as 1."""
    env = exportsim_env(results / "bin")
    env.update({e["name"]: e.get("value", "1") for e in container(manifest)["env"]})
    if index is not None:
        env["JOB_COMPLETION_INDEX"] = str(index)
    command = [a.replace("/results", str(results)) for a in container(manifest)["command"]]
    return subprocess.run(command + container(manifest).get("args", []), env=env, cwd=REPO).returncode == 0


def check_run():
    shards = yaml.safe_load((HERE / "shards.yaml").read_text())
    merge = yaml.safe_load((HERE / "merge.yaml").read_text())
    n = shards["spec"]["completions"]
    env = {e["name"]: e.get("value") for e in container(shards)["env"]}
    merge_env = {e["name"]: e.get("value") for e in container(merge)["env"]}
    if not (str(n) == env["SHARDS"] == merge_env["SHARDS"] and env["STUDY"] == merge_env["STUDY"]):
        print("SHARDS must equal spec.completions in both Jobs, and STUDY must match")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp)
        # A copy, so that a concurrent `cargo build` cannot swap the binary mid-check.
        (results / "bin").mkdir()
        shutil.copy2(REPO / "target/release/exportsim", results / "bin/exportsim")
        if not all(run_pod(shards, results, i) for i in range(n)) or not run_pod(merge, results):
            return False
        single = results / "single"
        command = ["exportsim", *container(shards)["args"], "--out", str(single), "--quiet"]
        subprocess.run(command, check=True, cwd=REPO, env=exportsim_env(results / "bin"))
        return same_tree(single, results / env["STUDY"] / "merged")


def same_tree(a, b):
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    if files != sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()):
        print("the merged directory holds other files than the single-machine run")
        return False
    differ = [str(f) for f in files if not filecmp.cmp(a / f, b / f, shallow=False)]
    verdict = f"differ: {', '.join(differ)}" if differ else "all identical to one machine"
    print(f"{len(files)} files compared; {verdict}")
    return not differ


if __name__ == "__main__":
    ok = check_schema()
    if ok and "--run" in sys.argv[1:]:
        ok = check_run()
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)
