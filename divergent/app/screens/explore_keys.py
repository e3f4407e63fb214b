"""The explore screen's keys, grouped: the bindings, the key bar, the help screen and the
command palette all read this one table.

A binding's ``description`` is the key bar's word for it; its ``tooltip`` says what it
does (the help screen and the palette show it). Browsing keys are priority bindings:
the app runs them as the key arrives, where an ordinary key goes to the table, bubbles
through its containers to the screen and the table's RowHighlighted bubbles back, a
message hop each that waits its turn behind the engine while requests stream.
"""

from __future__ import annotations

from textual.binding import Binding

STEER = Binding.Group("Steer (spends requests)")
DECIDE = Binding.Group("Judge and decide")
LOOK = Binding.Group("Look")
MOVE = Binding.Group("Move")


def key(keys: str, action: str, word: str, tooltip: str, group: Binding.Group, id: str = "", **kwargs) -> Binding:
    """A binding whose id (for the config's [keymap]) is ``explore.<action>`` unless given."""
    return Binding(keys, action, word, tooltip=tooltip, group=group, id=f"explore.{id or action}", **kwargs)


BINDINGS = [
    key("e", "expand", "expand", "Expand the selected candidate's cluster: four more designs like it", STEER),
    key("r", "refine", "refine", "Refine the selected candidate with its critics' evidence", STEER),
    key("c", "combine", "combine", "Combine the two picked candidates into one design", STEER),
    key("n", "new_direction", "new", "Ask for two designs unlike every cluster so far", STEER),
    key("m", "materialize", "materialize", "Materialize the selected sketch into a full design", STEER),
    key("s", "scenario", "scenario", "Add a likely future change; every design is costed against it", STEER),
    key("d", "add_design", "mine", "Add your own design: a branch, a commit or a folder", STEER),
    key("a", "autopilot", "autopilot", "Autopilot on/off: spend the budget where it pays", STEER),
    key("x", "stop", "stop", "Stop what is running; everything scored so far is kept", STEER),
    key("space", "toggle_pick", "pick", "Pick the candidate under the cursor (two at most)", DECIDE, id="pick"),
    key("plus,equals_sign", "mark(1)", "good", "Mark the candidate good (▲); again to clear", DECIDE, id="up", key_display="+"),
    key("minus", "mark(-1)", "bad", "Mark the candidate bad (▼); again to clear", DECIDE, id="down", key_display="-"),
    key("w", "weights", "weights", "Re-weight the critics; the ranking follows at once", DECIDE),
    key("v", "compare", "compare", "Compare the two picked candidates (or today's code and the selected one)", DECIDE),
    key("ctrl+e", "export", "export", "Export the selected candidate: patch, branch or decision record", DECIDE),
    key("p", "pareto", "pareto", "The Pareto plot: candidates on two dimensions, the front marked", LOOK),
    key("o", "sort", "sort", "Sort by the next column (cluster, overall, each dimension, number)", LOOK),
    key("t", "deltas", "Δ", "Show the dimensions as differences from today's code, or as scores", LOOK),
    key("z", "zoom", "zoom", "The panes on the whole screen, or back to the list beside them", LOOK),
    key("1", "pane('tab-code')", "code", "Code pane: the candidate's version of the target", LOOK, id="pane_code", show=False, priority=True),
    key("2", "pane('tab-diff')", "diff", "Diff pane: the candidate against today's code", LOOK, id="pane_diff", show=False, priority=True),
    key("3", "pane('tab-critics')", "critics", "Critics pane: each score with its evidence", LOOK, id="pane_critics", show=False, priority=True),
    key("4", "pane('tab-scenarios')", "scenarios", "Scenarios pane: what each future change would cost", LOOK, id="pane_scenarios", show=False, priority=True),
    key("5", "pane('tab-why')", "why", "Why pane: summary, rationale, parents and why this rank", LOOK, id="pane_why", show=False, priority=True),
    key("down,j", "browse(1)", "next", "The next row", MOVE, id="browse_down", show=False, priority=True),
    key("up,k", "browse(-1)", "previous", "The previous row", MOVE, id="browse_up", show=False, priority=True),
    key("enter", "fold", "fold", "On a cluster's header row: fold or unfold the cluster", MOVE, show=False),
    key("escape", "back", "back", "Back to the list, or to the sessions", MOVE),
]

# pane id -> its key, as the tabs show them
PANES = {"tab-code": "1", "tab-diff": "2", "tab-critics": "3", "tab-scenarios": "4", "tab-why": "5"}
