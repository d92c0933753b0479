"""The computing core: data in, typed results out. Nothing here imports ``rtchx.book``.

Modules, from the data up:

``schema``
    Validates a CSV file against its Table Schema, with errors naming file, row and column.
``data``
    Finds ``data/``, loads and validates each resource, derives what Table 3 implies.
``protocol``
    The treatment schedule of the paper's methods and Figure 1.
``survival``
    Endpoints and Kaplan-Meier estimates.
``exact``
    Exact (permutation) log-rank tests for small groups.
``results``
    The headline estimates in one place.
``phrases``
    Finds each claim's wording in the paper's text and reads its number.
``quantities``
    The registry of recomputable quantities, one per kind of reported number.
``audit``
    Every claim of the paper recomputed and given a status.
``compare``
    Observed against expected local failures under the historical series.
``design``
    Sizing the confirmatory trial.
``whatif``
    The headline numbers recomputed with one patient's record changed.
"""
