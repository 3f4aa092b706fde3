//! Lists: written page by page as they arrive, or held until the end for the table.

use std::io::{self, Write};

use anyhow::Result;
use serde_json::Value;

use super::cells;
use super::columns::{self, Column};
use super::format::{Format, OutputArgs};
use super::grid::Grid;
use super::serialize::{self, Projected};

impl OutputArgs {
    /// A writer for a list under `available` columns, on stdout. `-c` is checked here, before
    /// the command sends its first request, so a wrong column prints nothing.
    pub fn list(&self, available: &[Column]) -> Result<ListWriter<io::Stdout>> {
        let selected = columns::select(available, &self.columns)?;
        Ok(ListWriter::new(self.format, selected, io::stdout()))
    }

    /// Prints a list that is already loaded in full, in the order given.
    pub fn print_list(&self, available: &[Column], rows: Vec<Value>) -> Result<()> {
        self.print_list_sorted_by(available, None, rows)
    }

    /// Prints a list that is already loaded in full, the table sorted by the field `key`
    /// (see [`ListWriter::sort_table_by`]).
    pub fn print_list_sorted_by(
        &self,
        available: &[Column],
        key: Option<&str>,
        rows: Vec<Value>,
    ) -> Result<()> {
        let mut writer = self.list(available)?.sort_table_by(key);
        writer.page(rows)?;
        writer.finish()?;
        Ok(())
    }
}

/// Writes the rows of a list, page by page. Rows are JSON objects holding (at least) the
/// columns' keys.
pub struct ListWriter<W: Write> {
    format: Format,
    columns: Vec<Column>,
    out: W,
    /// The table's rows until [`ListWriter::finish`]: its column widths need all of them.
    held: Vec<Value>,
    sort_key: Option<String>,
    written: usize,
}

impl<W: Write> ListWriter<W> {
    /// A writer of rows under `columns` (already selected) to `out`.
    pub fn new(format: Format, columns: Vec<Column>, out: W) -> Self {
        ListWriter {
            format,
            columns,
            out,
            held: Vec::new(),
            sort_key: None,
            written: 0,
        }
    }

    /// Sorts the table's rows by the text of the field `key`, like cinderclient's
    /// `sortby_index` (whether or not that column is shown). The streamed formats keep the
    /// server's order: they print rows before the last one has arrived.
    pub fn sort_table_by(mut self, key: Option<&str>) -> Self {
        self.sort_key = key.map(str::to_string);
        self
    }

    /// Writes one page of rows (the table only keeps them) and flushes, so that a reader sees
    /// each page as soon as it has arrived.
    pub fn page(&mut self, rows: Vec<Value>) -> Result<()> {
        match self.format {
            Format::Table => {
                self.held.extend(rows);
                return Ok(());
            }
            Format::Json => {
                for row in &rows {
                    let item = serialize::json(&self.project(row))?;
                    let separator = if self.written == 0 { "[" } else { "," };
                    // Each item indented as inside `to_string_pretty` of the whole array; JSON
                    // strings hold no raw newline, so every newline is a line of the item.
                    write!(self.out, "{separator}\n  {}", item.replace('\n', "\n  "))?;
                    self.written += 1;
                }
            }
            Format::Yaml => {
                for row in &rows {
                    // A one-item sequence per row: concatenated, they are one sequence.
                    let item = serialize::yaml(&[self.project(row)])?;
                    self.out.write_all(item.as_bytes())?;
                    self.written += 1;
                }
            }
            Format::Value => {
                for row in &rows {
                    let cells: Vec<String> = self
                        .columns
                        .iter()
                        .map(|c| cells::one_line(row.get(&c.key).unwrap_or(&Value::Null)))
                        .collect();
                    writeln!(self.out, "{}", cells.join(" "))?;
                    self.written += 1;
                }
            }
        }
        self.out.flush()?;
        Ok(())
    }

