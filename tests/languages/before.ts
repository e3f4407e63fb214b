import { Store } from "./store";

export class ReportService {
  private store: Store;
  private title: string;

  constructor(path: string) {
    this.store = new Store(path);
    this.title = "Report";
  }

  render(format: string): string {
    const rows = this.store.rows();
    if (format === "csv") {
      return rows.join(",");
    } else if (format === "json") {
      return JSON.stringify(rows);
    } else if (format === "text") {
      return rows.join("\n");
    }
    throw new Error(`unknown format ${format}`);
  }

  heading(): string {
    return this.title.toUpperCase();
  }
}
