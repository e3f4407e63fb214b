"""``divergent doctor``: is everything divergent needs in place? One check, one line.

The checks read and never write: the database is opened read-only (no migration runs),
the endpoint is asked only for its model list, and no API key is ever printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from divergent.model import InputError

TIMEOUT = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name:<12} {self.detail}"


def config_check() -> tuple[Check, dict[str, Any]]:
    from divergent.llm import config

    path = config.config_path()
    if not path.exists():
        return Check("config", True, f"no file at {path} (defaults and the environment)"), {}
    try:
        found = config.read_config_file(path)
    except InputError as error:
        return Check("config", False, str(error)), {}
    sections = ", ".join(sorted(found)) or "empty"
    return Check("config", True, f"{path} ({sections})"), found


def model_listing(endpoint) -> tuple[Check, dict | None]:
    """Reachability: the endpoint's ``/models`` answer, read with a short timeout."""
    import openai

    where = endpoint.base_url or "https://api.openai.com/v1"
    client = openai.OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key, timeout=TIMEOUT, max_retries=0)
    try:
        raw = client.models.with_raw_response.list()
        listing = raw.http_response.json()
    except openai.AuthenticationError:
        return Check("endpoint", False, f"{where} refused the API key (401)"), None
    except openai.APIStatusError as error:
        return Check("endpoint", False, f"{where} answered {error.status_code} to GET /models"), None
    except (openai.APIConnectionError, openai.APITimeoutError):
        return Check("endpoint", False, f"cannot reach {where}"), None
    except ValueError:
        return Check("endpoint", False, f"{where} answered GET /models with no JSON"), None
    finally:
        client.close()
    return Check("endpoint", True, f"{where} answers"), listing


def model_check(endpoint, listing: dict) -> Check:
    items = listing.get("data") if isinstance(listing, dict) else None
    ids = [str(m.get("id")) for m in items if isinstance(m, dict)] if isinstance(items, list) else []
    if endpoint.model in ids:
        return Check("model", True, f"{endpoint.model} is listed")
    shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    return Check("model", False, f"{endpoint.model} is not listed (the endpoint lists: {shown or 'nothing'}); set --model or DIVERGENT_MODEL")


def dialect_check(endpoint, listing: dict | None, db_path: Path) -> Check:
    """What was learned about this endpoint's output dialect and context length."""
    from divergent.storage.health import learned_dialect

    learned = learned_dialect(db_path, endpoint.base_url or "", endpoint.model)
    context = 0
    try:
        from divergent.llm.dialect import context_from_models

        context = context_from_models(listing, endpoint.model) if listing else 0
    except ImportError:
        pass
    if learned is None:
        extra = f"; it lists a context of {context} tokens" if context else ""
        return Check("dialect", True, f"not learned yet: the first request finds it{extra}")
    tokens = learned.get("context_tokens") or context
    state = "confirmed" if learned.get("confirmed") else "a guess until a request is answered"
    return Check(
        "dialect", True,
        f"structured output {learned['structured']}, reply cap {learned['cap']}, "
        f"context {f'{tokens} tokens' if tokens else 'unknown'} ({state}){PACES.get(learned.get('pace') or '', '')}",
    )


PACES = {  # what pacing found the server does with requests at once (llm/pacing.py)
    "parallel": "; answers requests in parallel",
    "queues": "; answers one request at a time, queueing the rest (2 in flight)",
    "interrupts": "; cuts a reply short when another request arrives, so it gets 1 request at a time",
}


def grammar_check() -> Check:
    from divergent.context.parsing import GRAMMARS, parse, query

    broken, queries = [], 0
    for name in GRAMMARS:
        try:
            parse(b"", name)
            for kind in ("design", "figures"):
                query(name, kind)
                queries += 1
        except Exception as error:  # a missing wheel, an ABI mismatch, a query that no longer compiles
            broken.append(f"{name} ({type(error).__name__}: {error})")
    if broken:
        return Check("grammars", False, "broken: " + "; ".join(broken))
    return Check("grammars", True, f"{len(GRAMMARS)} languages ({', '.join(GRAMMARS)}), {queries} queries compile")


def database_check(path: Path) -> Check:
    from divergent.storage.health import health

    if not path.exists():
        return Check("database", True, f"none yet at {path} (made on the first session)")
    found = health(path)
    if found.error:
        return Check("database", False, f"{path}: not a readable SQLite database ({found.error})")
    if found.integrity != "ok":
        return Check("database", False, f"{path}: integrity check failed: {found.integrity}")
    version = found.applied[-1] if found.applied else "none"
    if found.unknown:
        return Check("database", False, f"{path}: schema {version} is from a newer divergent ({', '.join(found.unknown)} unknown here)")
    waiting = f"; {len(found.pending)} migrations run on next open ({found.pending[-1]})" if found.pending else ""
    return Check("database", True, f"{path}: integrity ok, schema {len(found.applied)} ({version}){waiting}")


def run_checks(db_path: Path) -> list[Check]:
    """Every check, in order; those after an unusable endpoint say why they were skipped."""
    from divergent.llm import config

    check, _ = config_check()
    checks = [check]
    endpoint = None
    if not check.ok:
        checks.append(Check("endpoint", False, "not checked: the config file cannot be read"))
    else:
        try:
            endpoint = config.load()
        except InputError as error:
            checks.append(Check("endpoint", False, str(error)))
    if endpoint is not None:
        reach, listing = model_listing(endpoint)
        checks.append(reach)
        if listing is not None:
            checks.append(model_check(endpoint, listing))
        else:
            checks.append(Check("model", False, f"{endpoint.model}: not checked, the endpoint did not answer"))
        checks.append(dialect_check(endpoint, listing, db_path))
    checks.append(grammar_check())
    checks.append(database_check(db_path))
    return checks
