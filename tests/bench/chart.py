# SPDX-License-Identifier: GPL-3.0-or-later
"""The chart: grouped bars of wall time by phase, one panel per N (matplotlib, Agg backend).

matplotlib is imported here only, lazily: without it the benchmark still writes JSON and Markdown.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

from report import PHASE_ORDER, SCENARIO_ORDER, find, ok

PHASE_LABELS = {"first": "first run", "rerun": "re-run\nno change", "change10": "re-run\n10 % changed", "rerun-zero": "re-run\nzero latency",
                "rerun-full": "re-run\nfull listing"}
COLOURS = {"role c=1": "#9ecae1", "role c=4": "#3182bd", "uri loop (a)": "#e6550d", "module loop (b)": "#fdae6b", "floor (c)": "#636363"}


def panel(ax: t.Any, records: list[dict[str, t.Any]], n: int) -> None:
    scenarios = [s for s in SCENARIO_ORDER if any(r["scenario"] == s and r["n"] == n for r in records)]
    phases = [p for p in PHASE_ORDER if any(r["phase"] == p and r["n"] == n for r in records)]
    width = 0.8 / max(1, len(scenarios))
    for i, scenario in enumerate(scenarios):
        xs, heights = [], []
        for j, phase in enumerate(phases):
            rec = find(records, scenario, n, phase)
            if ok(rec):
                xs.append(j + (i - (len(scenarios) - 1) / 2) * width)
                heights.append(rec["wall_s"])  # type: ignore[index]
        bars = ax.bar(xs, heights, width, label=scenario, color=COLOURS.get(scenario))
        ax.bar_label(bars, labels=["%.1f" % h for h in heights], fontsize=7, padding=1)
    ax.set_xticks(range(len(phases)), [PHASE_LABELS[p] for p in phases])
    ax.set_yscale("log")
    ax.set_ylabel("wall time, s (log scale)")
    ax.set_title("N = %d mailboxes" % n)
    ax.legend(fontsize=8)


def write_chart(path: Path, records: list[dict[str, t.Any]]) -> str:
    """Write the PNG; return a one-line message saying what happened."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        return "no chart: matplotlib is not installed (%s)" % exc
    sizes = sorted({r["n"] for r in records})
    if not sizes:
        return "no chart: nothing was measured"
    fig, axes = plt.subplots(1, len(sizes), figsize=(7 * len(sizes), 5.5), squeeze=False)
    for ax, n in zip(axes[0], sizes):
        panel(ax, records, n)
    fig.suptitle("glassdome.mailcow: role vs baselines vs floor (realistic latency unless noted)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return "chart: %s" % path
