"""The command line: subcommands, exit codes (0 done, 1 the work failed, 2 bad input), --json."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, NoReturn, Sequence

from divergent import __version__
from divergent.model import InputError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class RunFailed(Exception):
    """The work failed (exit 1): the message is the one line said."""


def _endpoint_failed(error, kept: str) -> Exception:
    """An EndpointError as one line: bad configuration is exit 2, a lost endpoint exit 1."""
    message = f"{error} ({kept})"
    return InputError(message) if error.bad_input else RunFailed(message)


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see '{self.prog} --help')")


def _print_json(document: Any) -> None:
    print(json.dumps(document, indent=2, ensure_ascii=False))


def _emit(args, document: dict, failed: str = "") -> int:
    """A session document on stdout: JSON with --json, else the ranking table.

    ``failed`` is the one line for a command that made nothing: said on stderr, exit 1.
    """
    from divergent.engine.reporter import summary_table

    if args.json:
        _print_json(document)
    else:
        print(summary_table(document))
    if failed:
        print(f"divergent: {failed}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _made_nothing(store, session: int, after: int, what: str) -> str:
    from divergent.engine.summary import asks_outcome, nothing_made

    return nothing_made(asks_outcome(store, session, after), what)


def _store(args, readonly: bool = False):
    """The sessions database; commands that only read open it read-only (the file never changes)."""
    from divergent.storage.store import Store

    return Store(args.db, readonly=readonly)


# explore ------------------------------------------------------------------


def _options(args):
    """Explore options from the command line; InputError before anything is written."""
    from divergent.engine.options import make_options

    return make_options(
        offline=args.offline,
        candidates=args.candidates,
        model=args.model,
        concurrency=args.concurrency,
        budget=args.budget,
        budget_tokens=args.budget_tokens,
        budget_usd=args.budget_usd,
        weights=args.weights,
        verify_tests=args.verify_tests,
        verify_timeout=args.verify_timeout,
        verify_jobs=args.verify_jobs,
        verify_on=args.verify_on,
        judge_repeats=args.judge_repeats,
        explorers=args.explorers,
        critics=args.critics,
        sketch=args.sketch,
    )


def _check_scenario(text: str) -> None:
    from divergent.context.problem import split_scenario

    if not split_scenario(text)[0]:
        raise InputError(f"a scenario needs some text before '=>', not {text!r} (e.g. 'export as YAML => ReportService.render')")


def cmd_explore(args) -> int:
    from divergent.context.parsing import language_for
    from divergent.context.target import unparseable
    from divergent.engine.estimate import before_start
    from divergent.engine.headless import explore
    from divergent.engine.reporter import ProgressReporter
    from divergent.engine.options import check_explorable
    from divergent.engine.summary import last_event, session_document
    from divergent.llm.client import EndpointError

    for scenario in args.scenario:
        _check_scenario(scenario)
    options = _options(args)

    def refuse(framed) -> None:
        check_explorable(framed, options)
        line = unparseable(framed.files[framed.target.path], language_for(framed.target.path) or "python")
        if line is not None and not args.allow_unparseable:
            raise InputError(
                f"{framed.target.path} does not parse (line {line}): fix it, or pass --allow-unparseable to explore it anyway"
            )

    problem = _frame(args, check=refuse, goal=args.goal or "", scenarios=args.scenario)
    if args.criteria:
        problem.criteria = [c.strip() for c in args.criteria.split(",") if c.strip()]
    if args.autopilot and args.offline:
        raise InputError("the autopilot spends model requests: drop --offline, or explore offline without it")
    check_explorable(problem, options)
    if not args.headless:
        if args.json:
            raise InputError("--json goes with --headless")
        return _run_app(args, "explore", problem=problem, options=options)
    if not options.offline:
        print(before_start(problem, options), file=sys.stderr)
    with _store(args) as store:
        try:
            session = asyncio.run(explore(store, problem, options, ProgressReporter(sys.stderr), autopilot=args.autopilot))
        except EndpointError as error:
            kept = store.sessions()[0]
            raise _endpoint_failed(error, f"session {kept['id']} kept with {kept['candidates'] - 1} candidates") from None
        document = session_document(store, session)
        failed = _made_nothing(store, session, 0, f"session {session}")
    return _emit(args, document, failed)


def _run_app(args, mode: str = "home", **start) -> int:
    from divergent.app.main import DivergentApp, Start

    DivergentApp(getattr(args, "db", None), Start(mode, **start)).run()
    return EXIT_OK


def _existing_session(args) -> int:
    """SESSION resolved without creating or changing the database: a bad one writes nothing."""
    from divergent.storage.connection import SchemaBehind

    try:
        with _store(args, readonly=True) as store:
            return store.resolve_session(args.session)
    except SchemaBehind:  # this command writes anyway: upgrading the schema is part of it
        with _store(args) as store:
            return store.resolve_session(args.session)


def cmd_open(args) -> int:
    session = _existing_session(args)
    if args.headless:
        return _continue_headless(args, session)
    return _run_app(args, "open", session=session)


def _continue_headless(args, session: int) -> int:
    """Plan again what was in flight, then (with --budget N) let the autopilot spend N requests."""
    from divergent.engine.reporter import ProgressReporter
    from divergent.engine.options import allow_more, saved_options
    from divergent.engine.session import Session
    from divergent.engine.summary import last_event, session_document
    from divergent.llm.client import EndpointError

    _check_budget(args.budget)
    with _store(args) as store:
        options = saved_options(store, session, need_model=True)  # what was in flight finishes within its budget

        before = last_event(store, session)

        async def go() -> None:
            live = Session.open(store, session, options, ProgressReporter(sys.stderr))
            status = "stopped"
            try:
                await live.resume()
                if args.budget and live.client is not None:  # then N more requests for the autopilot
                    allow_more(store, session, options, args.budget)
                    await live.autopilot(budget=args.budget)  # the progress reporter says why it stopped
                status = "done"
            finally:
                await live.close(status)

        try:
            asyncio.run(go())
        except EndpointError as error:
            raise _endpoint_failed(error, f"session {session} kept") from None
        document = session_document(store, session)
        failed = _made_nothing(store, session, before, f"continuing session {session}")
    return _emit(args, document, failed)


def cmd_steer(args) -> int:
    """A steering command on a saved session, headless: the same commands the app's keys send."""
    from divergent.engine.options import saved_options
    from divergent.engine.reporter import ProgressReporter
    from divergent.engine.session import Session
    from divergent.engine.steering import command
    from divergent.engine.summary import last_event, session_document
    from divergent.llm.client import EndpointError

    steer = command(args.action)  # checked before the database is opened for writing
    arguments = {**steer.parse(args.args, args.count), "count": args.count, "budget": args.budget, "title": args.title}
    _check_budget(args.budget)
    session = _existing_session(args)
    with _store(args) as store:
        options = saved_options(store, session, args.budget)

        before = last_event(store, session)

        async def go() -> None:
            live = Session.open(store, session, options, ProgressReporter(sys.stderr))
            untouched = store.changes()
            refused = False
            try:
                await steer.run(live, arguments)  # the progress reporter says what it did (why the autopilot stopped)
            except InputError:
                refused = store.changes() == untouched  # refused before it wrote anything
                raise
            finally:
                if refused and live.client is not None:  # leave the session exactly as it was
                    await live.client.close()
                elif not refused:
                    await live.close()

        try:
            asyncio.run(go())
        except EndpointError as error:
            raise _endpoint_failed(error, f"session {session} kept") from None
        document = session_document(store, session)
        failed = _made_nothing(store, session, before, f"steer {steer.name}")
    return _emit(args, document, failed)


