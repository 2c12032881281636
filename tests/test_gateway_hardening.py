"""The gateway against real tenants and real networks: client keys and their rate limits, PII
redaction of the logs, relayed upstream headers, the per-upstream connection cap, a real forward
proxy (pproxy, CONNECT tunnels), real TLS upstreams with their own CA and mutual TLS (trustme
certificates), and start-up errors for bad settings. Every server is a real process."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai
import pytest
import trustme

from protege.capture.redact import Redactor, RedactSettings
from protege.contract import Source
from protege.evidence.last4 import find_last4
from protege.store import LoggedCall, LogStore

from servers import (
    PROTEGE,
    eventually,
    get,
    start_gateway,
    start_proxy,
    start_upstream,
    stop,
)

LOANS_KEY = "sk-loans-0123456789"
AUDIT_KEY = "sk-audit-9876543210"


def write_config(root: Path, routes: list[dict[str, Any]], **extra: Any) -> tuple[Path, str]:
    store = f"sqlite:///{root / 'logs.db'}"
    config = root / "gateway.yaml"
    body = {"store": store, "routes": routes, "spool_dir": str(root / "spool"), **extra}
    config.write_text(json.dumps(body))
    return config, store


def logged(store: str, case: str, count: int = 1) -> list[LoggedCall]:
    found: list[LoggedCall] = []

    def check() -> bool:
        nonlocal found
        with LogStore(store) as s:
            found = [c for c in s.iter_calls() if c.tags.get("case") == case]
        return len(found) >= count

    assert eventually(check), f"expected {count} logged call(s) for {case}, found {len(found)}"
    return found


def at_once(count: int, call: Callable[[int], Any]) -> list[Any]:
    """``call(0)`` .. ``call(count - 1)`` in as many threads at once: each answer, or the
    exception it raised."""

    def one(i: int) -> Any:
        try:
            return call(i)
        except Exception as exc:  # reported to the test, which asserts on it
            return exc

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def client(url: str, key: str = "sk-none") -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0)


def chat(url: str, model: str, text: str, case: str, key: str = "sk-none") -> Any:
    return client(url, key).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": text}],
        extra_headers={"X-Protege-Tags": f"case={case}"},
    )


@pytest.fixture(scope="module")
def guarded(upstream: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A gateway with client keys (one by variable, one by digest, one rate-limited) and
    redaction: (base URL, store URL)."""
    root = tmp_path_factory.mktemp("guarded")
    auth = {
        "keys": [
            {"name": "loans-app", "key_env": "LOANS_APP_KEY", "tags": {"team": "loans"}},
            {
                "name": "audit",
                "sha256": hashlib.sha256(AUDIT_KEY.encode()).hexdigest(),
                "rate_limit_rps": 1,
            },
        ]
    }
    redact = {"patterns": [{"name": "member_id", "regex": r"MBR-\d{6}"}]}
    routes = [
        {"model": "gpt-4o", "upstream": upstream},
        {"model": "headers", "upstream": upstream},
        {"model": "ratelimited", "upstream": upstream},
    ]
    config, store = write_config(root, routes, auth=auth, redact=redact)
    proc, url = start_gateway(config, env={"LOANS_APP_KEY": LOANS_KEY})
    yield url, store
    stop(proc)


def test_a_request_without_a_valid_key_is_a_401_envelope(guarded: tuple[str, str]) -> None:
    url, _ = guarded
    for key in ("sk-wrong", ""):
        with pytest.raises(openai.AuthenticationError) as caught:
            chat(url, "gpt-4o", "hi", "nokey", key=key or "x")
        body = caught.value.response.json()
        assert body["error"]["code"] == "invalid_api_key"
        assert "client keys" in body["error"]["message"]
    with pytest.raises(openai.AuthenticationError):  # /v1/models is guarded too
        client(url, "sk-wrong").models.list()
    assert get(url.removesuffix("/v1") + "/healthz")[0] == 200  # health stays open


