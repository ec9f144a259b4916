"""The Gradio app: a chat whose answers show the verdict and the quoted clauses."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import gradio as gr

    from assistant.service import Assistant
    from assistant.types import Answer

VERDICT_BADGES = {"yes": "🟢 Yes", "no": "🔴 No", "partial": "🟡 Partly", "not_stated": "⚪ Not stated"}


def escape(text: str) -> str:
    """Policy text is shown as text: HTML escaped, Markdown syntax neutralised."""
    escaped = html.escape(text, quote=False)
    for char in "\\`*_{}[]()#+!|~>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def answer_markdown(answer: Answer) -> str:
    """Markdown for one answer: verdict badge, answer text, citation cards."""
    parts = [f"**{VERDICT_BADGES[answer.verdict]}**", "", escape(answer.answer).replace("\n", "  \n")]
    for n, c in enumerate(answer.citations, 1):
        section = f" · {escape(c.section)}" if c.section else ""
        parts += ["", f"> **[{n}] {escape(c.company)}**{section} · chars {c.start}–{c.end}  ", f"> “{escape(c.quote)}”"]
    return "\n".join(parts)


def respond(assistant: Assistant, message: str, history: list[dict[str, Any]], companies: list[str] | None) -> str:
    """The chat handler: earlier user turns make follow-ups work."""
    from assistant.errors import PolicyAssistantError

    earlier = [m["content"] for m in history if m.get("role") == "user" and isinstance(m.get("content"), str)]
    try:
        return answer_markdown(assistant.ask(message, companies=companies or None, history=earlier))
    except PolicyAssistantError as err:
        return f"⚠️ {escape(str(err))}"


def build_app(assistant: Assistant) -> gr.Blocks:
    import gradio as gr

    names = sorted(i.company for i in assistant.store.catalog().values())
    with gr.Blocks(title="policy-assistant") as app:
        gr.Markdown("# policy-assistant\nAsk what a company does with your data. Every answer quotes the policy.")
        picker = gr.Dropdown(names, multiselect=True, label="Companies (empty: all)")
        gr.ChatInterface(
            fn=lambda message, history, companies: respond(assistant, message, history, companies),
            additional_inputs=[picker],
            examples=[
                ["Does INSZoom sell my personal information?", []],
                ["Compare how INSZoom and Zopim use cookies", []],
                ["How long does InsideSales keep my information?", []],
            ],
            api_name="ask",
        )
    return app


def launch(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None) -> None:
    build_app(assistant).launch(server_name=host, server_port=port, auth=auth)
