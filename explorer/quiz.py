"""Predict, then reveal: questions about softmax temperature, each with its worked answer.

Pure data (no Streamlit). Every question is a concrete setup (labels, logits, temperatures), three
or four answers of which exactly one is right, and a reveal: the probabilities at each of the
question's temperatures (computed here with :func:`explorer.core.softmax`), a one-paragraph
explanation quoting those numbers, and a one-sentence takeaway (the chart's alt text).

Examples
--------
>>> [question.key for question in QUESTIONS][:5]
['halve', 'shift', 'zero', 'equal', 'top']
>>> halve = question("halve")
>>> halve.choices[halve.answer].startswith("Each probability is squared")
True
>>> [round(p, 3) for p in halve.panels[1].probs]
[0.867, 0.117, 0.016]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from explorer.checks import check_count, check_real
from explorer.core import entropy, softmax

MIN_CHOICES, MAX_CHOICES = 3, 4


@dataclass(frozen=True)
class Panel:
    """One set of bars in a reveal: the question's logits at one temperature."""

    name: str  # the legend's name for these bars, e.g. "T = 0.5"
    logits: tuple[float, ...]  # finite, or -inf for a masked class
    temperature: float  # 0 (greedy limit) … inf (uniform limit)
    probs: tuple[float, ...]  # softmax(logits / temperature), from explorer.core
    entropy: float  # of probs, in nats


@dataclass(frozen=True)
class Question:
    """A question, its answers, and its reveal."""

    key: str  # short, URL-safe: the link's q=…
    title: str  # a few words, for the question list
    setup: str  # what is given, with its numbers
    prompt: str  # the question itself
    labels: tuple[str, ...]  # class names, one per logit
    choices: tuple[str, ...]  # MIN_CHOICES … MAX_CHOICES answers
    answer: int  # index of the one right choice
    panels: tuple[Panel, ...]  # the reveal's bars; the first is the setup
    explanation: str  # one paragraph, plain words, the reveal's numbers in it
    takeaway: str  # one sentence: what the chart shows

    @property
    def n_finite(self) -> int:
        """How many classes are not masked (logit -inf)."""
        return sum(math.isfinite(z) for z in self.panels[0].logits)


