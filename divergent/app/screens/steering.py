"""The explore screen's commands: steering the engine (each one in a worker, one at a
time, asking first when it may spend more than FEW requests) and the keys that judge
and decide (pick, mark, weights, compare, Pareto, export).

A mixin of ExploreScreen: it reads the screen's ``session``, ``table``, ``selected``
and ``document`` and sets ``stale`` when what it did should be redrawn.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from divergent.app.legend import plural
from divergent.app.messages import ActionEnded
from divergent.app.screens.dialogs import ConfirmScreen, ExportScreen, PromptScreen
from divergent.engine import estimate, summary
from divergent.engine.ranking import parse_weights
from divergent.engine.errors import EndpointError
from divergent.model import InputError

FEW = 5  # requests a command may spend without asking (refine: 1 design and the model critics on it)


class Steering:
    busy = ""
    autopilot_on = False

    async def _guarded(self, name: str, command: Awaitable) -> None:
        """Run a command; whatever happens, say on the status line that it is over."""
        self.busy = name
        self.status(f"{name}… (x stops)")
        outcome, failed = "", False
        try:
            made = await command
            outcome = self.outcome(name, made)
        except (InputError, EndpointError) as error:
            self.notify(str(error), severity="warning", timeout=8)
            outcome, failed = f"{name}: {error}", True
        finally:
            self.busy = ""
            self.stale = True
            self.post_message(ActionEnded(name, outcome or f"{name} stopped; everything scored so far is kept", failed))

    def outcome(self, name: str, made) -> str:
        spent = self.session.options.budget.spent.requests if self.session.client is not None else None
        designs = f": {plural(len(made), 'new design')}" if isinstance(made, list) else " done"
        note = ""
        if self.session.client is None and len(self.session.clusters) == len(self.session.candidates) > 2:
            note = " · offline, each catalog refactoring reshapes different code: every design is its own cluster"
        return f"{name}{designs}" + (f" · {plural(spent, 'request')} spent so far" if spent is not None else "") + note

    def on_action_ended(self, message: ActionEnded) -> None:
        self.status(message.outcome)

    def command(self, name: str, factory: Callable[[], Awaitable]) -> None:
        """Run an engine command in a worker; one at a time, and say so when busy."""
        if self.session is None:
            self.notify("the session is still opening", severity="warning")
            return
        if self.busy:
            self.notify(f"busy: {self.busy} (x stops it)", severity="warning")
            return
        self.run_worker(self._guarded(name, factory()), group="engine", exclusive=False)

    def steer(self, action: str, name: str, factory: Callable[[], Awaitable], count: int = 1, scenario: str = "") -> None:
        """A command that may spend requests: above FEW, say how many and ask first."""
        if self.session is None or self.busy:
            self.command(name, factory)  # says why not
            return
        plan = estimate.plan(self.session, action, count=count, scenario=scenario)
        if plan.requests <= FEW:
            self.command(name, factory)
            return
        question = f"{name.capitalize()}: {plan.line()}."
        spend = f"Spend up to {plan.requests}" if plan.left is not None or action != "autopilot" else "Start"
        self.app.push_screen(ConfirmScreen(question, yes=spend), lambda yes: yes and self.command(name, factory))

    def _selected_cluster(self) -> int | None:
        if self.selected is None or self.document is None:
            return None
        return next((c["cluster"] for c in self.document["candidates"] if c["id"] == self.selected), None)

    def action_expand(self) -> None:
        cluster = self._selected_cluster()
        if cluster is None:
            self.notify("select a candidate of the cluster to expand", severity="warning")
            return
        self.steer("expand", "expand", lambda: self.session.expand(cluster, count=4), count=4)

    def action_refine(self) -> None:
        if self.selected is not None:
            number = self.selected
            self.steer("refine", "refine", lambda: self.session.refine(number))

    def action_toggle_pick(self) -> None:
        number = self.table.cursor_candidate()
        if number is None:  # a cluster's header row: the candidate shown is not the one under the cursor
            self.notify("space picks the candidate under the cursor: move to a candidate row", severity="warning")
            return
        picked = self.table.view.picked
        self.table.view.picked = [n for n in picked if n != number] if number in picked else (picked + [number])[-2:]
        shown = ", ".join(f"#{n}" for n in self.table.view.picked) or "none"
        self.status(f"picked: {shown} (c combines two, v compares them)")
        self.stale = True

    def action_combine(self) -> None:
        if len(self.table.view.picked) != 2:
            self.notify("pick two candidates with space first", severity="warning")
            return
        a, b = self.table.view.picked
        self.steer("combine", "combine", lambda: self.session.combine(a, b))

    def action_new_direction(self) -> None:
        self.steer("new_direction", "new direction", lambda: self.session.new_direction(count=2), count=2)

    def action_materialize(self) -> None:
        if self.selected is not None:
            number = self.selected
            self.steer("materialize", "materialize", lambda: self.session.materialize(number))

    def action_weights(self) -> None:
        if self.session is None:
            return
        current = ",".join(f"{k}={v:g}" for k, v in sorted(self.session.options.weights.items()))

        def apply(text: str | None) -> None:
            if text is None:
                return
            try:
                front = self.session.rescore(parse_weights(text))
            except InputError as error:
                self.notify(str(error), severity="warning")
                return
            self.status(f"re-weighted: {plural(len(front), 'design')} on the Pareto front · 5 shows why a rank")
            self.stale = True

        hint = "dimensions: simplicity, extensibility, change_cost, judge (default 1 each; 0 ignores one) · costs no requests"
        self.app.push_screen(PromptScreen("Critic weights", "simplicity=2,change_cost=1", current, hint), apply)

    def action_scenario(self) -> None:
        def add(text: str | None) -> None:
            if text:
                self.steer("add_scenario", "add scenario", lambda: self.session.add_scenario(text), scenario=text)

        hint = "every design is costed against it; with a model, its critics judge the representatives again"
        self.app.push_screen(PromptScreen("A likely future change", "add a YAML output format", hint=hint), add)

    def action_add_design(self) -> None:
        def add(spec: str | None) -> None:
            if spec:
                self.command("add design", lambda: self.session.add_design_from(spec.strip()))

        hint = "it joins the candidates, scored and clustered like the others; costs no requests for the design itself"
        self.app.push_screen(PromptScreen("Your own design: a branch, a commit or a folder", "colleague/refactor", hint=hint), add)

    def action_mark(self, value: int) -> None:
        if self.selected is None or self.session is None:
            return
        current = self.table.view.marks.get(self.selected, 0)
        self.session.mark(self.selected, 0 if current == value else value)
        self.table.view.marks[self.selected] = 0 if current == value else value
        self.stale = True

    def action_autopilot(self) -> None:
        if self.session is None:
            return
        if self.autopilot_on:
            self.action_stop()
            return
        self.steer("autopilot", "autopilot", self._autopilot)

    async def _autopilot(self) -> None:
        self.autopilot_on = True
        try:
            reason = await self.session.autopilot()
            self.notify(f"autopilot stopped: {reason}")
        finally:
            self.autopilot_on = False

    def action_stop(self) -> None:
        if not self.busy:
            self.status("nothing is running")
            return
        self.workers.cancel_group(self, "engine")
        self.autopilot_on = False

    def action_compare(self) -> None:
        from divergent.app.screens.compare import CompareScreen

        if self.session is None or self.selected is None:
            return
        picked = self.table.view.picked
        a, b = picked if len(picked) == 2 else [0, self.selected]
        self.app.push_screen(CompareScreen(self.candidate(a), self.candidate(b), self.target_path()))

    def action_pareto(self) -> None:
        from divergent.app.screens.pareto import ParetoScreen

        if self.session is not None:
            self.app.push_screen(ParetoScreen(summary.live_document(self.session)))

    def action_export(self) -> None:
        if self.session is None or not self.selected:
            self.notify("select a candidate other than today's code", severity="warning")
            return
        title = next(c["title"] for c in self.document["candidates"] if c["id"] == self.selected)
        self.app.push_screen(ExportScreen(self.session.store, self.session.id, self.selected, title, self.session.problem.target.repo))

