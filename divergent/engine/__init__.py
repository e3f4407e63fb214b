"""The engine: sessions, the commands that steer them, scoring, clustering, ranking.

``session`` is a session and its commands; ``settling`` scores, clusters and ranks,
keeping the read model (candidates, clusters, assessments, overall, the front) in
memory and writing it through the Store; ``events`` are the typed events it emits,
which ``reporter`` (headless text) and the app both consume. ``options`` builds what
a new or saved session runs with; ``steering`` is the one table of steering commands;
``autopilot`` is the policy and its driver; ``resume`` replays what was in flight;
``headless`` is a whole run without the app; ``export`` turns a chosen candidate into
a patch, a branch or a decision record; ``summary`` is the ``--json`` document.
``verification`` runs the repo's tests beside the stream (``verify_ray`` on Ray, a
local instance living in ``ray_local``'s loopback-only child); ``near_duplicates``
marks the designs that pay for nothing twice; ``sketches`` says which critics score
an API sketch.
"""
