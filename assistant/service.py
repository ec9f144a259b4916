"""The assistant: a LangChain (LCEL) chain from a question to a verified, cited `Answer`.

    parse (companies, follow-ups, practice)
      | retrieve (one hybrid retrieval per company: no policy crowds out another)
      | decide (verdict per company from its clauses)
      | render (answer text) and enforce_verbatim (the citation check)

`build_assistant(settings)` wires the parts; everything is passed explicitly.
"""

from __future__ import annotations

import functools
import logging
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.chat import Resolved, resolve
from assistant.citations import enforce_verbatim, make_citation
from assistant.companies import CompanyResolver
from assistant.errors import InputError, UnknownCompanyError
from assistant.practices import PRACTICES, QUESTION_ONLY, SECURITY_DISCLAIMER, named_laws, names_party
from assistant.retrieval import HybridRetriever, Passage, stemmer
from assistant.types import Answer, Citation, CompanyAnswer, Verdict, verdict_label
from assistant.verdicts import ACTION_PRACTICES, clause_verdict, decision, has_a_precondition, on_your_say_so, stance

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.runnables import Runnable

    from assistant.adapter import QueryAdapter
    from assistant.llm import Writer
    from assistant.rerank import Reranker
    from assistant.settings import Settings
    from index.embeddings import MiniLMEmbeddings
    from index.store import PolicyStore, PolicyVectors

log = logging.getLogger(__name__)

_INCIDENT = re.compile(
    r"\b(breach(es|ed)?|hack(s|ed|ing)?|leak(s|ed)?|fined|fines|sued|lawsuits?|penalt(y|ies)|incidents?|compromised)\b"
    r"[^?]{0,60}\b(ever|before|previously|in the past|history|recently|last year)\b"
    r"|\b(ever|previously|in the past)\b[^?]{0,60}"
    r"\b(breach\w*|hack\w*|leak\w*|fined|sued|lawsuits?|penalt\w*|incidents?|compromised)\b"
    # Counts of what happened ("how many requests has it received") are history too.
    r"|\bhow many\b[^?]{0,60}\b(has|have|had|did)\b[^?]{0,40}\b(receiv\w*|had|get|got|gotten|suffer\w*|fac\w*|report\w*)\b"
    r"|\bhow many times\b[^?]{0,60}\b(did|has|have|had)\b"
    r"|\btransparency reports?\b",
    re.IGNORECASE,
)
# What happened since the policy was written to the law or framework it relies on: "Privacy Shield got struck down; is
# InsideSales still certified?" The policy says what held when it was written.
_SINCE_WRITTEN = re.compile(
    r"\b(invalidat\w*|struck down|strikes? down|striking down|repealed|schrems)\b", re.IGNORECASE
)
_TO_COME = re.compile(r"\b(will|would|could|can|won't|going to)\b", re.IGNORECASE)
_HAS_BEEN = re.compile(r"\b(has|have|had|was|were|been|did)\b", re.IGNORECASE)
# Words any privacy question may use: what is left names what the question is about.
_FUNCTION_WORDS = frozenset(
    """
    a about after all also am an and any are as ask at be been before being but by can could did do does doing
    done for from get gets got had has have how i if in into is it its just let me more my myself of on once or
    other our out over own should so some such than that the their them then there these they this those to
    too under until up us very was we were what when where which while who whom why will with would you your
    yours ok okay please really actually still even ever already through go going goes gone onto off
    down back yet per via each every both either neither much many one two way ways kind sort here
    """.split()
)
_GENERIC_WORDS = _FUNCTION_WORDS | frozenset(
    """
    company companies data info information personal policy policies privacy notice statement use uses used
    using user users service services site website websites app apps account accounts thing things stuff
    """.split()
)
_WORDS = re.compile(r"[a-z0-9]+")
# Passages looked at per company when deciding a verdict (the first k are shown).
_DECIDE_POOL = 10
# "Can they do it without asking me first?" asks whether it happens without your consent...
_WITHOUT_ASKING = re.compile(
    r"\bwithout (first )?(ask|tell|inform|notif|warn)\w*\b|\bwithout (first )?being (asked|told|informed|notified|"
    r"consulted|warned)\b|\bwithout (my|your|our|prior|the user'?s?|any) "
    r"((explicit|express|prior) )?(consent|permission|approval|authori[sz]ation|agreement|knowledge|ok|okay)\b|"
    r"\bwithout (consent|permission|approval|authori[sz]ation)\b|"
    # "without me saying ok first", "without my agreeing", "without me knowing"
    r"\bwithout (me|my|you|your|us|the user'?s?)( first)? (saying (ok|okay|yes|so)|agree\w*|approv\w*|accept\w*|consent\w*|"
    r"allow\w*|know\w*|being (asked|told|notified)|giv\w* (my |your )?(ok|okay|permission|consent|approval))\b",
    re.IGNORECASE,
)
# "Will they change it without telling me?" asks the opposite of "will they tell me?".
_WITHOUT_TELLING = re.compile(
    r"\bwithout (first )?(being )?(tell\w*|told|notif\w*|notice|inform\w*|warn\w*|letting)\b", re.IGNORECASE
)
# "Do they wipe my data as soon as I stop using them?" asks the opposite of "do they keep it after?"...
_DELETED_AT_ONCE = re.compile(
    r"\b(delet|wip|eras|remov|purg|destroy|gone)\w*\b[^?]{0,50}\b(as soon as|immediately|right (away|after)|straight away|"
    r"the moment)\b",
    re.IGNORECASE,
)
# "Do they keep my data forever?" asks the opposite of "how long do they keep it?".
_FOREVER = re.compile(
    r"\b(forever|for ever|indefinitely|permanently|for good|eternally|in perpetuity)\b", re.IGNORECASE
)
# ...which a clause keeping it afterwards answers: "We may retain your data even after you stop using our services".
_KEPT_ON = re.compile(
    r"\b(retain|keep|kept|store|hold|maintain|remain)\w*\b[^.;]{0,80}\b(after|following|once|if)\b[^.;]{0,40}"
    r"\b(stop|clos|terminat|cancel|delet|deactivat|inactive|end)\w*",
    re.IGNORECASE,
)
_KEPT_AFTER = re.compile(
    _KEPT_ON.pattern + r"|\bdelet\w*\b[^.;]{0,80}\b(eventually|after (\d+|a|one|two|three|six|thirty|sixty|ninety) "
    r"(days?|weeks?|months?|years?))\b",
    re.IGNORECASE,
)
# "If I quit, do my posts go away?" asks the same as "as soon as I stop?"; "if I delete my tweet, do they still have
# it?" the opposite: a clause keeping it on (`_KEPT_ON`) answers both.
_GONE = re.compile(
    r"^(?!.*\b(how (long|soon)|when)\b).*"  # "how long until it is gone?" asks for a period
    r"\b(go(es)? away|gone|disappear\w*|vanish\w*|(be|get|gets) (deleted|removed|erased|wiped)|"
    r"((delete|remove|erase|wipe)s?|get rid of) (its|their|the) (copy|copies|version)|get rid of (it|them))\b",
    re.IGNORECASE,
)
_STILL_KEPT = re.compile(
    r"\bstill (have|has|keep|keeps|hold|holds|store|stores|got|retain|retains)\b"
    r"|^(?!.*\bhow long\b).*\b(keep|keeps|retain|retains|hold|holds|store|stores)\b[^?]{0,40}\b(after|once) (i|we) "
    r"(stop|quit|close|cancel|leave|delete)",  # "do they keep my info after I stop using them?"
    re.IGNORECASE,
)
# ...which a clause requiring it denies: "our Agent must receive your prior explicit consent".
_NEEDS_CONSENT = re.compile(
    r"\b(must|shall|needs? to|only (with|after|if|when)|requires?|required)\b[^.;]{0,60}\b(consent|permission|approval|"
    r"authori[sz]ation|authori[sz]e)\w*|\b(with|upon) your (prior |explicit |express )*(consent|permission|approval)\b",
    re.IGNORECASE,
)
# Consent as one case among others gates nothing: "only with consent or in one of the following circumstances".
_OR_OTHERWISE = re.compile(r"\b(consent|permission|approval|authori[sz]ation)\b,? or\b", re.IGNORECASE)
# Ways of making a request, as asked and as policies name them ("e-mail" is no mail).
_WAYS = {
    "telephone": re.compile(r"\b(call|calling|phone|telephone)\b", re.IGNORECASE),
    "mail": re.compile(r"(?<!e-)\b(mail|post|letter|snail ?mail)\b", re.IGNORECASE),
    "fax": re.compile(r"\b(fax|facsimile)\b", re.IGNORECASE),
}
_REQUESTS_VIA = re.compile(r"\brequests?\b[^.;]{0,40}\b(via|by|through|over)\b", re.IGNORECASE)
_REFUSED = re.compile(r"\b(not|never|cannot|won't|don't|no longer)\b", re.IGNORECASE)
# The asker reaches the company through one of its customers: "my immigration lawyer uses INSZoom", "I chatted
# with an online shop through its Zopim chat box", "a business I deal with uses them behind the scenes".
_VIA_A_CUSTOMER = re.compile(
    r"\b(my|a|an|the|some|our|one)\s+(\w+\s+){0,3}(lawyers?|attorneys?|shops?|stores?|business(es)?|compan(y|ies)|firms?|"
    r"employers?|websites?|sites?|agenc(y|ies)|sellers?|merchants?|banks?|schools?|doctors?|clinics?|recruiters?|vendors?|"
    r"retailers?)\b[^?.]{0,60}\b(?<!stop )(?<!stops )(?<!stopped )(?<!quits )(?<!longer )(uses?|used|using|runs? on|through|thru|via)\b"
    r"|\b(through|thru|via)\s+(its|their|his|her|the|a|an)\b[^?.]{0,30}\b(chat|widget|box|app|platform|software|site|portal)\b"
    r"|\bbehind the scenes\b|\bnever signed up\b|\bend[- ]clients?\b"
    # "I'm a contact stored in an InsideSales customer's CRM"
    r"|\b(customer|client)(['’]s|s['’])\s+(crm|database|system|records|contacts?|contact list|mailing list)\b",
    re.IGNORECASE,
)

