"""The review page in a real headless Chromium: keyboard-only review, a server restart, the export,
CSRF, escaping; the server is a real `miner review serve` process on 127.0.0.1."""
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import dbfixture
from chromium import browser, pytestmark  # noqa: F401  (the browser fixture, skip marks)
from dbfixture import run_cli

ROOT = Path(__file__).resolve().parent.parent

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir: Path, port: int):
        self.workdir, self.port, self.proc = workdir, port, None
        self.url = f"http://127.0.0.1:{port}"

    def start(self):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", "miner", "review", "serve", "--port", str(self.port)],
                                     cwd=self.workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/api/taxonomy", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stdout.read().decode())
                time.sleep(0.2)
        raise RuntimeError("review server did not start")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def server(workdir):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    srv = Server(workdir, _free_port())
    yield srv
    srv.kill()


def _wait_status(page, text):
    page.wait_for_function("t => document.getElementById('status').textContent.includes(t)", arg=text)


def _reviews(workdir):
    r = run_cli("query", "SELECT doc_key, sentence, layer, label, decision, reviewer FROM reviews ORDER BY id",
                "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_review_five_sentences_with_the_keyboard_restart_and_export(server, browser, workdir):
    server.start()
    context = browser.new_context(bypass_csp=True)  # playwright waits use eval; escaping must hold without CSP too
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url) else (
        outside.append(route.request.url), route.abort())[1])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/")

    # the name is asked once
    page.wait_for_selector("#reviewer-name", state="visible")
    page.keyboard.type("Anna")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sentence")
    page.wait_for_function("document.getElementById('progress').textContent.includes('te gaan: 14')")

    seen = []
    for i in range(5):
        page.wait_for_function("n => document.querySelectorAll('#suggestions li[data-key]').length > 0")
        seen.append(page.inner_text("#sentence"))
        first = page.get_attribute("#suggestions li.focus", "data-key")
        page.keyboard.press("a")                       # accept the focused label
        _wait_status(page, f"{first} accept opgeslagen")
        if i == 1:                                     # add a label from the taxonomy
            page.keyboard.press("l")
            page.keyboard.type("mechanism:empathie")
            page.keyboard.press("Enter")
            _wait_status(page, "mechanism:empathie add opgeslagen")
        if i == 2:                                     # reject the next one, then undo it and accept instead
            rows = page.eval_on_selector_all("#suggestions li[data-key]", "els => els.map(e => e.dataset.key)")
            if len(rows) > 1:
                page.keyboard.press("r")
                page.wait_for_selector("#suggestions li.reject")
                page.keyboard.press("u")
                _wait_status(page, "ongedaan gemaakt")
                assert page.query_selector("#suggestions li.reject") is None
        if i == 3:                                     # the recommendation: pick its actor
            assert seen[-1].startswith("Gemeenten moeten")
            page.keyboard.press("c")
            page.keyboard.type("rijksoverheid")
            page.keyboard.press("Enter")
            _wait_status(page, "recommendation:recommendation accept opgeslagen")
            assert "rijksoverheid" in page.inner_text("#suggestions")
        if i == 4:                                     # the whole document is not relevant
            page.keyboard.press("d")
            _wait_status(page, "document: niet relevant opgeslagen")
        page.keyboard.press("n")
        page.wait_for_function("s => document.getElementById('sentence').textContent !== s", arg=seen[-1])
    page.wait_for_function("document.getElementById('progress').textContent.includes('beoordeeld: 5')")
    assert len(set(seen)) == 5
    assert not errors and not outside

    reviews = _reviews(workdir)
    assert {r["reviewer"] for r in reviews} == {"Anna"}
    assert len({r["sentence"] for r in reviews if r["layer"] != "relevance"}) == 5
    assert any(r["label"] == "empathie" and r["decision"] == "add" for r in reviews)
    assert not any(r["decision"] == "reject" for r in reviews)   # undone
    r = run_cli("query", "SELECT actor FROM effective_annotations WHERE layer = 'recommendation' "
                "AND reviewer = 'Anna'", "--format", "json")
    assert json.loads(r.stdout) == [{"actor": '["gemeente", "rijksoverheid"]'}]
    r = run_cli("query", "SELECT d.doc_key, r.is_relevant FROM document_relevance r JOIN documents d "
                "ON d.id = r.document_id WHERE r.relevance_override IS NOT NULL", "--format", "json")
    assert json.loads(r.stdout) == [{"doc_key": "doc:ontmoeting", "is_relevant": 0}]

    # a killed server (SIGKILL) and a new one: every decision is still there, the name too
    server.kill()
    server.start()
    page.reload()
    page.wait_for_function("document.getElementById('progress').textContent.includes('beoordeeld: 5')")
    assert page.inner_text("#reviewer-label") == "Anna"
    assert page.inner_text("#sentence") not in seen            # the queue goes on with a new sentence
    api = requests.get(server.url + "/api/next", params={"reviewer": "Anna"}).json()
    assert api["progress"]["reviewed"] == 5 and api["progress"]["remaining"] == 9
    assert _reviews(workdir) == reviews

    # the export reflects the decisions (one document was marked not relevant: --include-irrelevant shows it;
    # without it that document is left out, as the relevance decision says)
    r = run_cli("export", "tables", "--include-irrelevant")
    assert r.exit_code == 0, r.output
    tidy = list(csv.DictReader(open(next((workdir / "outputs").glob("*.csv")), encoding="utf-8-sig"), delimiter=";"))
    reviewed = [t for t in tidy if t["origin"] == "reviewed"]
    assert {t["reviewer"] for t in reviewed} == {"Anna"}
    assert any(t["code"] == "empathie" for t in reviewed)
    assert {t["quote"] for t in reviewed} <= set(seen) and len({t["quote"] for t in reviewed}) == 5
    context.close()


