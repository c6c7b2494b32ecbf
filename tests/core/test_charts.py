"""The server-side SVG chart helper: geometry, gaps, ticks, classes."""

import pytest

from gtec_core.charts import centre, classes, format_number, line_chart, nice_step


def test_line_chart_maps_values_to_the_plot_box():
    chart = line_chart(
        [("a", "A", [0, 50, 100])], ["jan", "fév", "mar"], width=200, height=120, left=20, right=10
    )
    s = chart.series[0]
    # x from left edge to right edge, y from bottom (0) to top (100)
    assert s.points[0] == (20.0, 120 - 28)
    assert s.points[-1] == (190.0, 12.0)
    assert s.points[1][1] == pytest.approx((12 + 92) / 2, abs=0.1)
    assert s.d.startswith("M20.0,92.0 L105.0,")
    assert chart.viewbox == "0 0 200 120"
    assert [t.label for t in chart.xticks] == ["jan", "fév", "mar"]


def test_missing_values_break_the_line_and_are_not_zero():
    chart = line_chart([("a", "A", [10, 20, None, 30, 40])], list("abcde"))
    d = chart.series[0].d
    assert d.count("M") == 2
    assert len(chart.series[0].points) == 4
    lone = line_chart([("a", "A", [10, None, 30])], list("abc")).series[0].d
    assert lone.count("M") == 2 and "h0.01" in lone  # a single point stays visible


def test_ticks_are_round_and_cover_the_range():
    chart = line_chart([("a", "A", [17_642, 18_120, 17_994])], ["1", "2", "3"])
    values = [t.value for t in chart.yticks]
    assert values[0] == 0 and values[-1] >= 18_120
    steps = {round(b - a, 6) for a, b in zip(values, values[1:], strict=False)}
    assert steps == {5000.0}
    assert chart.yticks[-1].label == "20\u202f000"
    # ticks go up the screen as values grow
    assert chart.yticks[0].pos > chart.yticks[-1].pos


def test_empty_and_mismatched_input():
    assert line_chart([("a", "A", [None, None])], ["x", "y"]).empty
    assert line_chart([], []).empty
    with pytest.raises(ValueError):
        line_chart([("a", "A", [1, 2])], ["x"])


def test_nice_step_and_format():
    assert nice_step(100) == 25
    assert nice_step(7) == 2
    assert nice_step(0) == 1.0
    assert format_number(12345) == "12\u202f345"
    assert format_number(2.5) == "2,5"


def test_quantile_classes():
    cls, bounds = classes([1, 2, 3, 4, 5, None, 100], k=3)
    assert cls[5] is None
    assert cls[0] == 0 and cls[-1] == 2
    assert bounds[0] == 1 and bounds[-1] == 100
    assert cls == sorted(cls[:5]) + [None, 2]
    assert classes([None]) == ([None], [])


def test_centre_of_largest_ring():
    assert centre("M0,0 L10,0 L10,10 L0,10 Z M100,100 L101,100 L101,101 Z") == (5.0, 5.0)
    assert centre("") is None
