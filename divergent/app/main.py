"""The divergent App: themes, the command palette, and opening sessions on screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, SearchIcon

from divergent.app import prefs
from divergent.app.palette import DivergentCommands
from divergent.app.screens.dialogs import TracesScreen
from divergent.app.screens.home import HomeScreen
from divergent.engine import settings
from divergent.model import InputError, Problem
from divergent.themes import DEFAULT_THEME, THEMES


@dataclass
class Start:
    """What the app opens on: home, a new session (problem + options), or a saved session."""

    mode: str = "home"  # home | explore | open
    problem: Problem | None = None
    options: object | None = None  # engine.options.Options
    session: int | None = None
    extra: dict = field(default_factory=dict)


def screenshot_folder() -> Path:
    downloads = platformdirs.user_downloads_path()
    if downloads.is_dir():
        return downloads
    folder = platformdirs.user_data_path("divergent") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Palette(CommandPalette):
    """Textual's command palette with a search mark every font draws (its own is an emoji)."""

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = "›"


class DivergentApp(App):
    TITLE = "divergent"
    SUB_TITLE = "explore many designs before you commit to one"
    COMMANDS = App.COMMANDS | {DivergentCommands}
    # On a light theme Textual's faint text does not read (inactive tabs at 50 % foreground:
    # 3.1:1; placeholders 2.6:1): a little darker there. What
    # Textual gives the active tab (and, in focused tabs, its cursor) is restated, this rule
    # being more specific than Textual's own.
    CSS = """
    App:light Tab {
        color: $foreground 75%;
        &.-active, &:hover {
            color: $foreground;
        }
    }
    App:light Tabs:focus Tab.-active {
        color: $block-cursor-foreground;
    }
    App:light Input > .input--placeholder, App:light Input > .input--suggestion {
        color: $foreground 65%;  /* Textual's $text-disabled: 2.6:1 on paper */
    }
    """
    BINDINGS = [
        Binding("ctrl+q", "quit", "quit", tooltip="Quit; every session is saved as it goes", id="app.quit", priority=True),
        Binding("f2", "change_theme", "theme", tooltip="Pick a theme (remembered)", id="app.theme"),
        Binding("question_mark,f1", "help", "help", tooltip="Help: every key, column and mark", id="app.help"),
    ]

    def __init__(self, db: str | Path | None = None, start: Start | None = None) -> None:
        super().__init__()
        self.db_path = db
        self.start = start or Start()
        self.store = None  # the sessions database (engine.library.open_store)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def on_mount(self) -> None:
        from divergent.engine.library import open_store

        self.store = open_store(self.db_path)
        for theme in THEMES:
            self.register_theme(theme)
        chosen = prefs.load_theme(DEFAULT_THEME)
        self.theme = chosen if chosen in self.available_themes else DEFAULT_THEME
        self.theme_changed_signal.subscribe(self, lambda theme: prefs.save_theme(theme.name))
        self.set_keymap(settings.section("keymap"))
        self.push_screen(HomeScreen())
        if self.start.mode == "explore":
            self.explore(self.start.problem, self.start.options)
        elif self.start.mode == "open":
            self.open_session(self.start.session, self.start.options)

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    def get_system_commands(self, screen):
        """Textual's, each with its key; our help in place of Textual's key panel."""
        actions = {"Theme": "change_theme", "Quit": "quit"}
        keys = {b.action: self.get_key_display(b) for b in self.BINDINGS}
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                continue
            key = keys.get(actions.get(command.title, ""))
            yield command._replace(title=f"{command.title}  ({key})") if key else command
        yield SystemCommand(f"Help  ({keys['help']})", "Every key, column and mark", self.action_help)
        yield SystemCommand("Doctor", "Check the config, the endpoint and model, the grammars and the database", self.action_doctor)
        session = getattr(screen, "session", None)
        if session is not None:  # the explore screen, once its session is open
            yield SystemCommand(
                "Traces", f"Save session {session.id}'s search as data: chat fine-tuning and preference records (JSONL)",
                lambda: self.push_screen(TracesScreen(session.store, session.id, session.problem.target.repo)),
            )

    def action_doctor(self) -> None:
        from divergent.app.screens.doctor import DoctorScreen

        self.push_screen(DoctorScreen(self.store.path))

    def action_help(self) -> None:
        from divergent.app.screens.explore import ExploreScreen
        from divergent.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, table=isinstance(self.screen, ExploreScreen)))

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None, time_format: str | None = None) -> str | None:
        """Into the Downloads folder when there is one, else the user's data folder (made if
        need be): a fresh machine has no ~/Downloads, and Textual would fail there."""
        if path is None:
            path = str(screenshot_folder())
        key = super().deliver_screenshot(filename, path, time_format)
        self.notify(f"screenshot saved in {path}")
        return key

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
        from divergent.engine.framing import frame
        from divergent.engine.options import make_options

        if not form["target"]:
            raise InputError("name a target: PATH or PATH::Symbol")
        options = make_options(
            offline=form["offline"], candidates=form["candidates"], model=form["model"], budget=form["budget"],
            explorers=form.get("explorers"), critics=form.get("critics"), sketch=form.get("sketch", False),
        )
        problem = frame(form["target"], form["repo"], Path.cwd(), db=self.db_path, goal=form["goal"], scenarios=form["scenarios"])
        self.pop_screen()
        self.explore(problem, options)

    async def propose_scenarios(self, form: dict) -> list[str]:
        from divergent.engine.framing import frame, propose

        return await propose(frame(form["target"], form["repo"], Path.cwd(), db=self.db_path, goal=form["goal"]), form["model"])
