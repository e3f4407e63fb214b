"""``divergent doctor`` against the fake server, real config files and real SQLite files."""

from __future__ import annotations

import sqlite3

from conftest import SECRET_KEY

from divergent.storage.store import Store


def lines(out: str) -> dict[str, str]:
    """check name -> its whole line."""
    return {line.split()[1]: line for line in out.splitlines()}


def config_file(tmp_path, text: str):
    path = tmp_path / "xdg-config" / "divergent" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_all_pass_against_a_reachable_endpoint_that_lists_the_model(endpoint_env, cli, tmp_path, db_path):
    path = config_file(tmp_path, '[endpoint]\nmodel = "fake-model"\n')
    Store(db_path).close()
    code, out, err = cli("doctor")
    assert code == 0, out + err
    found = lines(out)
    assert list(found) == ["config", "endpoint", "model", "dialect", "grammars", "database"]
    assert all(line.startswith("ok") for line in found.values())
    assert str(path) in found["config"]
    assert "fake-model is listed" in found["model"]
    assert str(db_path) in found["database"] and "integrity ok" in found["database"]
    assert SECRET_KEY not in out + err
    assert endpoint_env.others and all(r["path"].endswith("/models") for r in endpoint_env.others) and not endpoint_env.requests  # it sends no chat


def test_a_model_the_endpoint_does_not_list_fails(endpoint_env, cli, monkeypatch):
    monkeypatch.setenv("DIVERGENT_MODEL", "no-such-model")
    code, out, _ = cli("doctor")
    assert code == 1
    assert lines(out)["model"].startswith("FAIL") and "fake-model" in lines(out)["model"]


def test_an_unreachable_endpoint_fails(fake_server, cli, monkeypatch):
    url = fake_server.base_url
    fake_server.stop()
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    code, out, _ = cli("doctor")
    assert code == 1
    assert lines(out)["endpoint"].startswith("FAIL") and "cannot reach" in lines(out)["endpoint"]


def test_no_endpoint_and_an_unreadable_config_fail(cli, tmp_path):
    code, out, _ = cli("doctor")
    assert code == 1 and lines(out)["endpoint"].startswith("FAIL")
    config_file(tmp_path, "[endpoint\nmodel = ")
    code, out, _ = cli("doctor")
    assert code == 1 and lines(out)["config"].startswith("FAIL")


def test_a_damaged_database_and_one_from_a_newer_divergent_fail(endpoint_env, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("DIVERGENT_MODEL", "fake-model")
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    code, out, _ = cli("doctor", "--db", damaged)
    assert code == 1 and lines(out)["database"].startswith("FAIL")

    torn = tmp_path / "torn.db"
    with Store(torn) as store:
        store.db.execute("pragma wal_checkpoint(truncate)")
    data = bytearray(torn.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = b"\xff" * page  # a table's page overwritten
    torn.write_bytes(bytes(data))
    code, out, _ = cli("doctor", "--db", torn)
    assert code == 1 and lines(out)["database"].startswith("FAIL")

    newer = tmp_path / "newer.db"
    Store(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("insert into schema_migrations (migration_set, name, applied_at) values ('divergent', '9999_future', 'x')")
    code, out, _ = cli("doctor", "--db", newer)
    assert code == 1 and "newer divergent" in lines(out)["database"]


def test_doctor_never_migrates_or_creates_the_database(endpoint_env, cli, tmp_path):
    missing = tmp_path / "none.db"
    code, out, _ = cli("doctor", "--db", missing)
    assert "none yet" in lines(out)["database"] and not missing.exists()


def test_the_dialect_line_says_what_a_session_learned(endpoint_env, cli, sample_repo, monkeypatch):
    monkeypatch.setenv("DIVERGENT_MODEL", "fake-model")
    before = lines(cli("doctor")[1])["dialect"]
    assert "not learned yet" in before
    code, _, err = cli("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo, "--headless", "--candidates", "2")
    assert code == 0, err
    endpoint_env.reset()
    after = lines(cli("doctor")[1])["dialect"]
    assert after.startswith("ok") and "structured output json_schema" in after and "confirmed" in after


def test_the_dialect_line_says_a_server_cuts_replies_short(cli, sample_repo, monkeypatch):
    from fake_openai import FakeOpenAI

    with FakeOpenAI(mode="json", interrupts=True, chunk_delay=0.005) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("DIVERGENT_MODEL", "fake-model")
        code, _, err = cli("explore", sample_repo / "shop/reports.py::ReportService", "--repo", sample_repo, "--headless", "--candidates", "4")
        assert code == 0, err
        assert "cuts a reply short" in lines(cli("doctor")[1])["dialect"]
