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
        draft_with(demo_repo, LLMAgent(LLMAgentConfig(retries=1, sectioned="never"), model=model))
    assert len(seen) == 2
    # by default a failed whole draft is tried once more in sections: the first (required) section fails too
    model, seen = scripted(["I'm sorry, I can't help with that."])
    with pytest.raises(AgentFailed, match=r"after 4 attempt\(s\).*in sections: the triad failed\); nothing was"):
        draft_with(demo_repo, LLMAgent(LLMAgentConfig(retries=1), model=model))
    assert len(seen) == 4
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
        self.models: dict[str, Any] | None = None  # served at GET /v1/models when set
        self.errors: list[tuple[int, dict[str, Any]]] = []  # (status, body) answers given before the script
        self.release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do: clients reuse connections

            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                return None

            def _json(self, status: int, data: Any) -> None:
                body = json.dumps(data).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.endswith("/models") and stub.models is not None:
                    self._json(200, stub.models)
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                if stub.errors:
                    status, data = stub.errors.pop(0)
                    self._json(status, data)
                    return
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
        # a short poll: `shutdown()` waits for the loop to notice, which at the default 0.5 s was most of a test
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

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
    assert result.err.count("\n") == 1 and "gave no valid draft after 4 attempt(s)" in result.err
    assert "in sections: the triad failed" in result.err and "Traceback" not in result.err
    assert len(stub.requests) == 4  # two for the whole draft, two for its first section
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


# -- output modes, context sizes and sectioned drafts --------------------------------------------------

SECTION_ANSWERS: dict[str, dict[str, Any]] = {
    "triad": {"triad": GOOD["triad"]},
    "definitions": {"pirouette_definition": GOOD["pirouette_definition"], "eft_summary": GOOD["eft_summary"]},
    "operational": {"units": "length per slow period", "symbol_table": [], "procedures": []},
    "mappings": {"formal_mapping_candidates": [], "claims": GOOD["claims"], "near_synonyms": [],
                 "prerequisites": ["WEFT_PRESSURE"], "downstream_effects": []},
}


def asked_section(request: dict[str, Any]) -> str | None:
    """Which section a request asks for ("Write only the triad of the entry."), None for a whole draft."""
    sent = json.dumps(request["messages"])
    for name in SECTION_ANSWERS:
        if f"Write only the {name} of the entry" in sent:
            return name
    return None


def answer_sections(stub: Stub) -> None:
    stub.script = [lambda: json.dumps(SECTION_ANSWERS[asked_section(stub.requests[-1]) or "triad"])]


def prompt_chars(request: dict[str, Any]) -> int:
    """The characters of the messages a request sends (what the server tokenizes)."""
    return sum(len(str(m.get("content") or "")) for m in request["messages"])


def configure_mode(repo: Path, base_url: str, timeout: float = 5, **settings: Any) -> None:
    configure(repo, base_url, timeout=timeout, retries=1)
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    config = repo / "authoring.toml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "output mode")


def test_json_object_mode_sends_the_schema_as_llama_cpp_wants_it(demo_repo: Path, stub: Stub) -> None:
    stub.models = {"object": "list", "data": [{"id": "stub-model", "meta": {"n_ctx": 8192, "n_ctx_train": 32768}}]}
    configure_mode(demo_repo, stub.url, output_mode="json_object")
    stub.script = [lambda: json.dumps(GOOD)]
    result = cli_draft(demo_repo)
    assert result.code == 0, result.err
    (sent,) = stub.requests
    assert sent["response_format"]["type"] == "json_object"
    schema = sent["response_format"]["schema"]
    assert {"triad", "pirouette_definition", "eft_summary"} <= set(schema["properties"])
    assert "$ref" not in json.dumps(schema) and "description" not in json.dumps(schema)
    # max_tokens is what the reported context (n_ctx, not n_ctx_train) leaves after the prompt
    assert 1400 <= sent["max_tokens"] < 8192
    prompt = json.dumps(sent["messages"])
    assert '\\"triad\\": {\\"art\\"' in prompt  # the compact shape, not a JSON Schema, is in the prompt
    assert len(prompt) < 9000


def test_ollama_mode_sends_the_schema_in_format(demo_repo: Path, stub: Stub) -> None:
    configure_mode(demo_repo, stub.url, output_mode="ollama", context_tokens=8192)
    stub.script = [lambda: json.dumps(GOOD)]
    result = cli_draft(demo_repo)
    assert result.code == 0, result.err
    (sent,) = stub.requests
    assert {"triad", "claims"} <= set(sent["format"]["properties"])
    assert sent.get("response_format", {}).get("type") != "json_schema"
    assert sent["max_tokens"] <= 8192


def test_prompted_mode_sends_no_schema_and_fits_4096_tokens(demo_repo: Path, stub: Stub) -> None:
    configure_mode(demo_repo, stub.url, output_mode="prompted")
    stub.script = [lambda: json.dumps(GOOD)]
    result = cli_draft(demo_repo)
    assert result.code == 0, result.err
    (sent,) = stub.requests
    assert "format" not in sent and "schema" not in json.dumps(sent.get("response_format", {}))
    # the server reports no context: 4,096 is assumed, and the prompt leaves room for the whole answer
    assert sent["max_tokens"] >= 1400 and prompt_chars(sent) / 3.2 + sent["max_tokens"] <= 4096


