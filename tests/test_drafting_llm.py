"""The LLM agent: pydantic-ai's test models, and real HTTP against a stub OpenAI-compatible server."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pydantic_ai")

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from authoring.config import LLMAgentConfig
from authoring.core.termfile import load_term
from authoring.drafting.agents.llm import AgentFailed, LLMAgent
from authoring.repo.service import Glossary
from authoring.workflow.review_log import load_events
from tests.conftest import git, run_cli

LLM_AGENT = "LLM Agent <llm-agent@authoring.invalid>"

GOOD: dict[str, Any] = {
    "aliases": [],
    "symbol": "",
    "triad": {"art": "A knot carried along the shore by the tide.",
              "law": "Defects in the weave migrate at a speed set by the coupling of the two rhythms.",
              "philosophy": "Errors are not erased; they travel and tell us how the system is bound."},
    "pirouette_definition": "The slow migration of weave defects between successive slack waters.",
    "eft_summary": "Comparable to defect drift in driven lattices: a transport of topological defects.",
    "units": "length per slow period",
    "near_synonyms": [],
    "antonyms": [],
    "prerequisites": ["WEFT_PRESSURE"],
    "downstream_effects": [],
    "claims": [{"statement": "Knot Drift speeds up before Weft Pressure crosses one half.",
                "domain": "phenomenology", "falsifier": "Weft Pressure rises past one half with no change in drift."}],
}


def bad_crosslink() -> dict[str, Any]:
    return {**GOOD, "near_synonyms": ["NOT_A_TERM"]}


def missing_triad() -> dict[str, Any]:
    return {k: v for k, v in GOOD.items() if k != "triad"}


def draft_with(repo: Path, agent: LLMAgent) -> Any:
    with Glossary.open(repo) as glossary:
        # KNOT_DRIFT is a draft here, or rejected: drafting over a rejected term is an editor's call, with a note
        return glossary.draft("DEMO-001", section="4", term="Knot Drift", force=True, agent=agent,
                              note="drafted again from §4")


def assert_nothing_written(repo: Path, head_before: str) -> None:
    assert git(repo, "rev-parse", "HEAD").strip() == head_before
    assert git(repo, "status", "--porcelain") == ""


# -- pydantic-ai's own test models -------------------------------------------------------------------


def test_test_model_answer_becomes_a_checked_draft(demo_repo: Path) -> None:
    agent = LLMAgent(LLMAgentConfig(retries=0), model=TestModel(custom_output_text=json.dumps(GOOD)))
    result = draft_with(demo_repo, agent)
    assert result.details["agent"] == "llm" and result.details["model"] == "test"
    term = load_term(demo_repo / "terms" / "KNOT_DRIFT.md")
    assert term.errors == []
    entry = term.entry
    assert entry is not None
    assert entry["triad"]["law"].startswith("Defects in the weave migrate")
    assert entry["pirouette_definition"] == GOOD["pirouette_definition"] + "\n"
    # the module settles provenance, never the model
    assert entry["provenance"]["sources"][0]["lines"] == "§4"
    assert entry["provenance"]["editors"] == [LLM_AGENT]
    assert entry["crosslinks"]["prerequisites"] == ["SLACK_WATER", "WEFT_PRESSURE"]
    assert entry["constraints_and_falsifiers"]["claims"][0]["links"] == ["DEMO-001"]
    body = (demo_repo / "terms" / "KNOT_DRIFT.md").read_text(encoding="utf-8")
    assert "## EFT-First Summary\nComparable to defect drift" in body
    assert git(demo_repo, "log", "-1", "--format=%an <%ae>").strip() == LLM_AGENT
    assert "Model: test" in git(demo_repo, "log", "-1", "--format=%B")
    events, _ = load_events(demo_repo / "review_logs", "KNOT_DRIFT")
    assert events[-1].note is not None and "llm agent (test)" in events[-1].note


def scripted(answers: list[str]) -> tuple[FunctionModel, list[list[ModelMessage]]]:
    """A FunctionModel that gives `answers` in turn and records what it was sent."""
    seen: list[list[ModelMessage]] = []

    def reply(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(list(messages))
        return ModelResponse(parts=[TextPart(answers[min(len(seen), len(answers)) - 1])])

    return FunctionModel(reply, model_name="scripted"), seen


def retry_texts(messages: list[ModelMessage]) -> str:
    """What the last request told the model: the feedback on its previous answer."""
    return " ".join(str(getattr(p, "content", "")) for p in getattr(messages[-1], "parts", []))


def test_validation_errors_are_fed_back_until_the_answer_is_right(demo_repo: Path) -> None:
    model, seen = scripted([json.dumps(missing_triad()), json.dumps(bad_crosslink()), json.dumps(GOOD)])
    result = draft_with(demo_repo, LLMAgent(LLMAgentConfig(retries=2), model=model))
    assert len(seen) == 3 and result.commit
    assert "triad" in retry_texts(seen[1])
    assert "NOT_A_TERM" in retry_texts(seen[2]) and "not existing term ids" in retry_texts(seen[2])


def test_retries_are_bounded_and_nothing_is_written(demo_repo: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    before = (demo_repo / "terms" / "KNOT_DRIFT.md").read_bytes()
    model, seen = scripted(["I'm sorry, I can't help with that."])
    with pytest.raises(AgentFailed, match=r"gave no valid draft after 2 attempt\(s\).*nothing was written"):
        draft_with(demo_repo, LLMAgent(LLMAgentConfig(retries=1), model=model))
    assert len(seen) == 2
    assert (demo_repo / "terms" / "KNOT_DRIFT.md").read_bytes() == before
    assert_nothing_written(demo_repo, head)


def test_rejected_note_reaches_the_model(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "KNOT_DRIFT.md"
    path.write_text(path.read_text(encoding="utf-8").replace('status: "draft"', 'status: "rejected"'),
                    encoding="utf-8")
    folder = demo_repo / "review_logs" / "KNOT_DRIFT"
    folder.mkdir(parents=True)
    (folder / "20261120T100000000000Z-reject-bbbbbbbb.yaml").write_text(
        "id: bbbbbbbb00000000\nterm: KNOT_DRIFT\nwhen: '2026-11-20T10:00:00Z'\nwho: Alice Editor"
        " <alice@example.org>\nrole: editor\naction: reject\nnote: too close to Weft Pressure\n", encoding="utf-8")
    git(demo_repo, "add", "--all")
    git(demo_repo, "commit", "--quiet", "-m", "reject KNOT_DRIFT")
    model, seen = scripted([json.dumps(GOOD)])
    draft_with(demo_repo, LLMAgent(LLMAgentConfig(retries=0), model=model))
    prompt = " ".join(str(getattr(p, "content", "")) for m in seen[0] for p in getattr(m, "parts", []))
    assert "Their reason: too close to Weft Pressure" in prompt


# -- real HTTP: a small OpenAI-compatible stub on 127.0.0.1 -------------------------------------------


class Stub:
    """A chat-completions endpoint answering from a script; records every request body."""

    def __init__(self) -> None:
        self.script: list[Callable[[], str | None]] = []
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                step = stub.script[min(len(stub.requests), len(stub.script)) - 1]
                content = step()
                if content is None:  # the "timeout" step: hold the answer until the test ends
                    stub.release.wait(10)
                    return
                body = json.dumps({
                    "id": f"chatcmpl-{len(stub.requests)}", "object": "chat.completion", "created": 0,
                    "model": "stub-model",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    server.thread.start()
    try:
        yield server
    finally:
        server.stop()


def configure(repo: Path, base_url: str, timeout: float = 5, retries: int = 1) -> None:
    config = repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[agents.llm]\nbase_url = "{base_url}"\n'
                      f'model = "stub-model"\napi_key_env = "AUTHORING_TEST_KEY"\ntimeout = {timeout}\n'
                      f"retries = {retries}\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "point the LLM agent at the stub")


def cli_draft(repo: Path) -> Any:
    return run_cli("--repo", repo, "draft", "DEMO-001", "--section", "4", "--term", "Knot Drift", "--force",
                   "--agent", "llm", "--json")


def test_http_good_answer(demo_repo: Path, stub: Stub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHORING_TEST_KEY", "sk-test")
    configure(demo_repo, stub.url)
    stub.script = [lambda: json.dumps(GOOD)]
    result = cli_draft(demo_repo)
    assert result.code == 0, result.err
    assert json.loads(result.out)["model"] == "stub-model"
    assert len(stub.requests) == 1 and stub.requests[0]["model"] == "stub-model"
    sent = json.dumps(stub.requests[0]["messages"])
    assert "Small errors in the weave" in sent and "KNOT_DRIFT" in sent
    entry = load_term(demo_repo / "terms" / "KNOT_DRIFT.md").entry
    assert entry is not None and entry["triad"]["art"] == GOOD["triad"]["art"]
    assert run_cli("--repo", demo_repo, "check", "KNOT_DRIFT").code == 0


def test_http_invalid_then_corrected(demo_repo: Path, stub: Stub) -> None:
    configure(demo_repo, stub.url, retries=2)
    stub.script = [lambda: json.dumps(bad_crosslink()), lambda: json.dumps(GOOD)]
    result = cli_draft(demo_repo)
    assert result.code == 0, result.err
    assert len(stub.requests) == 2
    assert "NOT_A_TERM" in json.dumps(stub.requests[1]["messages"])


def test_http_garbage_is_one_clear_error(demo_repo: Path, stub: Stub) -> None:
    configure(demo_repo, stub.url, retries=1)
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    stub.script = [lambda: "<html>502 Bad Gateway</html>"]
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--lines", "43-43", "--agent", "llm")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "gave no valid draft after 2 attempt(s)" in result.err
    assert "Traceback" not in result.err
    assert len(stub.requests) == 2
    assert not (demo_repo / "terms" / "LOOM_PERIOD.md").exists()
    assert_nothing_written(demo_repo, head)


def test_http_timeout_is_one_clear_error(demo_repo: Path, stub: Stub) -> None:
    configure(demo_repo, stub.url, timeout=0.5, retries=0)
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    stub.script = [lambda: None]
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--lines", "43-43", "--agent", "llm")
    assert result.code == 1
    assert "did not answer within 0.5 s; nothing was written" in result.err
    assert not (demo_repo / "terms" / "LOOM_PERIOD.md").exists()
    assert_nothing_written(demo_repo, head)


def test_unreachable_endpoint_is_one_clear_error(demo_repo: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no server now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    configure(demo_repo, f"http://127.0.0.1:{port}/v1", timeout=2, retries=0)
    head = git(demo_repo, "rev-parse", "HEAD").strip()
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--lines", "43-43", "--agent", "llm")
    assert result.code == 1
    assert f"cannot reach the LLM endpoint http://127.0.0.1:{port}/v1" in result.err
    assert_nothing_written(demo_repo, head)
