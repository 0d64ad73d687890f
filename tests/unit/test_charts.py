"""Results chart (PNG) and its text alternative (rule 13)."""

import struct
import threading

from bot.charts import render_results_chart, results_alt_text, wrap_label

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LABELS = ["Peer support", "Crisis line", "Housing advice"]


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def test_chart_is_a_png():
    data = render_results_chart("Which service first?", LABELS, [12, 0, 5])
    assert data.startswith(PNG_SIGNATURE)


def test_twenty_five_long_options_make_a_taller_chart_not_a_squashed_one():
    labels = [f"{n} " + "word " * 20 for n in range(25)]
    small = _png_size(render_results_chart("Q", LABELS, [1, 2, 3]))
    big_data = render_results_chart("Q" * 250, labels, list(range(25)), "points", note="9 ballots")
    big = _png_size(big_data)
    assert big_data.startswith(PNG_SIGNATURE)
    assert big[0] == small[0] and big[1] > 4 * small[1]


def test_charts_render_from_threads_at_once():
    results: list[bytes] = []

    def render(n: int) -> None:
        results.append(render_results_chart(f"Poll {n}", LABELS, [n, 1, 2]))

    threads = [threading.Thread(target=render, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r.startswith(PNG_SIGNATURE) for r in results)


def test_long_labels_wrap_to_three_lines_and_say_they_were_cut():
    label = wrap_label("x " * 100)
    assert label.count("\n") == 2 and label.endswith("…")
    assert wrap_label("Peer support") == "Peer support"


def test_alt_text_mentions_every_label_and_value():
    values = [12, 1, 5]
    text = results_alt_text("Which service first?", LABELS, values, note="18 ballots")
    assert "Which service first?" in text and "18 ballots" in text
    assert all(label in text for label in LABELS)
    assert "1. Peer support: 12 votes" in text
    assert "2. Crisis line: 1 vote;" in text
    assert "3. Housing advice: 5 votes" in text
    assert "Highest: Peer support, with 12 votes." in text


def test_alt_text_names_joint_highest():
    text = results_alt_text("Q", LABELS, [3, 3, 0], "points")
    assert "Joint highest, with 3 points each: Peer support, Crisis line." in text


def test_alt_text_gives_full_names_unless_asked_to_fit_a_limit():
    labels = [f"Option {n} " + "z" * 90 for n in range(25)]
    values = list(range(25))
    full = results_alt_text("Q", labels, values)
    assert all(label in full for label in labels)
    short = results_alt_text("Q", labels, values, max_length=1024)
    assert len(short) <= 1024
    assert all(f"{n + 1}. Option {n} " in short and f": {n} vote" in short for n in values)
