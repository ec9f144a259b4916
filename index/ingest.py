"""Turn files, folders and pasted text into indexed policies."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from assistant.errors import InputError
from assistant.types import Policy
from index.loaders import find_policy_files, load_file, load_string
from index.store import PolicyInfo, PolicyStore

MANIFEST = "manifest.json"


@dataclass
class IngestReport:
    """What an ingest did, policy by policy."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.replaced)} replaced", f"{len(self.unchanged)} unchanged"]
        return ", ".join(parts)


def policy_id_for(name: str) -> str:
    """A stable id from a file stem or company name: lowercase letters, digits, dots and dashes."""
    slug = re.sub(r"[^a-z0-9._]+", "-", name.lower()).strip("-._")
    if not slug and name.strip():
        # A name in another script ("Яндекс", "株式会社"): a stable id from its hash, still ASCII.
        slug = "policy-" + hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:10]
    if not slug:
        raise InputError(f"{name!r} gives no usable policy id; name the file or company with letters or digits.")
    return slug[:80]


def bundled_folder() -> Path:
    """The five policies shipped with the package."""
    return Path(str(resources.files("index") / "bundled"))


def read_manifest(folder: Path) -> dict[str, dict]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise InputError(f"{path}: not valid JSON ({err}).") from err
    return data if isinstance(data, dict) else {}


def collect_files(paths: Iterable[Path]) -> list[tuple[Path, dict]]:
    """Expand files and folders into `(file, manifest entry)` pairs, checking they exist."""
    found: list[tuple[Path, dict]] = []
    for path in paths:
        if path.is_dir():
            manifest = read_manifest(path)
            files = [p for p in find_policy_files(path) if p.name != MANIFEST]
            if not files:
                raise InputError(f"{path}: no policy files (.txt, .md, .html, .pdf) in this folder.")
            found += [(f, manifest.get(f.relative_to(path).as_posix(), {})) for f in files]
        elif path.exists():
            found.append((path, read_manifest(path.parent).get(path.name, {})))
        else:
            raise InputError(f"{path}: no such file or folder.")
    return found


def policy_from_file(path: Path, entry: dict, company: str | None, max_bytes: int) -> tuple[Policy, list[str]]:
    loaded = load_file(path, max_bytes=max_bytes)
    name = company or entry.get("company") or path.stem
    return (
        Policy(
            policy_id=policy_id_for(company or path.stem),
            company=name,
            text=loaded.text,
            aliases=tuple(entry.get("aliases", ())),
            effective=entry.get("effective"),
            source=str(path.resolve()),
        ),
        loaded.warnings,
    )


def policy_from_text(text: str, company: str, fmt: str = "txt", source: str | None = None) -> Policy:
    """A policy from pasted or fetched text."""
    if not company.strip():
        raise InputError("Give the company's name.")
    loaded = load_string(text, company, fmt)
    return Policy(policy_id=policy_id_for(company), company=company.strip(), text=loaded.text, source=source)


def check_company_free(store: PolicyStore, policy: Policy, owners: dict[str, list[PolicyInfo]] | None = None) -> None:
    """Refuse a second policy under a company name another policy already has.

    `owners` (from `company_owners`) saves rescanning the catalog for each of thousands of policies.
    """
    owners = owners if owners is not None else company_owners(store)
    for info in owners.get(policy.company.casefold(), []):
        if info.policy_id != policy.policy_id:
            raise InputError(
                f"A policy for {info.company!r} is already indexed (id {info.policy_id}); remove it first or use "
                "another company name."
            )


def company_owners(store: PolicyStore) -> dict[str, list[PolicyInfo]]:
    """Catalog entries by case-folded company name."""
    owners: dict[str, list[PolicyInfo]] = {}
    for info in store.catalog().values():
        owners.setdefault(info.company.casefold(), []).append(info)
    return owners


def ingest_paths(
    store: PolicyStore,
    paths: Iterable[Path | str],
    company: str | None = None,
    progress: bool = False,
    on_policy: Callable[[str, str], None] | None = None,
) -> IngestReport:
    """Index every policy file under `paths`, and every http(s) URL among them (fetched).

    Files and pages are all read and checked before anything is written.
    """
    from index.fetch import is_url

    sources = list(paths)
    urls = [str(p) for p in sources if isinstance(p, str) and is_url(p)]
    files = collect_files([Path(p) for p in sources if not (isinstance(p, str) and is_url(p))])
    if company and len(files) + len(urls) > 1:
        raise InputError("--company names one policy; give a single file or URL with it.")
    max_bytes = int(store.settings.max_file_mb * 1_000_000)
    report = IngestReport()
    policies: list[Policy] = []
    for path, entry in files:
        policy, warnings = policy_from_file(path, entry, company, max_bytes)
        report.warnings += warnings
        policies.append(policy)
    if urls:
        from index.fetch import policy_from_url

        policies += [policy_from_url(url, company, store.settings) for url in urls]
    seen: dict[str, str] = {}
    owners = company_owners(store)
    for policy in policies:
        if policy.policy_id in seen:
            raise InputError(
                f"Two files give the policy id {policy.policy_id!r}: {seen[policy.policy_id]} and {policy.source}."
            )
        seen[policy.policy_id] = policy.source or ""
        check_company_free(store, policy, owners)
    add_policies(store, policies, report, progress, on_policy)
    return report


def add_policies(
    store: PolicyStore,
    policies: list[Policy],
    report: IngestReport | None = None,
    progress: bool = False,
    on_policy: Callable[[str, str], None] | None = None,
) -> IngestReport:
    """Write policies into the store, with a progress bar over sentences embedded."""
    report = report or IngestReport()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(policies), unit="policy", desc="Indexing", dynamic_ncols=True)

    def done(policy: Policy, outcome: str) -> None:
        getattr(report, outcome).append(policy.policy_id)
        if on_policy:
            on_policy(policy.policy_id, outcome)
        if bar is not None:
            bar.set_postfix_str(f"{policy.company[:30]}: {outcome}")
            bar.update(1)

    try:
        # One call: unchanged policies are skipped by hash, the rest embedded together in batches.
        store.add_policies(policies, on_policy=done)
    finally:
        if bar is not None:
            bar.close()
    return report


def ensure_bundled(store: PolicyStore, progress: bool = False) -> IngestReport | None:
    """Fill an empty index with the bundled policies (unless settings say not to)."""
    if not store.settings.bundled or store.catalog():
        return None
    return ingest_paths(store, [bundled_folder()], progress=progress)


def upgrade_index(store: PolicyStore, progress: bool = False) -> IngestReport | None:
    """Index again the policies of an index written by an earlier version, then drop the old one.

    Nothing a user added is lost on upgrade: the old catalog kept every policy's text and metadata.
    """
    policies = store.legacy_policies()
    if not policies:
        store.drop_legacy()  # empty leftovers, or only the format marker to bring up to date
        return None
    if progress:
        import sys

        print(f"Upgrading the index: indexing its {len(policies)} policies again.", file=sys.stderr)
    report = add_policies(store, policies, progress=progress)
    store.drop_legacy()
    return report
