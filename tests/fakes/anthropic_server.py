"""A local fake of the Anthropic Messages API on 127.0.0.1, for end-to-end runs through the real SDK.

`POST /v1/messages` is answered by a responder (a function of the request body). Usage is estimated like
the real API reports it: about four characters a token, and a prompt prefix marked with `cache_control`
is written to a cache on first sight and read from it afterwards (input_tokens excludes both).
`ScriptedSalesAgent` is a responder that plays the model's part in the drafting and ICP conversations.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MIN_CACHEABLE_TOKENS = 1_024


@dataclass(frozen=True)
class Reply:
    """A successful answer: content blocks and why the model stopped."""

    content: list[dict[str, Any]]
    stop_reason: str = "end_turn"


@dataclass(frozen=True)
class ErrorReply:
    """An API error answer (429 rate_limit_error, 529 overloaded_error, ...)."""

    status: int
    type: str
    message: str = "fake error"
    headers: dict[str, str] = field(default_factory=dict)


Responder = Callable[[dict[str, Any]], Reply | ErrorReply]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def estimate_tokens(value: Any) -> int:
    """About four characters a token, as a rough tokenizer would count the JSON."""
    return math.ceil(len(json.dumps(value, ensure_ascii=False)) / 4)


class FakeAnthropicServer:
    """A threaded HTTP server speaking enough of the Messages API for the anthropic SDK."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.responder = responder
        self.requests: list[RecordedRequest] = []
        self._cache: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval: stop() waits for the serving loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-anthropic", daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL to give the SDK (ANTHROPIC_BASE_URL)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeAnthropicServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeAnthropicServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        """Status, headers and JSON body for one request."""
        with self._lock:
            self.requests.append(RecordedRequest(path, headers, body))
        if path != "/v1/messages":
            return 404, {}, _error("not_found_error", f"no route {path}")
        if self.responder is None:
            return 500, {}, _error("api_error", "no responder configured")
        reply = self.responder(body)
        if isinstance(reply, ErrorReply):
            return reply.status, reply.headers, _error(reply.type, reply.message)
        message = {
            "id": f"msg_fake_{len(self.requests)}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "unknown"),
            "content": reply.content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": self._usage(body, reply),
        }
        return 200, {"request-id": f"req_fake_{len(self.requests)}"}, message

    def _usage(self, body: dict[str, Any], reply: Reply) -> dict[str, int]:
        system = body.get("system") or []
        blocks = [{"type": "text", "text": system}] if isinstance(system, str) else list(system)
        prompt = estimate_tokens([body.get("tools", []), blocks, body.get("messages", [])])
        marked = [i for i, block in enumerate(blocks) if block.get("cache_control")]
        write = read = 0
        if marked:
            prefix = [body.get("tools", []), blocks[: marked[-1] + 1]]
            prefix_tokens = estimate_tokens(prefix)
            if prefix_tokens >= MIN_CACHEABLE_TOKENS:
                key = hashlib.sha256(json.dumps([body.get("model"), prefix]).encode()).hexdigest()
                with self._lock:
                    hit = key in self._cache
                    self._cache.add(key)
                read, write = (prefix_tokens, 0) if hit else (0, prefix_tokens)
        return {
            "input_tokens": max(prompt - read - write, 1),
            "output_tokens": estimate_tokens(reply.content),
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
        }


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def _handler_for(server: FakeAnthropicServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            length = int(self.headers.get("content-length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {}, _error("invalid_request_error", "body is not JSON"))
                return
            headers = {key.lower(): value for key, value in self.headers.items()}
            self._send(*server.answer(self.path.split("?")[0], headers, body))

        def _send(self, status: int, headers: dict[str, str], payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the http.server API)
            pass  # keep test output clean

    return Handler


class ScriptedSalesAgent:
    """Plays the model: ICP requests get `icp_answer`; a drafting conversation calls research_lead and
    enrich_lead, then draft_outreach with `draft_for(domain)`, redrafting after an error up to the caller's limit."""

    def __init__(self, draft_for: Callable[[str], dict[str, Any]], *, icp_answer: dict[str, Any] | None = None) -> None:
        self.draft_for = draft_for
        self.icp_answer = icp_answer or {
            "score": 0.9,
            "fit": True,
            "disqualified": [],
            "reasons": ["Industry, size and geography match the profile; the research shows buying signals."],
        }

    def __call__(self, body: dict[str, Any]) -> Reply | ErrorReply:
        """The next turn of the conversation in `body`."""
        if body.get("output_config"):
            return Reply([{"type": "text", "text": json.dumps(self.icp_answer)}])
        messages = body.get("messages", [])
        domain = _lead_domain(messages[0]["content"] if messages else "")
        if domain is None:
            return ErrorReply(400, "invalid_request_error", "no <lead> block with a domain")
        turn = sum(1 for message in messages if message["role"] == "assistant")
        if turn == 0:
            return Reply(
                [
                    {"type": "text", "text": "Researching the lead first."},
                    _tool_use("research_lead", {"domain": domain}, turn, 0),
                    _tool_use("enrich_lead", {"domain": domain}, turn, 1),
                ],
                stop_reason="tool_use",
            )
        return Reply([_tool_use("draft_outreach", self.draft_for(domain), turn, 0)], stop_reason="tool_use")


def _tool_use(name: str, tool_input: dict[str, Any], turn: int, index: int) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_fake_{turn}_{index}", "name": name, "input": tool_input}


def _lead_domain(content: Any) -> str | None:
    text = content if isinstance(content, str) else json.dumps(content)
    lead = re.search(r"<lead>(.*?)</lead>", text, re.DOTALL)
    found = re.search(r'"domain":\s*"([^"]+)"', lead.group(1)) if lead else None
    return found.group(1) if found else None
