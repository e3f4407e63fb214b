"""Storage: one SQLite file through sqlite-utils.

``schema`` holds the numbered migrations (recorded in ``schema_migrations``);
``store`` reads and writes sessions, candidates, assessments, clusters and events;
``patch`` turns a stored candidate into a unified diff against its session's commit;
``verdicts`` writes verdicts that land after a candidate was stored (its tests).
"""
