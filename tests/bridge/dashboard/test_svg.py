"""The small SVG charts: labelled, escaped, no style attributes, and no bar for a hidden number."""

import re

from bridge.svg import Row, Series, Value, bar_chart, share_bar, shorten

ONE_SERIES = (Series("Behoeften", "#0d5566"),)


def chart(rows, series=ONE_SERIES) -> str:
    return str(bar_chart(chart_id="chart-test", title="Titel <b>", desc="Uitleg & meer", rows=rows, series=series))


def test_a_chart_is_an_image_labelled_by_its_title_and_description():
    svg = chart([Row("Wonen", (Value.of(3, 3),))])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in svg
    assert '<title id="chart-test-title">Titel &lt;b&gt;</title>' in svg
    assert '<desc id="chart-test-desc">Uitleg &amp; meer</desc>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_bars_are_as_long_as_their_values_and_labelled_with_them():
    svg = chart([Row("Wonen", (Value.of(2, 2),)), Row("Leren", (Value.of(4, 4),))])
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*? width="([0-9.]+)"', svg)]
    assert widths[1] == 2 * widths[0]
    assert ">2</text>" in svg and ">4</text>" in svg


def test_a_suppressed_value_is_written_but_not_drawn():
    value = Value.of(3, "< 5")
    assert not value.drawn
    svg = chart([Row("Wonen", (value,)), Row("Leren", (Value.of(9, 9),))])
    assert svg.count('class="bar"') == 1
    assert "&lt; 5" in svg


def test_a_label_too_long_is_shortened_and_kept_whole_in_a_tooltip():
    label = "Geen consultatie zonder namen van gezinnen"
    svg = chart([Row(label, (Value.of(1, 1),))])
    assert f"<title>{label}</title>" in svg and shorten(label, 24) in svg


def test_two_series_get_a_legend_and_the_second_one_stripes():
    svg = chart(
        [Row("Wonen", (Value.of(1, 1), Value.of(2, 2)))],
        series=(Series("Open", "#0d5566"), Series("Aangepakt", "#14532d", hatched=True)),
    )
    assert "Open</text>" in svg and "Aangepakt</text>" in svg
    assert 'fill="url(#chart-test-hatch-1)"' in svg and '<pattern id="chart-test-hatch-1"' in svg


def test_an_empty_chart_still_renders():
    assert 'id="chart-test"' in chart([])


def test_the_share_bar_fills_its_part():
    svg = str(share_bar(chart_id="s", title="t", desc="d", part=1, whole=4, fill="#14532d", shown=True))
    assert 'width="129.5"' in svg
    hidden = str(share_bar(chart_id="s", title="t", desc="d", part=1, whole=4, fill="#14532d", shown=False))
    assert 'fill="#14532d"' not in hidden