_THROUGH_THEM = re.compile(
    r"\b(have|need|got) to (go (through|to)|ask|contact|request|reach out to)\b|\binstead of\b", re.IGNORECASE
)


def _via_a_customer(resolved: Resolved) -> bool:
    """Whether the user reaches the company through its customer, as this question or an earlier turn says."""
    return _VIA_A_CUSTOMER.search(f"{resolved.earlier_text} {resolved.query}") is not None


# A policy sending such people to its customer: "you will be directed to contact the related customer", "should
# direct his or her inquiry to the applicable Zopim customer".
_ASK_THE_CUSTOMER = re.compile(
    r"\b(direct(ed)?|contact|consult)\b[^.;]{0,60}\b(the|that|applicable|related|relevant|your)\s+([\w’']+\s+){0,2}"
    r"(customers?|controllers?|license holders?)\b",
    re.IGNORECASE,
)
# ...and what it says of them besides: "has no direct relationship with individuals whose personal information we process".
_THE_CUSTOMERS_OWN = re.compile(_ASK_THE_CUSTOMER.pattern + r"|\b(no|not) direct relationship\b", re.IGNORECASE)
# A clause granting you a right: "Right to data portability: You have the right to transfer your information".
_A_RIGHT = re.compile(
    r"\b(you have|you may exercise|grants? you) (the|a) right\b|\bright (to|of) [a-z ]{0,30}:", re.IGNORECASE
)
# A deciding clause that announces a list ("will be used only for:") is shown with the list's items
# after it, as many whole ones as fit in this many characters (at least one).
_LIST_CHARS = 400
_LIST_ITEM = re.compile(r"(?:[ \t]*\n){1,2}[ \t]*(?:[•▪◦·*–-]|\d{1,2}[.)]|\([a-z0-9]{1,3}\))[ \t]+[^\n]+")


@dataclass
class Request:
    question: str
    companies: list[str] | None = None
    history: list[str] | None = None
    k: int | None = None
    id: str | None = None


@dataclass
class Retrieved:
    request: Request
    resolved: Resolved
    passages: dict[str, list[Passage]]


