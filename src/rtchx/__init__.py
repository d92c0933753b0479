"""rtchx: the analysis code behind the executable companion to Eckert et al. (2010).

The name is the paper's own abbreviation for radiochemotherapy. Modules by concern:
``schema`` (validating a tabular data resource), ``data`` (locating, loading and
deriving), ``survival`` (endpoints and Kaplan-Meier), ``tables`` and ``figures``
(presentation).
"""

__version__ = "0.1.0"
