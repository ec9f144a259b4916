"""Domain errors: one place for every mistake a user can make.

The CLI and the UI catch `PolicyAssistantError` and show its message, never a traceback.
"""


class PolicyAssistantError(Exception):
    """Base class for errors whose message is meant for the user."""


class InputError(PolicyAssistantError):
    """A file, folder, question or option the user gave cannot be used."""


class UnknownCompanyError(PolicyAssistantError):
    """A company was named that has no policy in the index."""


class StoreError(PolicyAssistantError):
    """The index on disk (or the Chroma server) cannot be used."""


class BackendError(PolicyAssistantError):
    """An optional backend (LLM, reranker) is misconfigured or missing its extra."""