class Assistant:
    """Answers questions about the indexed policies."""

    def __init__(
        self,
        settings: Settings,
        store: PolicyStore,
        embedder: MiniLMEmbeddings,
        writer: Writer | None = None,
        reranker: Reranker | None = None,
        adapter: QueryAdapter | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.adapter = adapter  # learned query adapter (assistant/adapter.py); None searches the raw embedding
        self.writer = writer  # optional LLM prose (assistant/llm.py); None keeps answers extractive
        # optional cross-encoder (assistant/rerank.py); None keeps the offline ranking
        self.retriever = HybridRetriever(store, settings.retrieval, reranker=reranker)
        self._resolver: tuple[tuple, CompanyResolver] | None = None
        self.chain: Runnable = self._build_chain()

    def _build_chain(self) -> Runnable:
        from langchain_core.runnables import RunnableLambda

        self.extractive: Runnable = (
            RunnableLambda(self._parse, name="parse")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableLambda(self._answer, name="answer")
        )
        return self.extractive | RunnableLambda(self._write, name="write")

    # -- companies ---------------------------------------------------------------------------

    @property
    def resolver(self) -> CompanyResolver:
        catalog = self.store.catalog()
        key = tuple(sorted((i.policy_id, i.sha256) for i in catalog.values()))
        if self._resolver is None or self._resolver[0] != key:
            companies = [(i.policy_id, i.company, i.aliases) for i in catalog.values()]
            self._resolver = (key, CompanyResolver(companies))
        return self._resolver[1]

    def _named_in(self, name: str, policy_ids: list[str]) -> bool:
        """Whether any of these policies mentions the name ("TeamViewer" in ZoomSupport's)."""
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        return any(pattern.search(self.policy_text(pid)) for pid in policy_ids)

    def company_ids(self, names: list[str]) -> list[str]:
        """Policy ids for company names, aliases or ids; raises for a name with no policy."""
        ids = []
        for name in names:
            pid = name if name in self.store.catalog() else self.resolver.match(name)
            if pid is None:
                known = ", ".join(sorted(i.company for i in self.store.catalog().values()))
                raise UnknownCompanyError(f"No policy for {name!r} in the index. Known companies: {known}.")
            ids.append(pid)
        return list(dict.fromkeys(ids))

    # -- the chain -----------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        companies: list[str] | None = None,
        history: list[str] | None = None,
        k: int | None = None,
        id: str | None = None,
    ) -> Answer:
        """Answer one question (with earlier user turns as `history` for follow-ups)."""
        return self.chain.invoke(Request(question, companies, history, k, id))

    def stream(
        self,
        question: str,
        companies: list[str] | None = None,
        history: list[str] | None = None,
        k: int | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer text in pieces as it is written, then the complete verified `Answer`.

        Without an LLM the extractive text comes in a few pieces. The final `Answer` is what
        counts: its text and citations are verified, and may replace what was streamed.
        """
        answer = self.extractive.invoke(Request(question, companies, history, k))
        if self.writer is None:
            yield from _pieces(answer.answer)
            yield answer
        else:
            yield from self.writer.stream(answer, self.policy_text)

    def policy_text(self, policy_id: str) -> str:
        """The exact text of a policy: what every citation's offsets point into."""
        return self.store.vectors(policy_id).policy.text

    def _write(self, answer: Answer) -> Answer:
        return answer if self.writer is None else self.writer.write(answer, self.policy_text)

    def _parse(self, request: Request) -> tuple[Request, Resolved]:
        question = " ".join(request.question.split())
        if not question:
            raise InputError("The question is empty.")
        if len(question) > self.settings.max_question_chars:
            raise InputError(
                f"The question is {len(question)} characters; the limit is {self.settings.max_question_chars}."
            )
        resolved = resolve(question, request.history or [], self.resolver, self._named_in)
        if request.history and self.writer is not None:
            resolved = self._rewrite_followup(question, request.history, resolved)
        if request.companies:
            resolved.policy_ids = self.company_ids(request.companies)
            resolved.unknown = []
        if not resolved.practices and not resolved.unknown and not _names_something(resolved.query):
            # "and ZoomSupport?" with nothing before it, or "what is it?": there is nothing to look up.
            catalog = self.store.catalog()
            names = [catalog[pid].company for pid in resolved.policy_ids] or [i.company for i in catalog.values()]
            name = (names or ["Acme"])[0]
            raise InputError(
                f"“{question}” does not say what to look up. Ask about a practice, for example "
                f"“Does {name} sell my data?” or “How long does {name} keep my data?”. Everything one "
                f"policy says is in its privacy profile (the Profile tab, or `policy-assistant profile {shlex.quote(name)}`)."
            )
        return request, resolved

    def _rewrite_followup(self, question: str, history: list[str], offline: Resolved) -> Resolved:
        """Resolve the LLM's standalone rewrite of a follow-up; keep the offline resolution unless
        the rewrite names only indexed companies and a practice."""
        rewritten = self.writer.rewrite_followup(question, history) if self.writer else None
        if not rewritten:
            return offline
        standalone = resolve(rewritten, [], self.resolver, self._named_in)
        if not standalone.policy_ids or not standalone.practices or standalone.unknown:
            log.info("follow-up rewrite %r not used; offline resolution kept", rewritten)
            return offline
        standalone.question, standalone.inherited = question, offline.inherited
        return standalone

    def _retrieve(self, parsed: tuple[Request, Resolved]) -> Retrieved:
        request, resolved = parsed
        ids = resolved.policy_ids
        if not ids and not resolved.unknown:
            ids = sorted(self.store.catalog())  # no company named: ask every policy
            resolved.policy_ids = ids
        k = request.k or self.settings.k
        passages = self.search(resolved, ids, max(k, _DECIDE_POOL)) if ids else {}
        return Retrieved(request, resolved, passages)

    def search(self, resolved: Resolved, policy_ids: list[str], k: int) -> dict[str, list[Passage]]:
        """Each policy's k best passages for a resolved question: one query vector, one retrieval per policy."""
        vector, words = self.query(resolved.query, resolved.expansion)
        text = f"{resolved.search_text} {words}".strip()  # BM25 also looks for how such answers are worded
        answered = None
        if (adapter := self.adapter) is not None and adapter.asked_before(vector):
            # Asked before of other policies: each sentence is also read as the questions its like answered.
            def answered(v: PolicyVectors) -> np.ndarray:
                return adapter.questions_answered((v.policy.policy_id, v.policy.sha256), v.sentence_vectors)

        return {
            pid: self.retriever.search(
                text, vector, pid, resolved.practices, k, names=self._kind_named(resolved, pid), answered=answered
            )
            for pid in policy_ids
        }

    def _names(self, policy_id: str) -> list[str]:
        """The policy's company and its aliases."""
        info = self.store.catalog()[policy_id]
        return [info.company, *info.aliases]

    def _kind_named(self, resolved: Resolved, policy_id: str) -> Callable[[str], bool] | None:
        """For a question on collecting, keeping or advertising with a kind of data ("my meetings"), whether a text
        names it; for a right asked by someone who reaches the company through its customer, whether a text sends
        them there; for one on "all my data", whether a text takes only what is needed."""
        if resolved.practices[:1] == ["access_deletion"] and _via_a_customer(resolved):
            return lambda text: _THE_CUSTOMERS_OWN.search(text) is not None
        if _asks_how_much(resolved.query, resolved.practices[:1]):  # a clause taking only what is needed answers it
            return lambda text: _ONLY_NEEDED.search(text) is not None
        practice = resolved.practices[0] if resolved.practices else ""
        if practice not in ("collection", "retention", "advertising"):
            return None
        names = self._names(policy_id)
        if practice == "advertising":
            kinds = _stems_of_the_kind_advertised(resolved.question, resolved.query, names)
        else:
            kinds = _stems_of_the_kind_asked(
                resolved.query, names, _COLLECTING if practice == "collection" else _KEEPING
            )
        return (lambda text: bool(kinds & _stems(text))) if kinds else None

    def query_vector(self, text: str, expansion: str = "", adapted: bool = True) -> np.ndarray:
        """The query's embedding. An expansion (a practice's description) is embedded apart and
        added at `expansion_weight`: it steadies the query's direction without drowning a short
        question's own words, as one embedding of both texts would. The query adapter, if any,
        embeds the texts with its updated model and moves the result toward the clauses that answer
        such questions."""
        return self.query(text, expansion, adapted)[0]

    def query(self, text: str, expansion: str = "", adapted: bool = True) -> tuple[np.ndarray, str]:
        """`query_vector`, and the words of the answers to the adapter's closest worked examples
        (empty without an adapter or examples)."""
        import numpy as np

        adapter = self.adapter if adapted else None
        embedder = adapter.embedder(self.embedder) if adapter is not None else self.embedder
        if expansion:
            own, extra = embedder.embed_batch([text, expansion])
            mixed = own + self.settings.retrieval.expansion_weight * extra
            vector = mixed / np.linalg.norm(mixed)
        else:
            vector = embedder.embed_batch([text])[0]
        return adapter.read(vector) if adapter is not None else (vector, "")

    def _answer(self, retrieved: Retrieved) -> Answer:
        request, resolved = retrieved.request, retrieved.resolved
        k = request.k or self.settings.k
        practice = resolved.practices[0] if resolved.practices else None
        catalog = self.store.catalog()
        per_company = [
            self._company_answer(
                pid,
                practice,
                retrieved.passages.get(pid, []),
                k,
                resolved.query,
                resolved.parties,
                _via_a_customer(resolved),
                resolved.question,
            )
            for pid in resolved.policy_ids
        ]
        answer = Answer(
            id=request.id,
            question=request.question,
            companies=[catalog[pid].company for pid in resolved.policy_ids],
            unknown_companies=resolved.unknown,
            practice=practice,
            question_form=resolved.form,
            per_company=per_company,
        )
        for name in resolved.unknown:
            if sharers := self.resolver.names_containing(name):
                answer.notices.append(
                    f"{' and '.join(sharers)} are other companies, though their names contain “{name}”."
                )
        for name in resolved.outsiders:
            # A policy speaks for its company: what TeamViewer does during a ZoomSupport session is TeamViewer's to say.
            answer.notices.append(
                f"{name} is named in the policy asked about, but that policy does not say what {name} itself does; "
                f"{name}'s own policy is not indexed."
            )
        if resolved.outsiders or is_incident_question(resolved.search_text):
            # A policy states its company's practices, not a record of incidents: its security clauses are no answer.
            for part in per_company:
                part.near_misses = (part.citations or part.near_misses)[:2]
                part.citations, part.verdict, part.deciding = [], "not_stated", ""
        answer.verdict = _overall_verdict(per_company)

        if len(per_company) == 1:
            answer.citations = list(per_company[0].citations)
        else:
            # One clause per company first, then the rest: no company crowds the others out.
            firsts = [c.citations[0] for c in per_company if c.citations]
            rest = [cit for c in per_company for cit in c.citations[1:]]
            answer.citations = firsts + rest
        answer.answer = render_answer(answer, resolved)
        return enforce_verbatim(answer, lambda pid: self.store.vectors(pid).policy.text)

    def practice_answer(
        self, policy_id: str, practice: str, query: str, vector: np.ndarray | None = None, k: int | None = None
    ) -> CompanyAnswer:
        """One policy's verdict and clauses on one practice for a search text, outside the chain.

        The privacy profile asks every practice of the taxonomy this way; it decides exactly
        as `ask` does for one company.
        """
        k = k or self.settings.k
        vector = self.query_vector(query) if vector is None else vector
        passages = self.retriever.search(query, vector, policy_id, [practice], max(k, _DECIDE_POOL))
        return self._company_answer(policy_id, practice, passages, k)

    def _company_answer(
        self,
        policy_id: str,
        practice: str | None,
        passages: list[Passage],
        k: int,
        question: str = "",
        parties: list[str] | None = None,
        via_a_customer: bool = False,
        own_words: str = "",
    ) -> CompanyAnswer:
        """One company's verdict and citations from its passages. `question` is the search query (a follow-up's
        with the earlier question's words); `own_words` the turn as the user put it."""
        vectors = self.store.vectors(policy_id)
        text, company = vectors.policy.text, vectors.policy.company
        names = self._names(policy_id)
        actor = re.compile(r"\b(we|us|our|" + "|".join(map(re.escape, names)) + r")\b", re.IGNORECASE)
        speaking = [_speaking_sentence(practice, text, p, actor) for p in passages]
        clauses, contexts = [c for c, _ in speaking], [c for _, c in speaking]
        judged = clauses
        if practice is None:
            # No practice to judge clauses by: only a clause about what the question names can
            # decide ("Is it HIPAA compliant?" is not answered by "Appeal a denial"), and a question
            # naming nothing beyond words any privacy question uses ("How many users?") gets none.
            asked = _subject_stems(question, names)
            judged = [
                c if asked & _stems(text[p.start : p.end]) else "" for c, p in zip(clauses, passages, strict=True)
            ]
        if laws := named_laws(question):
            # A question about one law is not answered by a clause about another only: "Is INSZoom
            # GDPR compliant?" is not answered by "The fourth right available to you under CCPA".
            judged = [
                c if not (found := named_laws(f"{p.chunk.section}\n{text[p.start : p.end]}")) or found & laws else ""
                for c, p in zip(judged, passages, strict=True)
            ]
        if practice == "collection" and (kinds := _stems_of_the_kind_asked(question, names)):
            # "Does InsideSales record my phone calls?" is answered by a clause on calls, not by
            # "we will collect and use certain of your information".
            # A denial holds only for what it names: "we don't require that information [your photo]" denies
            # nothing about a password named in the sentence before.
            judged = [
                c
                if kinds & _stems(f"{p.chunk.section}\n{text[p.start : p.end]}")
                and (kinds & _stems(f"{p.chunk.section}\n{c}") or clause_verdict(practice, c, x) != "no")
                else ""
                for c, p, x in zip(judged, passages, contexts, strict=True)
            ]
        if practice == "advertising" and (kinds := _stems_of_the_kind_advertised(own_words, question, names)):
            # "Does IPC use my chats for marketing?" is answered by a denial naming them ("IPC does not use messaging
            # content ... for any marketing or promotions"), whatever the policy does with other data.
            denials = [_denial_naming(practice, text, p, kinds) for p in passages]
            if any(denials):
                judged = [_PROMOTING.sub("advertising", d) for d in denials]
                clauses = [d or c for d, c in zip(denials, clauses, strict=True)]
        if practice == "encryption" and (kinds := _stems_of_the_kind_asked(question, names, _ENCRYPTING)):
            # "Does Zopim encrypt my chats?" is not answered by "placing an encrypted cookie on your hard drive".
            judged = [c if kinds & _stems(c) or _ANY_DATA.search(c) else "" for c in judged]
        if practice == "staff_access" and _ITS_PEOPLE.search(question):
            # "Can IPC staff listen to my calls?" asks about the company's people, not the account owner's.
            judged = [c if _ITS_PEOPLE.search(c) else "" for c in judged]
        if parties:
            # "Does Zopim share my data with Facebook?" is answered only by a passage naming Facebook,
            # or by a denial of the practice, which holds for everyone: "We do not sell any personal information"
            # answers "Does INSZoom sell my data to Facebook?".
            judged = [
                c
                if any(names_party(party, p.chunk.text) for party in parties) or _denies_to_anyone(practice, c, x)
                else ""
                for c, p, x in zip(judged, passages, contexts, strict=True)
            ]
        # A clause in a narrower question's own words is on its subject wherever it ranks: "These widgets may set a
        # cookie" qualifies "we do not use third-party cookies" from further down than a clause on cookies would.
        settings = self.settings.retrieval
        narrow = practice in QUESTION_ONLY and QUESTION_ONLY[practice].requires is not None
        margin = settings.sense_qualify_margin if narrow else settings.qualify_margin
        verdict, deciding, denial = decision(
            practice,
            judged,
            [p.score for p in passages],
            margin,
            contexts,
            [p.chunk.index for p in passages],
        )
        exception = ""
        if verdict == "no" and deciding is not None:
            # "We do not store the card number. ... with your approval, we may store your card information":
            # a denial and its exception in one passage are one "partly".
            exception = _exception_beside(practice, text, passages[deciding], clauses[deciding])
            verdict = "partial" if exception else verdict
        if verdict == "yes" and deciding is not None and practice not in ACTION_PRACTICES:
            # "IPC Email is designed to be end-to-end encrypted. Support for end-to-end encryption requires users to
            # have added a device": a statement and its condition in one passage are one "partly".
            exception = _condition_beside(practice, text, passages[deciding], clauses[deciding])
            verdict = "partial" if exception else verdict
        if deciding is not None:
            kinds = _stems_of_the_kind_asked(question, names, _KEEPING) if practice == "retention" else None
            verdict, deciding = _as_asked(question, practice, verdict, deciding, judged, contexts, kinds)
        verdict, deciding, sentence, alike = _closer_reading(
            question, practice, verdict, deciding, judged, passages, text, margin, via_a_customer
        )
        if sentence and deciding is not None:
            clauses[deciding], denial, exception = sentence, None, ""

        def cite(p: Passage) -> Citation:
            return make_citation(text, company, policy_id, p.chunk.section, p.start, p.end, p.score)

        if verdict == "not_stated" or deciding is None:
            return CompanyAnswer(
                company=company, policy_id=policy_id, verdict="not_stated", near_misses=[cite(p) for p in passages[:2]]
            )
        order = [deciding] + [i for i in range(len(passages)) if i != deciding]
        # Support comes from clauses that may answer this question: one the question's filters set aside (a
        # clause on other data, another law, no named party) is cited only when nothing else is left.
        supporting = [
            i
            for i in order
            if i == deciding or (judged[i] and clause_verdict(practice, judged[i], contexts[i]) is not None)
        ]
        if alike is not None:
            # A verdict read closely is supported by the passages making the same point, first.
            same = [i for i in order[1:] if alike.search(text[passages[i].start : passages[i].end])]
            supporting = [deciding, *same, *(i for i in supporting[1:] if i not in same)]
        others = [i for i in order if i not in supporting]
        chosen = (supporting + others)[:k]
        return CompanyAnswer(
            company=company,
            policy_id=policy_id,
            verdict=verdict,
            citations=[cite(passages[i]) for i in chosen],
            deciding=exception or _whole_clause(practice, text, clauses[deciding], passages[deciding].start),
            qualifies=clauses[deciding] if exception else clauses[denial] if denial is not None else "",
        )


# The company's own people, as against an account owner or administrator of the customer's.
_ITS_PEOPLE = re.compile(
    r"\b(employees?|staff|humans?|personnel|workers?|engineers?|support (team|agents?|staff)|technicians?|techs?|"
    r"(our|its) (\w+ ){0,2}agents?|people (who|that) work (at|for|there))\b",
    re.IGNORECASE,
)
_ALL_OF_IT = re.compile(
    r"\ball (of )?(my|your|our|the|their) (\w+ )?(data|info\w*|details|stuff)\b|\beverything\b", re.I
)
# Deleting all of it: "will it delete all of it?", "is everything gone for good?"
_ALL_OF_IT_GONE = re.compile(
    r"\b(all of (it|them|my \w+|our \w+|the \w+)|all (my|our|the|their) (\w+ )?(data|info\w*|details|stuff)|everything|"
    r"completely|entirely|fully|for good|permanently|every trace)\b",
    re.IGNORECASE,
)
# ...which a policy keeping some back answers in part: "We may need to retain certain information".
_SOME_KEPT = re.compile(
    r"\b(retain|keep|maintain)\w*\b[^.;]{0,40}\b(certain|some|limited|residual)\b[^.;]{0,20}\b(information|data|"
    r"records|details|copies)\b",
    re.IGNORECASE,
)
# Whether something is safe, asked yes or no: "is my card safe with Zopim?" (not "how do they keep it secure?").
_ASKS_IF_SAFE = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay)\W+)*(is|are|will|would|can|could|does|do)\b[^?]{0,60}\b(safe|secure|protected)\b",
    re.IGNORECASE,
)
# Rights over data are asked of all of it alike: "can I get a copy of all the data you hold?" asks for the right.
_OVER_ALL_OF_IT = frozenset({"access_deletion", "retention", "legal_rights"})


