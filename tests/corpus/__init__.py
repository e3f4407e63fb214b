"""The calibration corpus: a manifest of real refactorings (``pairs.toml``) and the loader
that fetches both sides from the package registries into a cache at test time.

No fetched code is committed: the manifest names each registry package, the released
versions that bracket the refactoring commit, the files inside the package, and the
upstream source (repository, commits, license).
"""
