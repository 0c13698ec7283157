"""Input checks: pure functions that look at a series or a frame before it is used and say
what is wrong with it (DESIGN.md 4.15). No I/O: the derivation ``attention.derive.checks``
runs them over the store and saves the flags; imports, the panel and commands call them too.

* :mod:`attention.checks.findings`  the :class:`Finding` every check returns
* :mod:`attention.checks.series`    step series (values repeated over a coarser period)
* :mod:`attention.checks.feeds`     frozen feeds (shares outstanding, prices, imported flows)
* :mod:`attention.checks.sessions`  missing sessions, partial last bars, non-trading-day dates
* :mod:`attention.checks.baskets`   weight of a basket covered per day; benchmark == proxy
"""
