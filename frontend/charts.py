"""Horizontal bar charts drawn on the server as inline SVG: the geometry lives here, the
template (`charts.html`) writes the SVG with its title, description and text labels.

One series per chart and every bar carries its value as text, so nothing is told by colour
alone; each chart on a page is followed by a table of the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 210
# Room right of the longest bar for its value as text.
VALUE_ROOM = 110
ROW_HEIGHT = 30
BAR_HEIGHT = 20
LABEL_CHARACTERS = 28


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    short_label: str
    """The label as it fits left of the bar; the full one is in the description and table."""
    value: float | None
    top: int
    length: float


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str
    bars: list[Bar]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    row_height: int = ROW_HEIGHT
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * self.row_height + 8


def shortened(label: str, characters: int = LABEL_CHARACTERS) -> str:
    return label if len(label) <= characters else label[: characters - 1].rstrip() + "…"


def bar_chart(
    chart_id: str, items: Sequence[tuple[str, float | None]], scale_max: float | None = None
) -> BarChart:
    """Bars for `(label, value)` pairs, longest at the largest value (or `scale_max`);
    a missing value draws no bar."""
    values = [value for _, value in items if value is not None]
    top_value = scale_max if scale_max is not None else max(values, default=0.0)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    return BarChart(
        id=chart_id,
        bars=[
            Bar(
                label=label,
                short_label=shortened(label),
                value=value,
                top=4 + index * ROW_HEIGHT,
                length=(
                    round(room * min(value, top_value) / top_value, 1)
                    if value is not None and top_value > 0
                    else 0.0
                ),
            )
            for index, (label, value) in enumerate(items)
        ],
    )
