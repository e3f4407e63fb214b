"""Print a report of a few orders: python -m shop.cli [csv|json|text]."""

import sys

from shop.reports import ReportService


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    service = ReportService(":memory:", currency="USD")
    service.add_order("ada", "BOOK-1", 2, 12.5)
    service.add_order("grace", "PEN-7", 10, 1.2, discount=0.1, note="bulk")
    print(service.report(args[0] if args else "text"))
    print("total with tax:", service.format_money(service.total_with_tax(), "USD"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
