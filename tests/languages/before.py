import json

from shop.store import Store


class ReportService:
    def __init__(self, path):
        self.store = Store(path)
        self.title = "Report"

    def render(self, format):
        rows = self.store.rows()
        if format == "csv":
            return ",".join(rows)
        elif format == "json":
            return json.dumps(rows)
        elif format == "text":
            return "\n".join(rows)
        raise ValueError(f"unknown format {format}")

    def heading(self):
        return self.title.upper()
