"""Pushing email drafts into a rep's mailbox: the Gmail API client and the local .eml stand-in.

The agent package may never import this module (import contract in pyproject.toml).

Every draft is keyed by its touch (`key`, e.g. "touch-42"): the key becomes the message's Message-ID, so
a retried create finds the draft an earlier, interrupted try made instead of making a second one (Gmail:
a drafts search on `rfc822msgid:`; local: the file name is derived from the key).

Mailboxes are named by the caller: "local:<folder>" is the stand-in (drafts under data/drafts/<folder>/),
anything else is a Gmail address whose OAuth refresh token the wiring supplies.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from core.clock import Clock, SystemClock
from core.config import Settings
from core.errors import ConfigurationError, SalesAgentError

log = logging.getLogger(__name__)

GMAIL_API = "https://gmail.googleapis.com"
TOKEN_URL = "https://oauth2.googleapis.com/token"
LOCAL_PREFIX = "local:"
MESSAGE_ID_DOMAIN = "sales-agent.local"
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class MailDraftsError(SalesAgentError):
    """A mailbox could not take, change or drop a draft."""


class MailDraftsUnauthorized(MailDraftsError):
    """Google refused the OAuth client or the rep's refresh token: reconnect the rep's mailbox."""


class MailDraftsUnavailable(MailDraftsError):
    """The mailbox service failed or timed out; try the step again later."""


@dataclass(frozen=True)
class Draft:
    """A draft as the mailbox holds it."""

    draft_id: str
    mailbox: str


class MailDrafts(Protocol):
    """A mailbox that can hold drafts for a rep to review and send themselves."""

    def create_draft(self, *, mailbox: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Create the draft for `key`, or return the one an earlier try made (never two per key)."""
        ...

    def update_draft(self, *, mailbox: str, draft_id: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Replace a draft's message (the rep's edit)."""
        ...

    def delete_draft(self, *, mailbox: str, draft_id: str) -> None:
        """Drop a draft; one already gone is fine."""
        ...


def message_id(key: str) -> str:
    """The Message-ID a draft keyed `key` carries."""
    return f"<{_SAFE.sub('-', key)}@{MESSAGE_ID_DOMAIN}>"


def build_message(*, key: str, sender: str | None, to: str, subject: str, body: str, date: Any = None) -> EmailMessage:
    """The RFC 2822 message of a draft (plain text, UTF-8), identified by the key's Message-ID."""
    message = EmailMessage()
    if sender:
        message["From"] = sender
    if to:
        message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id(key)
    if date is not None:
        message["Date"] = format_datetime(date)
    message.set_content(body)
    return message


def encode_raw(message: EmailMessage) -> str:
    """The base64url form Gmail's `message.raw` takes."""
    return base64.urlsafe_b64encode(message.as_bytes()).decode("ascii")