    /// Ends the list: prints the table, or closes the JSON array; returns the output.
    pub fn finish(mut self) -> Result<W> {
        match self.format {
            Format::Table => {
                if let Some(key) = &self.sort_key {
                    let text = |row: &Value| row.get(key).map(cells::text).unwrap_or_default();
                    self.held.sort_by_key(text);
                }
                let headers: Vec<&str> = self.columns.iter().map(|c| c.header.as_str()).collect();
                let mut grid = Grid::new(&headers);
                for row in &self.held {
                    grid.row(
                        self.columns
                            .iter()
                            .map(|c| {
                                if c.blank_when_missing && row.get(&c.key).is_none() {
                                    return String::new();
                                }
                                let value = row.get(&c.key).unwrap_or(&Value::Null);
                                c.formatter
                                    .map_or_else(|| cells::list_text(value), |f| f(value))
                            })
                            .collect(),
                    );
                }
                self.out.write_all(grid.render().as_bytes())?;
            }
            Format::Json if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Json => self.out.write_all(b"\n]\n")?,
            Format::Yaml if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Yaml | Format::Value => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }

    fn project<'a>(&'a self, row: &'a Value) -> Projected<'a> {
        Projected {
            record: row,
            columns: &self.columns,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::columns::{columns, select};
    use serde_json::json;

    fn rows() -> Vec<Value> {
        vec![
            json!({"id": "b", "name": "second", "size": 2, "volume_type": null}),
            json!({"id": "a", "name": "first one", "size": 1, "volume_type": "fast"}),
        ]
    }

    fn write(format: Format, wanted: &[&str], pages: Vec<Vec<Value>>) -> String {
        let available = columns(&["ID", "Name", "Size", "Volume Type"]);
        let wanted: Vec<String> = wanted.iter().map(|w| w.to_string()).collect();
        let selected = select(&available, &wanted).unwrap();
        let mut writer = ListWriter::new(format, selected, Vec::new()).sort_table_by(Some("id"));
        for page in pages {
            writer.page(page).unwrap();
        }
        String::from_utf8(writer.finish().unwrap()).unwrap()
    }

    #[test]
    fn table_is_sorted_and_shows_the_selected_headers() {
        let text = write(Format::Table, &["id", "Volume Type"], vec![rows()]);
        assert_eq!(
            text,
            "+----+-------------+\n| ID | Volume Type |\n+----+-------------+\n\
             | a  | fast        |\n| b  | -           |\n+----+-------------+\n"
        );
    }

    #[test]
    fn json_is_one_array_across_pages_in_server_order() {
        let mut pages = vec![rows()];
        pages.push(vec![json!({"id": "c", "name": "third", "size": 3})]);
        pages.push(vec![]);
        let text = write(Format::Json, &["ID", "size", "volume_type"], pages);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            json!([
                {"id": "b", "size": 2, "volume_type": null},
                {"id": "a", "size": 1, "volume_type": "fast"},
                {"id": "c", "size": 3, "volume_type": null},
            ])
        );
        // Laid out as serde_json would print the whole array at once.
        assert_eq!(text, serde_json::to_string_pretty(&parsed).unwrap() + "\n");
    }

    #[test]
    fn empty_lists_are_empty_arrays() {
        assert_eq!(write(Format::Json, &[], vec![vec![]]), "[]\n");
        assert_eq!(write(Format::Yaml, &[], vec![]), "[]\n");
        assert_eq!(write(Format::Value, &[], vec![vec![]]), "");
    }

    #[test]
    fn yaml_is_one_sequence_across_pages() {
        let text = write(Format::Yaml, &["id", "size"], vec![rows(), rows()]);
        let parsed: Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), 4, "{text}");
        assert_eq!(parsed[1], json!({"id": "a", "size": 1}));
    }

    #[test]
    fn value_prints_selected_cells_one_row_per_line() {
        let text = write(Format::Value, &["name", "ID", "Volume Type"], vec![rows()]);
        assert_eq!(text, "second b None\nfirst one a fast\n");
    }

    #[test]
    fn streamed_formats_write_each_page_before_the_next_arrives() {
        let selected = columns(&["ID"]);
        let mut writer = ListWriter::new(Format::Json, selected, Vec::new());
        writer.page(rows()).unwrap();
        let so_far = String::from_utf8(writer.out.clone()).unwrap();
        assert!(
            so_far.contains("\"b\"") && so_far.contains("\"a\""),
            "{so_far}"
        );
        let mut table = ListWriter::new(Format::Table, columns(&["ID"]), Vec::new());
        table.page(rows()).unwrap();
        assert!(table.out.is_empty(), "the table waits for the whole list");
    }
}
