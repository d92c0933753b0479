"""What a reader types: one convention for rates and shares, in the self-checks and in every explorer.

A rate (a probability, a share, a survival estimate) may be typed as a fraction
or as a percentage, and is always shown as a percentage:

- a number from 0 to 1 is a fraction: ``0.45`` is 45%;
- a number above 1 and up to 100 is a percentage: ``45`` is 45%;
- text may carry a percent sign, which makes it a percentage: ``"45%"``, and
  ``"1%"`` is 1% where the bare number ``1`` is 100%.

Anything else is refused with a message that names the control or question by
the label the reader sees.
"""

from __future__ import annotations

import math
import numbers

#: How the book says what a rate may be typed as, in messages and hints.
RATE_HINT = "a fraction from 0 to 1 (0.45) or a percentage up to 100 (45 or 45%)"


def read_number(value, label: str) -> float:
    """A finite number from what the reader typed, or a ValueError naming ``label``.

    Parameters
    ----------
    value : number or str
        What was typed; text is stripped of spaces.
    label : str
        The name the reader sees for the control or question, used in the message.

    Returns
    -------
    float
        The number.

    Example
    -------
    >>> read_number(" 12.5 ", "Month")
    12.5
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{label}: type a number; got {value!r}.")
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{label}: type a number; got {value!r}.") from None
    elif isinstance(value, numbers.Real):
        number = float(value)
    else:
        raise ValueError(f"{label}: type a number; got {value!r}.")
    if not math.isfinite(number):
        raise ValueError(f"{label}: type a finite number; got {value!r}.")
    return number


def read_rate(value, label: str) -> float:
    """A rate from 0 to 1, from a fraction or a percentage as the module docstring describes.

    Parameters
    ----------
    value : number or str
        What was typed: ``0.45``, ``45``, ``"45%"`` or ``"0.45"``.
    label : str
        The name the reader sees for the control or question, used in the message.

    Returns
    -------
    float
        The rate as a fraction from 0 to 1.

    Raises
    ------
    ValueError
        For text that is not a number, a negative number, or more than 100.

    Example
    -------
    >>> read_rate(45, "Hoped-for rate"), read_rate("45%", "Hoped-for rate"), read_rate(0.45, "Hoped-for rate")
    (0.45, 0.45, 0.45)
    """
    percent = isinstance(value, str) and value.strip().endswith("%")
    number = read_number(value.strip().removesuffix("%") if percent else value, label)
    if number < 0 or number > 100:
        raise ValueError(f"{label}: type {RATE_HINT}; got {value!r}.")
    return number / 100 if percent or number > 1 else number


def show_rate(rate: float, decimals: int = 0) -> str:
    """A rate from 0 to 1 as the book shows it: a percentage.

    Parameters
    ----------
    rate : float
        The rate as a fraction.
    decimals : int
        Decimals of the percentage.

    Returns
    -------
    str
        For example ``"45%"``.

    Example
    -------
    >>> show_rate(0.45), show_rate(0.4546, 1)
    ('45%', '45.5%')
    """
    return f"{100 * rate:.{decimals}f}%"
