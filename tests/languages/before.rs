use crate::store::Store;

pub struct ReportService {
    store: Store,
    title: String,
}

impl ReportService {
    pub fn new(path: &str) -> Self {
        ReportService { store: Store::open(path), title: String::from("Report") }
    }

    pub fn render(&self, format: &str) -> Result<String, String> {
        let rows = self.store.rows();
        match format {
            "csv" => Ok(rows.join(",")),
            "json" => Ok(format!("[{}]", rows.join(","))),
            "text" => Ok(rows.join("\n")),
            other => Err(format!("unknown format {}", other)),
        }
    }

    pub fn heading(&self) -> String {
        self.title.to_uppercase()
    }
}