def _asks_how_much(question: str, practices: list[str]) -> bool:
    """Whether a question asks how much is taken: "does Zopim collect all my data?", "do the payment companies get
    everything?"."""
    return _ALL_OF_IT.search(question) is not None and not _OVER_ALL_OF_IT.intersection(practices)


_ONLY_NEEDED = re.compile(
    r"\bonly\b[^.;]{0,60}\b(information|data|details)\b[^.;]{0,30}\b(need(ed)?|necessary|required)\b", re.IGNORECASE
)
_OPT_OUT_OF_IT = re.compile(r"\b(opt[- ]?out of|object to)\b", re.IGNORECASE)
_PERSONAL = re.compile(r"\bpersonal(ly identifiable)? (data|info\w*|details)\b|\bpii\b", re.IGNORECASE)
# Access held to a purpose: "will only search your computer in order to identify and correct", "will attempt to
# limit their interaction with your files to a minimum".
_LIMITED = re.compile(
    r"\bonly\b[^.;]{0,40}\b(in order to|for the (sole )?purposes? of)\b|\blimit\w*\b[^.;]{0,60}\bto (a|the) minimum\b",
    re.IGNORECASE,
)
_SOME_DATA = re.compile(r"\b(this|such|that|these|those) (information|info|data|content|details)\b", re.IGNORECASE)
_SELLING = re.compile(
    r"\b(sell|sells|selling|sold|sale|rent|rents|renting|rented|trade|trades|trading)\b", re.IGNORECASE
)


