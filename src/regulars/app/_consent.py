"""``consent``: what a person agrees to now and the history it comes from; changes from the owner,
the API, the preference page and the unsubscribe link a message carries; those links, signed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from regulars.app._results import Result
from regulars.errors import NotFoundError, SettingsError
from regulars.store import TOPICS, open_workspace

__all__ = ["ConsentResult", "answer", "consent", "message_links", "preferences", "set_consent", "unsubscribe"]

#: Words a person or a file may use for an answer.
_YES, _NO = ("yes", "y", "true", "1", "on", "agree", "agreed"), ("no", "n", "false", "0", "off", "withdraw", "withdrawn")


@dataclass(frozen=True)
class ConsentResult(Result):
    """A person's consent: per topic what they agree to now (None: never answered), the
    history newest first, and the links to their preference page and to unsubscribe."""

    customer_id: str
    name: str | None
    topics: dict[str, str]
    now: dict[str, bool | None]
    history: list[dict[str, Any]]
    preferences_link: str
    made: int = 0
    done: str = ""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def answer(value: Any, where: str) -> bool:
    """A yes or a no, from a flag or a word; anything else is refused, naming ``where``."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise SettingsError(f"{where}: say yes or no, got {value!r}")


def message_links(workspace: Any, store: Any) -> Callable[[str, str], dict[str, str]]:
    """Per person and channel, the links a message carries: their preference page and
    unsubscribing from the channel (none for a channel that messages nobody)."""
    from regulars.privacy import sign_person_link
    from regulars.store import survey_secret

    serve = workspace.settings.serve
    base = (serve.public_url or f"http://{serve.host}:{serve.port}").rstrip("/")
    secret, expires = survey_secret(store), _now().date() + timedelta(days=serve.preference_days)

    def links(customer_id: str, channel: str) -> dict[str, str]:
        out = {"preferences": f"{base}/preferences/{sign_person_link(secret, 'prefs', customer_id, expires)}"}
        if channel in ("email", "sms"):
            out["unsubscribe"] = f"{base}/unsubscribe/{sign_person_link(secret, f'unsub-{channel}', customer_id, expires)}"
        return out

    return links


def _result(workspace: Any, store: Any, customer_id: str, made: int = 0, done: str = "") -> ConsentResult:
    from regulars.store import consent_history, consent_state, customer_names

    state = consent_state(store, [customer_id]).get(customer_id, {})
    return ConsentResult(customer_id=customer_id, name=customer_names(store, [customer_id]).get(customer_id),
                         topics=dict(TOPICS), now={t: state.get(t) for t in TOPICS},
                         history=consent_history(store, customer_id),
                         preferences_link=message_links(workspace, store)(customer_id, "task")["preferences"],
                         made=made, done=done)


def consent(workspace_path: str | Path, who: str) -> ConsentResult:
    """What the person ``who`` names agrees to now, and every change behind it."""
    from regulars.store import customer_named

    workspace = open_workspace(workspace_path)
    with workspace.store() as store:  # a writer: the link's secret is made on first need
        return _result(workspace, store, customer_named(store, who))


def set_consent(workspace_path: str | Path, who: str, choices: dict[str, Any], *, source: str = "owner",
                detail: str | None = None) -> ConsentResult:
    """Record the person's choices (``topic`` -> yes or no) from ``source`` (the owner, the API),
    as new entries of their history; a choice they already hold is not recorded again."""
    from regulars.store import customer_named, record_consent

    if not choices:
        raise SettingsError(f"say which choice to record: {', '.join(f'--{t} yes|no' for t in TOPICS)}")
    given = {t: answer(v, t) for t, v in choices.items()}
    workspace = open_workspace(workspace_path)
    with workspace.store() as store, store.transaction():
        customer_id = customer_named(store, who)
        made = record_consent(store, customer_id, given, source=source, detail=detail, at=_now())
        store.audit("consent", {"customer_id": customer_id, "choices": given, "source": source}, actor=source)
        return _result(workspace, store, customer_id, made)


def _opened(store: Any, token: str) -> tuple[str, str]:
    from regulars.privacy import read_person_link
    from regulars.store import is_customer, survey_secret

    purpose, customer_id = read_person_link(survey_secret(store), token, _now().date())
    if not is_customer(store, customer_id):
        raise NotFoundError("this link is not one we sent; check it was copied whole")
    return purpose, customer_id


def preferences(workspace_path: str | Path, token: str, choices: dict[str, Any] | None = None) -> ConsentResult:
    """The preference page behind a signed link: what the person agrees to and their history;
    with ``choices`` (from the page's form: a topic left out is a no), recorded first."""
    from regulars.store import record_consent

    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        _, customer_id = _opened(store, token)
        if choices is None:
            return _result(workspace, store, customer_id)
        given = {t: answer(choices.get(t, "no"), t) for t in TOPICS}
        with store.transaction():
            made = record_consent(store, customer_id, given, source="preference page", detail=None, at=_now())
        return _result(workspace, store, customer_id, made, "Your choices are saved." if made else
                       "Nothing changed: these were your choices already.")


def unsubscribe(workspace_path: str | Path, token: str, *, confirm: bool) -> ConsentResult:
    """The unsubscribe link of a message: with ``confirm`` (the page's button, or a mail
    program's one-click request), a "no" to the link's channel is recorded."""
    from regulars.privacy import LINK_PURPOSES
    from regulars.store import record_consent

    workspace = open_workspace(workspace_path)
    with workspace.store() as store:
        purpose, customer_id = _opened(store, token)
        topic = LINK_PURPOSES[purpose] or "email"
        if not confirm:
            return _result(workspace, store, customer_id, done=f"unsubscribe from {TOPICS[topic]}")
        with store.transaction():
            made = record_consent(store, customer_id, {topic: False}, source="unsubscribe link", detail=None,
                                  at=_now())
        return _result(workspace, store, customer_id, made, f"You will get no more {TOPICS[topic]} from us.")
