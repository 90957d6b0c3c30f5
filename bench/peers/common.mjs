// Shared by the peer pages: put rows in the page's #grid, and the Python that
// loads a CSV into sqlite3 the way Datasette Lite does.

export function showRows(rows) {
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tr = document.createElement("tr");
    for (const value of row) {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.append(td);
    }
    body.append(tr);
  }
  document.getElementById("grid").replaceChildren(body);
}

export const SQLITE_FIRST_PAGE = `
import csv, sqlite3
db = sqlite3.connect(":memory:")
with open("/data.csv", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    cols = ", ".join('"' + h.replace('"', '""') + '"' for h in header)
    db.execute("CREATE TABLE t (" + cols + ")")
    db.executemany("INSERT INTO t VALUES (" + ", ".join("?" * len(header)) + ")", reader)
[list(map(str, r)) for r in db.execute("SELECT * FROM t LIMIT 200")]
`;

// Arrow rows of a DuckDB result as arrays of values.
export function arrowRows(table) {
  return table.toArray().map((row) => Object.values(row.toJSON()));
}
