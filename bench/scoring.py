"""Benchmark of the Skating engine: a 15-judge, 8-couple, 10-dance final and a 9-judge, 3-dance first round of 300.

Prints the median and p99 time per computation (validation included) and a RESULT line.
Run: .venv/bin/python bench/scoring.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from appliance.scoring import count_recall, place_final

DANCES10 = ["W", "T", "V", "F", "Q", "C", "S", "R", "P", "J"]


def ten_dance_final(
    rng: random.Random, noise: float, judges: int = 15, couples: int = 8
) -> tuple[list[str], list[str], dict]:
    names = [f"J{j}" for j in range(judges)]
    numbers = [str(100 + c) for c in range(couples)]
    marks = {}
    for dance in DANCES10:
        # Plausible marks: judges roughly agree on a strength order, with noise (ties and Rule 10/11 happen).
        rankings = []
        for _ in names:
            strength = {c: i + rng.gauss(0, noise) for i, c in enumerate(numbers)}
            rankings.append(sorted(numbers, key=strength.__getitem__))
        marks[dance] = {c: [r.index(c) + 1 for r in rankings] for c in numbers}
    return names, DANCES10, marks


def first_round(rng: random.Random, judges: int = 9, couples: int = 300, recall: int = 150):
    names = [f"J{j}" for j in range(judges)]
    numbers = list(range(1, couples + 1))
    dances = ["W", "T", "Q"]
    marks = {d: {j: rng.sample(numbers, recall) for j in names} for d in dances}
    return names, dances, numbers, recall, marks


def measure(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(2026)  # noqa: S311 - the same finals every run  # nosec B311
    finals = [ten_dance_final(rng, noise) for noise in (1.0, 3.0, 8.0, 30.0, 1000.0) for _ in range(10)]
    rounds = [first_round(rng) for _ in range(5)]
    i = iter(range(10**9))
    f_med, f_p99 = measure(lambda: place_final(*finals[next(i) % len(finals)]), args.runs)
    rule10 = sum(bool(place_final(*f).rule10) for f in finals)
    rule11 = sum(bool(place_final(*f).rule11) for f in finals)
    r_med, r_p99 = measure(lambda: count_recall(*rounds[next(i) % len(rounds)]), max(args.runs // 10, 50))
    print(
        f"final 15 judges x 8 couples x 10 dances: median {f_med:.3f} ms, p99 {f_p99:.3f} ms "
        f"({rule10}/50 sample finals needed Rule 10, {rule11}/50 Rule 11)"
    )
    print(f"recall 9 judges x 3 dances x 300 couples (150 crosses each): median {r_med:.3f} ms, p99 {r_p99:.3f} ms")
    print(
        f"RESULT scoring final_median_ms={f_med:.3f} final_p99_ms={f_p99:.3f} "
        f"recall300_median_ms={r_med:.3f} recall300_p99_ms={r_p99:.3f}"
    )


if __name__ == "__main__":
    main()
