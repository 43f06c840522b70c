"""The desk's route for the printed documents, on a real server over loopback: GET /api/events/{id}/print/{doc}
answers a PDF to the scrutineer and the chair only; other roles 403, unsigned 401, an unknown document or event
404 in plain words."""

from __future__ import annotations

import re
import subprocess

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.printing.test_documents import floorcraft
from tests.server import Server


@pytest.fixture(scope="module")
def box(judged_demo):
    data = judged_demo
    owner = floorcraft(data, "enrol", "--role", "scrutineer")
    assert owner.returncode == 0, owner.stderr
    running = Server(data, demo=False).start()
    yield running, re.findall(r"http://\S+/join#\S+", owner.stdout)[-1]
    running.terminate()


async def devices(http: httpx.AsyncClient, owner_url: str) -> dict[str, SignedClient]:
    owner = await SignedClient.enrol(http, owner_url)
    found = {"owner": owner}
    for role in ("scrutineer", "chair", "display", "adjudicator"):
        seat = {"role": role, "competition_id": 1, **({"judge": "A"} if role == "adjudicator" else {})}
        made = await owner.post("/api/enrolments", json=seat)
        assert made.status_code == 201, made.text
        found[role] = await SignedClient.enrol(http, made.json()["url"])
    return found


async def test_the_scrutineer_and_the_chair_get_the_pdf_other_roles_are_refused(box, tmp_path):
    server, owner_url = box
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
        found = await devices(http, owner_url)
        for role in ("owner", "scrutineer", "chair"):
            answer = await found[role].get("/api/events/1/print/results")
            assert answer.status_code == 200, (role, answer.text)
            assert answer.headers["content-type"] == "application/pdf"
            assert answer.content.startswith(b"%PDF-")
            (tmp_path / f"{role}.pdf").write_bytes(answer.content)
            text = subprocess.run(["pdftotext", str(tmp_path / f"{role}.pdf"), "-"], capture_output=True, text=True)
            assert "Results" in text.stdout and "page 1 of" in text.stdout and "Adult Standard Open" in text.stdout
        for role in ("display", "adjudicator"):
            answer = await found[role].get("/api/events/1/print/results")
            assert answer.status_code == 403, (role, answer.text)
            assert answer.json()["error"]["code"] == "forbidden"
        unsigned = await http.get("/api/events/1/print/results")
        assert unsigned.status_code == 401
        wrong = await found["scrutineer"].get("/api/events/1/print/minutes")
        assert wrong.status_code == 404
        assert wrong.json()["error"]["field"] == "doc" and "no document 'minutes'" in wrong.json()["error"]["message"]
        missing = await found["owner"].get("/api/events/999/print/marks")
        assert missing.status_code == 404 and "no event 999" in missing.json()["error"]["message"]
