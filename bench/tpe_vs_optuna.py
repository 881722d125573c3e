#!/usr/bin/python3
"""Issue 22, benchmark 7: search quality of method bayes against Optuna 3.1's TPESampler
(Debian's python3-optuna) and random search, on the same objectives: Branin (2-D), Hartmann-6
(6-D), the 10-D Rosenbrock function on a log scale (log(1 + f) on [-2, 2]^10) and a conditional
space (a choice between (x - 1)^2 with x in [-5, 5], and (log10 y + 2)^2 + (n - 3)^2 / 4 + 0.2
with y log-uniform in [1e-4, 1] and integer n in [1, 10]). --trials trials one after another,
--seeds seeds from --first-seed on (0; another first seed gives held-out seeds, to judge a change
to the search on seeds the benchmark does not use); the median over seeds of the best value found
(lower is better).

hpsweep's side is a sweep per objective and seed, `hpsweep run` of the spec below (default
`bayes:` settings; `method: random` for random search) with one worker: each trial is a command
trial (docs/command-trials.md) running build/bench/tpe_objective, which reports the objective
as test_loss; the best value is read from sweep.h5's curves. --in-process asks
build/bench/tpe_objectives instead, which makes the same suggestions without a program per
trial (quick, for work on the search). Optuna's: TPESampler(seed=k) with its defaults, and
RandomSampler(seed=k). --optuna-cache FILE keeps Optuna's best values (they do not change) in a
JSON file, so that comparing several versions of hpsweep's search runs Optuna once. --bayes
'{key: value, ...}' adds a `bayes:` block to hpsweep's specs, to try its settings.

    /usr/bin/python3 bench/tpe_vs_optuna.py [--trials 100] [--seeds 20] [--first-seed 0]
                                            [--build build] [--objectives branin,...]
                                            [--in-process] [--optuna-cache FILE] [--bayes MAP]
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

import h5py
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
              [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
              [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
              [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
              [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def branin(trial):
    x1, x2 = trial.suggest_float("x1", -5, 10), trial.suggest_float("x2", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial):
    x = [trial.suggest_float(f"x{j + 1}", 0, 1) for j in range(6)]
    return -sum(HARTMANN_ALPHA[i] * math.exp(-sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2
                                                  for j in range(6))) for i in range(4))


def rosenbrock10(trial):
    x = [trial.suggest_float(f"x{j + 1}", -2, 2) for j in range(10)]
    return math.log1p(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(9)))


def conditional(trial):
    if trial.suggest_categorical("kind", ["quadratic", "log"]) == "quadratic":
        return (trial.suggest_float("x", -5, 5) - 1) ** 2
    y = trial.suggest_float("y", 1e-4, 1, log=True)
    n = trial.suggest_int("n", 1, 10)
    return (math.log10(y) + 2) ** 2 + (n - 3) ** 2 / 4 + 0.2


OBJECTIVES = {"branin": branin, "hartmann6": hartmann6, "rosenbrock10": rosenbrock10,
              "conditional": conditional}


def optuna_bests(name, sampler_class, trials, seeds, cache_file):
    cache = {}
    if cache_file and os.path.exists(cache_file):
        with open(cache_file) as f:
            cache = json.load(f)
    bests = []
    for seed in seeds:
        key = f"{name}/{sampler_class.__name__}/{trials}/{seed}"
        if key not in cache:
            study = optuna.create_study(sampler=sampler_class(seed=seed))
            study.optimize(OBJECTIVES[name], n_trials=trials)
            cache[key] = study.best_value
        bests.append(cache[key])
    if cache_file:
        with open(cache_file, "w") as f:
            json.dump(cache, f)
    return bests


# Each objective's search space as a spec's `args` and `parameters` (the same as Optuna's
# suggest_* calls above).
def cube(dims, low, high):
    return {f"x{j + 1}": ("0.0", f"{{distribution: uniform, min: {low}, max: {high}}}")
            for j in range(dims)}


SPACES = {
    "branin": {"x1": ("0.0", "{distribution: uniform, min: -5, max: 10}"),
               "x2": ("0.0", "{distribution: uniform, min: 0, max: 15}")},
    "hartmann6": cube(6, 0, 1),
    "rosenbrock10": cube(10, -2, 2),
    "conditional": {
        "kind": ("quadratic", "{values: [quadratic, log]}"),
        "x": ("0.0", "{distribution: uniform, min: -5, max: 5, when: {args.kind: quadratic}}"),
        "y": ("0.01", "{distribution: log_uniform_values, min: 1e-4, max: 1, "
                      "when: {args.kind: log}}"),
        "n": ("1", "{distribution: int_uniform, min: 1, max: 10, when: {args.kind: log}}"),
    },
}


def spec_text(build, name, method, trials, seed, bayes):
    space = SPACES[name]
    command = ", ".join([f"{os.path.abspath(build)}/bench/tpe_objective", name] +
                        [f"'{arg}=${{args.{arg}}}'" for arg in space])
    lines = [f"name: tpe-{name}", f"seed: {seed}", f"method: {method}", f"run_cap: {trials}",
             "metric: {name: test_loss, goal: minimize}",
             f"model: {{type: command, command: [{command}]}}", "training: {epochs: 1}",
             "checkpoint: {keep: none}",
             "args: {" + ", ".join(f"{arg}: {default}" for arg, (default, _) in space.items()) + "}",
             "parameters:"]
    if bayes and method == "bayes":
        lines.insert(-1, f"bayes: {bayes}")
    lines += [f"  args.{arg}: {parameter}" for arg, (_, parameter) in space.items()]
    return "\n".join(lines) + "\n"


def sweep_best(build, name, method, trials, seed, bayes, folder):
    spec = os.path.join(folder, f"{name}-{method}-{seed}.yaml")
    out = os.path.join(folder, f"{name}-{method}-{seed}")
    with open(spec, "w") as f:
        f.write(spec_text(build, name, method, trials, seed, bayes))
    run = subprocess.run([f"{build}/app/hpsweep", "run", spec, "--out", out, "--workers", "1"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"hpsweep run {spec} failed:\n{run.stderr}")
    with h5py.File(os.path.join(out, "sweep.h5"), "r") as f:
        values = [v for trial in f["trials"].values() for v in trial["curves"]["test_loss"][:]]
    if len(values) != trials:
        sys.exit(f"{out}: {len(values)} results, expected {trials}")
    return min(values)


def hpsweep_bests(build, name, method, trials, seeds, bayes, in_process):
    with tempfile.TemporaryDirectory() as folder:
        if not in_process:
            return [sweep_best(build, name, method, trials, seed, bayes, folder) for seed in seeds]
        spec = os.path.join(folder, f"{name}.yaml")
        with open(spec, "w") as f:
            f.write(spec_text(build, name, "bayes", trials, 0, bayes if method == "bayes" else ""))
        mode = "tpe" if method == "bayes" else "random"
        out = subprocess.run([f"{build}/bench/tpe_objectives", spec, name, mode, str(len(seeds)),
                              str(seeds[0])], check=True, capture_output=True, text=True).stdout
        return [float(line) for line in out.split()]


def rank_sum_p(xs, ys):
    """Two-sided p-value of the Mann-Whitney U test (normal approximation with ties), that xs
    and ys come from one distribution: whether a gap between medians is more than the seeds'
    noise."""
    pooled = sorted((v, i) for i, v in enumerate(xs + ys))
    ranks = [0.0] * len(pooled)
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[pooled[k][1]] = (i + j) / 2 + 1
        i = j + 1
    n, m = len(xs), len(ys)
    u = sum(ranks[:n]) - n * (n + 1) / 2
    sigma = math.sqrt(n * m * (n + m + 1) / 12)
    z = (abs(u - n * m / 2) - 0.5) / sigma if sigma > 0 else 0
    return math.erfc(max(z, 0) / math.sqrt(2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--build", default="build")
    parser.add_argument("--objectives", default=",".join(OBJECTIVES))
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--optuna-cache")
    parser.add_argument("--bayes", default="")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    print(f"median best over seeds {seeds[0]}-{seeds[-1]}, {args.trials} trials each "
          f"(lower is better){'; bayes: ' + args.bayes if args.bayes else ''}; "
          f"hpsweep {'in process' if args.in_process else 'as command-trial sweeps'}")
    print(f"{'objective':<14}{'hpsweep TPE':>14}{'Optuna TPE':>14}{'p':>7}{'hpsweep random':>16}"
          f"{'Optuna random':>15}  verdict (p: rank-sum test of the two TPEs' best values)",
          flush=True)
    failed = False
    for name in args.objectives.split(","):
        our_bests = hpsweep_bests(args.build, name, "bayes", args.trials, seeds, args.bayes,
                                  args.in_process)
        their_bests = optuna_bests(name, optuna.samplers.TPESampler, args.trials, seeds,
                                   args.optuna_cache)
        ours, theirs = statistics.median(our_bests), statistics.median(their_bests)
        p = rank_sum_p(our_bests, their_bests)
        random_ours = statistics.median(hpsweep_bests(args.build, name, "random", args.trials,
                                                      seeds, "", args.in_process))
        random_theirs = statistics.median(optuna_bests(name, optuna.samplers.RandomSampler,
                                                       args.trials, seeds, args.optuna_cache))
        ok = ours <= theirs and ours < random_ours
        failed |= not ok
        print(f"{name:<14}{ours:>14.5g}{theirs:>14.5g}{p:>7.2f}{random_ours:>16.5g}"
              f"{random_theirs:>15.5g}"
              f"  {'as good as Optuna, better than random' if ok else 'FAILS the bar'}",
              flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
