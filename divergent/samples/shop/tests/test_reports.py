import json
import sqlite3

import pytest

from shop.cli import main
from shop.reports import ReportService


@pytest.fixture
def service():
    s = ReportService(":memory:", currency="EUR", tax_rate=0.25)
    s.add_order("ada", "BOOK-1", 2, 12.5)
    s.add_order("grace", "PEN-7", 10, 1.2, discount=0.5, note="bulk")
    return s


def test_add_order_returns_line_total():
    s = ReportService(":memory:")
    assert s.add_order("ada", "X", 3, 2.0, 0.5) == 3.0
    assert s.add_order(customer="bob", sku="Y", quantity=1, unit_price=9.99) == 9.99


def test_add_order_validates():
    s = ReportService(":memory:")
    with pytest.raises(ValueError):
        s.add_order("ada", "X", 0, 1.0)
    with pytest.raises(ValueError):
        s.add_order("ada", "X", 1, 1.0, discount=2)


def test_long_notes_are_cut(service):
    service.add_order("cy", "Z", 1, 1.0, note="n" * 500)
    notes = [r[0] for r in service.conn.execute("SELECT note FROM orders")]
    assert len(notes[-1]) == 200


def test_csv(service):
    assert service.report("csv").splitlines() == [
        "customer,sku,quantity,total",
        "ada,BOOK-1,2,25.00",
        "grace,PEN-7,10,6.00",
    ]


def test_json(service):
    assert json.loads(service.report("json"))[1] == {
        "customer": "grace", "sku": "PEN-7", "quantity": 10, "total": 6.0,
    }


def test_text_uses_currency(service):
    assert service.report().splitlines()[0].endswith("25.00 EUR")


def test_unknown_kind(service):
    with pytest.raises(ValueError, match="unknown report kind: pdf"):
        service.report("pdf")


def test_helpers(service):
    assert service.line_total(4, 2.5, 0.5) == 5.0
    assert service.format_money(1234.5, "USD") == "1,234.50 USD"
    assert service.total_with_tax() == 38.75


def test_existing_connection_is_usable(tmp_path):
    path = tmp_path / "shop.db"
    ReportService(str(path)).add_order("ada", "X", 1, 1.0)
    assert sqlite3.connect(path).execute("SELECT count(*) FROM orders").fetchone() == (1,)


def test_cli(capsys):
    assert main(["csv"]) == 0
    assert "grace,PEN-7,10,10.80" in capsys.readouterr().out