def test_a_valid_key_is_tagged_and_never_forwarded_or_logged(guarded: tuple[str, str]) -> None:
    url, store = guarded
    reply = chat(url, "headers", "who am I", "keyed", key=LOANS_KEY)
    upstream_saw = json.loads(reply.choices[0].message.content)
    assert "authorization" not in upstream_saw  # a route without its own key sends none
    [call] = logged(store, "keyed")
    assert call.tags["auth.key"] == "loans-app" and call.tags["team"] == "loans"
    assert chat(url, "gpt-4o", "by digest", "digest", key=AUDIT_KEY).choices[0].message.content
    assert logged(store, "digest")[0].tags["auth.key"] == "audit"
    db = Path(store.removeprefix("sqlite:///"))
    for path in [db, *db.parent.glob("**/*")]:
        if path.is_file():
            data = path.read_bytes()
            assert LOANS_KEY.encode() not in data and AUDIT_KEY.encode() not in data


def test_over_its_rate_a_key_gets_a_429_with_retry_after(guarded: tuple[str, str]) -> None:
    url, _ = guarded
    statuses, retry_after = [], []
    for _ in range(3):  # 1 request/s with a burst of one: the next ones come too soon
        try:
            chat(url, "gpt-4o", "again", "rate", key=AUDIT_KEY)
            statuses.append(200)
        except openai.RateLimitError as exc:
            statuses.append(429)
            retry_after.append(exc.response.headers.get("retry-after"))
            assert exc.response.json()["error"]["code"] == "rate_limit_exceeded"
    assert 429 in statuses and all(r is not None and int(r) >= 1 for r in retry_after)


def test_upstream_headers_are_relayed(guarded: tuple[str, str]) -> None:
    url, _ = guarded
    raw = client(url, LOANS_KEY).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.headers["x-request-id"] == "req-upstream-1"
    with pytest.raises(openai.RateLimitError) as caught:
        chat(url, "ratelimited", "hi", "relayed429", key=LOANS_KEY)
    headers = caught.value.response.headers
    assert headers["retry-after"] == "7" and headers["retry-after-ms"] == "6500"
    assert headers["x-should-retry"] == "true"
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert "x-unrelated" not in headers
    with client(url, LOANS_KEY).chat.completions.with_streaming_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "s"}], stream=True
    ) as streamed:
        assert streamed.headers["x-request-id"] == "req-upstream-1"
        assert "data: [DONE]" in "".join(streamed.iter_text())


def test_logs_are_redacted_while_the_upstream_gets_the_original(
    guarded: tuple[str, str],
) -> None:
    url, store = guarded
    text = (
        "Account 4485 1234 5678 9012, member MBR-123456, reach me at jo.doe@example.com or "
        "(415) 555-0199; SSN 123-45-6789. Payoff $12,718.58 good through 2026-12-31 at 6.25%."
    )
    reply = chat(url, "gpt-4o", text, "pii", key=LOANS_KEY)
    assert reply.choices[0].message.content == f"echo: {text}"  # the upstream saw it all
    [call] = logged(store, "pii")
    sent = call.request["messages"][0]["content"]
    answered = call.response["choices"][0]["message"]["content"]  # type: ignore[index]
    for secret in ("4485 1234 5678", "MBR-123456", "jo.doe@example.com", "555-0199", "123-45"):
        assert secret not in sent and secret not in answered
    assert "************9012" in sent and "[member_id]" in sent and "[email]" in sent
    assert "$12,718.58" in sent and "2026-12-31" in sent and "6.25%" in sent
    assert set(call.tags["redact.rules"].split(",")) == {
        "account_numbers",
        "email",
        "member_id",
        "phone",
        "ssn",
    }


