"""A new exploration: repository and target (fuzzy over the repo's symbols), goal, scenarios,
budget, model, offline, and the pre-run estimate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rapidfuzz import process, utils
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, OptionList, Switch, TextArea

from divergent.app.legend import plural
from divergent.app.widgets.keybar import KeyBar
from divergent.engine.estimate import OFFLINE_LINE, before_start
from divergent.engine import settings
from divergent.engine.framing import repository_symbols, split_scenario
from divergent.model import InputError, Problem

SUGGESTIONS = 8
NARROW = 110  # columns below which a row of fields goes one under the other


class TargetInput(Input):
    """The target field: down moves into the fuzzy suggestions below it."""

    BINDINGS = [Binding("down", "screen.suggestions", "Suggestions", show=False)]


class NewExplorationScreen(Screen):
    CSS_PATH = "new.tcss"
    BINDINGS = [
        Binding("escape", "back", "back", tooltip="Close the open list of targets, else back to the sessions", id="new.back"),
        Binding("ctrl+s", "start", "start", tooltip="Start the exploration", id="new.start"),
        # not ctrl+p: the app's command palette takes that key first
        Binding("ctrl+o", "propose", "propose scenarios", tooltip="Ask the model for likely future changes (1 request)", id="new.propose"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.symbols: list[str] = []
        self.picked_target = ""  # the suggestion last picked: its Changed event must not open the list again
        # (repo, target) -> the framed problem, or why it could not be framed; for the estimate
        self.framed: tuple[tuple[str | None, str], Problem | InputError] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Label("Repository")
            yield Input(str(Path.cwd()), id="repo")
            yield Label("Target (PATH or PATH::Symbol; type to search the repository)")
            yield TargetInput(placeholder="shop/reports.py::ReportService", id="target")
            yield OptionList(id="suggestions")
            yield Label("finding the repository's classes and functions…", id="symbols-status")
            yield Label("Goal")
            yield Input(placeholder="what the design should achieve", id="goal")
            yield Label("Likely future changes (one per line)")
            yield TextArea("", id="scenarios")
            with Horizontal(classes="row"):
                yield Label("Candidates")
                yield Input("16", id="candidates", type="integer")
                yield Label("Budget (requests)")
                yield Input("", placeholder="3 × candidates + 1", id="budget", type="integer")
                yield Label("Model")
                yield Input("", placeholder=settings.default_model(), id="model")
            with Horizontal(classes="row"):
                yield Label("Explorers")
                yield Input("", placeholder="default (see divergent plugins)", id="explorers")
                yield Label("Critics")
                yield Input("", placeholder="default", id="critics")
                yield Label("Sketches")
                yield Switch(value=False, id="sketch", tooltip="The first wave asks for API sketches (signatures, types, docstrings): far fewer tokens; m materializes one")
            with Horizontal(classes="row"):
                yield Label("Offline (catalog + static critics)")
                yield Switch(value=not settings.configured(), id="offline")
                yield Button("Propose scenarios", id="propose")
                yield Button("Start", variant="primary", id="start")
            yield Label("", id="estimate")
        yield KeyBar()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")  # the rows of fields stack: none runs off the screen

    def on_mount(self) -> None:
        self.load_symbols(self.query_one("#repo", Input).value)
        self.query_one("#target", Input).focus()
        self.update_estimate()

    @on(Input.Changed, "#repo")
    def repo_changed(self, event: Input.Changed) -> None:
        self.query_one("#symbols-status", Label).update("finding the repository's classes and functions…")
        self.load_symbols(event.value)

    def action_back(self) -> None:
        """Esc closes the list of targets when it is open; only then does it leave the form."""
        options = self.query_one("#suggestions", OptionList)
        if options.display:
            options.display = False
            self.query_one("#target", Input).focus()
            return
        self.app.pop_screen()

    @work(exclusive=True, group="symbols", thread=True)
    def load_symbols(self, repo: str) -> None:
        try:
            found = repository_symbols(repo, Path.cwd())
        except InputError:
            found = []
        self.app.call_from_thread(self._set_symbols, found)

    def _set_symbols(self, found: list[str]) -> None:
        self.symbols = found
        where = f"{plural(len(found), 'class or function', 'classes and functions')} found: type to search, ↓ into the list, esc closes it"
        self.query_one("#symbols-status", Label).update(where if found else "no classes or functions found in that repository")
        self.suggest(self.query_one("#target", Input).value)

    @on(Input.Changed, "#target")
    def target_changed(self, event: Input.Changed) -> None:
        if event.value != self.picked_target:  # not the change that picking a suggestion made
            self.suggest(event.value)
        self.update_estimate()

    def suggest(self, text: str) -> None:
        options = self.query_one("#suggestions", OptionList)
        options.clear_options()
        if not text or not self.symbols:
            options.display = False
            return
        hits = process.extract(text, self.symbols, limit=SUGGESTIONS, processor=utils.default_process)
        options.add_options([hit[0] for hit in hits if hit[1] > 40])
        options.display = options.option_count > 0

    def action_suggestions(self) -> None:
        options = self.query_one("#suggestions", OptionList)
        if options.display and options.option_count:
            options.focus()
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#suggestions")
    def picked(self, event: OptionList.OptionSelected) -> None:
        target = self.query_one("#target", Input)
        self.picked_target = str(event.option.prompt)
        target.value = self.picked_target
        self.query_one("#suggestions", OptionList).display = False
        self.query_one("#goal", Input).focus()

    @on(Input.Changed, "#goal")
    @on(Input.Changed, "#candidates")
    @on(Input.Changed, "#budget")
    @on(Input.Changed, "#model")
    @on(Input.Changed, "#explorers")
    @on(Input.Changed, "#critics")
    @on(TextArea.Changed, "#scenarios")
    @on(Switch.Changed)
    def inputs_changed(self) -> None:
        self.update_estimate()

    def form(self) -> dict:
        """What the engineer typed; InputError when a number is not one."""

        def number(widget_id: str) -> int | None:
            value = self.query_one(f"#{widget_id}", Input).value.strip()
            try:
                return int(value) if value else None
            except ValueError:
                raise InputError(f"{widget_id} must be a whole number, not {value!r}") from None

        scenarios = [s.strip() for s in self.query_one("#scenarios", TextArea).text.splitlines() if s.strip()]
        candidates = number("candidates")
        return {
            "repo": self.query_one("#repo", Input).value.strip() or None,
            "target": self.query_one("#target", Input).value.strip(),
            "goal": self.query_one("#goal", Input).value.strip(),
            "scenarios": scenarios,
            "candidates": 16 if candidates is None else candidates,
            "budget": number("budget"),
            "model": self.query_one("#model", Input).value.strip() or None,
            "offline": self.query_one("#offline", Switch).value,
            "sketch": self.query_one("#sketch", Switch).value,
            "explorers": self.query_one("#explorers", Input).value.strip() or None,  # comma-separated names
            "critics": self.query_one("#critics", Input).value.strip() or None,
        }

    def update_estimate(self) -> None:
        """The pre-run estimate: requests, tokens and dollars of the first wave, as the headless run prints it."""
        from divergent.engine.options import make_options

        label = self.query_one("#estimate", Label)
        try:
            f = self.form()
            if f["offline"]:
                label.update(OFFLINE_LINE)
                return
            if not settings.configured():
                label.update("no model endpoint configured (OPENAI_API_KEY / OPENAI_BASE_URL): switch to offline")
                return
            options = make_options(
                offline=False, candidates=f["candidates"], model=f["model"], budget=f["budget"], explorers=f["explorers"], critics=f["critics"],
                sketch=f["sketch"],
            )
        except InputError as error:
            label.update(f"estimate: {error}")
            return
        key = (f["repo"], f["target"])
        problem = self.framed[1] if self.framed is not None and self.framed[0] == key else None
        if isinstance(problem, Problem):
            split = [split_scenario(s) for s in f["scenarios"]]
            problem = replace(
                problem,
                goal=f["goal"],
                scenarios=[text for text, _ in split if text],
                scenario_terms={text: units for text, units in split if text and units},
            )
            label.update(before_start(problem, options))
            return
        if not f["target"]:
            why = "name a target to count requests, tokens and $"
        elif problem is None:
            why = "counting requests, tokens and $…"
            self.frame_target(*key)
        else:
            why = "requests, tokens and $ once the target is found in the repository"
        label.update(f"estimate: {why}; budget {options.budget.max_requests} requests")

    @work(exclusive=True, group="estimate", thread=True)
    def frame_target(self, repo: str | None, target: str) -> None:
        from divergent.engine.framing import frame

        try:
            result: Problem | InputError = frame(target, repo, Path.cwd(), db=self.app.db_path)
        except InputError as error:
            result = error
        self.app.call_from_thread(self._framed, (repo, target), result)

    def _framed(self, key: tuple[str | None, str], result: Problem | InputError) -> None:
        self.framed = (key, result)
        self.update_estimate()

    def action_propose(self) -> None:
        self.propose_scenarios()

    @on(Button.Pressed, "#propose")
    def propose_pressed(self) -> None:
        self.propose_scenarios()

    @work(exclusive=True, group="propose")
    async def propose_scenarios(self) -> None:
        from divergent.engine.errors import EndpointError

        try:
            f = self.form()
        except InputError as error:
            self.notify(str(error), severity="warning")
            return
        if f["offline"] or not settings.configured():
            why = "offline is on" if f["offline"] else "none is configured"
            self.notify(f"proposing scenarios needs a model endpoint ({why}): type them instead", severity="warning")
            return
        if not f["target"]:
            self.notify("name a target first: the model proposes changes for that code", severity="warning")
            return
        self.notify("asking the model for likely future changes…")
        try:
            proposals = await self.app.propose_scenarios(f)
        except (InputError, EndpointError) as error:
            self.notify(str(error), severity="warning", timeout=8)
            return
        if not proposals:
            self.notify("the model proposed no usable scenarios: type them instead", severity="warning")
            return
        area = self.query_one("#scenarios", TextArea)
        existing = [line for line in area.text.splitlines() if line.strip()]
        area.load_text("\n".join(existing + [p for p in proposals if p not in existing]))
        self.notify(f"{len(proposals)} scenarios proposed: edit or delete lines before starting")

    @on(Button.Pressed, "#start")
    def start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        try:
            self.app.start_exploration(self.form())
        except InputError as error:
            self.notify(str(error), severity="error", timeout=8)
