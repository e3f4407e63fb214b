package shop;

import java.util.List;

public class ReportService {
    private final Store store;
    private final String title;

    public ReportService(String path) {
        this.store = new Store(path);
        this.title = "Report";
    }

    public String render(String format) {
        List<String> rows = store.rows();
        if (format.equals("csv")) {
            return String.join(",", rows);
        } else if ("json".equals(format)) {
            return "[" + String.join(",", rows) + "]";
        } else if (format.equals("text")) {
            return String.join("\n", rows);
        }
        throw new IllegalArgumentException("unknown format " + format);
    }

    public String heading() {
        return title.toUpperCase();
    }
}