def test_redaction_keeps_the_last_four_of_generated_sources(tmp_path: Path) -> None:
    """The generator's sources are full of account numbers, phones and e-mails: after
    redaction, the verified last four is still a candidate wherever it was one before, so a
    dataset built from redacted logs keeps ``account_last4``."""
    out = tmp_path / "c.jsonl"
    subprocess.run(
        [str(PROTEGE), "corpus", "generate", "--n", "300", "--seed", "5", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    redactor = Redactor(RedactSettings())
    kept = lost = fired_on = 0
    for line in out.read_text().splitlines():
        row = json.loads(line)
        source = Source.model_validate({k: row[k] for k in ("id", "kind", "as_of", "text")})
        fired: set[str] = set()
        redacted = redactor.text(source.text, fired)
        fired_on += bool(fired)
        last4 = row["expected"]["account_last4"]
        if last4 is None or last4 not in {f.value for f in find_last4(source.text)}:
            continue
        if last4 in {f.value for f in find_last4(redacted)}:
            kept += 1
        else:
            lost += 1
    assert fired_on > 100  # the rules do fire on these sources
    # A phone-shaped account number ("927-504-1925") goes as a phone: about 1 in 200.
    assert kept > 100 and lost <= 0.02 * (kept + lost)


def test_connections_to_one_upstream_are_capped(upstream: str, tmp_path: Path) -> None:
    count_url = upstream.removesuffix("/v1") + "/count"
    routes = [{"model": "hold", "upstream": upstream, "timeout_s": 10}]
    config, store = write_config(tmp_path, routes, max_connections_per_upstream=2)
    proc, url = start_gateway(config)
    try:
        before = json.loads(get(count_url)[1])["n"]
        answers = at_once(8, lambda i: chat(url, "hold", f"hold {i}", "cap"))
        assert not [a for a in answers if isinstance(a, BaseException)]
        counts = json.loads(get(count_url)[1])
        assert counts["n"] - before == 8 and counts["max_in_flight"] <= 2
        assert len(logged(store, "cap", 8)) == 8
    finally:
        stop(proc)


def test_a_request_that_gets_no_connection_is_a_503_and_logged(
    upstream: str, tmp_path: Path
) -> None:
    routes = [{"model": "hold", "upstream": upstream, "timeout_s": 10}]
    config, store = write_config(
        tmp_path, routes, max_connections_per_upstream=1, max_waiting_per_upstream=0
    )
    proc, url = start_gateway(config)
    try:
        results = at_once(3, lambda i: chat(url, "hold", f"busy {i}", "busy"))
        refused = [r for r in results if isinstance(r, openai.APIStatusError)]
        assert refused and all(r.status_code == 503 for r in refused)
        assert all(r.response.json()["error"]["type"] == "upstream_busy" for r in refused)
        calls = logged(store, "busy", 3)
        assert sum(c.status == "error" and "busy" in (c.error or "") for c in calls) == len(refused)
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA and the upstream's certificate; a second CA and the gateway's client certificate."""
    root = tmp_path_factory.mktemp("certs")
    ca, client_ca = trustme.CA(), trustme.CA()
    paths = {name: root / f"{name}.pem" for name in ("ca", "server", "client_ca", "client")}
    ca.cert_pem.write_to_path(paths["ca"])
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(
        paths["server"]
    )
    client_ca.cert_pem.write_to_path(paths["client_ca"])
    client_ca.issue_cert("gateway@protege.test").private_key_and_cert_chain_pem.write_to_path(
        paths["client"]
    )
    return paths


@pytest.fixture(scope="module")
def tls_upstream(certs: dict[str, Path]) -> Iterator[str]:
    """An https upstream that requires a client certificate from ``client_ca``."""
    proc, url = start_upstream(
        tls={
            "UPSTREAM_CERT": str(certs["server"]),
            "UPSTREAM_KEY": str(certs["server"]),
            "UPSTREAM_CLIENT_CA": str(certs["client_ca"]),
        }
    )
    yield url
    stop(proc)


def test_per_route_tls_a_private_ca_and_a_client_certificate(
    tls_upstream: str, certs: dict[str, Path], tmp_path: Path
) -> None:
    routes = [
        {
            "model": "mtls",
            "upstream": tls_upstream,
            "upstream_model": "gpt-4o",
            "ca_bundle": str(certs["ca"]),
            "client_cert": str(certs["client"]),
        },
        {"model": "no-cert", "upstream": tls_upstream, "ca_bundle": str(certs["ca"])},
        {"model": "system-cas", "upstream": tls_upstream},
    ]
    config, _ = write_config(tmp_path, routes)
    proc, url = start_gateway(config)
    try:
        assert chat(url, "mtls", "over tls", "tls").choices[0].message.content == "echo: over tls"
        for model, why in (("no-cert", ""), ("system-cas", "CERTIFICATE_VERIFY_FAILED")):
            with pytest.raises(openai.APIStatusError) as caught:
                chat(url, model, "x", "tls-fail")
            assert caught.value.status_code == 502
            assert why in caught.value.response.json()["error"]["message"]
    finally:
        stop(proc)


def test_upstreams_are_reached_through_the_environments_proxy(
    upstream: str, tls_upstream: str, certs: dict[str, Path], tmp_path: Path
) -> None:
    proxy, port = start_proxy("alice:s3cret")
    routes = [
        {"model": "plain", "upstream": upstream, "upstream_model": "gpt-4o"},
        {
            "model": "tunnelled",
            "upstream": tls_upstream,
            "upstream_model": "gpt-4o",
            "ca_bundle": str(certs["ca"]),
            "client_cert": str(certs["client"]),
        },
    ]
    config, _ = write_config(tmp_path, routes)
    proxy_url = f"http://alice:s3cret@127.0.0.1:{port}"
    env = {"HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url, "NO_PROXY": ""}
    gateway, url = start_gateway(config, env=env)
    wrong_root = tmp_path / "wrong"
    wrong_root.mkdir()
    wrong_config, _ = write_config(wrong_root, routes)
    wrong_url = f"http://alice:nope@127.0.0.1:{port}"
    wrong, bad_url = start_gateway(
        wrong_config, env={"HTTP_PROXY": wrong_url, "HTTPS_PROXY": wrong_url, "NO_PROXY": ""}
    )
    try:
        assert chat(url, "plain", "via proxy", "proxy").choices[0].message.content == (
            "echo: via proxy"
        )
        assert chat(url, "tunnelled", "via tunnel", "proxy").choices[0].message.content == (
            "echo: via tunnel"
        )
        with pytest.raises(openai.APIStatusError) as caught:  # wrong proxy credentials
            chat(bad_url, "tunnelled", "x", "proxy-denied")
        assert caught.value.status_code == 502
        assert "407" in caught.value.response.json()["error"]["message"]
    finally:
        stop(gateway)
        stop(wrong)
        stop(proxy)
    log = proxy.stdout.read().decode() if proxy.stdout else ""
    upstream_port, tls_port = upstream.split(":")[2][:-3], tls_upstream.split(":")[2][:-3]
    assert f"-> 127.0.0.1:{upstream_port}" in log and f"-> 127.0.0.1:{tls_port}" in log


@pytest.mark.parametrize(
    ("extra", "env", "expected"),
    [
        (
            {"auth": {"keys": [{"name": "app", "key_env": "PROTEGE_TEST_UNSET_KEY"}]}},
            {},
            "PROTEGE_TEST_UNSET_KEY is not set",
        ),
        (
            {"redact": {"patterns": [{"name": "bad", "regex": "MBR-(\\d{6}"}]}},
            {},
            "does not compile",
        ),
        ({}, {"HTTPS_PROXY": "proxy.corp:3128"}, "has no scheme"),
        (
            {"auth": {"keys": [{"name": "app", "sha256": "abc"}]}},
            {},
            "64 hex digits",
        ),
    ],
)
def test_bad_settings_are_one_clear_error_at_start_up(
    tmp_path: Path, extra: dict[str, Any], env: dict[str, str], expected: str
) -> None:
    routes = [{"model": "gpt-4o", "upstream": "https://api.openai.com/v1"}]
    config, _ = write_config(tmp_path, routes, **extra)
    done = subprocess.run(
        [str(PROTEGE), "gateway", "--config", str(config), "--port", "1"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, **env},
        timeout=60,
    )
    assert done.returncode != 0
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_without_keys_the_gateway_refuses_a_public_address(tmp_path: Path) -> None:
    routes = [{"model": "gpt-4o", "upstream": "https://api.openai.com/v1"}]
    config, _ = write_config(tmp_path, routes)
    done = subprocess.run(
        [str(PROTEGE), "gateway", "--config", str(config), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "--insecure" in done.stderr
