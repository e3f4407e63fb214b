import { Store } from "./store.js";

export class ReportService {
  constructor(path) {
    this.store = new Store(path);
    this.title = "Report";
  }

  render(format) {
    const rows = this.store.rows();
    switch (format) {
      case "csv":
        return rows.join(",");
      case "json":
        return JSON.stringify(rows);
      case "text":
        return rows.join("\n");
      default:
        throw new Error(`unknown format ${format}`);
    }
  }

  heading() {
    return this.title.toUpperCase();
  }
}
