import { Store } from "./store";

export interface Renderer {
  render(rows: string[]): string;
}

const toCsv = (rows: string[]): string => rows.join(",");
const toJson = (rows: string[]): string => JSON.stringify(rows);

export const RENDERERS: Record<string, (rows: string[]) => string> = {
  csv: toCsv,
  json: toJson,
  text: (rows) => rows.join("\n"),
};

export class ReportService {
  private store: Store;
  private fallback: Renderer;

  constructor(store: Store, fallback: Renderer) {
    this.store = store;
    this.fallback = fallback;
  }

  render(format: string): string {
    const rows = this.store.rows();
    const renderer = RENDERERS[format];
    return renderer ? renderer(rows) : this.fallback.render(rows);
  }
}
