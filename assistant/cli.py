"""The `policy-assistant` command line. Thin: it parses options and prints `Answer`s.

Heavy imports (torch, chromadb, gradio) happen inside commands, so `--help` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.errors import PolicyAssistantError

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.settings import Settings
    from assistant.types import Answer

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _settings(ctx: click.Context) -> Settings:
    from pydantic import ValidationError

    from assistant.settings import Settings

    overrides = {key: value for key, value in ctx.obj.items() if value is not None}
    try:
        return Settings(**overrides)
    except ValidationError as err:
        raise click.UsageError(f"Invalid setting: {err.errors()[0]['loc']}: {err.errors()[0]['msg']}") from err


def _assistant(ctx: click.Context) -> Assistant:
    from assistant.service import build_assistant

    return build_assistant(_settings(ctx), progress=sys.stderr.isatty())


class Group(click.Group):
    """Turns our domain errors into one clear line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicyAssistantError as err:
            click.secho(f"Error: {err}", fg="red", err=True)
            ctx.exit(1)


@click.group(cls=Group, context_settings=CONTEXT)
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    help="Index folder [env POLICY_ASSISTANT_STORE; default: per-user data folder].",
)
@click.option("--chroma-url", help="Use a Chroma server, e.g. http://127.0.0.1:8000 [env POLICY_ASSISTANT_CHROMA_URL].")
@click.option(
    "--no-bundled",
    "bundled",
    flag_value=False,
    default=None,
    help="Don't fill an empty index with the bundled policies.",
)
@click.version_option(package_name="policy-assistant")
@click.pass_context
def main(ctx: click.Context, store: Path | None, chroma_url: str | None, bundled: bool | None) -> None:
    """Ask privacy policies questions; get a verdict and the exact clauses behind it.

    \b
    Examples:
      policy-assistant ask "Does INSZoom sell my personal information?"
      policy-assistant ask "Compare how INSZoom and Zopim use cookies"
      policy-assistant ingest ./policies/acme.html --company "Acme"
      policy-assistant serve            # the chat app on http://127.0.0.1:7860
    """
    ctx.obj = {"store": store, "chroma_url": chroma_url, "bundled": bundled}


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1, required=True)
@click.option("--company", help="Company name for a single file or URL (default: manifest name, file stem or host).")
@click.pass_context
def ingest(ctx: click.Context, sources: tuple[str, ...], company: str | None) -> None:
    """Index policy files, folders (.txt, .md, .html, .pdf) or web pages (http/https URLs).

    Unchanged policies are skipped by content hash; a changed one replaces its old version.

    \b
    Examples:
      policy-assistant ingest ./policies/
      policy-assistant ingest acme-privacy.pdf --company "Acme Corp"
      policy-assistant ingest https://www.example.com/privacy --company "Example"
    """
    from index.fetch import is_url
    from index.ingest import ingest_paths

    assistant = _assistant(ctx)
    paths: list[Path | str] = [s if is_url(s) else Path(s) for s in sources]
    report = ingest_paths(assistant.store, paths, company=company, progress=True)
    for warning in report.warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    click.echo(f"Indexed: {report.summary()}. {len(assistant.store.catalog())} policies in the index.")


@main.command(context_settings=CONTEXT)
@click.argument("company")
@click.pass_context
def remove(ctx: click.Context, company: str) -> None:
    """Remove a company's policy from the index."""
    assistant = _assistant(ctx)
    [pid] = assistant.company_ids([company])
    name = assistant.store.catalog()[pid].company
    assistant.store.remove_policy(pid)
    click.echo(f"Removed {name} ({pid}).")


