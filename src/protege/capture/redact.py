"""PII redaction of logged calls: rules applied to the messages' text before a record is
written anywhere (spool or store). The upstream still gets the original request.

The ``redact`` block of a gateway config::

    redact:
      rules: [account_numbers, ssn, email, phone]    # the built-in rules to apply (default: all)
      patterns:                                      # your own, applied after the built-ins
        - name: member_id
          regex: 'MBR-\\d{6}'
          replace: '[member id]'                     # default: [<name>]

Built-in rules, applied in this order (each sees the text the previous left):

- ``email``: addresses, as ``[email]``;
- ``ssn``: ``123-45-6789``, as ``[ssn]``;
- ``phone``: North American numbers (``(800) 555-0199``, ``+1 800.555.0199``), as
  ``[phone]`` (an account number printed in this shape goes too: keeping a phone's last four
  would make every phone number look like a masked account number);
- ``account_numbers``: runs of 8 to 19 digits, spaces or dashes allowed inside (card and loan
  numbers as they are printed), masked but for the last four: ``1234 5678 9012 3456`` becomes
  ``************3456``, which ``protege.evidence`` still reads as last four 3456, so a dataset
  built from redacted logs keeps ``account_last4``. Dates, amounts and rates are not digit runs
  of this shape and are kept.

Only message text is rewritten: each request message's ``content`` (a string, or the ``text``
of its parts) and each response choice's ``message.content``. The rules that fired go in the
call's ``redact.rules`` tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, field_validator

from protege.validation import FrozenModel

RULES_TAG = "redact.rules"  # the tag listing the rules that fired on a call, comma-separated
BuiltIn = Literal["account_numbers", "ssn", "email", "phone"]
ORDER: tuple[BuiltIn, ...] = ("email", "ssn", "phone", "account_numbers")

# A run of digits with single spaces or dashes inside, not part of an amount ("12,345,678.90")
# or a decimal, and not already masked; a prefix of letters stays ("A-13239-8916-4765" becomes
# "A-*******4765"). 8 to 19 digits, and not an ISO date, are checked in ``_mask_account``.
_DIGIT_RUN = re.compile(r"(?<![\d.,$/*])\d(?:[ -]?\d){7,30}(?![\w%/]|[.,]\d)")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4}")


def _mask_account(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if not 8 <= len(digits) <= 19 or _DATE_LIKE.fullmatch(text):
        return text
    return "*" * (len(digits) - 4) + digits[-4:]


_BUILT_IN: dict[BuiltIn, tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = {
    "email": (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    "ssn": (re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])"), "[ssn]"),
    "phone": (
        re.compile(r"(?<![\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])"),
        "[phone]",
    ),
    "account_numbers": (_DIGIT_RUN, _mask_account),
}


class Pattern(FrozenModel):
    """A rule of your own: a regular expression and what replaces each match."""

    name: str = Field(min_length=1, max_length=64)
    regex: str
    replace: str | None = None  # None: "[<name>]"

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"does not compile as a Python regular expression: {exc}") from exc
        return value


class RedactSettings(FrozenModel):
    """Which built-in rules apply, and the patterns of your own."""

    rules: list[BuiltIn] = Field(default_factory=lambda: list(ORDER))
    patterns: list[Pattern] = Field(default_factory=list)


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement that is ``text`` as it is (re.sub would expand ``\\1`` in a string)."""
    return lambda _match: text


class Redactor:
    """The configured rules, compiled once; ``text`` and ``call_parts`` apply them."""

    def __init__(self, settings: RedactSettings) -> None:
        chosen = [name for name in ORDER if name in settings.rules]
        self._rules: list[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
            (name, *_BUILT_IN[name]) for name in chosen
        ]
        for pattern in settings.patterns:
            replace = pattern.replace if pattern.replace is not None else f"[{pattern.name}]"
            self._rules.append((pattern.name, re.compile(pattern.regex), _constant(replace)))

    def text(self, text: str, fired: set[str]) -> str:
        """``text`` with every rule applied; the names of the rules that changed it are added
        to ``fired``."""
        for name, pattern, replace in self._rules:
            new = pattern.sub(replace, text)
            if new != text:
                fired.add(name)
                text = new
        return text

    def _content(self, content: Any, fired: set[str]) -> Any:
        if isinstance(content, str):
            return self.text(content, fired)
        if isinstance(content, list):  # content parts: rewrite the text ones
            return [
                {**part, "text": self.text(part["text"], fired)}
                if isinstance(part, dict) and isinstance(part.get("text"), str)
                else part
                for part in content
            ]
        return content

    def request(self, request: dict[str, Any], fired: set[str]) -> dict[str, Any]:
        """A copy of a chat request with its messages' text redacted."""
        messages = request.get("messages")
        if not isinstance(messages, list):
            return request
        redacted = [
            {**m, "content": self._content(m.get("content"), fired)}
            if isinstance(m, dict) and "content" in m
            else m
            for m in messages
        ]
        return {**request, "messages": redacted}

    def response(self, response: dict[str, Any] | None, fired: set[str]) -> dict[str, Any] | None:
        """A copy of a chat completion with its choices' message text redacted."""
        if not isinstance(response, dict) or not isinstance(response.get("choices"), list):
            return response
        choices = []
        for choice in response["choices"]:
            message = choice.get("message") if isinstance(choice, dict) else None
            if isinstance(message, dict) and "content" in message:
                message = {**message, "content": self._content(message["content"], fired)}
                choice = {**choice, "message": message}
            choices.append(choice)
        return {**response, "choices": choices}
