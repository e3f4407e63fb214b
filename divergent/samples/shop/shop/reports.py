"""Order reports for the shop."""

import json
import sqlite3


class ReportService:
    """Stores orders and renders them as reports."""

    def __init__(self, db_path, currency="EUR", tax_rate=0.2):
        self.conn = sqlite3.connect(db_path)
        self.currency = currency
        self.tax_rate = tax_rate
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS orders (customer TEXT, sku TEXT, "
            "quantity INTEGER, unit_price REAL, discount REAL, note TEXT)"
        )

    def add_order(self, customer, sku, quantity, unit_price, discount=0.0, note=""):
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        if discount < 0 or discount > 1:
            raise ValueError("discount must be between 0 and 1")
        if note and len(note) > 200:
            note = note[:200]
        self.conn.execute(
            "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)",
            (customer, sku, quantity, unit_price, discount, note),
        )
        self.conn.commit()
        return self.line_total(quantity, unit_price, discount)

    def line_total(self, quantity, unit_price, discount):
        return round(quantity * unit_price * (1 - discount), 2)

    def format_money(self, amount, currency):
        return f"{amount:,.2f} {currency}"

    def rows(self):
        cursor = self.conn.execute(
            "SELECT customer, sku, quantity, unit_price, discount FROM orders ORDER BY rowid"
        )
        result = []
        for customer, sku, quantity, unit_price, discount in cursor:
            total = self.line_total(quantity, unit_price, discount)
            result.append({"customer": customer, "sku": sku, "quantity": quantity, "total": total})
        return result

    def render(self, kind, rows):
        if kind == "csv":
            lines = ["customer,sku,quantity,total"]
            for row in rows:
                lines.append(f"{row['customer']},{row['sku']},{row['quantity']},{row['total']:.2f}")
            return "\n".join(lines)
        elif kind == "json":
            return json.dumps(rows, sort_keys=True)
        elif kind == "text":
            out = []
            for row in rows:
                money = self.format_money(row["total"], self.currency)
                out.append(f"{row['customer']:<10} {row['sku']:<8} x{row['quantity']:<3} {money}")
            return "\n".join(out)
        else:
            raise ValueError(f"unknown report kind: {kind}")

    def report(self, kind="text"):
        return self.render(kind, self.rows())

    def total_with_tax(self):
        subtotal = sum(row["total"] for row in self.rows())
        return round(subtotal * (1 + self.tax_rate), 2)