def test_csrf_cross_site_post_refused_and_hostile_text_escaped(server, browser, workdir):
    server.start()
    page_html = requests.get(server.url + "/").text
    token = page_html.split('name="csrf-token" content="')[1].split('"')[0]
    body = {"reviewer": "eve", "doc_key": "doc:moslim", "sentence_start": 0, "sentence_end": 62,
            "sentence_hash": "x", "layer": "ground", "label": "religie", "decision": "reject"}
    # a foreign host name pointing at 127.0.0.1 (DNS rebinding) gets neither the page nor the token
    r = requests.get(server.url + "/", headers={"Host": "evil.example"})
    assert r.status_code == 400 and "csrf-token" not in r.text
    # no token (what a form on another site sends)
    r = requests.post(server.url + "/api/decide", data={"decision": "reject"})
    assert r.status_code == 403
    r = requests.post(server.url + "/api/decide", json=body)
    assert r.status_code == 403
    # a token, but from another origin
    r = requests.post(server.url + "/api/decide", json=body,
                      headers={"X-CSRF-Token": token, "Origin": "http://evil.example"})
    assert r.status_code == 403
    # a real cross-site page in the browser: its POST is refused too
    context = browser.new_context(bypass_csp=True)  # playwright waits use eval; escaping must hold without CSP too
    page = context.new_page()
    evil = f"""<form id=f method=post action="{server.url}/api/decide" enctype="text/plain">
               <input name='{{"reviewer":"eve","x":"' value='"}}'></form><script>document.getElementById('f').submit()</script>"""
    page.route("http://evil.example/", lambda route: route.fulfill(status=200, content_type="text/html", body=evil))
    page.goto("http://evil.example/")
    page.wait_for_load_state()
    assert "CSRF" in page.content()
    assert _reviews(workdir) == []
    # with the token and the right origin the same decision is taken (the hash must match the store)
    import hashlib
    s = "Moslimdiscriminatie komt ook voor in wijkteams en buurthuizen."
    body["sentence_hash"] = hashlib.sha256(s.encode()).hexdigest()[:16]
    r = requests.post(server.url + "/api/decide", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["id"]
    # a stale sentence is refused with a reason
    r = requests.post(server.url + "/api/decide", json=dict(body, sentence_hash="0" * 16),
                      headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and "no longer" in r.json()["error"]

    # hostile document text is shown as text
    page = context.new_page()
    page.add_init_script("localStorage.setItem('miner.reviewer', 'Eve')")
    page.goto(server.url + "/")
    page.wait_for_function("document.getElementById('sentence').textContent.length > 0")
    assert page.is_hidden("#name-form")                          # the remembered name is not asked again
    page.keyboard.press("q")
    page.keyboard.type("document:doc:hostile")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('sentence').textContent.includes('onerror')")
    assert dbfixture.HOSTILE_TITLE in page.inner_text("#doc-title")
    assert page.query_selector("#context img") is None and page.query_selector("#doc-title script") is None
    assert page.evaluate("window.__pwned") is None
    assert page.query_selector("#doc-title a") is None           # javascript: url is no link
    context.close()