@main.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def companies(ctx: click.Context, as_json: bool) -> None:
    """List the companies whose policies are indexed."""
    assistant = _assistant(ctx)
    rows = [
        {
            "company": i.company,
            "policy_id": i.policy_id,
            "aliases": list(i.aliases),
            "effective": i.effective,
            "chars": i.chars,
            "chunks": i.chunks,
        }
        for i in sorted(assistant.store.catalog().values(), key=lambda i: i.company.lower())
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        aliases = f" (also {', '.join(row['aliases'])})" if row["aliases"] else ""
        click.echo(
            f"{row['company']}{aliases}  id={row['policy_id']}  effective={row['effective'] or '?'}  {row['chars']:,} chars"
        )


@main.command(context_settings=CONTEXT)
@click.argument("question", required=False)
@click.option("--company", "company", multiple=True, help="Restrict to this company (repeatable).")
@click.option("--k", type=click.IntRange(1, 20), help="Citations per company (default 3).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON answer.")
@click.option("--batch", type=click.File("r", encoding="utf-8"), help="JSONL file of questions ('-' for stdin).")
@click.option("--stream", is_flag=True, help="Print the answer as it is written, then the verified citations.")
@click.pass_context
def ask(
    ctx: click.Context,
    question: str | None,
    company: tuple[str, ...],
    k: int | None,
    as_json: bool,
    batch: Any,
    stream: bool,
) -> None:
    """Ask a question; print the verdict and the clauses behind it.

    \b
    Examples:
      policy-assistant ask "Does Zopim sell my data?"
      policy-assistant ask "How long do they keep my data?" --company InsideSales --json
      policy-assistant ask --batch questions.jsonl --json > answers.jsonl
      policy-assistant ask "Does Acme sell my data?" --stream
    Batch lines: {"id", "question", "company"?, "history"?: [earlier user turns]}.
    """
    if batch is None and not question:
        raise click.UsageError("Give a QUESTION or --batch FILE.")
    if batch is not None and question:
        raise click.UsageError("Give either a QUESTION or --batch, not both.")
    if stream and (batch is not None or as_json):
        raise click.UsageError("--stream prints text; it does not combine with --json or --batch.")
    assistant = _assistant(ctx)
    if stream:
        _print_stream(assistant, question or "", list(company) or None, k)
        return
    if batch is None:
        answer = assistant.ask(question or "", companies=list(company) or None, k=k)
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if as_json else format_answer(answer))
        return
    for number, line in enumerate(batch, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            names = item.get("company") or item.get("companies")
            names = [names] if isinstance(names, str) else names
            answer = assistant.ask(
                item["question"],
                companies=names or list(company) or None,
                history=item.get("history"),
                k=k,
                id=item.get("id"),
            )
            out: dict = answer.to_json()
        except (ValueError, KeyError, TypeError) as err:
            out = {"id": None, "error": f"line {number}: {err}"}
        except PolicyAssistantError as err:
            out = {"id": item.get("id"), "question": item.get("question"), "error": str(err)}
        click.echo(json.dumps(out, ensure_ascii=False) if as_json else format_answer_dict(out))


def _print_stream(assistant: Assistant, question: str, companies: list[str] | None, k: int | None) -> None:
    """Print text deltas as they arrive; then the verified answer's notices, verdict and citations."""
    from assistant.types import Answer

    streamed = ""
    for item in assistant.stream(question, companies=companies, k=k):
        if isinstance(item, Answer):
            answer = item
            break
        streamed += item
        click.echo(item, nl=False)
    if streamed and not streamed.endswith("\n"):
        click.echo()
    for notice in answer.notices:
        click.secho(f"Note: {notice}", fg="yellow")
    if answer.answer.strip() != streamed.strip():
        # Verification replaced what was streamed (e.g. the model contradicted the clauses).
        click.echo(answer.answer)
    click.echo(format_citations(answer))


def format_citations(answer: Answer) -> str:
    """The verdict and the verified citations, printed after a streamed answer."""
    from assistant.types import verdict_label

    lines = ["", f"Verdict: {verdict_label(answer.verdict, answer.question_form)}"]
    if answer.citations:
        lines.append("Citations:")
        for n, c in enumerate(answer.citations, 1):
            section = f" · {c.section}" if c.section else ""
            lines.append(f"  [{n}] {c.company}{section} · chars {c.start}-{c.end}")
            lines.append(f"      “{c.quote}”")
    return "\n".join(lines)


def format_answer_dict(data: dict) -> str:
    if "error" in data:
        return f"Error: {data['error']}"
    from assistant.types import Answer

    return format_answer(Answer.model_validate(data))


def format_answer(answer: Answer) -> str:
    """Plain-text rendering of an answer for the terminal."""
    from assistant.types import verdict_label

    lines = [f"Verdict: {verdict_label(answer.verdict, answer.question_form)}", "", answer.answer]
    lines += [f"Note: {notice}" for notice in answer.notices]
    if answer.citations:
        lines += ["", "Citations:"]
        for n, c in enumerate(answer.citations, 1):
            section = f" · {c.section}" if c.section else ""
            lines.append(f"  [{n}] {c.company}{section} · chars {c.start}-{c.end}")
            lines.append(f"      “{c.quote}”")
    return "\n".join(lines)


def _default_eval_dir() -> Path:
    """`../shared/eval` beside the checkout (the development sets), if present."""
    return Path(__file__).resolve().parents[2] / "shared" / "eval"


@main.command("eval", context_settings=CONTEXT)
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="Folder holding seed-dev/, policyqa-dev/, opp115-practices/ [default: ../shared/eval].",
)
@click.option(
    "--only", type=click.Choice(["seed", "policyqa", "opp115"]), multiple=True, help="Run only these sets (repeatable)."
)
@click.option("--limit", type=int, help="Score an even sample of N PolicyQA questions (the same every run).")
@click.option("--system", "systems", multiple=True, help="PolicyQA systems to compare (default: all five).")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("results/eval.json"),
    show_default=True,
    help="Where to write the figures (JSON, stable order: diff runs).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def evaluate(
    ctx: click.Context,
    data: Path | None,
    only: tuple[str, ...],
    limit: int | None,
    systems: tuple[str, ...],
    out: Path,
    as_json: bool,
) -> None:
    """Score the development sets: verdicts, citations, retrieval, practice tags.

    PolicyQA questions on policies the query adapter was fit on (the bundled one: policyqa-dev's)
    are scored with adapters refit without them, five folds by policy (cached in the PolicyQA
    store; the first run fits them, about 15 minutes). Questions on any other policies are scored
    with the adapter as it ships.

    \b
    Examples:
      policy-assistant eval                      # everything, ../shared/eval
      policy-assistant eval --only seed
      policy-assistant eval --only policyqa --limit 500 --system hybrid+rerank
      policy-assistant eval --data DIR --only policyqa   # DIR/policyqa-dev: other policies, other questions
    """
    from assistant import evaluation

    data = data or _default_eval_dir()
    if not data.is_dir():
        raise click.UsageError(f"No evaluation data at {data}; pass --data DIR.")
    wanted = set(only) or {"seed", "policyqa", "opp115"}
    results: dict[str, Any] = {}
    settings = _settings(ctx)
    if "seed" in wanted and (data / "seed-dev").is_dir():
        assistant = _assistant(ctx)
        results["seed-dev"] = evaluation.evaluate_seed(
            assistant, data / "seed-dev" / "questions.jsonl", data.parent / "policies"
        )
    if "opp115" in wanted and (data / "opp115-practices").is_dir():
        from assistant.eval_opp115 import evaluate_opp115

        results["opp115-practices"] = evaluate_opp115(data / "opp115-practices" / "segments.jsonl")
    if "policyqa" in wanted and (data / "policyqa-dev").is_dir():
        results["policyqa-dev"] = evaluation.evaluate_policyqa(
            settings, data / "policyqa-dev", systems or evaluation.SYSTEMS, limit
        )
    if not results:
        raise click.UsageError(f"No evaluation sets found in {data}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    if as_json:
        click.echo(json.dumps(results, indent=2, sort_keys=True))
        return
    click.echo(evaluation.format_report(results))
    click.echo(f"\nWritten to {out}")


@main.command(context_settings=CONTEXT)
@click.argument("data", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the adapter (.npz); use it with POLICY_ASSISTANT_QUERY_ADAPTER=FILE.",
)
@click.option(
    "--rank",
    type=click.IntRange(min=0),
    default=16,
    show_default=True,
    help="Rank of the updates to the embedding model's layers for questions; 0 fits the matrix alone (seconds, not minutes).",
)
@click.option(
    "--document-rank",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Rank of updates to the model for embedding documents, fit with those for questions; 0 leaves documents as the model ships embeds them. With them, a store is indexed again with the new model and a fit takes about 12 minutes, not 4 (docs/retrieval.md).",
)
@click.option(
    "--strength",
    type=click.FloatRange(min=0.0, max=1.0),
    default=0.5,
    show_default=True,
    help="Fraction of the fitted updates merged into the model, as the bundled adapter does. At 1.0 PolicyQA gains more and the bundled policies' own questions lose clauses (docs/retrieval.md).",
)
@click.pass_context
def adapt(ctx: click.Context, data: Path | None, out: Path, rank: int, document_rank: int, strength: float) -> None:
    """Fit the query adapter on questions with annotated answers.

    DATA holds policies/ and questions.jsonl in PolicyQA's layout (each answer's text and character
    offsets in its policy file) [default: ../shared/eval/policyqa-dev]. The policies are indexed in
    their own store beside --store, as `eval` does. With updates to the model (the default) the fit
    embeds every question again each epoch: about 4 minutes for PolicyQA's 2,420 on 2 cores, worked
    examples included (each question's vector, its answer's, and its answer's words: a new question
    moves toward the answers of the closest ones, and BM25 looks for their words).

    \b
    Examples:
      policy-assistant adapt --out assistant/adapters/all-MiniLM-L6-v2.npz    # the bundled one
      policy-assistant adapt ./my-questions --out ~/adapter.npz
    """
    from assistant import evaluation

    data = data or _default_eval_dir() / "policyqa-dev"
    if not (data / "questions.jsonl").is_file() or not (data / "policies").is_dir():
        raise click.UsageError(f"{data} needs policies/ and questions.jsonl; pass DATA.")
    settings = _settings(ctx).model_copy(update={"query_adapter": "none"})
    assistant, questions, texts = evaluation.policyqa_questions(settings, data)
    examples, sentences = evaluation.adapter_examples(assistant, questions, texts)
    adapter = evaluation.fit_adapter(assistant, examples, sentences, rank, document_rank, strength)
    evaluation.remember_examples(assistant, adapter, examples)
    adapter.save(out)
    answered = sum(bool(e.answers.any()) for e in examples)
    click.echo(f"Fit on {answered} of {len(examples)} questions ({len(sentences)} policies); written to {out}")


@main.command(context_settings=CONTEXT)
@click.option(
    "--batch", type=click.File("r", encoding="utf-8"), required=True, help="JSONL of {id, text} ('-' for stdin)."
)
@click.option("--json", "as_json", is_flag=True, help="JSON lines out (the default and only format).")
def tag(batch: Any, as_json: bool) -> None:
    """Tag paragraphs with the practices they speak to, and whether they affirm or deny each.

    \b
    Example:
      policy-assistant tag --batch paragraphs.jsonl --json
    Out, one line per input: {"id", "practices": [{"practice", "opp115", "verdict"}]}.
    """
    from assistant.eval_opp115 import tag_batch

    for number, line in enumerate(batch, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            [result] = tag_batch([{"id": item.get("id"), "text": str(item["text"])}])
        except (ValueError, KeyError, TypeError) as err:
            result = {"id": None, "error": f"line {number}: {err}"}
        click.echo(json.dumps(result, ensure_ascii=False))


@main.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=7860, show_default=True, type=int, help="Port.")
@click.option("--auth", help="user:password required to use the app (needed with a public --host).")
@click.option("--no-auth", is_flag=True, help="Allow a public --host without a password.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, auth: str | None, no_auth: bool) -> None:
    """Start the chat app (Gradio) on http://HOST:PORT."""
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise click.UsageError("--auth takes user:password.")
        credentials = (user, password)
    if host not in ("127.0.0.1", "localhost", "::1") and credentials is None and not no_auth:
        raise click.UsageError(f"--host {host} exposes the app to the network: add --auth user:password, or --no-auth.")
    from ui.app import launch

    click.echo(f"Loading models and the index from {_settings(ctx).chroma_url or _settings(ctx).store} ...", err=True)
    launch(_assistant(ctx), host=host, port=port, auth=credentials)


@main.command(context_settings=CONTEXT)
@click.argument("question")
@click.option(
    "--company", "company", multiple=True, help="A company to compare (repeatable; default: those named, else all)."
)
@click.option("--k", type=click.IntRange(1, 20), help="Citations per company (default 3).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the JSON answer (`per_company` has one entry per company)."
)
@click.pass_context
def compare(ctx: click.Context, question: str, company: tuple[str, ...], k: int | None, as_json: bool) -> None:
    """Ask one question of several companies: a table of verdict, deciding clause and section.

    \b
    Examples:
      policy-assistant compare "Compare how INSZoom and Zopim handle cookies"
      policy-assistant compare "Which companies share data with advertisers?"
      policy-assistant compare "Do they sell my data?" --company Zopim --company IPC --json
    """
    from assistant.compare import compare as compare_companies

    answer = compare_companies(_assistant(ctx), question, companies=list(company) or None, k=k)
    click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if as_json else format_answer(answer))


@main.command(context_settings=CONTEXT)
@click.argument("company")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json", "csv"]), default="markdown", show_default=True,
    help="Output format.",
)  # fmt: skip
@click.pass_context
def profile(ctx: click.Context, company: str, fmt: str) -> None:
    """A one-page privacy profile: every practice's verdict and deciding clause, then what you can do.

    Computed once per policy version and cached beside the index.

    \b
    Examples:
      policy-assistant profile INSZoom
      policy-assistant profile Zopim --format csv > zopim.csv
    """
    from assistant.profile import build_profile

    assistant = _assistant(ctx)
    [policy_id] = assistant.company_ids([company])
    result = build_profile(assistant, policy_id)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.to_csv() if fmt == "csv" else result.to_markdown(), nl=False)


