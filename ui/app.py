"""The Gradio app: ask, compare, profile and add policies; every answer shows the clauses behind it.

Layout: tabs on the left, the policy viewer on the right (below on a phone). Selecting any
citation, table clause or grid cell opens the whole policy in the viewer, scrolled to the
cited span and highlighted. The `ask` API endpoint returns the JSON answer to `gradio_client`.
Gradio is imported inside functions: `policy-assistant --help` must stay instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import PolicyAssistantError
from assistant.practices import PRACTICES
from ui import render
from ui.handlers import PASTE_FORMATS, UPLOAD_TYPES, Handlers

if TYPE_CHECKING:
    import gradio as gr

    from assistant.service import Assistant

EXAMPLES = (
    "Does INSZoom sell my personal information?",
    "Compare how INSZoom and Zopim use cookies",
    "How long does InsideSales keep my information?",
    "Can I delete my data at Zopim?",
)

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")

# Any element with `data-cite` (citation card, table clause, grid cell) opens the viewer.
CITE_JS = """
element.addEventListener('click', (event) => {
  const target = event.target.closest('[data-cite]');
  if (target) trigger('click', {cite: target.dataset.cite});
});
"""

# After the viewer re-renders, bring the cited span into view and give it keyboard focus.
VIEWER_JS = """
watch('value', () => {
  const mark = element.querySelector('mark.cited');
  if (!mark) return;
  mark.setAttribute('tabindex', '-1');
  mark.scrollIntoView({block: 'center', behavior: 'instant'});
  mark.focus({preventScroll: true});
});
"""


def launch_options() -> dict[str, Any]:
    """Theme and CSS (Gradio 6 takes them in `launch`, not in `Blocks`)."""
    import gradio as gr

    theme = gr.themes.Soft(primary_hue="indigo", neutral_hue="slate")
    return {"theme": theme, "css": CSS}


def _shown(fn: Any) -> Any:
    """Wrap a handler whose output is HTML: a user's mistake becomes a message, not a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PolicyAssistantError as err:
            return render.error_html(str(err))

    return wrapper


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Blocks app over one assistant (shared by every browser session)."""
    import gradio as gr

    h = Handlers(assistant)
    companies = h.company_choices()
    practices = [(p.label, p.name) for p in PRACTICES.values()]

    with gr.Blocks(title="policy-assistant") as app:
        turns = gr.State([])
        gr.HTML(
            '<header class="app-head"><h1>policy-assistant</h1><p>Ask what a company does with your data. Every '
            "answer gives a verdict and quotes the exact clauses of the privacy policy behind it.</p></header>",
            js_on_load=None,
        )
        with gr.Row(equal_height=False, elem_id="main-row"):
            with gr.Column(scale=3, min_width=320), gr.Tabs():
                with gr.Tab("Ask", id="ask"):
                    picker = gr.Dropdown(
                        companies, multiselect=True, label="Companies (none selected: all)", elem_id="company-picker"
                    )
                    conversation = gr.HTML(
                        render.conversation_html([]), elem_id="conversation", js_on_load=CITE_JS, autoscroll=True
                    )
                    with gr.Row(equal_height=True):
                        question = gr.Textbox(
                            label="Your question",
                            placeholder="e.g. Does Zopim share my data with advertisers?",
                            scale=5,
                            max_lines=4,
                            elem_id="question",
                        )
                        ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ask-btn")
                    gr.Markdown("**Try an example**", elem_classes="examples-title")
                    with gr.Row(elem_id="examples"):
                        example_btns = [gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES]
                    clear_btn = gr.Button("New conversation", size="sm", variant="secondary", elem_id="clear-btn")

                with gr.Tab("Compare", id="compare"):
                    with gr.Row():
                        cmp_companies = gr.Dropdown(
                            companies, multiselect=True, label="Companies (none selected: all)", elem_id="cmp-companies"
                        )
                        cmp_practice = gr.Dropdown(practices, label="Practice", value="sale", elem_id="cmp-practice")
                    cmp_question = gr.Textbox(
                        label="…or type a question (overrides the practice)", max_lines=2, elem_id="cmp-question"
                    )
                    with gr.Row():
                        cmp_btn = gr.Button("Compare", variant="primary", elem_id="cmp-btn")
                        grid_btn = gr.Button("Show the overview grid", variant="secondary", elem_id="grid-btn")
                    grid = gr.HTML("", elem_id="grid", js_on_load=CITE_JS)
                    table = gr.HTML("", elem_id="compare-table", js_on_load=CITE_JS)

                with gr.Tab("Profile", id="profile"):
                    with gr.Row(equal_height=True):
                        prof_company = gr.Dropdown(companies, label="Company", elem_id="prof-company", scale=3)
                        prof_btn = gr.Button("Show profile", variant="primary", scale=1, elem_id="prof-btn")
                    profile = gr.HTML("", elem_id="profile", js_on_load=CITE_JS)
                    export = gr.File(
                        label="Export (Markdown, CSV, JSON)", file_count="multiple", interactive=False, elem_id="export"
                    )

                with gr.Tab("Add a policy", id="add"):
                    gr.Markdown(
                        "The index is **shared by everyone using this app**: a policy you add (or delete) is "
                        "added (or deleted) for all of them."
                    )
                    add_company = gr.Textbox(label="Company name", max_lines=1, elem_id="add-company")
                    with gr.Row():
                        upload = gr.File(
                            label="Upload a policy (.txt, .md, .html, .pdf)",
                            file_types=list(UPLOAD_TYPES),
                            type="filepath",
                            elem_id="add-file",
                        )
                        with gr.Column():
                            pasted = gr.Textbox(label="…or paste its text", lines=6, max_lines=12, elem_id="add-text")
                            paste_fmt = gr.Radio(list(PASTE_FORMATS), value="txt", label="Pasted format")
                    add_btn = gr.Button("Add policy", variant="primary", elem_id="add-btn")
                    add_status = gr.HTML("", elem_id="add-status", js_on_load=None)
                    gr.Markdown("### Indexed policies")
                    policies = gr.Dataframe(
                        h.policies_rows(),
                        headers=["Company", "Effective", "Size", "Id"],
                        interactive=False,
                        wrap=True,
                        elem_id="policies",
                    )
                    with gr.Row(equal_height=True):
                        del_company = gr.Dropdown(companies, label="Delete a policy", elem_id="del-company", scale=3)
                        del_confirm = gr.Checkbox(label="Yes, delete it for everyone", elem_id="del-confirm", scale=2)
                        del_btn = gr.Button("Delete", variant="stop", scale=1, elem_id="del-btn")
                    del_status = gr.HTML("", elem_id="del-status", js_on_load=None)

            with gr.Column(scale=2, min_width=300, elem_id="viewer-col"):
                gr.Markdown("### Policy viewer")
                viewer = gr.HTML(render.viewer_placeholder(), elem_id="viewer", js_on_load=VIEWER_JS)

        # -- events ---------------------------------------------------------------------------------

        def on_chat(message: str, state: list, selected: list[str] | None) -> Any:
            for new_state, html in h.chat(message, state, selected):
                yield new_state, html, ""

        # Chat, compare and /ask share one queue of `concurrency` answers at once: a slow language model
        # keeps no one else waiting.
        at_once = assistant.settings.concurrency
        chat_io: dict[str, Any] = {
            "fn": on_chat,
            "inputs": [question, turns, picker],
            "outputs": [turns, conversation, question],
            "api_visibility": "private",
            "show_progress": "minimal",
            "concurrency_limit": at_once,
            "concurrency_id": "answers",
        }
        question.submit(**chat_io)
        ask_btn.click(**chat_io)
        for button, text in zip(example_btns, EXAMPLES, strict=True):
            button.click(lambda t=text: t, outputs=question, api_visibility="private").then(**chat_io)
        clear_btn.click(
            lambda: ([], render.conversation_html([])), outputs=[turns, conversation], api_visibility="private"
        )

        def on_cite(evt: gr.EventData) -> str:
            return h.open_citation(str(evt._data.get("cite", "")) if isinstance(evt._data, dict) else "")

        # Gradio finds the EventData parameter by its resolved type; postponed annotations hide it.
        on_cite.__annotations__["evt"] = gr.EventData

        for source in (conversation, grid, table, profile):
            source.click(on_cite, outputs=viewer, api_visibility="private", show_progress="hidden")

        cmp_btn.click(
            _shown(h.compare),
            inputs=[cmp_companies, cmp_practice, cmp_question],
            outputs=table,
            api_visibility="private",
            concurrency_limit=at_once,
            concurrency_id="answers",
        )

        def on_grid(selected: list[str] | None, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 - Gradio's idiom
            return _shown(h.grid)(selected, lambda f, d: progress(f, desc=d))

        grid_btn.click(on_grid, inputs=cmp_companies, outputs=grid, api_visibility="private")

        def on_profile(policy_id: str | None) -> tuple[str, list[str] | None]:
            try:
                return h.profile(policy_id)
            except PolicyAssistantError as err:
                return render.error_html(str(err)), None

        prof_btn.click(on_profile, inputs=prof_company, outputs=[profile, export], api_visibility="private")

        def on_add(
            file: str | None,
            text: str,
            fmt: str,
            company: str,
            progress: gr.Progress = gr.Progress(),  # noqa: B008
        ) -> tuple[str, Any, Any]:
            try:
                message = h.add_policy(file, text, fmt, company, lambda f, d: progress(f, desc=d))
            except PolicyAssistantError as err:
                return render.error_html(str(err)), gr.update(), gr.update()
            return render.status_html(message), None, ""

        def refresh(*selected: Any) -> tuple[Any, ...]:
            choices = h.company_choices()
            ids = {pid for _, pid in choices}

            def keep(value: Any) -> Any:
                if isinstance(value, list):
                    return [v for v in value if v in ids]
                return value if value in ids else None

            pickers = [gr.update(choices=choices, value=keep(v)) for v in selected]
            return (*pickers, h.policies_rows())

        pickers = [picker, cmp_companies, prof_company, del_company]
        refresh_io = {"fn": refresh, "inputs": pickers, "outputs": [*pickers, policies], "api_visibility": "private"}
        add_btn.click(
            on_add,
            inputs=[upload, pasted, paste_fmt, add_company],
            outputs=[add_status, upload, pasted],
            api_visibility="private",
        ).then(**refresh_io)

        def on_delete(policy_id: str | None, confirmed: bool) -> tuple[str, bool]:
            try:
                return render.status_html(h.delete_policy(policy_id, confirmed)), False
            except PolicyAssistantError as err:
                return render.error_html(str(err)), confirmed

        del_btn.click(
            on_delete, inputs=[del_company, del_confirm], outputs=[del_status, del_confirm], api_visibility="private"
        ).then(**refresh_io)
        app.load(**refresh_io)

        # -- the programmatic API ---------------------------------------------------------------------

        def ask(question: str, companies: list[str] | None = None, history: list[str] | None = None) -> dict:
            """Ask a question; returns the JSON answer (verdict, answer, citations, per_company)."""
            try:
                return h.ask_json(question, companies, history)
            except PolicyAssistantError as err:
                raise gr.Error(str(err)) from err

        def list_companies() -> list[dict]:
            """The indexed policies: company, policy_id, effective date, size in characters."""
            catalog = assistant.store.catalog()
            return [
                {"company": i.company, "policy_id": i.policy_id, "effective": i.effective, "chars": i.chars}
                for i in sorted(catalog.values(), key=lambda i: i.company.lower())
            ]

        gr.api(ask, api_name="ask", concurrency_limit=at_once, concurrency_id="answers")
        gr.api(list_companies, api_name="companies")
    return app


def launch(
    assistant: Assistant,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    **options: Any,
) -> gr.Blocks:
    """Serve the app (blocking unless `prevent_thread_lock=True`). Binds loopback unless told otherwise;
    the CLI guards public hosts. `auth` guards every route: the page, the API, uploads, adding and deleting.
    """
    app = build_app(assistant)
    # Uploads over the size limit are refused by the server before they are written to disk.
    max_file_size = int(assistant.settings.max_file_mb * 1_000_000)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        footer_links=["api"],
        max_file_size=max_file_size,
        **launch_options(),
        **options,
    )
    return app