def _denies_to_anyone(practice: str | None, clause: str, context: str) -> bool:
    """Whether a clause denies the practice outright, whoever the recipient: "we do not share your data".
    A sale denial is no denial of sharing: "We do not sell any personal information" says nothing of affiliates.
    Nor does a denial about some data only: "such information is neither received nor stored by the third party"."""
    if _SOME_DATA.search(clause):
        return False
    if practice != "sale":
        clause = _SELLING.sub("", clause)
    return clause_verdict(practice, clause, context) == "no"


def _closer_reading(
    question: str,
    practice: str | None,
    verdict: Verdict,
    deciding: int | None,
    clauses: list[str],
    passages: list[Passage],
    text: str,
    margin: float,
    via_a_customer: bool = False,
) -> tuple[Verdict, int | None, str, re.Pattern[str] | None]:
    """The verdict and deciding clause where a closer reading of the passages changes them, with the sentence
    that decides now when it is not the clause read before ("" otherwise), and what passages making the same
    point say (None: any that state the practice support it)."""
    # "residents may be permitted to opt out of certain profiling" grants a right, and the denial beside it answers:
    # "IPC does not engage in this type of profiling of individuals".
    if (
        verdict == "yes"
        and deciding is not None
        and _OPT_OUT_OF_IT.search(clauses[deciding])
        and (denial := _beside(practice, text, passages[deciding], clauses[deciding], lambda _: True, ("no",)))
    ):
        return "no", deciding, denial, None
    # "Is ZoomDiagnostics collecting my personal data?" is answered by "We do not collect any Personal Information
    # through this tool", not by the next sentence's "We may collect such information as: OS version".
    if (
        practice in (None, "collection")
        and verdict == "yes"
        and deciding is not None
        and _PERSONAL.search(question)
        and (denial := _beside(practice, text, passages[deciding], clauses[deciding], _names_personal, ("no",)))
    ):
        return "no", deciding, denial, None
    # "Do they give the companies that handle payments all my info?" is "no" by "we only provide them with the
    # information that they need to perform their specific function".
    if (
        verdict in ("yes", "partial")
        and _asks_how_much(question, [practice] if practice else [])
        and (found := _first_saying(_ONLY_NEEDED, clauses, passages, text))
    ):
        return "no", found[0], found[1], None
    if practice == "staff_access" and verdict == "yes" and deciding is not None:
        # "you are giving permission to an Agent to log in to your computer" is held to a purpose by "our Agents
        # will only search your computer in order to identify and correct any conditions ...": partly.
        floor = passages[deciding].score - margin
        for i, clause in enumerate(clauses):
            if clause and _LIMITED.search(clause) and passages[i].score >= floor:
                return "partial", i, "", _LIMITED
    # "If I ask ZoomSupport to erase my data, will it delete all of it?" is "partly" where the policy keeps some back:
    # "We may need to retain certain information for recordkeeping purposes".
    if (
        practice == "access_deletion"
        and verdict == "yes"
        and _ALL_OF_IT_GONE.search(question)
        and (found := _first_saying(_SOME_KEPT, clauses, passages, text))
    ):
        return "partial", found[0], found[1], None  # supported by the right it qualifies, as retrieved
    # "Is my card safe with Zopim?" is "partly" where the care taken is disclaimed: "Zopim takes reasonable steps to
    # protect personal information ..." and "no Internet or electronic transmission ... is ever fully secure".
    if (
        practice == "security"
        and verdict == "yes"
        and _ASKS_IF_SAFE.search(question)
        and (found := _first_saying(SECURITY_DISCLAIMER, clauses, passages, text))
    ):
        return "partial", found[0], found[1], None
    # "My lawyer uses INSZoom: can I ask INSZoom to delete my data?" is "no" where the policy sends such people to its
    # customer ("you will be directed to contact the related customer"), and "do I have to go through that company
    # instead?" is "yes" by the same clause.
    if (
        practice == "access_deletion"
        and via_a_customer
        and (found := _first_saying(_ASK_THE_CUSTOMER, clauses, passages, text))
    ):
        return ("yes" if _THROUGH_THEM.search(question) else "no"), found[0], found[1], _THE_CUSTOMERS_OWN
    return verdict, deciding, "", None


