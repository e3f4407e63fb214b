"""A small shop: orders and their reports."""
