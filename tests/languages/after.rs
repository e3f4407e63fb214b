use crate::store::Store;

pub trait Renderer {
    fn render(&self, rows: &[String]) -> String;
}

fn to_csv(rows: &[String]) -> String {
    rows.join(",")
}

fn to_text(rows: &[String]) -> String {
    rows.join("\n")
}

pub static RENDERERS: &[(&str, fn(&[String]) -> String)] = &[("csv", to_csv), ("text", to_text)];

pub struct ReportService {
    store: Store,
    fallback: Box<dyn Renderer>,
}

impl ReportService {
    pub fn new(store: Store, fallback: Box<dyn Renderer>) -> Self {
        ReportService { store, fallback }
    }

    pub fn render(&self, format: &str) -> String {
        let rows = self.store.rows();
        match RENDERERS.iter().find(|(name, _)| *name == format) {
            Some((_, renderer)) => renderer(&rows),
            None => self.fallback.render(&rows),
        }
    }
}