def _names_personal(text: str) -> bool:
    return _PERSONAL.search(text) is not None


def _first_saying(
    pattern: re.Pattern[str], clauses: list[str], passages: list[Passage], text: str
) -> tuple[int, str] | None:
    """The first passage whose clause may answer (non-empty) with a sentence matching `pattern`, and that sentence."""
    for i, p in enumerate(passages):
        sentence = next((text[a:b] for a, b in p.sentences if pattern.search(text[a:b])), "")
        if clauses[i] and sentence:
            return i, sentence
    return None


def _as_asked(
    question: str,
    practice: str | None,
    verdict: Verdict,
    deciding: int,
    clauses: list[str],
    contexts: list[str],
    kinds: set[str] | None = None,
) -> tuple[Verdict, int]:
    """The verdict and deciding clause for a question that clauses answer the other way round or in other
    words than its practice's: "Can a tech connect without asking me first?" is "no" when "our Agent must
    receive your prior explicit consent", "Will they change the policy without telling me?" is "no" when "you
    will be provided with 30 days' advance notice", "Do they wipe my data as soon as I stop using them?" is "no"
    when "we may retain your data even after you stop using our services", and "Can I call them to make a
    request?" is "no" when "we will not accept requests via telephone". `kinds` are the stems of what a
    retention question names ("my posts")."""
    if verdict == "yes" and _WITHOUT_ASKING.search(question):
        for i, clause in enumerate(clauses):
            if (
                clause
                and _NEEDS_CONSENT.search(clause)
                and not _OR_OTHERWISE.search(clause)  # "only with consent or in one of the following circumstances"
                and not _A_RIGHT.search(clause)  # a right's condition gates no practice
                and clause_verdict(practice, clause, contexts[i])
            ):
                return "no", i
    if practice in ("legal_rights", "access_deletion"):
        # "Can I call IPC to make a Shine the Light request?" is answered by the ways requests are taken: "we will
        # not accept requests via telephone, mail, or facsimile".
        asked = [way for way in _WAYS.values() if way.search(question)]
        for i, clause in enumerate(clauses):
            if clause and _REQUESTS_VIA.search(clause) and any(way.search(clause) for way in asked):
                return ("no" if _REFUSED.search(clause) else "yes"), i
    if practice == "change_notice" and verdict in ("yes", "no") and _WITHOUT_TELLING.search(question):
        return ("no" if verdict == "yes" else "yes"), deciding
    if (
        practice == "retention"
        and verdict == "yes"
        and _FOREVER.search(question)
        and not _FOREVER.search(clauses[deciding])
    ):
        # "Does my data sit in their backups forever?" is "no" when a period is stated ("deleted from backups
        # after 3 months"); a vague one ("as long as necessary") stays "partly".
        return "no", deciding
    if practice == "retention" and _DELETED_AT_ONCE.search(question):
        for i, clause in enumerate(clauses):
            if clause and _KEPT_AFTER.search(clause) and clause_verdict(practice, clause, contexts[i]):
                return "no", i
    still = _STILL_KEPT.search(question) is not None
    if practice == "retention" and (still or _GONE.search(question)) and not _FOREVER.search(question):
        # "If I quit, do my posts go away?" is "no" and "do they still have my tweet?" "yes" by "your posts ... may
        # remain even after you terminate your account": a clause on what is asked about, when it names something.
        for i, clause in enumerate(clauses):
            if (
                clause
                and _KEPT_ON.search(clause)
                and (not kinds or kinds & _stems(clause))
                and clause_verdict(practice, clause, contexts[i])
            ):
                return ("yes" if still else "no"), i
    return verdict, deciding


def _exception_beside(practice: str | None, text: str, passage: Passage, denial: str) -> str:
    """A sentence of the denial's passage that affirms the practice on your say-so, else ""."""
    return _beside(practice, text, passage, denial, on_your_say_so, ("yes", "partial"))


def _condition_beside(practice: str | None, text: str, passage: Passage, affirmation: str) -> str:
    """A sentence of the affirmation's passage that holds the practice to something you must have or do, else ""."""
    return _beside(practice, text, passage, affirmation, has_a_precondition, ("partial",))


def _beside(
    practice: str | None,
    text: str,
    passage: Passage,
    clause: str,
    kind: Callable[[str], bool],
    verdicts: tuple[str, ...],
) -> str:
    for start, end in passage.sentences:
        sentence = text[start:end]
        if sentence != clause and kind(sentence) and clause_verdict(practice, sentence) in verdicts:
            return sentence
    return ""


