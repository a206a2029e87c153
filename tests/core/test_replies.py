"""Reply parsing: a pure function, table-driven."""

from __future__ import annotations

import pytest

from core.replies import EDIT_MIN_CHARS, EDIT_MIN_WORDS, ParsedReply, ReplyKind, keyword_of, parse_reply

LONG_EDIT = (
    "Hi Dana, saw that Acme just opened a second warehouse in Reno. We help teams like yours cut pick errors "
    "in half within a quarter. Worth a short call next week?"
)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Y", ReplyKind.APPROVE),
        ("y", ReplyKind.APPROVE),
        ("  yes  ", ReplyKind.APPROVE),
        ("Yes!", ReplyKind.APPROVE),
        ("OK.", ReplyKind.APPROVE),
        ("ok", ReplyKind.APPROVE),
        ("okay", ReplyKind.APPROVE),
        ("N", ReplyKind.SKIP),
        ("no.", ReplyKind.SKIP),
        ("Skip", ReplyKind.SKIP),
        ("SKIP!!", ReplyKind.SKIP),
        ("STOP", ReplyKind.OPT_OUT),
        ("stop.", ReplyKind.OPT_OUT),
        ("StopAll", ReplyKind.OPT_OUT),
        ("unsubscribe", ReplyKind.OPT_OUT),
        ("cancel", ReplyKind.OPT_OUT),
        ("END", ReplyKind.OPT_OUT),
        ("quit", ReplyKind.OPT_OUT),
        ("revoke", ReplyKind.OPT_OUT),
        ("optout", ReplyKind.OPT_OUT),
        ("START", ReplyKind.OPT_IN),
        ("unstop", ReplyKind.OPT_IN),
        ("help", ReplyKind.HELP),
        ("INFO?", ReplyKind.HELP),
        ("", ReplyKind.CLARIFY),
        ("   ", ReplyKind.CLARIFY),
        ("maybe", ReplyKind.CLARIFY),
        ("yes please", ReplyKind.CLARIFY),
        ("Y Y", ReplyKind.CLARIFY),
        ("send it tomorrow instead", ReplyKind.CLARIFY),
        ("please stop", ReplyKind.CLARIFY),
        (LONG_EDIT, ReplyKind.EDIT),
    ],
)
def test_reply_kinds(body: str, kind: ReplyKind) -> None:
    assert parse_reply(body).kind is kind


def test_yes_approves_and_is_twilio_opt_in_but_y_is_not() -> None:
    assert parse_reply("YES") == ParsedReply(ReplyKind.APPROVE, twilio_opt_in=True)
    assert parse_reply("Y") == ParsedReply(ReplyKind.APPROVE, twilio_opt_in=False)
    assert parse_reply("start").twilio_opt_in is True


def test_edit_is_verbatim_but_trimmed() -> None:
    reply = parse_reply(f"\n  {LONG_EDIT}  \n")
    assert reply == ParsedReply(ReplyKind.EDIT, text=LONG_EDIT)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("x" * (EDIT_MIN_CHARS - 1), ReplyKind.CLARIFY),
        ("x" * EDIT_MIN_CHARS, ReplyKind.EDIT),
        (" ".join(["w"] * (EDIT_MIN_WORDS - 1)), ReplyKind.CLARIFY),
        (" ".join(["w"] * EDIT_MIN_WORDS), ReplyKind.EDIT),
        # A keyword inside a long message is part of the edit, as Twilio only honours a message that is the word.
        ("STOP " + " ".join(["word"] * EDIT_MIN_WORDS), ReplyKind.EDIT),
    ],
)
def test_edit_thresholds(body: str, kind: ReplyKind) -> None:
    assert parse_reply(body).kind is kind


def test_keyword_normalisation() -> None:
    assert keyword_of("  yes!? ") == "YES"
    assert keyword_of("o.k.") == "O.K"


@pytest.mark.parametrize(
    ("body", "kind"),
    [("STATUS", ReplyKind.STATUS), (" status. ", ReplyKind.STATUS), ("Lead!", ReplyKind.LEAD),
     ("lead", ReplyKind.LEAD), ("leads", ReplyKind.CLARIFY), ("status please", ReplyKind.CLARIFY),
     ("LEAD " + " ".join(["word"] * EDIT_MIN_WORDS), ReplyKind.EDIT)],
)
def test_talk_back_keywords(body: str, kind: ReplyKind) -> None:
    assert parse_reply(body).kind is kind


def test_other_text_carries_the_trimmed_text() -> None:
    assert parse_reply("  was out sick  ") == ParsedReply(ReplyKind.CLARIFY, text="was out sick")
