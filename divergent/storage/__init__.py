"""Storage: one SQLite file through sqlite-utils.

``schema`` holds the numbered migrations (recorded in ``schema_migrations``);
``store`` reads and writes sessions, candidates, assessments, clusters and events;
``patch`` turns a stored candidate into a unified diff against its session's commit;
``verdicts`` writes what is known of a candidate after it was stored (its tests' verdict,
whether it is a near-duplicate).
"""