def _denial_naming(practice: str | None, text: str, passage: Passage, kinds: set[str]) -> str:
    """A sentence of the passage, or an aside in brackets in one, that denies the practice for what the question
    names, by name or by a term the policy defines with it: "IPC does not use Customer Content for any marketing"
    names messages where the policy defines "Content generated in messages ... (“Customer Content”)"."""
    terms = _defined_terms(text)
    for start, end in passage.sentences:
        sentence = text[start:end]
        for part in (sentence, *_ASIDE.findall(sentence)):
            named = _stems(part).union(*(stems for term, stems in terms.items() if term in part))
            if kinds & named and clause_verdict(practice, _PROMOTING.sub("advertising", part)) == "no":
                return part
    return ""


# Using data for marketing or promotions is advertising with it: "IPC does not use Customer Content for any marketing or
# promotions" (read so for this denial only; as a word of the advertising lexicon it would draw in every promotion).
_PROMOTING = re.compile(r"\bmarketing (or|and|&) promotions?\b", re.IGNORECASE)
_ASIDE = re.compile(r"\(([^()]{20,})\)")
# A term a policy defines: "Content generated in messages that are hosted on IPC products and services (“Customer Content”)".
# A defined name of one word is most often the company's own ("Instant Prospect Conversion (“IPC”)"): left out.
_DEFINED = re.compile(r"([^.:;()\n]{10,200})\(\s*[“\"]([A-Z][\w-]+(?: [\w-]+){1,4})[”\"]\s*\)")


@functools.lru_cache(maxsize=16)
def _defined_terms(text: str) -> dict[str, set[str]]:
    """The terms a policy defines, each with the stems of the words defining it up to a relative clause: "Content
    generated in messages" of "Content generated in messages that are hosted on IPC products (“Customer Content”)";
    and of the kinds it lists as the term's own elsewhere: "audio, video, chat, screen sharing, attachments or other
    communications-like Customer Content"."""
    terms = {}
    for found in _DEFINED.finditer(text):
        term = found.group(2)
        listed = re.finditer(_KINDS_LISTED + r"\s+or other\b[^.;:()]{0,30}?\b" + re.escape(term), text)
        words = " ".join([_RELATIVE.split(found.group(1), maxsplit=1)[0], *(kinds.group(1) for kinds in listed)])
        terms[term] = _subject_stems(words, [])
    return terms


# A list of short items: "audio, video, chat, screen sharing, attachments".
_KINDS_LISTED = r"((?:[\w-]+(?: [\w-]+)?, )+[\w-]+(?: [\w-]+)?,?)"


_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|where)\b", re.IGNORECASE)


def _speaking_sentence(practice: str | None, text: str, passage: Passage, actor: re.Pattern[str]) -> tuple[str, str]:
    """The passage's best-ranked sentence that states the practice (else one that names it, else
    the passage), with its context: its section heading and its paragraph up to it.

    For a descriptive practice, a sentence that states it plainly is preferred to one that states it
    only vaguely: "we post revisions and, if significant, email you" answers "will they tell me?"
    though "we revise the 'last updated' date" ranked first.

    Of plain statements of the same stance, one by the company (`actor`: "we", "our", its names) is preferred
    to one about the practice in general: "Zopim uses cookies to sign you in" rather than "Cookies
    contain information that can later be read by a web server".

    A verdict is read from one statement, so a denial and the next sentence's unrelated
    affirmation in the same citation never blend into a false "partial". A sentence is read
    in its context, so "we do not honor these requests" after a Do-Not-Track heading speaks
    to Do Not Track.
    """
    named = vague = plain = None
    for start, end in passage.sentences:
        paragraph = text.rfind("\n", 0, start) + 1
        context = f"{passage.chunk.section}\n{text[paragraph:start]}"
        found = stance(practice, text[start:end], context)
        if found is not None and found[1]:
            if found[0] != "partial" or practice in ACTION_PRACTICES:
                if actor.search(text[start:end]) and (plain is None or plain[0] == found[0]):
                    return text[start:end], context
                plain = plain or (found[0], text[start:end], context)
                continue
            vague = vague or (text[start:end], context)
        if found is not None and named is None:
            named = text[start:end], context
    if plain is not None:
        return plain[1], plain[2]
    return vague or named or (text[passage.start : passage.end], passage.chunk.section)


def _whole_clause(practice: str | None, text: str, clause: str, after: int) -> str:
    """The deciding clause as shown: with the list it announces, or for a postal address, the whole
    address block ("40215 Düsseldorf" is shown with the company, street, country and attention line)."""
    if practice == "postal_address":
        from assistant.profile import unit_at

        at = text.find(clause, after)
        block = unit_at(text, at) if at >= 0 else None
        if block is not None and block[1] - block[0] <= _LIST_CHARS:
            return text[block[0] : block[1]]
    return _with_its_list(text, clause, after)


def _with_its_list(text: str, clause: str, after: int) -> str:
    """`clause` (found in `text` from `after` on) with the items of the list it announces, if it ends
    with a colon: "This information will be used only for:" says nothing until its items follow. The
    result is one span of the policy, as many whole items as fit in `_LIST_CHARS` (at least one)."""
    start = text.find(clause, after)
    if start < 0 or not clause.rstrip().endswith(":"):
        return clause
    end = lead = start + len(clause.rstrip())
    while (item := _LIST_ITEM.match(text, end)) and (end == lead or item.end() - start <= _LIST_CHARS):
        end = item.end()
    return text[start:end]


def _subject_stems(question: str, names: list[str]) -> set[str]:
    """Word stems of what the question names, its company names and words any privacy question
    uses left out (empty when it names nothing else)."""
    ignore = _GENERIC_WORDS | {w for name in names for w in _WORDS.findall(name.lower())}
    words = _WORDS.findall(question.lower())
    stems = _stems(" ".join(w for w in words if w not in ignore and (len(w) > 2 or w in _SYNONYMS)))
    return stems | {s for stem in stems if stem in _SYNONYMS for s in _stems(_SYNONYMS[stem])}


# Other words policies use for what users name: "telephone conversations" are calls, a "pc" is a computer.
_SYNONYMS = {
    "call": "telephone",
    "phone": "telephone",
    "chat": "conversation message",
    "meet": "webinar video audio",
    "pc": "computer",
    "laptop": "computer",
    "tweet": "twitter social media",
    "facebook": "social media",
    "instagram": "social media",
}


# Verbs of collecting: what a collection question names besides them is the kind of data asked about.
_COLLECTING = frozenset(
    """
    collect collects collected collecting gather gathers harvest harvests record records recorded recording
    log logs logged logging track tracks tracked tracking monitor monitors monitoring scan scans scanning
    read reads reading grab grabs capture captures scrape scrapes snoop snoops hoover eavesdrop listen listens
    listening receive receives obtain obtains save saves store stores stored keep keeps kept know knows see
    sees access accesses hold holds ask asking automatically automatic
    """.split()
)


# Words of keeping and deleting: what a retention question names besides them is the kind of data it asks about.
_KEEPING = frozenset(
    """
    keep keeps kept still have has hold holds store stores retain retains delete deletes deleted remove removes removed
    erase wipe wiped quit close cancel leave away gone disappear
    """.split()
)


# Words of advertising: what an advertising question names besides them is the kind of data it would use.
_ADVERTISING = frozenset(
    """
    advertise advertises advertised advertising advertisement advertisements advertiser advertisers ads ad market
    markets marketing marketer marketers promote promotes promoted promotion promotions promotional target targets
    targeted targeting show shows send sends own personalise personalize personalised personalized get gets
    partner partners share shares shared sharing give gives hand hands pass passes sell sells disclose discloses
    """.split()
)


