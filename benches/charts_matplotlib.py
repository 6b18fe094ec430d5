#!/usr/bin/env python3
"""The five review-report charts drawn with matplotlib from the same figures, for the speed
comparison in BENCHMARKS.md (benches/charts.py runs both side by side).

Usage: python3 benches/charts_matplotlib.py REVIEW.json OUT_DIR
REVIEW.json is `blueprint-tracker report --format json`. Writes OUT_DIR/<chart>.png, 1000×560 px.
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SIZE = (10, 5.6)
DPI = 100


def pct(x):
    return None if x is None else x * 100


def footer(fig, data):
    fig.text(0.01, 0.01, f"As of {data['as_of']}. {data['source']}", fontsize=8, color="#444444")


def rates(data, out):
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    codes = [n["code"] for n in data["top"]]
    xs = range(len(codes))
    comp = [pct(n["completion_rate"]) or 0 for n in data["top"]]
    impl = [pct(n["implementation_rate"]) or 0 for n in data["top"]]
    ax.bar([x - 0.2 for x in xs], comp, 0.4, label="Completion", color=OKABE_ITO[0])
    ax.bar([x + 0.2 for x in xs], impl, 0.4, label="Implementation", color=OKABE_ITO[1])
    ax.set_xticks(list(xs), codes)
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of applicable measures (%)")
    ax.set_xlabel(data["framework"]["levels"][0].capitalize())
    ax.set_title("Completion and implementation by " + data["framework"]["levels"][0])
    ax.legend()
    footer(fig, data)
    fig.savefig(out / "rates.png")
    plt.close(fig)


def comparison(data, out):
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    states = data["comparison"]["states"]
    xs = range(len(states))
    ax.bar([x - 0.2 for x in xs], [pct(s["completion_rate"]) or 0 for s in states], 0.4,
           label="Completion", color=OKABE_ITO[0])
    ax.bar([x + 0.2 for x in xs], [pct(s["implementation_rate"]) or 0 for s in states], 0.4,
           label="Implementation", color=OKABE_ITO[1])
    regional = data["comparison"]["regional"]["implementation_rate"]
    mean = data["comparison"]["mean_of_states"]["implementation_rate"]
    if regional is not None:
        ax.axhline(regional * 100, color=OKABE_ITO[2], linestyle="--", label="Regional implementation")
    if mean is not None:
        ax.axhline(mean * 100, color=OKABE_ITO[3], linestyle=":", label="Mean of states")
    ax.set_xticks(list(xs), [s["state"] for s in states])
    ax.set_ylim(0, 100)
    ax.set_ylabel("Share of applicable measures (%)")
    ax.set_xlabel("Member state")
    ax.set_title("Member-state comparison")
    ax.legend()
    footer(fig, data)
    fig.savefig(out / "comparison.png")
    plt.close(fig)


def distribution(data, out):
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    codes = [n["code"] for n in data["top"]]
    bottom = [0] * len(codes)
    for i, (key, label) in enumerate([("completed", "Completed"), ("ongoing", "Ongoing"),
                                      ("not_started", "Not started"), ("not_applicable", "Not applicable")]):
        values = [n[key] for n in data["top"]]
        ax.bar(codes, values, bottom=bottom, label=label, color=OKABE_ITO[i])
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("Measures")
    ax.set_xlabel(data["framework"]["levels"][0].capitalize())
    ax.set_title("Status of the measures by " + data["framework"]["levels"][0])
    ax.legend()
    footer(fig, data)
    fig.savefig(out / "distribution.png")
    plt.close(fig)


def timeline(data, out):
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    dates = [p["date"] for p in data["timeline"]]
    for i, (key, label) in enumerate([("completion_rate", "Completion"),
                                      ("implementation_rate", "Implementation"),
                                      ("progress_index", "Progress index")]):
        ax.plot(dates, [pct(p[key]) for p in data["timeline"]], label=label, color=OKABE_ITO[i], marker="o")
    ax.set_ylim(0, 100)
    ax.set_ylabel("Percent")
    ax.set_xlabel("Quarter end")
    ax.set_title("Regional progress over time")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend()
    footer(fig, data)
    fig.savefig(out / "timeline.png")
    plt.close(fig)


def heatmap(data, out):
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    rows = data["heat"]
    codes = [n["code"] for n in data["top"]]
    grid = [[(-1 if v is None else v * 100) for v in r["completion"]] for r in rows]
    image = ax.imshow(grid, cmap="cividis", vmin=0, vmax=100, aspect="auto")
    for y, r in enumerate(rows):
        for x, v in enumerate(r["completion"]):
            ax.text(x, y, "–" if v is None else f"{v * 100:.0f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(codes)), codes)
    ax.set_yticks(range(len(rows)), [r["state"] for r in rows])
    ax.set_title("Completion by member state and " + data["framework"]["levels"][0])
    fig.colorbar(image, label="Completion (%)")
    footer(fig, data)
    fig.savefig(out / "heatmap.png")
    plt.close(fig)


def main():
    data = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for draw in (rates, comparison, distribution, timeline, heatmap):
        draw(data, out)


if __name__ == "__main__":
    main()
