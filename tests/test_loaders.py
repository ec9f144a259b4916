"""Loaders: .txt, .md, .html (chrome and scripts stripped), .pdf (text layer); clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.errors import InputError
from index.loaders import decode_bytes, html_to_text, load_file, normalize_text
from tests.conftest import FIXTURES


def test_html_keeps_the_policy_and_drops_scripts_and_navigation() -> None:
    text = load_file(FIXTURES / "initech.html").text
    assert "Initech never sells customer data to anyone." in text
    assert "do not index me" not in text
    assert "About us" not in text
    assert "Cookie settings" not in text


def test_markdown_and_text() -> None:
    assert "We do not sell your personal information." in load_file(FIXTURES / "acme.txt").text
    assert "## Advertising" in load_file(FIXTURES / "globex.md").text


def test_pdf_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "policy.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 720, "We never sell your personal data.")
    pdf.save()
    assert "We never sell your personal data." in load_file(path).text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "has no text"),
        ("blank.txt", b"   \n\t\n", "has no text"),
        ("binary.txt", b"\x00\x01\x02PNG\x00", "binary"),
        ("policy.docx", b"hello", "unsupported file type"),
        ("scripts.html", b"<html><script>x()</script><nav>Home</nav></html>", "has no text"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_file(path)


def test_missing_and_too_large(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_file(tmp_path / "nope.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2_000_000)
    with pytest.raises(InputError, match="larger than"):
        load_file(big, max_bytes=1_000_000)


def test_invalid_utf8_falls_back_and_says_so() -> None:
    loaded = decode_bytes("Caf\xe9 policy".encode("latin-1"), "x.txt")
    assert loaded.text == "Café policy"
    assert loaded.warnings


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 200, 200, fill=1)
    pdf.save()
    with pytest.raises(InputError, match="no text layer"):
        load_file(path)


@given(st.text(max_size=500))
def test_normalize_and_html_never_raise(text: str) -> None:
    normalized = normalize_text(text)
    assert "\r" not in normalized
    html_to_text(f"<p>{text}</p>")


@given(st.binary(max_size=2000))
def test_decode_bytes_on_arbitrary_bytes_gives_text_or_one_clear_error(data: bytes) -> None:
    try:
        loaded = decode_bytes(data, "x.txt")
    except InputError as err:
        message = str(err)
        assert message == "x.txt: looks like a binary file, not text."
        return
    assert isinstance(loaded.text, str)
    assert all("UTF-8" in w for w in loaded.warnings)


@given(
    st.text(max_size=400)
    | st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<script>",
                "</script>",
                "<nav>",
                "<main>",
                "<!--",
                "-->",
                "<br/>",
                "&amp;",
                "<",
                ">",
                "x",
                "\n",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_html_to_text_on_arbitrary_markup_never_raises(markup: str) -> None:
    text = html_to_text(markup)
    assert isinstance(text, str)
    assert normalize_text(normalize_text(text)) == normalize_text(text)  # what is stored is stable


def test_markup_that_looks_like_a_path_is_read_without_a_warning(recwarn) -> None:
    assert html_to_text("policies/privacy.html") == "policies/privacy.html"
    assert not [w for w in recwarn if "looks more like a filename" in str(w.message)]
