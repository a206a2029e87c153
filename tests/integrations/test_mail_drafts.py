"""Mail drafts: the Gmail client against a fake Gmail over httpx.MockTransport, and the local .eml stand-in."""

from __future__ import annotations

import base64
import email
from datetime import UTC, datetime, timedelta
from email import policy
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from core.clock import FixedClock
from core.errors import ConfigurationError
from integrations.mail_drafts import (
    GmailDrafts,
    LocalMailDrafts,
    MailDraftsError,
    MailDraftsUnauthorized,
    MailDraftsUnavailable,
    build_mail_drafts,
    local_mailbox,
    message_id,
)

T0 = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
MAILBOX = "rep@company.example"


class FakeGmail:
    """Google's token endpoint and the Gmail drafts API, as far as the client uses them."""

    def __init__(self) -> None:
        self.drafts: dict[str, bytes] = {}
        self.requests: list[httpx.Request] = []
        self.token_calls: list[dict[str, list[str]]] = []
        self.fail_next: list[int] = []
        self.token_status = 200
        self.issued = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "oauth2.googleapis.com":
            form = parse_qs(request.content.decode())
            self.token_calls.append(form)
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_grant"})
            self.issued += 1
            return httpx.Response(200, json={"access_token": f"token-{self.issued}", "expires_in": 3599})
        assert request.url.host == "gmail.googleapis.com"
        if self.fail_next:
            return httpx.Response(self.fail_next.pop(0), json={"error": {"message": "nope"}})
        if request.headers["Authorization"] != f"Bearer token-{self.issued}":
            return httpx.Response(401, json={"error": {"message": "stale token"}})
        path = request.url.path
        if request.method == "GET" and path == "/gmail/v1/users/me/drafts":
            wanted = request.url.params["q"].removeprefix("rfc822msgid:")
            found = [{"id": i} for i, raw in self.drafts.items() if _parse(raw)["Message-ID"] == wanted]
            return httpx.Response(200, json={"drafts": found} if found else {"resultSizeEstimate": 0})
        if request.method == "POST" and path == "/gmail/v1/users/me/drafts":
            raw = base64.urlsafe_b64decode(httpx.Response(200, content=request.content).json()["message"]["raw"])
            draft_id = f"r{len(self.drafts) + 1}"
            self.drafts[draft_id] = raw
            return httpx.Response(200, json={"id": draft_id, "message": {"id": "m1"}})
        draft_id = path.rsplit("/", 1)[-1]
        if draft_id not in self.drafts:
            return httpx.Response(404, json={"error": {"message": "not found"}})
        if request.method == "PUT":
            body = httpx.Response(200, content=request.content).json()
            self.drafts[draft_id] = base64.urlsafe_b64decode(body["message"]["raw"])
            return httpx.Response(200, json={"id": draft_id})
        if request.method == "DELETE":
            del self.drafts[draft_id]
            return httpx.Response(204)
        return httpx.Response(405)


def _parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


@pytest.fixture
def gmail() -> FakeGmail:
    return FakeGmail()


def client(fake: FakeGmail, clock: FixedClock | None = None) -> GmailDrafts:
    return GmailDrafts(
        client_id="client-id", client_secret=SecretStr("client-secret"),
        refresh_token_for=lambda mailbox: SecretStr(f"refresh-{mailbox}") if mailbox == MAILBOX else None,
        http=httpx.Client(transport=httpx.MockTransport(fake)), clock=clock or FixedClock(T0),
    )  # fmt: skip


def test_create_sends_a_base64url_rfc2822_message_after_the_refresh_token_flow(gmail: FakeGmail) -> None:
    draft = client(gmail).create_draft(mailbox=MAILBOX, key="touch-7", to="dana@lead.example",
                                       subject="Quick question", body="Hi Dana,\n\nA short note.")  # fmt: skip
    assert draft.draft_id == "r1" and draft.mailbox == MAILBOX
    assert gmail.token_calls == [{
        "grant_type": ["refresh_token"], "client_id": ["client-id"], "client_secret": ["client-secret"],
        "refresh_token": [f"refresh-{MAILBOX}"],
    }]  # fmt: skip
    message = _parse(gmail.drafts["r1"])
    assert message["To"] == "dana@lead.example" and message["From"] == MAILBOX
    assert message["Subject"] == "Quick question" and message["Message-ID"] == message_id("touch-7")
    assert message.get_content().strip() == "Hi Dana,\n\nA short note."


def test_a_retry_with_the_same_key_finds_the_draft_instead_of_making_a_second(gmail: FakeGmail) -> None:
    first = client(gmail).create_draft(mailbox=MAILBOX, key="touch-7", to="a@b.example", subject="s", body="b")
    # A fresh client (a new worker after a crash) with the same key.
    second = client(gmail).create_draft(mailbox=MAILBOX, key="touch-7", to="a@b.example", subject="s", body="b")
    assert first == second and len(gmail.drafts) == 1
    other = client(gmail).create_draft(mailbox=MAILBOX, key="touch-8", to="a@b.example", subject="s", body="b")
    assert other.draft_id != first.draft_id and len(gmail.drafts) == 2


