"""The chunker's offsets are exact, on real policies and on arbitrary text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunking import chunk_text, is_heading, sentence_spans
from index.ingest import bundled_folder

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=3000
) | st.lists(
    st.sampled_from(["We do not sell data.", "\n", "\n\n", "Cookies", " e.g. ", "Inc. ", "A.", "?", "• item"]),
    max_size=200,
).map("".join)


def check(text: str, target: int = 300) -> None:
    chunks = chunk_text("p", text, target)
    previous_end = 0
    for n, chunk in enumerate(chunks):
        assert chunk.index == n
        assert chunk.text == text[chunk.start : chunk.end]
        assert previous_end <= chunk.start < chunk.end <= len(text)
        previous_end = chunk.end
        last = chunk.start
        for sentence in chunk.sentences:
            assert chunk.start <= sentence.start < sentence.end <= chunk.end
            assert sentence.start >= last
            last = sentence.end
            assert text[sentence.start : sentence.end] == text[sentence.start : sentence.end].strip()


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_offsets_hold_on_arbitrary_text(text: str) -> None:
    check(text)


def test_offsets_hold_on_the_bundled_policies() -> None:
    for path in bundled_folder().glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        check(text, 900)
        chunks = chunk_text("p", text, 900)
        covered = sum(len(c.text) for c in chunks)
        assert covered > 0.8 * len(text.replace("\n", ""))  # headings aside, the text is all in chunks


def test_sections_and_sentences() -> None:
    text = "Cookies\nWe use cookies. They help, e.g. with login.\n\nSharing\nWe do not sell data."
    chunks = chunk_text("p", text, 900)
    assert [c.section for c in chunks] == ["Cookies", "Sharing"]
    assert [text[s.start : s.end] for s in chunks[0].sentences] == ["We use cookies.", "They help, e.g. with login."]


def test_long_paragraphs_are_cut_at_sentences() -> None:
    text = " ".join(f"Sentence number {i} says something about data." for i in range(60))
    chunks = chunk_text("p", text, 300)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)


def test_a_lead_in_opens_the_chunk_of_its_list() -> None:
    intro = "We collect the data you give us when you sign up, and we keep it safe. " * 3
    lead = "We will share your Personal Information only in the following cases:"
    items = "\n".join(
        f"  • Case {i}: we may share it with partners of kind {i} for reasons of kind {i}." for i in range(4)
    )
    text = f"{intro.strip()}\n\n{lead}\n\n{items}"
    chunks = chunk_text("p", text, 300)
    holding = [c for c in chunks if lead in c.text]
    assert len(holding) == 1
    assert holding[0].text.startswith(lead)
    assert "Case 0" in holding[0].text


def test_table_rows_are_clauses_not_headings() -> None:
    assert not is_heading("E Biometric information NO NO NO NO NO NO")
    assert is_heading("Information We Collect")
    assert not is_heading("We collect your email.")
    row = "E Biometric information NO NO NO NO NO NO"
    assert [row[s.start : s.end] for s in sentence_spans(row)] == [row]


ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2000)


@given(ANY_TEXT)
@settings(max_examples=200, deadline=None)
def test_offsets_hold_on_any_unicode_with_carriage_returns(text: str) -> None:
    # .txt files are stored exactly as decoded, so \r\n and lone \r reach the chunker.
    check(text)
    if text.strip():
        assert chunk_text("p", text, 300), "text with any visible character gives at least one chunk"


def test_numbered_headings_tables_of_contents_and_address_blocks() -> None:
    text = (
        "Privacy Policy\n\n"
        "1. Who we are?\n2. What do we collect and how do we use it?\n3. Who do we share your information with?\n\n"
        "1. Who we are?\n\nAcme makes anvils.\n\n"
        "2. What do we collect and how do we use it?\n\nWe collect your name:\n\n"
        "  1. Your name;\n  2. Your email.\n  3. Your address.\n\n"
        "3. Who do we share your information with?\n\nWe may give your information to our group.\n\n"
        "4. Contact Us.\nAcme Inc\n12 Main Street\nSpringfield\n\nCall us at: (555) 123-4567\n"
    )
    chunks = chunk_text("p", text, 80)
    assert "1. Who we are?\n2." not in "".join(c.text for c in chunks)  # the table of contents is not indexed
    sections = {c.text.split("\n")[0]: c.section for c in chunks}
    assert sections["Acme makes anvils."] == "1. Who we are?"
    assert sections["We collect your name:"] == "2. What do we collect and how do we use it?"
    assert any("3. Your address." in c.text for c in chunks)  # a numbered list stays content
    assert sections["We may give your information to our group."] == "3. Who do we share your information with?"
    contact = next(c for c in chunks if "Springfield" in c.text)
    assert contact.section == "4. Contact Us."
    assert "(555) 123-4567" in "".join(c.text for c in chunks)
    assert not is_heading("Call us at: (555) 123-4567")
    assert not is_heading("E-mail us at: privacy@acme.com")
    for c in chunks:
        assert text[c.start : c.end] == c.text