# Words of encrypting: what an encryption question names besides them is what it asks to be encrypted.
_ENCRYPTING = frozenset(
    "encrypt encrypts encrypted encrypting encryption end secure secured securely protect protected safe safely "
    "scrambled scramble scrambles locked lock nobody snoop snooping store stores stored storing keep keeps kept".split()
)
# A clause on data in general covers any kind of it: "we encrypt all data in transit".
_ANY_DATA = re.compile(r"\b(data|information)\b", re.IGNORECASE)


def _stems_of_the_kind_asked(question: str, names: list[str], verbs: frozenset[str] = _COLLECTING) -> set[str]:
    """Stems of the kind of data a question names besides its verbs (of collecting, by default), with
    those of the other words policies use for it: "my phone calls" in "Does InsideSales record my phone
    calls?" (and "telephone"); empty when it names none."""
    return _subject_stems(" ".join(w for w in _WORDS.findall(question.lower()) if w not in verbs), names)


def _stems_of_the_kind_advertised(question: str, query: str, names: list[str]) -> set[str]:
    """Stems of the kind of data an advertising question names besides its words of advertising: "my chats" in "does
    IPC use my chats to advertise to me?" (not "advertis" of "advertisers"). A follow-up naming none ("would they
    use that for ads?") names what its query carries from the earlier question."""
    ads = _advertising_stems()
    return (_stems_of_the_kind_asked(question, names, _ADVERTISING) - ads) or (
        _stems_of_the_kind_asked(query, names, _ADVERTISING) - ads
    )


@functools.cache
def _advertising_stems() -> frozenset[str]:
    """The stems of the words of advertising, stemmed once."""
    return frozenset(_stems(" ".join(_ADVERTISING)))


# Words that ask for something without saying what: "compare them", "tell me about Zopim", "IPC privacy policy summary".
_ASKING_WORDS = frozenset(
    """
    compare comparison versus between difference differences differ tell show explain summarize summarise summary
    overview tldr tl dr privacy policy policies notice statement
    """.split()
)


def _names_something(question: str) -> bool:
    """Whether a question has a word beyond the grammar of asking (any word of a non-Latin script counts)."""
    words = re.findall(r"\w+", question.lower())
    return any(w not in _FUNCTION_WORDS and w not in _ASKING_WORDS and (len(w) > 2 or not w.isascii()) for w in words)


def _stems(text: str) -> set[str]:
    stem = stemmer().stemWord
    return {stem(w) for w in _WORDS.findall(text.lower())}


def is_incident_question(question: str) -> bool:
    """Questions about events (breaches, fines, lawsuits, a framework struck down since the policy was written), which
    policies describe no history of: "has Zopim ever been hacked?", not "can they promise nobody will ever hack it?",
    which asks of what is to come."""
    if _SINCE_WRITTEN.search(question):
        return True
    found = _INCIDENT.search(question)
    if found is None:
        return False
    before = question[max(0, found.start() - 30) : found.start()]
    return not (found.group().lower().startswith("ever") and _TO_COME.search(before) and not _HAS_BEEN.search(before))


def _overall_verdict(parts: list[CompanyAnswer]) -> Verdict:
    verdicts = {p.verdict for p in parts}
    if not verdicts:
        return "not_stated"
    return verdicts.pop() if len(verdicts) == 1 else "partial"


def _practice_phrase(practice: str | None) -> str:
    if practice in QUESTION_ONLY:
        return QUESTION_ONLY[practice].phrase
    return PRACTICES[practice].question if practice in PRACTICES else "anything on this"


def render_answer(answer: Answer, resolved: Resolved) -> str:
    """The extractive answer text: a verdict per company and the clause that decided it."""
    lines: list[str] = []
    for name in answer.unknown_companies:
        lines.append(
            f"I have no privacy policy for {name} in the index, so I can't answer for {name} (and won't answer from "
            f'another company\'s policy). Add it with: policy-assistant ingest PATH --company "{name}"'
        )
    phrase = _practice_phrase(answer.practice)
    if is_incident_question(resolved.search_text):
        phrase = (
            "anything about what has happened since it was written (a privacy policy states its practices when written)"
            if _SINCE_WRITTEN.search(resolved.search_text)
            else "anything about past incidents (a privacy policy describes practices, not a company's history)"
        )
    elif resolved.parties:
        phrase = f"{phrase} in any clause naming {' or '.join(resolved.parties)}"
    if len(answer.per_company) > 1:
        from assistant.compare import render_comparison  # two or more companies: a table

        lines.append(render_comparison(answer, phrase, by_verdict=resolved.everyone))
    for part in answer.per_company if len(answer.per_company) == 1 else []:
        if part.verdict == "not_stated":
            line = f"{part.company}: Not stated. The policy does not say {phrase}."
            if part.near_misses:
                miss = part.near_misses[0]
                line += (
                    f" The closest it comes (not an answer): “{_short(miss.quote)}” ({miss.section or 'no section'})."
                )
        else:
            cited = part.citations[0]
            where = f" in “{cited.section}”" if cited.section else ""
            label = verdict_label(part.verdict, answer.question_form)
            deciding = part.deciding or cited.quote
            if part.qualifies:  # a denial and its exception: both are the answer
                line = f"{part.company}: {label}. It says “{part.qualifies}”, but also{where}: “{deciding}”"
            else:
                line = f"{part.company}: {label}. Decided by this clause{where}: “{deciding}”"
        lines.append(line)
    if resolved.inherited:
        lines.append(f"(Follow-up: {' and '.join(resolved.inherited)} taken from earlier in the conversation.)")
    if not lines:
        lines.append("No policies are indexed yet. Add one with: policy-assistant ingest PATH")
    return "\n".join(lines)


def _pieces(text: str) -> Iterator[str]:
    """Split text into line-sized pieces (each keeps its newline) for streaming."""
    yield from text.splitlines(keepends=True)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_assistant(settings: Settings, progress: bool = False, shipped_documents: bool = False) -> Assistant:
    """Wire embedder, store (filled with the bundled policies if empty), retriever and optional reranker.

    Documents are embedded with the query adapter's updates for documents, if it has any, unless
    `shipped_documents` (evaluation indexes with the model as it ships and scores each held-out
    fold's document model on its own policies).
    """
    from assistant.adapter import load_adapter
    from assistant.llm import build_writer
    from assistant.practices import tag_text
    from assistant.rerank import load_reranker
    from index.embeddings import MiniLMEmbeddings
    from index.ingest import ensure_bundled, upgrade_index
    from index.store import PolicyStore

    # A bad reranker folder fails first, before any index work.
    reranker = load_reranker(settings.reranker) if settings.reranker is not None else None
    embedder = MiniLMEmbeddings(settings.embedding_model)
    adapter = load_adapter(settings.query_adapter, settings.embedding_model)
    documents = adapter.documents(embedder) if adapter is not None and not shipped_documents else embedder
    store = PolicyStore(settings, documents, tagger=tag_text)
    upgrade_index(store, progress=progress)
    ensure_bundled(store, progress=progress)
    return Assistant(settings, store, embedder, writer=build_writer(settings.llm), reranker=reranker, adapter=adapter)
