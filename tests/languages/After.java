package shop;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

public class ReportService {
    public interface Renderer {
        String render(List<String> rows);
    }

    private static final Map<String, Function<List<String>, String>> RENDERERS = Map.of(
        "csv", rows -> String.join(",", rows),
        "text", ReportService::lines
    );

    private final Store store;
    private final Renderer fallback;

    public ReportService(Store store, Renderer fallback) {
        this.store = store;
        this.fallback = fallback;
    }

    private static String lines(List<String> rows) {
        return String.join("\n", rows);
    }

    public String render(String format) {
        List<String> rows = store.rows();
        Function<List<String>, String> renderer = RENDERERS.get(format);
        return renderer != null ? renderer.apply(rows) : fallback.render(rows);
    }
}