def panel(name: str, logits: Sequence[float], temperature: float) -> Panel:
    """The bars of ``logits`` at ``temperature``, computed with :func:`explorer.core.softmax`.

    >>> panel("T = ∞", [2.0, -math.inf, 0.0], math.inf).probs
    (0.5, 0.0, 0.5)
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a text, got {type(name).__name__}")
    probs = softmax(logits, temperature)
    if probs.ndim != 1:
        raise ValueError(f"logits must be one list of numbers, got shape {probs.shape}")
    return Panel(
        name=name,
        logits=tuple(float(z) for z in logits),
        temperature=float(temperature),
        probs=tuple(float(p) for p in probs),
        entropy=float(entropy(probs)),
    )


def number(value: float) -> str:
    """A logit or temperature as a learner writes it: ``2``, ``0.5``, ``−∞``.

    >>> number(2.0), number(0.5), number(-math.inf), number(math.inf)
    ('2', '0.5', '−∞', '∞')
    """
    value = check_real(value, "value")
    if math.isnan(value):
        raise ValueError("value is NaN; give a number")
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:g}".replace("-", "−")


def _text_list(labels: object) -> bool:
    return (
        isinstance(labels, Sequence)
        and not isinstance(labels, str)
        and all(isinstance(label, str) for label in labels)
    )


def listing(labels: Sequence[str], values: Sequence[float], digits: int | None = None) -> str:
    """``cat 2, dog 1, owl 0``: each label with its value (to ``digits`` decimals if given).

    >>> listing(["cat", "dog"], [0.66524, 0.24473], digits=3)
    'cat 0.665, dog 0.245'
    """
    if not _text_list(labels):
        raise TypeError("labels must be a list of texts")
    if isinstance(values, str) or not hasattr(values, "__len__"):
        raise TypeError("values must be a list of numbers")
    if len(labels) != len(values):
        raise ValueError(
            f"labels and values must match: {len(labels)} labels, {len(values)} values"
        )
    if digits is not None:
        digits = check_count(digits, "digits", 17, low=0)
    values = [check_real(v, "values") for v in values]
    if any(math.isnan(v) for v in values):
        raise ValueError("values contain NaN; give numbers")
    shown = [number(v) if digits is None else f"{v:.{digits}f}" for v in values]
    return ", ".join(f"{label} {value}" for label, value in zip(labels, shown, strict=True))


def _halve() -> Question:
    labels, logits = ("cat", "dog", "owl"), (2.0, 1.0, 0.0)
    before, after = panel("before: T = 1", logits, 1.0), panel("after: T = 0.5", logits, 0.5)
    squares = [p * p for p in before.probs]
    total = sum(squares)
    return Question(
        key="halve",
        title="Temperature halves",
        setup=f"Logits {listing(labels, logits)} at T = 1 give the probabilities "
        f"{listing(labels, before.probs, 3)}.",
        prompt="The temperature halves, from T = 1 to T = 0.5. What happens to the probabilities?",
        labels=labels,
        choices=(
            "They move halfway toward uniform (1/3 each).",
            "Each probability is squared, then all are rescaled to add up to 1: "
            "cat gains, dog and owl lose.",
            "Each probability doubles, and cat's stops at 1.",
            "Nothing changes: only the order of the logits matters.",
        ),
        answer=1,
        panels=(before, after),
        explanation=(
            "Halving T doubles every exponent, and e^(2x) = (e^x)². So each new probability is "
            "the old one squared, then rescaled to add up to 1. Squaring gives "
            f"{listing(labels, squares, 3)}, which add up to {total:.3f}; dividing by that "
            f"gives {listing(labels, after.probs, 3)}. Squaring shrinks small numbers most "
            f"(owl falls from {before.probs[2]:.3f} to {after.probs[2]:.3f}), so the largest "
            f"class gains: cat rises from {before.probs[0]:.3f} to {after.probs[0]:.3f}. "
            "Halving T again squares again: q(T/2) ∝ q(T)²."
        ),
        takeaway=f"Halving T sharpens the bars: cat rises from {before.probs[0]:.3f} to "
        f"{after.probs[0]:.3f}, the square of each probability rescaled.",
    )


def _shift() -> Question:
    labels, logits = ("cat", "dog", "owl"), (2.0, 1.0, 0.0)
    shifted = tuple(z + 5 for z in logits)
    before = panel("logits 2, 1, 0", logits, 1.0)
    after = panel("logits 7, 6, 5", shifted, 1.0)
    largest = max(abs(a - b) for a, b in zip(before.probs, after.probs, strict=True))
    same = (
        "bit for bit"
        if largest == 0
        else f"to within {largest:.1g}, the last binary digit of a float"
    )
    return Question(
        key="shift",
        title="Add 5 to every logit",
        setup=f"Logits {listing(labels, logits)} at T = 1 give the probabilities "
        f"{listing(labels, before.probs, 3)}.",
        prompt="Add 5 to every logit: 2, 1, 0 become 7, 6, 5, still at T = 1. "
        "What happens to the probabilities?",
        labels=labels,
        choices=(
            "Nothing: they stay exactly the same.",
            "cat gains: its e^z grows the most.",
            "They get flatter: 7, 6 and 5 are closer together, relative to their size, "
            "than 2, 1 and 0.",
            "Every probability grows, since every logit grew.",
        ),
        answer=0,
        panels=(before, after),
        explanation=(
            "Adding 5 multiplies every e^z by the same factor e^5 ≈ 148.4, and the total by "
            "the same factor, so every share stays where it was: "
            f"{listing(labels, after.probs, 3)}, the same as before ({same}). Only the "
            "differences between logits matter. That is also why software subtracts the "
            "largest logit before exponentiating: it cannot change the answer, and it keeps "
            "e^z from overflowing."
        ),
        takeaway="The bars for logits 7, 6, 5 are exactly those for 2, 1, 0: "
        "adding a constant to every logit changes nothing.",
    )


def _zero() -> Question:
    labels, logits = ("red", "green", "blue"), (2.0, 1.5, 0.1)
    start, cold, limit = (
        panel("T = 1", logits, 1.0),
        panel("T = 0.1", logits, 0.1),
        panel("T → 0 (the limit)", logits, 0.0),
    )
    return Question(
        key="zero",
        title="T → 0",
        setup=f"Logits {listing(labels, logits)} at T = 1 give the probabilities "
        f"{listing(labels, start.probs, 3)}.",
        prompt="Lower T toward 0. Where does the probability end up?",
        labels=labels,
        choices=(
            "All of it on red, the largest logit.",
            "Split in proportion to the logits, 2 : 1.5 : 0.1.",
            "Spread evenly, 1/3 each.",
            "Nowhere: dividing by T = 0 breaks softmax.",
        ),
        answer=0,
        panels=(start, cold, limit),
        explanation=(
            "A small T stretches the gaps between logits: at T = 0.1 red leads green by "
            "(2 − 1.5) / 0.1 = 5 in the exponent, a factor e^5 ≈ 148, so red already has "
            f"{cold.probs[0]:.3f}. As T → 0 every gap grows without bound and the largest logit "
            f"takes everything: {listing(labels, limit.probs, 0)}. That limit is greedy "
            "decoding (always the argmax), and what this app's softmax gives at T = 0. Had two "
            "logits tied for the largest, they would split the probability evenly."
        ),
        takeaway=f"As T falls from 1 to 0.1 to 0, red's bar rises from {start.probs[0]:.3f} to "
        f"{cold.probs[0]:.3f} to 1: everything goes to the largest logit.",
    )


def _equal() -> Question:
    labels, logits = ("north", "east", "south", "west"), (3.0, 3.0, 3.0, 3.0)
    panels = tuple(panel(f"T = {number(t)}", logits, t) for t in (0.2, 1.0, 5.0))
    return Question(
        key="equal",
        title="All logits equal",
        setup=f"Four classes have the same logit: {listing(labels, logits)}.",
        prompt="What is the probability of north at T = 0.2?",
        labels=labels,
        choices=(
            "0.25, as at every temperature.",
            "Close to 1: a low temperature makes the distribution sharp.",
            "More than 0.25: dividing by 0.2 makes every logit large (15).",
            "It cannot be said: there is no largest logit to win.",
        ),
        answer=0,
        panels=panels,
        explanation=(
            "With every logit equal, every e^(z/T) is the same number (e^15 at T = 0.2, "
            "e^0.6 at T = 5), so each class gets one share in four: "
            f"{', '.join(f'{p:.3f}' for p in panels[0].probs)} at T = 0.2, and 0.25 at every "
            "other T too, T = 0 and T = ∞ included. Temperature stretches or squeezes the "
            "differences between logits; with no differences there is nothing to sharpen. "
            "(At T = 0 the four-way tie for the largest is split evenly.)"
        ),
        takeaway="The bars stand at 0.25 for every class at T = 0.2, 1 and 5: equal logits "
        "stay uniform at any temperature.",
    )


def _top() -> Question:
    labels, logits = ("cat", "dog", "fox", "owl"), (1.0, 2.5, 2.2, -1.0)
    start, hot, cold = (
        panel("T = 1", logits, 1.0),
        panel("T = 10", logits, 10.0),
        panel("T = 0.1", logits, 0.1),
    )
    return Question(
        key="top",
        title="Does T change the top class?",
        setup=f"Logits {listing(labels, logits)} at T = 1 give the probabilities "
        f"{listing(labels, start.probs, 3)}: dog is the most probable.",
        prompt="Raise T to 10. Which class is the most probable now?",
        labels=labels,
        choices=(
            "dog, as at T = 1.",
            "fox: a high temperature favours the runners-up.",
            "owl: a high temperature favours the least likely class.",
            "None: at T = 10 all four are exactly equal.",
        ),
        answer=0,
        panels=(start, hot, cold),
        explanation=(
            "Dividing by any T > 0 keeps the logits in the same order, and e^x only ever "
            "grows, so the ranking of the probabilities never changes: dog is on top at "
            f"T = 0.1 ({cold.probs[1]:.3f}), T = 1 ({start.probs[1]:.3f}) and T = 10 "
            f"({hot.probs[1]:.3f}). What temperature changes is the gaps: at T = 10 dog leads "
            f"fox by only {hot.probs[1] - hot.probs[2]:.3f}, so a sampler picks something "
            f"other than dog {1 - hot.probs[1]:.0%} of the time. Only the limit T = ∞ makes "
            "every class tie, and a tie among the logits stays a tie at every T."
        ),
        takeaway=f"dog has the tallest bar at T = 0.1, 1 and 10 ({hot.probs[1]:.3f} at T = 10): "
        "temperature changes the gaps, never the order.",
    )


def _entropy() -> Question:
    labels, logits = ("yes", "no", "maybe"), (2.0, 1.0, 0.0)
    start, hot = panel("T = 1", logits, 1.0), panel("T = 2", logits, 2.0)
    sharp, less_sharp = panel("T = 0.25", logits, 0.25), panel("T = 0.5", logits, 0.5)
    most = math.log(len(logits))
    return Question(
        key="entropy",
        title="T doubles: does the entropy?",
        setup=f"Logits {listing(labels, logits)} at T = 1 give the probabilities "
        f"{listing(labels, start.probs, 3)}, whose entropy is {start.entropy:.3f} nats.",
        prompt="T doubles, from 1 to 2. Does the entropy double too?",
        labels=labels,
        choices=(
            f"Yes: it becomes {2 * start.entropy:.3f} nats.",
            "It grows, but by less than double.",
            "It stays the same: the order of the classes does not change.",
            "It shrinks: a higher temperature means less information.",
        ),
        answer=1,
        panels=(start, hot),
        explanation=(
            f"At T = 2 the probabilities are {listing(labels, hot.probs, 3)}, with entropy "
            f"{hot.entropy:.3f} nats: {hot.entropy / start.entropy:.2f} times as much, not 2. "
            f"Doubling was impossible here: three classes can never have more than "
            f"ln 3 = {most:.3f} nats (all equally likely), and 2 × {start.entropy:.3f} = "
            f"{2 * start.entropy:.3f} is beyond that. Entropy always rises with T, but not in "
            "proportion: from a very sharp start it can more than double (T = 0.25 → 0.5 "
            f"takes it from {sharp.entropy:.3f} to {less_sharp.entropy:.3f} nats), and near "
            "the ceiling it hardly moves."
        ),
        takeaway=f"From T = 1 to T = 2 the bars flatten and the entropy rises from "
        f"{start.entropy:.3f} to {hot.entropy:.3f} nats, less than double.",
    )


def _masked() -> Question:
    labels, logits = ("cat", "dog", "eel", "owl"), (2.0, 1.0, -math.inf, 0.0)
    start, hot = panel("T = 1", logits, 1.0), panel("T = ∞", logits, math.inf)
    return Question(
        key="masked",
        title="A masked class at T = ∞",
        setup=f"Logits {listing(labels, logits)} at T = 1: eel is masked (logit −∞, as a "
        f"top-k filter leaves it), so the probabilities are {listing(labels, start.probs, 3)}.",
        prompt="Raise T all the way to ∞. What is eel's probability?",
        labels=labels,
        choices=(
            "0, and the other three get 1/3 each.",
            "1/4: at T = ∞ every class is equally likely.",
            "Undefined: −∞ / ∞ is not a number.",
            "Small but above 0: it rises with T, just never catches up.",
        ),
        answer=0,
        panels=(start, hot),
        explanation=(
            "A masked class has e^(−∞) = 0 at every finite T, and 0 divided by any total is "
            "0, so eel's probability stays exactly 0 however high T goes. In the limit "
            "T → ∞ the finite logits all tie and share the probability evenly: "
            f"{listing(labels, hot.probs, 3)}. The mask survives every temperature; this is "
            "how top-k, top-p and min-p filters work: they set logits to −∞, and no "
            "temperature brings those tokens back."
        ),
        takeaway="At T = ∞ cat, dog and owl each have 1/3 and the masked eel still has 0.",
    )


def _scale() -> Question:
    labels, logits = ("cat", "dog", "owl"), (2.0, 1.0, 0.0)
    doubled = tuple(2 * z for z in logits)
    start = panel("logits 2, 1, 0 at T = 1", logits, 1.0)
    scaled = panel("logits × 2 at T = 1", doubled, 1.0)
    halved = panel("logits 2, 1, 0 at T = 0.5", logits, 0.5)
    largest = max(abs(a - b) for a, b in zip(scaled.probs, halved.probs, strict=True))
    return Question(
        key="scale",
        title="Double the logits or halve T?",
        setup=f"Logits {listing(labels, logits)} at T = 1 give the probabilities "
        f"{listing(labels, start.probs, 3)}.",
        prompt="Which is sharper: doubling every logit (to 4, 2, 0) at T = 1, or keeping the "
        "logits and halving T to 0.5?",
        labels=labels,
        choices=(
            "Doubling the logits.",
            "Halving T.",
            "Neither: they give exactly the same probabilities.",
            "It depends on whether the logits are positive.",
        ),
        answer=2,
        panels=(start, scaled, halved),
        explanation=(
            "Softmax only ever sees z / T. Doubling the logits gives 4/1, 2/1, 0/1; halving T "
            "gives 2/0.5, 1/0.5, 0/0.5: the same numbers, so the same probabilities, "
            f"{listing(labels, halved.probs, 3)}"
            + (" (bit for bit)." if largest == 0 else f" (to within {largest:.1g}).")
            + " Temperature is a knob on the scale of the logits. That is why a single fitted "
            "T can calibrate a model whose logits came out too large."
        ),
        takeaway="Doubling the logits and halving T give identical bars, sharper than at T = 1.",
    )


#: The questions, in the order the page offers them.
QUESTIONS: tuple[Question, ...] = (
    _halve(),
    _shift(),
    _zero(),
    _equal(),
    _top(),
    _entropy(),
    _masked(),
    _scale(),
)
KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
_BY_KEY = {q.key: q for q in QUESTIONS}


def question(key: str) -> Question:
    """The question whose key is ``key``; ValueError for any other.

    >>> question("shift").title
    'Add 5 to every logit'
    """
    if not isinstance(key, str) or key not in _BY_KEY:
        raise ValueError(f"key must name a question ({', '.join(_BY_KEY)}), got {key!r:.40}")
    return _BY_KEY[key]


def is_right(item: Question, choice: int) -> bool:
    """Whether ``choice`` (an index into ``item.choices``) is the right answer.

    >>> is_right(question("shift"), 0), is_right(question("shift"), 1)
    (True, False)
    """
    if not isinstance(item, Question):
        raise TypeError(f"item must be a Question, got {type(item).__name__}")
    return check_count(choice, "choice", len(item.choices) - 1, low=0) == item.answer