@main.command(context_settings=CONTEXT)
@click.option("--k", type=click.IntRange(1, 20), help="Citations per company (default 3).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON answer per line.")
@click.pass_context
def chat(ctx: click.Context, k: int | None, as_json: bool) -> None:
    """Chat: each line is a question; follow-ups refer to earlier turns. Works piped too.

    \b
    Commands: /reset forgets the conversation, /quit (or end of input) leaves.
    Examples:
      policy-assistant chat
      printf 'Does Zopim use cookies?\\nwhat about InsideSales?\\ncompare them\\n' | policy-assistant chat
    """
    from assistant.chat import Conversation

    stdin = click.get_text_stream("stdin")
    interactive = stdin.isatty()
    conversation = Conversation(_assistant(ctx))
    if interactive:
        click.echo("Ask about the indexed privacy policies. /reset forgets the conversation, /quit leaves.", err=True)
    while True:
        if interactive:
            click.echo("you> ", nl=False, err=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question in ("/quit", "/exit"):
            break
        if question == "/reset":
            conversation.reset()
            click.echo("(conversation forgotten)", err=True)
            continue
        try:
            answer = conversation.ask(question, k=k)
        except PolicyAssistantError as err:
            click.echo(json.dumps({"question": question, "error": str(err)}) if as_json else f"Error: {err}")
            continue
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False) if as_json else format_answer(answer) + "\n")