MAX_BUDGET = 1_000_000  # requests: anything larger is a typo


def _check_budget(budget: int | None) -> None:
    if budget is not None and not 1 <= budget <= MAX_BUDGET:
        raise InputError(f"--budget must be between 1 and {MAX_BUDGET}")


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args) -> int:
    """The app in a browser. textual-serve starts it with a shell command string: that string
    holds our own interpreter's path only (quoted); --db reaches the app through its environment."""
    import os
    import shlex

    from textual_serve.server import Server

    from divergent.storage.connection import SchemaBehind

    if not _loopback(args.host):
        raise InputError(
            f"serve listens on this machine only (--host localhost, 127.0.0.1 or ::1), not {args.host!r}: "
            "the app reads your repositories and runs git"
        )
    if not 1 <= args.port <= 65535:
        raise InputError(f"--port must be between 1 and 65535, not {args.port}")
    if args.db:
        try:
            _store(args, readonly=True).close()  # a file that is not ours is refused now, not in the browser
        except SchemaBehind:
            pass  # the app upgrades it
        os.environ["DIVERGENT_DB"] = str(Path(args.db).expanduser().resolve())
    # -P: the current directory is not on sys.path, so a divergent/ folder there is never imported
    command = shlex.join([sys.executable, "-P", "-m", "divergent"])
    try:
        Server(command, host=args.host, port=args.port, title="divergent").serve()
    except OSError as error:
        raise InputError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    return EXIT_OK


