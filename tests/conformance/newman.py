"""Run a Postman collection with newman against a live server and summarise what failed."""
from __future__ import annotations

import json
import pathlib
import subprocess
from dataclasses import dataclass, field

TIMEOUT_SECONDS = 300


@dataclass
class NewmanRun:
    returncode: int
    output: str = field(repr=False)  # newman's cli reporter, for the record
    report: dict = field(repr=False)  # the json reporter's document; empty if newman wrote none

    def summary(self) -> str:
        """The failed assertions, each with the request that led to it and what came back."""
        run = self.report.get("run") or {}
        stats = run.get("stats") or {}
        lines = []
        for kind in ("requests", "assertions"):
            counts = stats.get(kind) or {}
            lines.append(f"{kind}: {counts.get('total', '?')} total, {counts.get('failed', '?')} failed")
        responses = _responses_by_item(run)
        for failure in run.get("failures") or []:
            error = failure.get("error") or {}
            source = failure.get("source") or {}
            item_id = source.get("id")
            lines.append(f"- [{source.get('name', '?')}] {error.get('test') or error.get('name', '')}: "
                         f"{error.get('message', '')}")
            if item_id in responses:
                lines.append(f"    {responses[item_id]}")
        if not run:
            lines.append("newman wrote no report; its output:")
            lines.append(self.output[-4000:])
        return "\n".join(lines)


def with_bearer_token(collection: dict, token: str) -> dict:
    """The collection with ``Authorization: Bearer <token>`` on every request (the kits send none)."""
    def visit(items: list[dict]) -> None:
        for item in items:
            if "item" in item:
                visit(item["item"])
                continue
            request = item.get("request")
            if isinstance(request, str):  # the short form: a bare URL
                request = item["request"] = {"url": request, "method": "GET"}
            headers = [h for h in request.get("header") or [] if h.get("key", "").lower() != "authorization"]
            headers.append({"key": "Authorization", "value": f"Bearer {token}", "type": "text"})
            request["header"] = headers

    visit(collection["item"])
    return collection


def run_collection(newman: pathlib.Path, collection: pathlib.Path, environment: pathlib.Path,
                   variables: dict[str, str], token: str, workdir: pathlib.Path) -> NewmanRun:
    """Rewrite ``collection`` into ``workdir`` with the token, run it, return the outcome."""
    patched = workdir / collection.name
    patched.write_text(json.dumps(with_bearer_token(json.loads(collection.read_text()), token)))
    report_file = workdir / "newman-report.json"
    command = [str(newman), "run", str(patched), "-e", str(environment),
               "--reporters", "cli,json", "--reporter-json-export", str(report_file),
               "--color", "off", "--disable-unicode", "--timeout-request", "20000"]
    for name, value in variables.items():
        command += ["--env-var", f"{name}={value}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
                          cwd=workdir)
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    return NewmanRun(done.returncode, done.stdout + done.stderr, report)


def _responses_by_item(run: dict) -> dict[str, str]:
    """``item id -> "METHOD url -> status: body"`` for every executed request."""
    out = {}
    for execution in run.get("executions") or []:
        item = execution.get("item") or {}
        request = execution.get("request") or {}
        response = execution.get("response") or {}
        url = request.get("url")
        if isinstance(url, dict):
            url = _url_text(url)
        body = _body_text(response.get("stream"))
        status = response.get("code", "no response")
        if execution.get("requestError"):
            status = f"request error {execution['requestError'].get('message', '')}"
        out[item.get("id")] = f"{request.get('method', '?')} {url} -> {status}: {body[:300]}"
    return out


def _url_text(url: dict) -> str:
    host = ".".join(url.get("host") or [])
    port = f":{url['port']}" if url.get("port") else ""
    path = "/".join(url.get("path") or [])
    query = "&".join(f"{q.get('key')}={q.get('value')}" for q in url.get("query") or [])
    return f"{url.get('protocol', 'http')}://{host}{port}/{path}" + (f"?{query}" if query else "")


def _body_text(stream) -> str:
    if isinstance(stream, dict) and stream.get("type") == "Buffer":
        return bytes(stream.get("data") or []).decode("utf-8", "replace")
    return "" if stream is None else str(stream)
