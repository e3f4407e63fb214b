"""The read model the engine keeps in memory (what the app redraws from) says what the
database says: after a first wave, a new scenario and new weights, the live documents
equal the ones read back from SQLite by a second connection."""

from __future__ import annotations

from designs import SMALL, SUMMARISE

from divergent.context.problem import frame
from divergent.engine import summary
from divergent.engine.options import make_options
from divergent.engine.session import Session
from divergent.storage.store import Store

TARGET = "shop/reports.py::ReportService"


async def test_the_live_documents_equal_the_stored_ones(sample_repo, db_path, tmp_path):
    with Store(db_path) as store:
        problem = frame(TARGET, str(sample_repo), tmp_path)
        session = await Session.create(store, problem, make_options(offline=True), lambda event: None)
        await session.first_wave()
        await session.add_scenario("add a YAML output format")
        session.rescore({"simplicity": 3.0})
        live = summary.live_document(session)
        details = {c.id: summary.live_candidate(session, c.id) for c in session.candidates}
        await session.close()
    with Store(db_path) as again:
        stored = summary.session_document(again, live["session"])
        assert len(stored["candidates"]) > 2 and any(c["pareto"] for c in stored["candidates"])
        assert live["candidates"] == stored["candidates"]
        assert live["clusters"] == stored["clusters"]
        for number, detail in details.items():
            assert detail == summary.candidate_document(again, live["session"], number), number


async def test_a_near_duplicate_reads_the_same_live_stored_and_reopened(sample_repo, db_path, tmp_path):
    today = (sample_repo / "shop/reports.py").read_text().rstrip() + "\n"
    with Store(db_path) as store:
        problem = frame(TARGET, str(sample_repo), tmp_path)
        session = await Session.create(store, problem, make_options(offline=True), lambda event: None)
        first = await session.add_design({"shop/reports.py": today + SUMMARISE}, "a summary function")
        second = await session.add_design({"shop/reports.py": today + SUMMARISE + SMALL.format("a")}, "and a helper")
        live = summary.live_document(session)
        detail = summary.live_candidate(session, second.id)
        await session.close()
    rows = {c["id"]: c for c in live["candidates"]}
    assert rows[first.id]["near_duplicate"] is None
    assert rows[second.id]["near_duplicate"]["of"] == first.id and rows[second.id]["cluster"] == rows[first.id]["cluster"]
    with Store(db_path) as again:
        assert summary.session_document(again, live["session"])["candidates"] == live["candidates"]
        assert summary.candidate_document(again, live["session"], second.id) == detail
        reopened = Session.open(again, live["session"], make_options(offline=True), lambda event: None)
        assert summary.live_document(reopened)["candidates"] == live["candidates"]