# sessions, show, search ---------------------------------------------------------


def cmd_sessions(args) -> int:
    with _store(args, readonly=True) as store:
        rows = store.sessions()
    if args.json:
        _print_json({"sessions": rows})
        return EXIT_OK
    if not rows:
        print(f"no sessions yet in {store.path}")
        return EXIT_OK
    print(f"{'id':>4}  {'created':<19}  {'cands':>5}  {'best':>5}  {'status':<7}  target")
    for r in rows:
        best = f"{r['best_overall']:.2f}" if r["best_overall"] is not None else "-"
        print(f"{r['id']:>4}  {r['created_at'][:19].replace('T', ' '):<19}  {r['candidates'] - 1:>5}  {best:>5}  {r['status']:<7}  {r['target']}")
    return EXIT_OK


def _candidate_number(ref: str) -> int:
    if not (ref.isascii() and ref.isdigit()):
        raise InputError(f"not a candidate number: {ref!r}")
    return int(ref)


def cmd_show(args) -> int:
    from divergent.engine.reporter import summary_table
    from divergent.engine.summary import candidate_document, session_document

    with _store(args, readonly=True) as store:
        session = store.resolve_session(args.session)
        if args.candidate is None:
            document = session_document(store, session)
            print(json.dumps(document, indent=2) if args.json else summary_table(document))
            return EXIT_OK
        number = _candidate_number(args.candidate)
        document = candidate_document(store, session, number)
        patch = _patch_for(store, session, number) if number else ""
    if args.json:
        document["patch"] = patch
        _print_json(document)
        return EXIT_OK
    print(f"#{document['id']} {document['title']}  (explorer: {document['explorer']}, cluster {document['cluster']})")
    if not document["valid"]:
        print(f"INVALID: {document['invalid_reason']}")
    print(f"\n{document['summary']}\n")
    if document["rationale"]:
        print(document["rationale"] + "\n")
    for a in document["assessments"]:
        print(f"  {a['dimension']:<14} {a['score']:.2f}  {a['evidence']}")
        if a["explain"] != a["evidence"]:
            print("\n".join(f"  {'':<14}       {line}" for line in a["explain"].splitlines()))
    print(f"  {'overall':<14} {document['scores']['overall']:.2f}  {document['explain']['overall']}")
    if patch:
        print("\n" + patch, end="")
    return EXIT_OK


def cmd_search(args) -> int:
    with _store(args, readonly=True) as store:
        rows = store.search(args.text)
    if args.json:
        _print_json({"results": rows})
        return EXIT_OK
    if not rows:
        print(f"nothing matches {args.text!r}")
    for r in rows:
        print(f"session {r['session_id']} #{r['number']}: {r['title']} — {r['summary'][:80]}")
    return EXIT_OK


# export -----------------------------------------------------------------------


def _patch_for(store, session: int, number: int) -> str:
    from divergent.engine.export import patch

    return patch(store, session, number)


