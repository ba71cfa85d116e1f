"""Property fuzzing (issue 8): hostile inputs against every public function of explorer/.

Importing :mod:`tests.fuzz.hostile` registers the hypothesis profile "fuzz" (max_examples from
the environment variable FUZZ_EXAMPLES, default 1000; no deadline; derandomized, so CI runs the
same cases every time). Each fuzz test applies it through ``hostile.fuzzes``, so
``pytest tests/fuzz`` uses it without touching the settings of the other tests;
``pytest --hypothesis-profile=fuzz`` selects it by name too.

Where it stands (FUZZ_EXAMPLES=1000, the default, measured on a shared 2-core dev
machine): 213 fuzz tests cover the 223 public functions of 41 modules (each module's
``test_every_public_function_has_a_fuzzer`` keeps it so; explorer/figure_parts.py, whose
layout helpers check nothing, has no fuzzer yet); 225,000 cases in all, every fuzzer
1,000 or more (the softmax core and the link parsers 2,000; ``quiz_state.hide`` 80, all its
inputs there are), none scaled down: most chart fuzzers draw ~8% valid cases (a figure costs
5-15 ms), the rest are refused before a figure is built. ``pytest tests/fuzz`` takes about 9
minutes (the slowest fuzzers 11-16 s each: the distillation experiment, the sweep animation,
attention entropy against d, the temperature curves chart); ``FUZZ_EXAMPLES=30`` about 25 s.
See ``pytest tests/fuzz --hypothesis-show-statistics`` for the count per function.
"""

from tests.fuzz import hostile  # noqa: F401  (registers the "fuzz" profile)