def test_small_context_drafts_in_sections(demo_repo: Path, stub: Stub) -> None:
    stub.models = {"data": [{"id": "stub-model", "meta": {"n_ctx": 1536}}]}
    configure_mode(demo_repo, stub.url, output_mode="json_object")
    answer_sections(stub)
    result = cli_draft(demo_repo)
    assert result.code == 0, result.err
    assert [asked_section(r) for r in stub.requests] == ["triad", "definitions", "operational", "mappings"]
    for request in stub.requests:
        assert request["max_tokens"] + prompt_chars(request) / 3.2 <= 1536
    triad_schema = stub.requests[0]["response_format"]["schema"]
    assert set(triad_schema["properties"]) == {"triad"}
    entry = load_term(demo_repo / "terms" / "KNOT_DRIFT.md").entry
    assert entry is not None and entry["triad"]["law"] == GOOD["triad"]["law"]
    assert entry["pirouette_definition"] == GOOD["pirouette_definition"] + "\n"
    assert entry["constraints_and_falsifiers"]["claims"][0]["statement"] == GOOD["claims"][0]["statement"]


def test_context_overflow_falls_back_to_sections(demo_repo: Path, stub: Stub) -> None:
    configure_mode(demo_repo, stub.url, output_mode="json_object")
    stub.errors = [(400, {"error": {"message": "Requested tokens (4124) exceed context window of 4096",
                                    "type": "invalid_request_error"}})]
    answer_sections(stub)
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "4", "--term", "Knot Drift", "--force",
                     "--agent", "llm", "--dry-run", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert asked_section(stub.requests[0]) is None
    assert [asked_section(r) for r in stub.requests[1:]] == ["triad", "definitions", "operational", "mappings"]
    assert any("exceed context window" in w and "drafted in sections" in w for w in data["warnings"])


def test_optional_section_that_fails_is_left_empty_with_a_warning(demo_repo: Path, stub: Stub) -> None:
    configure_mode(demo_repo, stub.url, sectioned="always", output_mode="json_object")

    def step() -> str:
        section = asked_section(stub.requests[-1])
        return "not json at all" if section == "operational" else json.dumps(SECTION_ANSWERS[section or "triad"])

    stub.script = [step]
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "4", "--term", "Knot Drift", "--force",
                     "--agent", "llm", "--dry-run", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert any("no valid operational" in w for w in data["warnings"])
    assert "procedures: []" in data["text"]


# -- grounding ---------------------------------------------------------------------------------------


def test_unsupported_sentences_are_marked_and_counted(demo_repo: Path) -> None:
    law = "Quantum chromodynamics fixes the gluon mass at exactly forty-two electronvolts."
    invented = {**GOOD, "triad": {**GOOD["triad"], "law": law}}
    agent = LLMAgent(LLMAgentConfig(retries=0), model=TestModel(custom_output_text=json.dumps(invented)))
    with Glossary.open(demo_repo) as glossary:
        preview = glossary.preview_draft("DEMO-001", section="4", term="Knot Drift", force=True, agent=agent)
        assert preview.grounding is not None
        flagged = {s.path: s for s in preview.grounding.unsupported}
        assert "triad.law" in flagged and flagged["triad.law"].score < 0.5
        supported = {s.path for s in preview.grounding.sentences if s.supported}
        assert "pirouette_definition" in supported  # "slow migration of … defects" is the snippet's own wording
        result = glossary.save_draft(preview)
    counts = result.details["grounding"]
    assert counts["unsupported"] >= 1 and counts["sentences"] > counts["unsupported"]
    events, _ = load_events(demo_repo / "review_logs", "KNOT_DRIFT")
    event = events[-1]
    assert event.model_extra is not None and event.model_extra["grounding"]["unsupported"] == counts["unsupported"]
    assert "grounding:" in (event.note or "")
    assert "Grounding: " in git(demo_repo, "log", "-1", "--format=%B")
    shown = run_cli("--repo", demo_repo, "show", "KNOT_DRIFT")
    assert "✗ unsupported" in shown.out and "gluon mass" in shown.out
    data = json.loads(run_cli("--repo", demo_repo, "show", "KNOT_DRIFT", "--json").out)
    assert any(s["path"] == "triad.law" and not s["supported"] for s in data["grounding"]["details"])


async def test_review_screen_marks_unsupported_sentences(demo_repo: Path) -> None:
    from tests.test_tui_review import open_review
    from tests.tui_support import make_app, settle

    law = "Quantum chromodynamics fixes the gluon mass at exactly forty-two electronvolts."
    agent = LLMAgent(LLMAgentConfig(retries=0),
                     model=TestModel(custom_output_text=json.dumps({**GOOD, "triad": {**GOOD["triad"], "law": law}})))
    draft_with(demo_repo, agent)
    app = make_app(demo_repo)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        text = await open_review(pilot, "KNOT_DRIFT")
        assert "Grounding" in text and "✗ unsupported" in text and "gluon mass" in text
        assert "slow migration of weave defects" not in text.split("Grounding", 1)[1].split("Gates", 1)[0]


def test_optional_section_that_times_out_is_left_empty(demo_repo: Path, stub: Stub) -> None:
    configure_mode(demo_repo, stub.url, sectioned="always", output_mode="json_object", timeout=1)

    def step() -> str | None:
        section = asked_section(stub.requests[-1])
        return None if section == "mappings" else json.dumps(SECTION_ANSWERS[section or "triad"])

    stub.script = [step]
    result = run_cli("--repo", demo_repo, "draft", "DEMO-001", "--section", "4", "--term", "Knot Drift", "--force",
                     "--agent", "llm", "--dry-run", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert any("longer than 1 s for the mappings" in w for w in data["warnings"])
    assert "claims: []" in data["text"] and GOOD["triad"]["law"] in data["text"]
