"""Hostile links, uploads and pasted text against every page (issue 8).

``HOSTILE_EXAMPLES`` (environment, default in conftest.py) sets the hypothesis budget.
"""
