"""Reusable widgets: critic bars, the budget meter, the diff view."""
