"""The divergent App: themes, the command palette, and opening sessions on screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from divergent.app import prefs
from divergent.app.palette import DivergentCommands
from divergent.app.screens.home import HomeScreen
from divergent.llm import config
from divergent.model import InputError, Problem
from divergent.storage.store import Store
from divergent.themes import DEFAULT_THEME, THEMES


@dataclass
class Start:
    """What the app opens on: home, a new session (problem + options), or a saved session."""

    mode: str = "home"  # home | explore | open
    problem: Problem | None = None
    options: object | None = None  # engine.options.Options
    session: int | None = None
    extra: dict = field(default_factory=dict)


class DivergentApp(App):
    TITLE = "divergent"
    SUB_TITLE = "explore many designs before you commit to one"
    COMMANDS = App.COMMANDS | {DivergentCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("f2", "change_theme", "Theme", id="app.theme"),
    ]

    def __init__(self, db: str | Path | None = None, start: Start | None = None) -> None:
        super().__init__()
        self.db_path = db
        self.start = start or Start()
        self.store: Store | None = None

    def on_mount(self) -> None:
        self.store = Store(self.db_path)
        for theme in THEMES:
            self.register_theme(theme)
        chosen = prefs.load_theme(DEFAULT_THEME)
        self.theme = chosen if chosen in self.available_themes else DEFAULT_THEME
        self.theme_changed_signal.subscribe(self, lambda theme: prefs.save_theme(theme.name))
        self.set_keymap(config.read_config_file().get("keymap", {}))
        self.push_screen(HomeScreen())
        if self.start.mode == "explore":
            self.explore(self.start.problem, self.start.options)
        elif self.start.mode == "open":
            self.open_session(self.start.session, self.start.options)

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    # opening sessions --------------------------------------------------------------

    def explore(self, problem: Problem, options) -> None:
        from divergent.app.screens.explore import ExploreScreen
        from divergent.engine.session import Session

        async def opener(emit):
            return await Session.create(self.store, problem, options, emit)

        self.push_screen(ExploreScreen(opener, first_wave=True))

    def open_session(self, session: int, options=None) -> None:
        from divergent.app.screens.explore import ExploreScreen
        from divergent.engine.options import saved_options
        from divergent.engine.session import Session

        if options is None:
            options = saved_options(self.store, session)

        async def opener(emit):
            return Session.open(self.store, session, options, emit)

        self.push_screen(ExploreScreen(opener, first_wave=False))

    def start_exploration(self, form: dict) -> None:
        """From the new-exploration form; InputError says what to fix."""
        from divergent.context.problem import frame
        from divergent.engine.options import make_options

        if not form["target"]:
            raise InputError("name a target: PATH or PATH::Symbol")
        options = make_options(
            offline=form["offline"], candidates=form["candidates"], model=form["model"], budget=form["budget"],
            explorers=form.get("explorers"), critics=form.get("critics"),
        )
        problem = frame(form["target"], form["repo"], Path.cwd(), goal=form["goal"], scenarios=form["scenarios"])
        self.pop_screen()
        self.explore(problem, options)

    async def propose_scenarios(self, form: dict) -> list[str]:
        from divergent.context.problem import frame
        from divergent.explorers.model.scenarios import propose_scenarios
        from divergent.llm.budget import Budget
        from divergent.llm.client import MAX_ATTEMPTS, ModelClient

        problem = frame(form["target"], form["repo"], Path.cwd(), goal=form["goal"])
        # one proposal; the budget leaves room for its retries after a 429 or a 5xx
        client = ModelClient(config.load(form["model"]), Budget(max_requests=MAX_ATTEMPTS))
        try:
            return await propose_scenarios(client, problem)
        finally:
            await client.close()