class LocalMailDrafts:
    """Drafts as .eml files under `root/<folder>/`; the draft id is derived from the key, so it is stable."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def create_draft(self, *, mailbox: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Write the draft's file unless it exists (a retry returns the same id)."""
        draft_id = "local-" + hashlib.sha256(key.encode()).hexdigest()[:20]
        path = self._path(mailbox, draft_id)
        if not path.exists():
            self._write(path, build_message(key=key, sender=None, to=to, subject=subject, body=body))
        return Draft(draft_id=draft_id, mailbox=mailbox)

    def update_draft(self, *, mailbox: str, draft_id: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Overwrite the draft's file."""
        self._write(self._path(mailbox, draft_id), build_message(key=key, sender=None, to=to, subject=subject,
                                                                 body=body))  # fmt: skip
        return Draft(draft_id=draft_id, mailbox=mailbox)

    def delete_draft(self, *, mailbox: str, draft_id: str) -> None:
        """Remove the draft's file if it is there."""
        self._path(mailbox, draft_id).unlink(missing_ok=True)

    def path_of(self, *, mailbox: str, draft_id: str) -> Path:
        """Where a draft's file lives."""
        return self._path(mailbox, draft_id)

    def _path(self, mailbox: str, draft_id: str) -> Path:
        folder = _SAFE.sub("_", mailbox.removeprefix(LOCAL_PREFIX)) or "default"
        return self.root / folder / f"{_SAFE.sub('_', draft_id)}.eml"

    @staticmethod
    def _write(path: Path, message: EmailMessage) -> None:
        # Write then rename: a crash mid-write never leaves a half draft under the final name.
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(message.as_bytes())
        temporary.replace(path)


class GmailDrafts:
    """Gmail API drafts (scope gmail.compose), one OAuth refresh token per mailbox."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: SecretStr,
        refresh_token_for: Callable[[str], SecretStr | None],
        http: httpx.Client | None = None,
        clock: Clock | None = None,
        api_base: str = GMAIL_API,
        token_url: str = TOKEN_URL,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token_for = refresh_token_for
        self.http = http or httpx.Client(timeout=httpx.Timeout(20.0, connect=5.0))
        self.clock = clock or SystemClock()
        self.api_base = api_base.rstrip("/")
        self.token_url = token_url
        self._tokens: dict[str, tuple[str, float]] = {}

    def create_draft(self, *, mailbox: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Find the draft carrying the key's Message-ID, else create it."""
        found = self._request(
            mailbox, "GET", "/gmail/v1/users/me/drafts", params={"q": f"rfc822msgid:{message_id(key)}", "maxResults": 1}
        )
        drafts = found.get("drafts") or []
        if drafts and drafts[0].get("id"):
            log.info("gmail draft for %s already exists (%s)", key, drafts[0]["id"])
            return Draft(draft_id=str(drafts[0]["id"]), mailbox=mailbox)
        raw = encode_raw(build_message(key=key, sender=mailbox, to=to, subject=subject, body=body,
                                       date=self.clock.now()))  # fmt: skip
        made = self._request(mailbox, "POST", "/gmail/v1/users/me/drafts", json={"message": {"raw": raw}})
        if not made.get("id"):
            raise MailDraftsUnavailable("Gmail created a draft but answered without its id")
        return Draft(draft_id=str(made["id"]), mailbox=mailbox)

    def update_draft(self, *, mailbox: str, draft_id: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Replace the draft's message (PUT drafts/{id})."""
        raw = encode_raw(build_message(key=key, sender=mailbox, to=to, subject=subject, body=body,
                                       date=self.clock.now()))  # fmt: skip
        self._request(mailbox, "PUT", f"/gmail/v1/users/me/drafts/{draft_id}",
                      json={"id": draft_id, "message": {"raw": raw}})  # fmt: skip
        return Draft(draft_id=draft_id, mailbox=mailbox)

    def delete_draft(self, *, mailbox: str, draft_id: str) -> None:
        """DELETE drafts/{id}; a 404 (already sent or deleted) is fine."""
        self._request(mailbox, "DELETE", f"/gmail/v1/users/me/drafts/{draft_id}", missing_ok=True)

    def _access_token(self, mailbox: str, *, fresh: bool = False) -> str:
        cached = self._tokens.get(mailbox)
        now = self.clock.now().timestamp()
        if cached and not fresh and cached[1] > now + 60:
            return cached[0]
        refresh = self.refresh_token_for(mailbox)
        if refresh is None or not refresh.get_secret_value():
            raise MailDraftsUnauthorized(f"no Gmail refresh token for {mailbox}: connect the rep's mailbox")
        data = {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self.client_secret.get_secret_value(),
            "refresh_token": refresh.get_secret_value(),
        }
        try:
            response = self.http.post(self.token_url, data=data)
        except httpx.HTTPError as exc:
            raise MailDraftsUnavailable(f"Google's token endpoint is unreachable ({type(exc).__name__})") from exc
        if response.status_code in (400, 401):
            error = _json(response).get("error", "refused")
            raise MailDraftsUnauthorized(f"Google refused the refresh token for {mailbox} ({error}): reconnect it")
        if response.status_code != 200 or not _json(response).get("access_token"):
            raise MailDraftsUnavailable(f"Google's token endpoint answered HTTP {response.status_code}")
        answer = _json(response)
        token = str(answer["access_token"])
        self._tokens[mailbox] = (token, now + float(answer.get("expires_in", 3600)))
        return token

    def _request(self, mailbox: str, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> Any:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._access_token(mailbox, fresh=attempt == 2)}"}
            try:
                response = self.http.request(method, self.api_base + path, headers=headers, **kwargs)
            except httpx.HTTPError as exc:
                raise MailDraftsUnavailable(f"Gmail is unreachable ({type(exc).__name__})") from exc
            if response.status_code == 401 and attempt == 1:
                continue  # the access token expired early: refresh once
            break
        status = response.status_code
        if status == 404 and missing_ok:
            return {}
        if status in (401, 403):
            raise MailDraftsUnauthorized(f"Gmail refused {mailbox} (HTTP {status}): check the gmail.compose grant")
        if status == 429 or status >= 500:
            raise MailDraftsUnavailable(f"Gmail is unavailable (HTTP {status})")
        if status >= 400:
            raise MailDraftsError(f"Gmail rejected the request (HTTP {status})")
        return _json(response) if response.content else {}


class MailboxRouter:
    """Sends "local:" mailboxes to the stand-in and every other mailbox to Gmail (if configured)."""

    def __init__(self, *, local: LocalMailDrafts, gmail: MailDrafts | None) -> None:
        self.local = local
        self.gmail = gmail

    def _for(self, mailbox: str) -> MailDrafts:
        if mailbox.startswith(LOCAL_PREFIX):
            return self.local
        if self.gmail is None:
            raise ConfigurationError(f"{mailbox} is a Gmail mailbox but GOOGLE_CLIENT_ID/SECRET are not set")
        return self.gmail

    def create_draft(self, *, mailbox: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Create (or find) the draft in the right mailbox."""
        return self._for(mailbox).create_draft(mailbox=mailbox, key=key, to=to, subject=subject, body=body)

    def update_draft(self, *, mailbox: str, draft_id: str, key: str, to: str, subject: str, body: str) -> Draft:
        """Replace the draft in the right mailbox."""
        return self._for(mailbox).update_draft(mailbox=mailbox, draft_id=draft_id, key=key, to=to, subject=subject,
                                               body=body)  # fmt: skip

    def delete_draft(self, *, mailbox: str, draft_id: str) -> None:
        """Drop the draft in the right mailbox."""
        self._for(mailbox).delete_draft(mailbox=mailbox, draft_id=draft_id)


def local_mailbox(rep_id: int) -> str:
    """The stand-in mailbox name of a rep whose mailbox is "local"."""
    return f"{LOCAL_PREFIX}rep-{rep_id}"


def build_mail_drafts(
    settings: Settings,
    *,
    refresh_token_for: Callable[[str], SecretStr | None] | None = None,
    http: httpx.Client | None = None,
) -> MailboxRouter:
    """Local drafts under data/drafts/, plus Gmail when the OAuth client is configured.

    Per-rep refresh tokens have no home in the settings yet: the caller passes `refresh_token_for`.
    """
    gmail: MailDrafts | None = None
    if settings.google_client_id and settings.google_client_secret:
        gmail = GmailDrafts(
            client_id=settings.google_client_id,
            client_secret=settings.google_client_secret,
            refresh_token_for=refresh_token_for or (lambda _mailbox: None),
            http=http,
        )
    return MailboxRouter(local=LocalMailDrafts(settings.data_dir / "drafts"), gmail=gmail)


def _json(response: httpx.Response) -> Any:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


__all__ = [
    "Draft",
    "GmailDrafts",
    "LocalMailDrafts",
    "MailDrafts",
    "MailDraftsError",
    "MailDraftsUnauthorized",
    "MailDraftsUnavailable",
    "MailboxRouter",
    "build_mail_drafts",
    "build_message",
    "encode_raw",
    "local_mailbox",
    "message_id",
]
