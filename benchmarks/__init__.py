"""Benchmarks: scripts, not timed tests. ``python -m benchmarks`` prints one table.

Each figure is measured beside a reference in the same process (scipy or numpy for the maths, a
minimal Streamlit page for the pages), so the ratio means something on any machine:

- :mod:`benchmarks.core`: softmax, log_softmax, sampling and the temperature curves.
- :mod:`benchmarks.pages`: one warm AppTest rerun of every page, view and section.
- :mod:`benchmarks.experiments`: each application experiment, as the app runs it.
- :mod:`benchmarks.timing`: how things are timed, and a table row.
"""