def cmd_export(args) -> int:
    from divergent.engine import export as exports

    asked = [(kind, getattr(args, kind)) for kind in ("patch", "branch", "adr") if getattr(args, kind)]
    if not asked:
        raise InputError("say what to export: --patch FILE, --branch NAME or --adr FILE")
    with _store(args) as store:  # an export is recorded as an event
        session = store.resolve_session(args.session)
        number = _candidate_number(args.candidate)
        exports.exportable(store, session, number)  # refused before anything is written
        for kind, target in asked:
            said = exports.export(store, session, number, kind, target)
            if kind == "patch" and target == "-":
                sys.stdout.write(said)
            else:
                print(said, file=sys.stderr)
    return EXIT_OK


def cmd_traces(args) -> int:
    """The search as data: chat fine-tuning and preference records, one JSON object a line."""
    import io

    from divergent.engine.export import output_file
    from divergent.engine.traces import nothing_to_write, write_jsonl, wrote

    if (args.session is None) == (not args.all):
        raise InputError("name a SESSION or pass --all, not both")
    out = None if args.jsonl == "-" else output_file(args.jsonl, "--jsonl")
    with _store(args) as store:
        sessions = [r["id"] for r in store.sessions()] if args.all else [store.resolve_session(args.session)]
        buffer = io.StringIO()
        counts = write_jsonl(store, sorted(sessions), buffer, args.kind)
    which = f"session {sessions[0]}" if not args.all else f"{len(sessions)} sessions"
    if not any(counts.values()):
        print(f"divergent: {nothing_to_write(args.kind, which)}", file=sys.stderr)
        return EXIT_FAILED
    if out is None:
        sys.stdout.write(buffer.getvalue())
    else:
        out.write_text(buffer.getvalue())
    print(wrote(counts, which, args.jsonl), file=sys.stderr)
    return EXIT_OK


def cmd_plugins(args) -> int:
    from divergent.engine.choices import listing

    found = listing()
    if args.json:
        _print_json({"plugins": [
            {"kind": p.kind, "name": p.name, "package": p.source.package, "version": p.source.version, "detail": p.detail, "ok": not p.source.error}
            for p in found
        ]})
        return EXIT_OK
    for p in found:
        package = f"{p.source.package} {p.source.version}".strip()
        print(f"{p.kind:<9} {p.name:<14} {package:<22} {p.detail}")
    return EXIT_OK


