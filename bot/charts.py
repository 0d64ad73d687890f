"""Results charts as PNG bytes, and their text alternative (product rule 13).

Rendering uses ``matplotlib.figure.Figure`` with the Agg canvas directly, never
pyplot, so there is no global figure state: it is safe to call from worker threads
(``await asyncio.to_thread(render_results_chart, ...)``) and nothing is left open.

Readability choices: horizontal bars in poll order (first option at the top), one
dark colour with strong contrast on white (colour carries no meaning), the number
printed at the end of every bar, long option names wrapped onto up to three lines
and shortened with "…" after that; the text alternative always has them in full.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.strings import charts as words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib is imported when the first chart is drawn, not at start-up: importing it
# takes about 1.5 s on a small machine, every start, for a bot that may draw a chart a
# day (figure 8 in docs/benchmarks.md).

BAR_COLOUR = "#1d4e89"  # contrast 8.6:1 on white
TEXT_COLOUR = "#111111"
LABEL_WIDTH = 34  # characters per line of an option name
LABEL_LINES = 3
TITLE_WIDTH = 70
TITLE_LINES = 3
DPI = 120


def wrap_label(text: str, width: int = LABEL_WIDTH, max_lines: int = LABEL_LINES) -> str:
    """An option name on at most ``max_lines`` lines, ending in "…" if it was cut."""
    lines = textwrap.wrap(" ".join(text.split()), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "\n".join(lines)


def render_results_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    value_label: str = "votes",
    *,
    note: str | None = None,
) -> bytes:
    """A horizontal bar chart of ``values`` per option, as PNG bytes."""
    if len(labels) != len(values):
        raise ValueError("labels and values must be the same length")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    wrapped = [wrap_label(f"{n}. {label}") for n, label in enumerate(labels, start=1)]
    figure = Figure(figsize=_figure_size(wrapped, title), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    try:
        _draw(figure, title, wrapped, values, value_label, note)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor="white")
        return buffer.getvalue()
    finally:
        figure.clear()


def render_results_svg(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float | None],
    bar_texts: Sequence[str],
    value_label: str = "votes",
) -> bytes:
    """The same chart as SVG for a web page, with text kept as text (`svg.fonttype: none`:
    selectable, read by screen readers, no fonts embedded). A value of None (a figure
    not shown, rule 9) draws no bar; `bar_texts` says what each bar shows in words."""
    if not len(labels) == len(values) == len(bar_texts):
        raise ValueError("labels, values and bar_texts must be the same length")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    wrapped = [wrap_label(f"{n}. {label}") for n, label in enumerate(labels, start=1)]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "speakback"}):
        figure = Figure(figsize=_figure_size(wrapped, title), dpi=DPI, layout="constrained")
        FigureCanvasSVG(figure)
        try:
            drawn = [v if v is not None else 0 for v in values]
            _draw(figure, title, wrapped, drawn, value_label, None, bar_texts=bar_texts)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None})
            return buffer.getvalue()
        finally:
            figure.clear()


def _figure_size(wrapped: Sequence[str], title: str) -> tuple[float, float]:
    lines_per_bar = max((label.count("\n") + 1 for label in wrapped), default=1)
    bar_height = 0.3 + 0.2 * lines_per_bar  # inches per option
    title_height = 0.3 * len(textwrap.wrap(title, TITLE_WIDTH)[:TITLE_LINES])
    return 10.0, 1.4 + title_height + bar_height * max(len(wrapped), 1)


def _draw(
    figure: Figure,
    title: str,
    wrapped: Sequence[str],
    values: Sequence[int | float],
    value_label: str,
    note: str | None,
    bar_texts: Sequence[str] | None = None,
) -> None:
    from matplotlib.ticker import MaxNLocator

    axes = figure.add_subplot()
    positions = list(range(len(wrapped)))
    bars = axes.barh(positions, values, color=BAR_COLOUR, edgecolor=TEXT_COLOUR, height=0.7)
    shown = list(bar_texts) if bar_texts is not None else [_number(v) for v in values]
    axes.bar_label(bars, labels=shown, padding=4, fontsize=11, color=TEXT_COLOUR)
    axes.set_yticks(positions, wrapped, fontsize=10, color=TEXT_COLOUR)
    axes.set_ylim(len(positions) - 0.5, -0.5)  # first option at the top, as in the poll
    top = max([*values, 0])
    room = 1.4 if bar_texts is not None else 1.15  # words such as "fewer than 5" are long
    axes.set_xlim(0, top * room + 1 if top > 0 else 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(value_label.capitalize(), fontsize=11, color=TEXT_COLOUR)
    axes.grid(axis="x", color="#bbbbbb", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    heading = (
        "\n".join(textwrap.wrap(title, TITLE_WIDTH)[:TITLE_LINES]) or words.CHART_HEADING_FALLBACK
    )
    figure.suptitle(heading, fontsize=14, color=TEXT_COLOUR, fontweight="bold")
    if note:
        axes.set_title(note, fontsize=10, color=TEXT_COLOUR, loc="left")


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _amount(value: int | float, unit: str) -> str:
    if value == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{_number(value)} {unit}"


def results_alt_text(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    value_label: str = "votes",
    *,
    note: str | None = None,
    max_length: int | None = None,
) -> str:
    """The chart in words: every option with its number, in poll order, and the top.

    With ``max_length`` (Discord allows 1024 characters for an attachment's
    description), long option names are shortened until it fits; without it, every
    name is given in full.
    """
    if len(labels) != len(values):
        raise ValueError("labels and values must be the same length")
    text = _alt_text(title, labels, values, value_label, note, name_limit=None)
    if max_length is None or len(text) <= max_length:
        return text
    for limit in range(80, 9, -10):
        text = _alt_text(title, labels, values, value_label, note, name_limit=limit)
        if len(text) <= max_length:
            return text
    return text[: max_length - 1] + "…"


def _alt_text(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | float],
    value_label: str,
    note: str | None,
    name_limit: int | None,
) -> str:
    def name(label: str) -> str:
        label = " ".join(label.split())
        if name_limit is None or len(label) <= name_limit:
            return label
        return label[: name_limit - 1].rstrip() + "…"

    heading = " ".join(title.split())
    parts = [
        words.ALT_HEADING.format(heading=heading)
        + ("" if heading.endswith(("?", "!", ".")) else ".")
    ]
    if note:
        parts.append(note.rstrip(".") + ".")
    parts.append(words.ALT_LAYOUT.format(value_label=value_label))
    parts.append(
        "; ".join(
            words.ALT_OPTION.format(n=n, name=name(label), amount=_amount(value, value_label))
            for n, (label, value) in enumerate(zip(labels, values, strict=True), start=1)
        )
        + "."
    )
    top = max(values, default=0)
    leaders = [name(label) for label, value in zip(labels, values, strict=True) if value == top]
    if top > 0 and len(leaders) == 1:
        parts.append(words.ALT_HIGHEST.format(name=leaders[0], amount=_amount(top, value_label)))
    elif top > 0:
        parts.append(
            words.ALT_JOINT_HIGHEST.format(
                amount=_amount(top, value_label), names=", ".join(leaders)
            )
        )
    return " ".join(parts)
