export const RENDERERS = {
  csv: (rows) => rows.join(","),
  json: (rows) => JSON.stringify(rows),
  text: function (rows) { return rows.join("\n"); },
};

export class ReportService {
  constructor(store, renderers = RENDERERS) {
    this.store = store;
    this.renderers = renderers;
  }

  render(format) {
    const renderer = this.renderers[format];
    if (!renderer) {
      throw new Error(`unknown format ${format}`);
    }
    return renderer(this.store.rows());
  }
}
