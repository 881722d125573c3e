#!/usr/bin/python3
"""Issue #17, item 10: a random-kill campaign. Each round runs a small sweep (grid, ASHA or PBT;
dev mode or mpirun -np 3), breaks it in one of four ways, then reruns the same command until
it finishes, and checks the end:

  kill      SIGKILL to the whole job at a random moment
  orphan    (mpirun) SIGKILL to mpirun and rank 0 only; the rerun starts at once beside the
            orphaned worker ranks
  crash     SIGKILL, then the journal loses its tail as after a machine crash: 1 to 30 lines
            dropped, a line torn, or the file deleted
  full      the output folder on a small tmpfs that a filler file leaves 0 to 400 KB free;
            after the run stops the filler is deleted

Per round it records: exit codes, resumes, a hang (a run past its timeout), unreadable files
(sweep.h5 or a checkpoint h5py cannot open), and mismatches against an uninterrupted run of
the same spec: grid and PBT must match it bitwise (PBT's decisions do not depend on the order
of reports); ASHA must end as its own decisions say, with curves bitwise those of straight
training (its decisions depend on the order of reports).

  /usr/bin/python3 bench/kill_campaign.py [--rounds 60] [--binary build/app/hpsweep] [--seed 1]
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CURVES = ["epoch", "train_loss", "train_error", "test_loss", "test_error"]
MPI_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
RUN_TIMEOUT = 300

BASE = """name: campaign
seed: 7
dataset: {{name: fashion-mnist, train_subset: 6000, test_subset: 1000}}
model: {{type: mlp, width: 32, depth: 1, init: he}}
training: {{epochs: {epochs}, batch_size: 50, lr: 0.05}}
"""
METHODS = {
    "grid": "method: grid\nparameters:\n  training.lr: {values: [0.02, 0.05, 0.1, 0.2]}\n",
    "asha": ("method: grid\nparameters:\n  training.lr: {values: [0.02, 0.05, 0.1, 0.2]}\n"
             "early_terminate: {type: asha, grace_period: 1, reduction_factor: 2}\n"),
    "pbt": ("method: pbt\nparameters:\n  training.lr: {values: [0.02, 0.05, 0.1, 0.2]}\n"
            "pbt: {population: 4, perturbation_interval: 2, mutations: {training.lr: "
            "{distribution: log_uniform_values, min: 0.01, max: 0.3}}}\n"),
}


def command(binary, spec, out, mpi):
    argv = [binary, "run", spec, "--out", out, "--workers", "2"]
    return (["mpirun", "-n", "3"] + argv) if mpi else argv


def start(argv):
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=MPI_ENV, start_new_session=True)


def finish(proc, timeout=RUN_TIMEOUT):
    """Exit code, or None after a hang (the job is killed)."""
    try:
        proc.communicate(timeout=timeout)
        return proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None


def processes_naming(out):
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if out.encode() in f.read():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def rank0(out):
    for pid in processes_naming(out):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if b"OMPI_COMM_WORLD_RANK=0\0" in f.read():
                    return pid
        except OSError:
            pass
    return None


def kill_leftovers(out):
    for _ in range(300):
        pids = processes_naming(out)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)


def cut_journal(path, rng):
    if not os.path.exists(path):
        return "no journal"
    choice = rng.choice(["drop", "drop", "torn", "delete"])
    if choice == "delete":
        os.remove(path)
        return "journal deleted"
    with open(path) as f:
        lines = f.read().splitlines(keepends=True)
    drop = rng.randint(1, 30)
    kept = lines[:max(0, len(lines) - drop)]
    text = "".join(kept)
    if choice == "torn" and kept:
        text = "".join(kept[:-1]) + kept[-1][: len(kept[-1]) // 2]
    with open(path, "w") as f:
        f.write(text)
    return f"journal: {drop} lines dropped" + (", one torn" if choice == "torn" else "")


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read_sweep(out):
    """Per trial: status, curves, and its last decision (kind, epoch) if any. Opens every
    checkpoint too: an unreadable file raises."""
    trials = []
    with h5py.File(os.path.join(out, "sweep.h5"), "r", locking=False) as f:
        d = f["decisions"]
        last = {int(t): (k, int(e)) for t, k, e in
                zip(d["trial"][()], d["kind"].asstr()[()], d["epoch"][()])}
        for name in sorted(f["trials"].keys()):
            g = f["trials"][name]
            curves = {c: np.array(g["curves"][c][()]) for c in CURVES}
            trials.append((text(g.attrs["status"]), curves, last.get(int(name))))
    for name in os.listdir(os.path.join(out, "checkpoints")):
        if name.endswith(".h5"):
            with h5py.File(os.path.join(out, "checkpoints", name), "r", locking=False) as f:
                int(f.attrs["epoch"])
    return trials


def mismatches(method, result, reference, straight):
    bad = 0
    for i, (status, curves, last) in enumerate(result):
        if method == "asha":
            n = len(curves["epoch"])
            expected = "stopped" if last and last[0] == "stop" else "completed"
            ok = last is not None and status == expected and last[1] == n and all(
                np.array_equal(curves[c], straight[i][1][c][:n]) for c in CURVES)
        else:
            ok = status == reference[i][0] and all(
                np.array_equal(curves[c], reference[i][1][c]) for c in CURVES)
        bad += not ok
    return bad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/app/hpsweep"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="kill_campaign.")
    binary = os.path.join(work, "hpsweep")
    shutil.copy(args.binary, binary)
    specs, reference, straight, seconds = {}, {}, {}, {}
    for method, body in METHODS.items():
        epochs = 8 if method == "pbt" else 4
        specs[method] = os.path.join(work, method + ".yaml")
        with open(specs[method], "w") as f:
            f.write(BASE.format(epochs=epochs) + body)
        out = os.path.join(work, "reference-" + method)
        t = time.time()
        assert finish(start(command(binary, specs[method], out, False))) == 0, method
        seconds[method] = time.time() - t
        reference[method] = read_sweep(out)
    straight_spec = os.path.join(work, "straight.yaml")
    with open(straight_spec, "w") as f:
        f.write(BASE.format(epochs=4) + METHODS["grid"])
    out = os.path.join(work, "straight")
    assert finish(start(command(binary, straight_spec, out, False))) == 0
    straight = read_sweep(out)

    totals = dict(rounds=0, kills=0, resumes=0, mismatches=0, unreadable=0, hangs=0,
                  bad_exits=0)
    print(f"{'round':>5} {'method':6} {'mode':4} {'break':7} {'detail':34} {'resumes':>7} "
          f"{'exits':14} result")
    for round_ in range(args.rounds):
        method = rng.choice(list(METHODS))
        mpi = rng.random() < 0.5
        kind = rng.choice(["kill", "crash", "full"] + (["orphan"] if mpi else []))
        place = os.path.join(work, "round")
        shutil.rmtree(place, ignore_errors=True)
        os.makedirs(place)
        mounted = False
        if kind == "full":
            mounted = subprocess.call(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs",
                                       place]) == 0
            free = rng.randint(0, 400) * 1024
            st = os.statvfs(place)
            with open(os.path.join(place, "filler"), "wb") as f:
                f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - free))
            detail = f"{free // 1024} KB free"
        out = os.path.join(place, "out")
        argv = command(binary, specs[method], out, mpi)
        exits = []
        proc = start(argv)
        if kind == "full":
            exits.append(finish(proc))
            os.remove(os.path.join(place, "filler"))
            totals["kills"] += exits[-1] != 0
        else:
            delay = rng.uniform(0.1, 1.0) * seconds[method] * (2.0 if mpi else 1.0)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                if kind == "orphan":
                    pid0 = rank0(out)
                    if pid0:
                        os.kill(pid0, signal.SIGKILL)
                    os.kill(proc.pid, signal.SIGKILL)
                else:
                    os.killpg(proc.pid, signal.SIGKILL)
                totals["kills"] += 1
            proc.communicate()
            exits.append(proc.returncode)
            if kind != "orphan":
                kill_leftovers(out)
            detail = f"after {delay:.1f} s"
            if kind == "crash":
                detail += "; " + cut_journal(os.path.join(out, "journal.log"), rng)
        resumes = 0
        while exits[-1] != 0 and exits[-1] is not None and resumes < 4:
            resumes += 1
            exits.append(finish(start(argv)))
        kill_leftovers(out)
        verdict = "ok"
        if None in exits:
            totals["hangs"] += 1
            verdict = "HANG"
        elif exits[-1] != 0:
            totals["bad_exits"] += 1
            verdict = "DID NOT FINISH"
        else:
            try:
                bad = mismatches(method, read_sweep(out), reference[method], straight)
                totals["mismatches"] += bad
                verdict = f"{bad} MISMATCHED TRIALS" if bad else "ok"
            except Exception as e:  # h5py could not read a file
                totals["unreadable"] += 1
                verdict = f"UNREADABLE: {e}"
        if any(code not in (0, 1, 137, -9, None) for code in exits[:1]) and kind == "full":
            verdict += " (first exit not 1)"
            totals["bad_exits"] += 1
        totals["rounds"] += 1
        totals["resumes"] += resumes
        print(f"{round_:5d} {method:6} {'mpi' if mpi else 'dev':4} {kind:7} {detail:34.34} "
              f"{resumes:7d} {','.join(map(str, exits)):14} {verdict}", flush=True)
        if mounted:
            subprocess.call(["umount", place])
    shutil.rmtree(work, ignore_errors=True)
    print("totals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    return 0 if totals["mismatches"] + totals["unreadable"] + totals["hangs"] + \
        totals["bad_exits"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
