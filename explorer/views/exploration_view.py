"""The Applications lab's exploration section: softmax action selection on a k-armed bandit."""

from __future__ import annotations

import streamlit as st

from explorer import bandit, bandit_charts
from explorer.applications_state import (
    MAX_BANDIT_TEMPERATURES,
    MAX_RUNS,
    MAX_SEED,
    MAX_STEPS,
    ApplicationsState,
)
from explorer.views.safe_text import literal
from explorer.views.widgets import field_errors, number_list, plot

#: Widget key → URL parameter, for the page to seed and read.
WIDGETS = {"a_temps": "Ts", "a_runs": "runs", "a_steps": "steps", "a_seed": "seed"}
WINDOW = 100  # the policies are judged on their last 100 steps (all of them, if fewer)


def seed_values(lab: ApplicationsState) -> dict[str, object]:
    return {
        "a_temps": number_list(lab.bandit_temperatures),
        "a_runs": lab.runs,
        "a_steps": lab.steps,
        "a_seed": lab.seed,
    }


@st.cache_data(max_entries=8, show_spinner="Running the bandits (a few seconds)…")
def comparison(temperatures: tuple[float, ...], runs: int, steps: int, seed: int):
    """Shared across sessions: the same settings give the same curves."""
    return bandit.compare(temperatures, bandit.DEFAULT_EPSILONS, runs=runs, steps=steps, seed=seed)


def show(lab: ApplicationsState, errors: dict[str, str]) -> None:
    st.subheader("Exploration: softmax action selection on the 10-armed testbed")
    st.markdown(
        "Each run is a fresh slot machine with 10 arms whose true values q*(a) are drawn from "
        "N(0, 1); a pull pays q*(a) plus N(0, 1) noise (Sutton & Barto, *Reinforcement "
        "Learning*, §2.3). The agent keeps the average reward of each arm, Q(a), and picks "
        "arm a with probability softmax(Q / T). ε-greedy, the textbook's reference, picks the "
        "best-looking arm and, with probability ε, any arm at random."
    )
    cols = st.columns([3, 2, 2, 2])
    cols[0].text_input(
        "Softmax temperatures",
        key="a_temps",
        help=f"Up to {MAX_BANDIT_TEMPERATURES}, by commas; 0 is greedy.",
    )
    cols[1].number_input("Runs", min_value=1, max_value=MAX_RUNS, step=100, key="a_runs")
    cols[2].number_input("Steps", min_value=1, max_value=MAX_STEPS, step=100, key="a_steps")
    cols[3].number_input("Seed", min_value=0, max_value=MAX_SEED, step=1, key="a_seed")
    field_errors(errors, WIDGETS.values())
    results = comparison(lab.bandit_temperatures, lab.runs, lab.steps, lab.seed)
    window = min(WINDOW, lab.steps)  # a link may ask for fewer steps than the window
    scores = bandit.final_scores(results, window)
    winner = bandit.best(results, window)
    finder = max(scores, key=lambda score: score.final_optimal_share)
    metrics = st.columns(3)
    last = "last step" if window == 1 else f"last {window} steps"
    metrics[0].metric(f"Winner ({last})", winner.label)
    metrics[1].metric(
        "Its average reward",
        f"{winner.final_reward:.3f}",
        help=f"Always pulling the best arm would earn {results[0].optimal_value:.3f}.",
    )
    metrics[2].metric(
        "Time for all policies",
        f"{sum(result.seconds for result in results):.1f} s",
        help=f"{len(results)} policies × {lab.runs:,} runs × {lab.steps:,} steps, vectorised.",
    )
    plot(
        bandit_charts.final_reward_against_temperature(
            scores, best_possible=results[0].optimal_value
        ),
        alt=f"Final reward against temperature: {winner.label} earns the most.",
    )
    st.markdown(literal(bandit.explain(results, window)))
    plot(
        bandit_charts.reward_curves(results),
        alt=f"Average reward against steps: {winner.label} ends highest, "
        f"{winner.final_reward:.2f} over the {last}.",
    )
    plot(
        bandit_charts.optimal_share_curves(results),
        alt=f"Share of runs pulling the best arm against steps: {finder.label} finds it most "
        f"often, {finder.final_optimal_share:.0%} of runs at the end.",
    )
