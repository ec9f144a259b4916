"""Every prompt template's placeholders match what the code fills in."""

from __future__ import annotations

import pytest

import prompts


@pytest.mark.parametrize("name", sorted(prompts.PLACEHOLDERS))
def test_template_uses_exactly_its_placeholders(name):
    assert prompts.placeholders(prompts.load(name)) == prompts.PLACEHOLDERS[name]


@pytest.mark.parametrize("name", sorted(prompts.PLACEHOLDERS))
def test_render_fills_every_placeholder_and_keeps_braces_in_values(name):
    values = {field: f"<{field} with {{braces}} and [C9]>" for field in prompts.PLACEHOLDERS[name]}
    text = prompts.render(name, **values)
    for value in values.values():
        assert value in text
    assert prompts.placeholders(text.replace("{braces}", "")) == set()


def test_render_refuses_missing_or_extra_values():
    with pytest.raises(KeyError, match="takes"):
        prompts.render("answer", question="q", verdicts="v")
    with pytest.raises(KeyError, match="takes"):
        prompts.render("followup", question="q", history="h", extra="x")


def test_every_template_file_is_known_and_ships_as_package_data():
    from importlib.resources import files

    shipped = {p.name.removesuffix(".txt") for p in files("prompts").iterdir() if p.name.endswith(".txt")}
    assert shipped == set(prompts.PLACEHOLDERS)
