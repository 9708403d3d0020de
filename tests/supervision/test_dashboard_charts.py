"""The server-rendered SVG charts: an image with a title and a text alternative, labels
escaped, bars to scale, targets marked, missing values shown as a dash."""

from supervision import charts


def _chart(bars, **kwargs):
    return str(
        charts.bar_chart(
            chart_id="c",
            title="Rates",
            description="The same figures as the table.",
            bars=bars,
            **kwargs,
        )
    )


def test_a_chart_is_an_image_named_by_its_title_and_description():
    svg = _chart([charts.Bar(label="网上可办率", value=50, target=70)], max_value=100)

    assert svg.startswith(
        '<svg class="chart" viewBox="0 0 400 52" role="img" aria-labelledby="c-title c-desc"'
    )
    assert '<title id="c-title">Rates</title>' in svg
    assert '<desc id="c-desc">The same figures as the table.</desc>' in svg


def test_bars_are_to_scale_with_the_target_marked():
    svg = _chart(
        [charts.Bar(label="a", value=50, target=70), charts.Bar(label="b", value=None)],
        max_value=100,
    )

    assert f'width="{charts.PLOT / 2:.1f}"' in svg  # 50 of 100 %
    target_x = charts.PLOT * 0.7
    assert f'x1="{target_x:.1f}" x2="{target_x:.1f}"' in svg
    assert ">50%</text>" in svg
    assert ">–</text>" in svg


def test_labels_are_escaped_and_long_ones_shortened():
    svg = _chart([charts.Bar(label="<script>alert(1)</script>" * 3, value=1)])

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…</text>" in svg


def test_two_series_are_drawn_side_by_side_with_a_legend():
    svg = _chart(
        [charts.Bar(label="市场监管局", value=4, second=7)],
        unit="",
        legend=("Handling", "Promised"),
    )

    assert svg.count('class="chart-bar second"') == 2  # the legend key and the bar
    assert ">4 / 7</text>" in svg
    assert ">Handling</text>" in svg