@main.command(context_settings=CONTEXT)
@click.option("--scales", default="5,95,1000", show_default=True, help="Policy counts to measure, comma-separated.")
@click.option(
    "--corpus", type=click.Path(path_type=Path), help="Folder of real policies [default: ../shared/corpus/opp115]."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("bench-results"),
    show_default=True,
    help="Folder for bench.json and bench.md.",
)
@click.option(
    "--queries", default=90, show_default=True, type=click.IntRange(5, 1000), help="Timed questions per scale."
)
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the generated policies and questions.")
@click.option("--keep", is_flag=True, help="Keep the benchmark indexes (under OUT/stores).")
def bench(scales: str, corpus: Path | None, out: Path, queries: int, seed: int, keep: bool) -> None:
    """Measure ingest throughput (vs the bare model), query latency, peak memory and index size.

    Each scale runs in a fresh process on its own index under OUT; nothing touches your index.
    Runs for minutes: the 95-policy scale embeds its corpus twice (pipeline, then model alone).

    \b
    Examples:
      policy-assistant bench                       # 5, 95 and 1,000 policies
      policy-assistant bench --scales 5 --out /tmp/bench
    """
    from assistant.bench import DEFAULT_CORPUS, markdown, run

    try:
        sizes = [int(s) for s in scales.split(",") if s.strip()]
    except ValueError as err:
        raise click.UsageError(f"--scales takes numbers like 5,95,1000, not {scales!r}.") from err
    results = run(sizes, corpus or DEFAULT_CORPUS, out, queries=queries, seed=seed, keep=keep)
    click.echo(markdown(results))
    click.echo(f"Written to {out / 'bench.json'} and {out / 'bench.md'}.", err=True)


if __name__ == "__main__":
    main()