def test_update_replaces_the_message_and_delete_drops_it(gmail: FakeGmail) -> None:
    gmail_client = client(gmail)
    draft = gmail_client.create_draft(mailbox=MAILBOX, key="touch-1", to="a@b.example", subject="s", body="old")
    gmail_client.update_draft(mailbox=MAILBOX, draft_id=draft.draft_id, key="touch-1", to="a@b.example",
                              subject="s", body="the rep's own words")  # fmt: skip
    assert _parse(gmail.drafts[draft.draft_id]).get_content().strip() == "the rep's own words"
    gmail_client.delete_draft(mailbox=MAILBOX, draft_id=draft.draft_id)
    assert gmail.drafts == {}
    gmail_client.delete_draft(mailbox=MAILBOX, draft_id=draft.draft_id)  # already gone: fine


def test_access_token_is_reused_until_it_expires_and_refreshed_once_on_401(gmail: FakeGmail) -> None:
    clock = FixedClock(T0)
    gmail_client = client(gmail, clock)
    for key in ("touch-1", "touch-2"):
        gmail_client.create_draft(mailbox=MAILBOX, key=key, to="a@b.example", subject="s", body="b")
    assert len(gmail.token_calls) == 1
    clock.advance(timedelta(hours=1))
    gmail_client.create_draft(mailbox=MAILBOX, key="touch-3", to="a@b.example", subject="s", body="b")
    assert len(gmail.token_calls) == 2
    gmail.issued += 1  # Google revoked the cached token early: the API answers 401 once
    gmail_client.create_draft(mailbox=MAILBOX, key="touch-4", to="a@b.example", subject="s", body="b")
    assert len(gmail.token_calls) == 3 and len(gmail.drafts) == 4


def test_errors_map_into_the_projects_tree(gmail: FakeGmail) -> None:
    with pytest.raises(MailDraftsUnauthorized, match="no Gmail refresh token"):
        client(gmail).create_draft(mailbox="other@company.example", key="k", to="", subject="s", body="b")
    gmail.fail_next = [503]
    with pytest.raises(MailDraftsUnavailable):
        client(gmail).create_draft(mailbox=MAILBOX, key="k", to="", subject="s", body="b")
    gmail.fail_next = [400]
    with pytest.raises(MailDraftsError):
        client(gmail).create_draft(mailbox=MAILBOX, key="k", to="", subject="s", body="b")
    gmail.token_status = 400
    with pytest.raises(MailDraftsUnauthorized, match="invalid_grant") as refused:
        client(gmail).create_draft(mailbox=MAILBOX, key="k", to="", subject="s", body="b")
    assert f"refresh-{MAILBOX}" not in str(refused.value) and "client-secret" not in str(refused.value)


def test_transport_failure_is_unavailable() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    gmail_client = GmailDrafts(client_id="c", client_secret=SecretStr("s"), refresh_token_for=lambda m: SecretStr("r"),
                               http=httpx.Client(transport=httpx.MockTransport(broken)))  # fmt: skip
    with pytest.raises(MailDraftsUnavailable):
        gmail_client.create_draft(mailbox=MAILBOX, key="k", to="", subject="s", body="b")


def test_local_drafts_are_keyed_files_with_a_stable_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    local = LocalMailDrafts(tmp_path)
    mailbox = local_mailbox(3)
    first = local.create_draft(mailbox=mailbox, key="touch-1", to="dana@lead.example", subject="Hello", body="One")
    again = local.create_draft(mailbox=mailbox, key="touch-1", to="dana@lead.example", subject="Hello", body="Two")
    assert first == again
    files = list(tmp_path.rglob("*.eml"))
    assert [f.parent.name for f in files] == ["rep-3"]
    message = _parse(files[0].read_bytes())
    assert message["Subject"] == "Hello" and message.get_content().strip() == "One"
    local.update_draft(mailbox=mailbox, draft_id=first.draft_id, key="touch-1", to="d@l.example", subject="Hello",
                       body="Edited")  # fmt: skip
    assert _parse(files[0].read_bytes()).get_content().strip() == "Edited"
    local.delete_draft(mailbox=mailbox, draft_id=first.draft_id)
    local.delete_draft(mailbox=mailbox, draft_id=first.draft_id)
    assert list(tmp_path.rglob("*.eml")) == []


def test_wiring_routes_local_mailboxes_and_refuses_gmail_without_a_client(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    router = build_mail_drafts(settings.model_copy(update={"data_dir": tmp_path}))
    router.create_draft(mailbox=local_mailbox(1), key="touch-1", to="", subject="s", body="b")
    assert len(list((tmp_path / "drafts").rglob("*.eml"))) == 1
    with pytest.raises(ConfigurationError, match="GOOGLE_CLIENT_ID"):
        router.create_draft(mailbox=MAILBOX, key="touch-2", to="", subject="s", body="b")
    gmail = FakeGmail()
    configured = settings.model_copy(update={"google_client_id": "c", "google_client_secret": SecretStr("s")})
    router = build_mail_drafts(configured, refresh_token_for=lambda m: SecretStr("r"),
                               http=httpx.Client(transport=httpx.MockTransport(gmail)))  # fmt: skip
    assert router.create_draft(mailbox=MAILBOX, key="touch-2", to="", subject="s", body="b").draft_id == "r1"
