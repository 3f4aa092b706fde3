//! cinderclient-style (prettytable) tables: `+----+` borders, a header row, left-aligned cells.
//! Every header and cell passes through [`visible`]: a table is where names from the server
//! end up in front of a person.

use super::visible::visible;

/// A table of text cells; cells may hold several lines.
pub struct Grid {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Self {
        Grid {
            headers: headers
                .iter()
                .map(|h| visible(h.as_ref()).into_owned())
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|cell| visible(&cell).into_owned())
                .collect(),
        );
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                for line in cell.lines() {
                    widths[i] = widths[i].max(line.chars().count());
                }
            }
        }
        let border = format!(
            "+{}+\n",
            widths
                .iter()
                .map(|w| "-".repeat(w + 2))
                .collect::<Vec<_>>()
                .join("+")
        );
        let line = |cells: &[&str]| {
            let parts: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let cell = cells.get(i).copied().unwrap_or("");
                    format!(" {cell}{} ", " ".repeat(w - cell.chars().count()))
                })
                .collect();
            format!("|{}|\n", parts.join("|"))
        };
        let mut out = border.clone();
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        out.push_str(&line(&headers));
        out.push_str(&border);
        for row in &self.rows {
            let split: Vec<Vec<&str>> = row
                .iter()
                .map(|c| {
                    let lines: Vec<&str> = c.lines().collect();
                    if lines.is_empty() {
                        vec![""]
                    } else {
                        lines
                    }
                })
                .collect();
            let height = split.iter().map(Vec::len).max().unwrap_or(1);
            for n in 0..height {
                let cells: Vec<&str> = split
                    .iter()
                    .map(|lines| lines.get(n).copied().unwrap_or(""))
                    .collect();
                out.push_str(&line(&cells));
            }
        }
        out.push_str(&border);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_prettytable() {
        let mut grid = Grid::new(&["ID", "Name"]);
        grid.row(vec!["1".into(), "a\nbb".into()]);
        assert_eq!(
            grid.render(),
            "+----+------+\n| ID | Name |\n+----+------+\n| 1  | a    |\n|    | bb   |\n+----+------+\n"
        );
    }

    #[test]
    fn control_characters_are_shown_and_counted_as_escapes() {
        let mut grid = Grid::new(&["N\u{1b}"]);
        grid.row(vec!["\u{1b}[8m".into()]);
        assert_eq!(
            grid.render(),
            "+---------+\n| N\\x1b   |\n+---------+\n| \\x1b[8m |\n+---------+\n"
        );
    }
}
