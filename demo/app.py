"""The demo's production application: it sends each source's liability-extract prompt through
``protege gateway`` to the teacher, as any app using the official ``openai`` client would, with
tags and the prompt's version in headers. The gateway logs every call.

    python demo/app.py --gateway http://127.0.0.1:8300/v1 --model teacher --input sources.jsonl
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai

from protege.contract import Source, load_verified
from protege.prompts.liability import LIABILITY_PROMPT, render_messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", required=True, help="the gateway's base URL (…/v1)")
    parser.add_argument("--model", default="teacher", help="the routed model name to call")
    parser.add_argument("--input", type=Path, required=True, help="contract JSONL sources")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    client = openai.OpenAI(base_url=args.gateway, api_key="demo-app", max_retries=2)
    sources = load_verified(args.input)
    prompt = f"{LIABILITY_PROMPT.id}@{LIABILITY_PROMPT.version}"

    def send(source: Source) -> bool:
        reply = client.chat.completions.create(
            model=args.model,
            messages=render_messages(source),  # type: ignore[arg-type]
            temperature=0,
            extra_headers={
                "X-Protege-Tags": f"app=demo,source_id={source.id}",
                "X-Protege-Prompt": prompt,
            },
        )
        return bool(reply.choices and reply.choices[0].message.content)

    with ThreadPoolExecutor(args.concurrency) as pool:
        answered = sum(pool.map(send, sources))
    print(f"the app sent {len(sources)} sources through the gateway; {answered} answered")


if __name__ == "__main__":
    main()