def cmd_doctor(args) -> int:
    from divergent.engine.doctor import run_checks
    from divergent.storage.store import default_path

    checks = run_checks(Path(args.db).expanduser() if args.db else default_path())
    if args.json:
        _print_json({"ok": all(c.ok for c in checks), "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks]})
    else:
        print("\n".join(c.line() for c in checks))
    return EXIT_OK if all(c.ok for c in checks) else EXIT_FAILED


# metrics, context, sample ---------------------------------------------------


def cmd_metrics(args) -> int:
    from divergent.context.metrics import metrics_for_path
    from divergent.context.parsing import LANGUAGES

    root = Path(args.path).expanduser()
    if not root.exists():
        raise InputError(f"no such file or directory: {args.path}")
    if root.is_file() and root.suffix not in LANGUAGES:
        known = " ".join(sorted(LANGUAGES))
        raise InputError(f"{args.path}: not a source file divergent reads ({known})")
    units = metrics_for_path(root)
    if args.json:
        _print_json({"units": [u.to_dict() for u in units]})
        return EXIT_OK
    print(f"{'cc':>3} {'cog':>4} {'sloc':>5} {'par':>3} {'nest':>4} {'surf':>4}  {'kind':<8} unit")
    for u in units:
        print(
            f"{u.cyclomatic:>3} {u.cognitive:>4} {u.sloc:>5} {u.params:>3} {u.max_nesting:>4} {u.surface:>4}  "
            f"{u.kind:<8} {u.path}:{u.line} {u.name}"
        )
    return EXIT_OK


def concurrency_flag(text: str) -> int | str:
    """--concurrency N or auto (a refusal is exit 2 and one line, as argparse does)."""
    if text == "auto":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number or 'auto', not {text!r}") from None


def context_tokens(args) -> int:
    """--context-tokens, else the config file's ``[explore] context_tokens``, else the default."""
    from divergent.context.problem import DEFAULT_CONTEXT_TOKENS
    from divergent.llm.config import read_config_file

    value = getattr(args, "context_tokens", None)
    if value is None:
        value = read_config_file().get("explore", {}).get("context_tokens", DEFAULT_CONTEXT_TOKENS)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"--context-tokens ([explore] context_tokens) must be a whole number of tokens, not {value!r}")
    return value


def _frame(args, check=None, **options):
    """``frame`` for ``args.target``, with the symbol index kept in the sessions database."""
    from divergent.engine.framing import frame

    return frame(args.target, args.repo, Path.cwd(), db=args.db, check=check, context_tokens=context_tokens(args), **options)


def cmd_context(args) -> int:
    from dataclasses import asdict

    budget = context_tokens(args)
    problem = _frame(args)
    parts = problem.context
    document = {
        "target": problem.target.to_dict(),
        "context_tokens": budget,
        "tokens": sum(p.tokens for p in parts),
        "parts": [p.to_dict() for p in parts],
        "source": problem.source,
        "signatures": problem.signatures,
        "call_sites": [asdict(c) for c in problem.call_sites],
        "used_names": problem.used_names,
    }
    if args.json:
        _print_json(document)
        return EXIT_OK
    t = problem.target
    around = sum(p.tokens for p in parts if p.kind != "target")
    print(f"# {t.spec} ({t.kind}, lines {t.line}-{t.end_line}): {document['tokens']} tokens, "
          f"{around} of them around the target (budget {budget}, ~4 characters a token)")
    for part in parts:
        where = f"{part.path}:{part.line}-{part.end_line}" if part.line else part.path
        print(f"\n## {part.kind} {where} ({part.label}): {part.tokens} tokens")
        print(part.text.rstrip())
    print(f"\n# {len(problem.call_sites)} call sites of: {', '.join(problem.used_names) or '(none)'}")
    return EXIT_OK


def cmd_sample(args) -> int:
    from divergent.samples import create

    dest = Path(args.dir).expanduser()
    if dest.exists() and not dest.is_dir():
        raise InputError(f"{dest} is a file: name a new or empty directory for the sample")
    try:
        create("shop", dest)
    except FileExistsError as error:
        raise InputError(str(error)) from None
    except OSError as error:
        raise InputError(f"cannot create the sample in {dest}: {error.strerror or error}") from None
    print(f"sample repository created in {dest}", file=sys.stderr)
    print(f"try: divergent explore {dest}/shop/reports.py::ReportService --repo {dest} --offline --headless", file=sys.stderr)
    return EXIT_OK


# the parser -----------------------------------------------------------------------


def build_parser() -> Parser:
    from divergent.engine.steering import COMMANDS

    common = Parser(add_help=False)
    common.add_argument("--db", help="sessions database (default: $DIVERGENT_DB or the user data dir)")
    common.add_argument("--debug", action="store_true", help="show tracebacks")

    parser = Parser(prog="divergent", description="Explore many software designs before you commit to one.")
    parser.add_argument("--version", action="version", version=f"divergent {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("explore", parents=[common], help="explore designs for a target")
    p.add_argument("target", metavar="TARGET", help="PATH or PATH::Symbol (Class, Class.method, function)")
    p.add_argument("--repo", help="repository (default: the git top level of the current directory)")
    p.add_argument("--goal", help="what the design should achieve")
    p.add_argument("--scenario", action="append", default=[], help="a likely future change (repeatable)")
    p.add_argument("--candidates", type=int, default=32, help="most candidates in the first wave (default 32)")
    p.add_argument("--offline", action="store_true", help="no network: catalog explorer and static critics only")
    p.add_argument("--model", help="model name for the endpoint (default: $DIVERGENT_MODEL, the config file, gpt-4o-mini)")
    p.add_argument("--budget", type=int, help="most model requests for the session (default: 2 x candidates + 1)")
    p.add_argument("--budget-tokens", type=int, help="most tokens, prompt and reply, for the session")
    p.add_argument("--budget-usd", type=float, help="most dollars for the session (by the price table)")
    p.add_argument("--concurrency", type=concurrency_flag, help="requests in flight at once, or 'auto': 1-2 for a server that queues (default 16)")
    p.add_argument("--weights", help="critic weights, e.g. simplicity=2,change_cost=1 (default 1 each)")
    p.add_argument("--criteria", help="the judge's criteria, comma-separated (default: readability, testability, fit to the goal)")
    p.add_argument("--context-tokens", type=int, help="tokens a request spends around the target: callers, tests, repo map (default 8000)")
    p.add_argument("--judge-repeats", type=int, default=2, metavar="N", help="judge asks per design, the order swapped on every other one (default 2)")
    p.add_argument("--verify-tests", metavar="CMD", help="run CMD (the repo's tests) in a temporary worktree per candidate")
    p.add_argument("--verify-timeout", type=float, default=300.0, help="seconds before a --verify-tests run fails")
    p.add_argument("--sketch", action="store_true", help="the first wave asks for API sketches (signatures, types, docstrings); materialize the promising ones")
    p.add_argument("--verify-jobs", type=int, metavar="N", help="candidates verified at once, each in its own worktree (default: the cores)")
    p.add_argument("--verify-on", metavar="WHERE", help="ray (a local Ray instance, loopback only) or ray://HOST:PORT: verify on Ray (pip install 'divergent[ray]')")
    p.add_argument("--explorers", metavar="NAMES", help="the first wave's explorers, comma-separated (see 'divergent plugins')")
    p.add_argument("--critics", metavar="NAMES", help="the critics that score, comma-separated (see 'divergent plugins')")
    p.add_argument("--headless", action="store_true", help="no TUI: progress on stderr, a summary on stdout")
    p.add_argument("--json", action="store_true", help="with --headless: one JSON document on stdout")
    p.add_argument("--allow-unparseable", action="store_true", help="explore a target the grammar cannot read (refused otherwise)")
    p.add_argument("--autopilot", action="store_true", help="let the autopilot size the first wave and spend the budget")
    p.set_defaults(func=cmd_explore)

    p = sub.add_parser("open", parents=[common], help="continue a saved session (TUI, or --headless)")
    p.add_argument("session", metavar="SESSION", help="session id, or 'last'")
    p.add_argument("--headless", action="store_true", help="no TUI: continue with the autopilot")
    p.add_argument("--budget", type=int, help="most further model requests")
    p.add_argument("--json", action="store_true", help="with --headless: one JSON document on stdout")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser(
        "steer", parents=[common], help="a steering command on a saved session, headless",
        description="Actions: " + "; ".join(f"{c.spelled} {c.arguments}: {c.help}".replace(" :", ":") for c in COMMANDS.values()),
    )
    p.add_argument("session", metavar="SESSION", help="session id, or 'last'")
    p.add_argument("action", metavar="ACTION", help=", ".join(c.spelled for c in COMMANDS.values()))
    p.add_argument("args", metavar="ARG", nargs="*")
    p.add_argument("--count", type=int, default=1, help="how many designs to ask for (default 1)")
    p.add_argument("--title", help="add-design: the design's title (default: the ref or folder)")
    p.add_argument("--budget", type=int, help="most further model requests")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_steer)

    p = sub.add_parser("serve", parents=[common], help="the TUI in a browser (textual-serve, localhost only)")
    p.add_argument("--host", default="localhost", help="localhost, 127.0.0.1 or ::1 (this machine only)")
    p.add_argument("--port", type=int, default=8000, help="1 to 65535 (default 8000)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("sessions", parents=[common], help="list saved sessions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser("show", parents=[common], help="a session, or one candidate with its diff")
    p.add_argument("session", metavar="SESSION", help="session id, or 'last'")
    p.add_argument("candidate", metavar="CANDIDATE", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("search", parents=[common], help="full-text search across sessions' candidates")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", parents=[common], help="export a candidate")
    p.add_argument("session", metavar="SESSION", help="session id, or 'last'")
    p.add_argument("candidate", metavar="CANDIDATE")
    p.add_argument("--patch", metavar="FILE", help="write a unified diff ('-' for stdout)")
    p.add_argument("--branch", metavar="NAME", help="commit the candidate on a new branch (through a temporary worktree)")
    p.add_argument("--adr", metavar="FILE", help="write a decision record listing the alternatives weighed")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("traces", parents=[common], help="the search as data: chat fine-tuning and preference records (JSONL)")
    p.add_argument("session", metavar="SESSION", nargs="?", help="session id, or 'last' (or --all)")
    p.add_argument("--all", action="store_true", help="every saved session")
    p.add_argument("--jsonl", metavar="FILE", required=True, help="where to write the records ('-' for stdout)")
    p.add_argument("--kind", choices=("chat", "preference", "both"), default="both", help="which records (default both)")
    p.set_defaults(func=cmd_traces)

    p = sub.add_parser("plugins", parents=[common], help="every explorer and critic, built-in or third-party, with its package")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plugins)

    p = sub.add_parser("doctor", parents=[common], help="check the config, the endpoint and model, grammars, the database")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("metrics", parents=[common], help="the static figures the critics see, per unit")
    p.add_argument("path", metavar="PATH", help="a Python file or a directory")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("context", parents=[common], help="what the model would be given for a target")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--repo")
    p.add_argument("--context-tokens", type=int, help="tokens for what surrounds the target (default 8000, or the config's context_tokens)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_context)

    p = sub.add_parser("sample", parents=[common], help="create the sample repository to try divergent on")
    p.add_argument("dir", metavar="DIR", help="where to create it (must not exist, or be empty)")
    p.set_defaults(func=cmd_sample)
    return parser


def _parse(argv: list[str]):
    """The arguments; a target that starts with '-' gets a hint instead of a puzzle."""
    try:
        return build_parser().parse_args(argv)
    except InputError as error:
        dashed = [a for a in argv if a.startswith("-") and ("::" in a or Path(a.partition("::")[0]).suffix in (".py", ".js", ".ts", ".tsx", ".go", ".rs", ".java"))]
        if dashed:
            raise InputError(f"{error}; a TARGET that starts with '-' is written ./{dashed[0]}") from None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    args = None
    from divergent.storage.connection import DatabaseError

    try:
        if not [a for a in argv if not a.startswith("-")] and not {"-h", "--help", "--version"} & set(argv):
            common = Parser(prog="divergent")
            common.add_argument("--db")
            common.add_argument("--debug", action="store_true")
            return _run_app(common.parse_args(argv))
        args = _parse(argv)
        return args.func(args)
    except InputError as error:
        if debug:
            raise
        print(f"divergent: {_one_line(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RunFailed as error:
        if debug:
            raise
        print(f"divergent: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("divergent: interrupted; everything scored so far is saved", file=sys.stderr)
        return EXIT_FAILED
    except DatabaseError as error:  # the database failed under a run: which file, and what to do
        if debug:
            raise
        from divergent.storage.connection import explain
        from divergent.storage.store import default_path

        db = getattr(args, "db", None)
        problem = explain(error, Path(db) if db else default_path())
        if isinstance(problem, InputError):  # the file is at fault: damaged, read-only, locked
            print(f"divergent: {_one_line(problem)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"divergent: failed: {_one_line(problem)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # the work failed: one line unless --debug
        if debug:
            raise
        print(f"divergent: failed: {type(error).__name__}: {_one_line(error)} (rerun with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAILED


def _one_line(error: BaseException) -> str:
    """An error's text on one line, however many lines it came with."""
    return " ".join(str(error).split())


if __name__ == "__main__":
    raise SystemExit(main())
