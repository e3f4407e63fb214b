"""The app's widgets: the candidate table and its legend line, the panes (code, diff, critics,
scenarios, summary), the budget meter, the discovery sparkline and the key bar."""
