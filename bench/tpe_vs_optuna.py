#!/usr/bin/python3
"""Issue 22, benchmark 7: search quality of method bayes against Optuna 3.1's TPESampler
(Debian's python3-optuna) and random search, on the same objectives: Branin (2-D), Hartmann-6
(6-D), the 10-D Rosenbrock function on a log scale (log(1 + f) on [-2, 2]^10) and a conditional
space (a choice between (x - 1)^2 with x in [-5, 5], and (log10 y + 2)^2 + (n - 3)^2 / 4 + 0.2
with y log-uniform in [1e-4, 1] and integer n in [1, 10]). --trials trials one after another,
--seeds seeds; the median over seeds of the best value found (lower is better).

hpsweep's side is build/bench/tpe_objectives: coordinator/tpe/tpe_search.h suggesting exactly
as a `method: bayes` sweep does (default `bayes:` settings), and as random search (start-up
draws only). Optuna's: TPESampler(seed=k) with its defaults, and RandomSampler(seed=k).

    /usr/bin/python3 bench/tpe_vs_optuna.py [--trials 100] [--seeds 20] [--build build]
"""

import argparse
import math
import statistics
import subprocess
import sys

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


def optuna_bests(objective, sampler_class, trials, seeds):
    bests = []
    for seed in range(seeds):
        study = optuna.create_study(sampler=sampler_class(seed=seed))
        study.optimize(objective, n_trials=trials)
        bests.append(study.best_value)
    return bests


def hpsweep_bests(build, name, mode, trials, seeds):
    out = subprocess.run([f"{build}/bench/tpe_objectives", name, mode, str(trials), str(seeds)],
                         check=True, capture_output=True, text=True).stdout
    return [float(line) for line in out.split()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--build", default="build")
    args = parser.parse_args()
    print(f"median best over {args.seeds} seeds, {args.trials} trials each (lower is better)")
    print(f"{'objective':<14}{'hpsweep TPE':>14}{'Optuna TPE':>14}{'hpsweep random':>16}"
          f"{'Optuna random':>15}  verdict")
    failed = False
    for name, objective in OBJECTIVES.items():
        ours = statistics.median(hpsweep_bests(args.build, name, "tpe", args.trials, args.seeds))
        theirs = statistics.median(optuna_bests(objective, optuna.samplers.TPESampler,
                                                args.trials, args.seeds))
        random_ours = statistics.median(hpsweep_bests(args.build, name, "random", args.trials,
                                                      args.seeds))
        random_theirs = statistics.median(optuna_bests(objective, optuna.samplers.RandomSampler,
                                                       args.trials, args.seeds))
        ok = ours <= theirs and ours < random_ours
        failed |= not ok
        print(f"{name:<14}{ours:>14.5g}{theirs:>14.5g}{random_ours:>16.5g}{random_theirs:>15.5g}"
              f"  {'as good as Optuna, better than random' if ok else 'FAILS the bar'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
