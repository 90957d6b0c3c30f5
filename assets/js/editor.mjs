// SQL editor glue: CodeMirror 6 for app/ui/panels/sql_panel.py.
//
// window.loupeEditor.mount(element, options) loads the vendored CodeMirror
// bundle on first use — never at start-up — and makes one editor. What a run
// does is Python's business: Mod-Enter, Shift-Mod-Enter and run(all) hand
// options.onRun(text, from, to, all) the text and the selection.
//
// Offsets crossing to and from Python count code points, as Python strings
// do; JavaScript strings (and CodeMirror) count UTF-16 units.

const BUNDLE = new URL("../vendor/codemirror-6.43.15/codemirror.mjs", import.meta.url).href;

// DuckDB's words on top of PostgreSQL's (the closest dialect CodeMirror has).
const DUCKDB_KEYWORDS = "anti asof attach columns describe detach exclude export glob ilike import install " +
  "lambda load macro pivot pivot_longer pivot_wider positional pragma qualify replace sample semi show " +
  "summarize unpivot using";
const DUCKDB_TYPES = "blob bitstring enum hugeint list map struct timestamp_ms timestamp_ns timestamp_s " +
  "tinyint ubigint uhugeint uinteger union usmallint utinyint varint";

// CodeMirror's default highlight colours are for a white page; its tags get
// classes instead, coloured by assets/css/sql.css for light and dark.
const TOKEN_CLASSES = {
  "#708": "keyword", "#219": "atom", "#164": "number", "#a11": "string",
  "#e40": "quoted", "#085": "type", "#940": "comment", "#f00": "invalid",
};

// Words that end a FROM/JOIN clause rather than name an alias.
const NOT_ALIASES = new Set(("where on using join left right inner outer full cross natural group order " +
  "limit having window qualify union except intersect as select set values").split(" "));

let cm = null; // the bundle's exports, once loaded
let view = null; // the EditorView
let onRun = null; // Python's onRun(text, from, to, all)
let schema = { tables: {}, functions: [] };

// --- code points <-> UTF-16 units ---------------------------------------------

function toPoints(text, units) {
  return Array.from(text.slice(0, units)).length;
}

function toUnits(text, points) {
  let units = 0;
  for (let seen = 0; seen < points && units < text.length; seen++) {
    units += text.codePointAt(units) > 0xffff ? 2 : 1;
  }
  return units;
}

// --- autocomplete: tables, columns (also after "table." or "alias."), functions ----

function unquote(name) {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}

// Reserved words that a CSV header may well use as a column name.
const RESERVED = new Set(("all and as asc between by case check column create cross default delete desc distinct " +
  "drop else end false from full group having in inner insert into is join left like limit natural not null " +
  "offset on or order outer qualify right select table then to true union unique update using values when " +
  "where window with").split(" "));

function quoted(name) {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase());
  return plain ? name : `"${name.replaceAll('"', '""')}"`;
}

function tableNamed(name) {
  const lower = name.toLowerCase();
  return Object.keys(schema.tables).find((table) => table.toLowerCase() === lower);
}

// {alias or table name (lower case) -> table} for the tables the text reads.
function tablesRead(text) {
  const found = new Map();
  const pattern = /\b(?:from|join)\s+([\w$]+|"(?:[^"]|"")+")(?:\s+(?:as\s+)?([\w$]+))?/gi;
  for (const [, name, alias] of text.matchAll(pattern)) {
    const table = tableNamed(unquote(name));
    if (!table) continue;
    found.set(table.toLowerCase(), table);
    if (alias && !NOT_ALIASES.has(alias.toLowerCase())) found.set(alias.toLowerCase(), table);
  }
  return found;
}

function completeSchema(context) {
  if (context.tokenBefore(["String", "LineComment", "BlockComment"])) return null;
  const text = context.state.doc.toString();
  const read = tablesRead(text);
  const dotted = context.matchBefore(/(?:[\w$]+|"(?:[^"]|"")+")\.[\w$]*$/);
  if (dotted) {
    const dot = dotted.text.lastIndexOf(".");
    const qualifier = unquote(dotted.text.slice(0, dot)).toLowerCase();
    const table = read.get(qualifier) || tableNamed(qualifier);
    if (!table) return null;
    return {
      from: dotted.from + dot + 1,
      options: schema.tables[table].map((column) => ({ label: column, apply: quoted(column), type: "property", detail: table })),
      validFor: /^[\w$]*$/,
    };
  }
  const word = context.matchBefore(/[\w$]+/);
  if (!word && !context.explicit) return null;
  const readTables = new Set(read.values());
  const options = [];
  const columns = new Map(); // column -> tables that have it
  for (const [table, names] of Object.entries(schema.tables)) {
    options.push({ label: table, apply: quoted(table), type: "class", detail: "table", boost: 2 });
    for (const column of names) columns.set(column, [...(columns.get(column) || []), table]);
  }
  for (const [column, tables] of columns) {
    const inQuery = tables.filter((table) => readTables.has(table));
    options.push({
      label: column, apply: quoted(column), type: "property", detail: (inQuery.length ? inQuery : tables).join(", "),
      boost: inQuery.length ? 3 : -1,
    });
  }
  for (const name of schema.functions) options.push({ label: name, type: "function", boost: -2 });
  return { from: word ? word.from : context.pos, options, validFor: /^[\w$]*$/ };
}

// --- the editor -------------------------------------------------------------------

function duckdbDialect() {
  const base = cm.PostgreSQL.spec;
  return cm.SQLDialect.define({
    ...base,
    keywords: `${base.keywords} ${DUCKDB_KEYWORDS}`,
    types: `${base.types} ${DUCKDB_TYPES}`,
  });
}

function highlighting() {
  const specs = cm.defaultHighlightStyle.specs.map((spec) =>
    TOKEN_CLASSES[spec.color] ? { tag: spec.tag, class: `sql-tok-${TOKEN_CLASSES[spec.color]}` } : spec);
  return cm.syntaxHighlighting(cm.HighlightStyle.define(specs));
}

// Colours from assets/css/loupe.css's variables, so one theme serves light and dark, and the
// editor follows the page's theme (preferred or forced by <html data-theme>) with no code here.
function theme() {
  const mono = 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace';
  const selection = "color-mix(in srgb, var(--focus) 28%, transparent)";
  return cm.EditorView.theme({
    "&": { color: "var(--fg)", backgroundColor: "var(--bg)", height: "100%", fontSize: "13px" },
    "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
    ".cm-scroller": { fontFamily: mono, lineHeight: "1.5" },
    ".cm-content": { caretColor: "var(--fg)" },
    ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--fg)" },
    "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
      { backgroundColor: selection },
    ".cm-gutters": { backgroundColor: "var(--panel)", color: "var(--muted)", borderRight: "1px solid var(--line)" },
    ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--focus) 7%, transparent)" },
    ".cm-activeLineGutter": { backgroundColor: "color-mix(in srgb, var(--focus) 12%, var(--panel))", color: "var(--fg)" },
    "&.cm-focused .cm-matchingBracket": { backgroundColor: selection, outline: "1px solid var(--focus)" },
    ".cm-placeholder": { color: "var(--muted)" },
    ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--fg)", border: "1px solid var(--line)" },
    ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "var(--accent)", color: "var(--accent-fg)" },
    ".cm-completionDetail": { color: "inherit", opacity: "0.8" },
    ".cm-diagnostic": { color: "var(--fg)" },
  });
}

// Hand Python the text and the selection (see the top of this file).
function handOver(target, all) {
  cm.closeCompletion?.(target); // not in the bundle yet: then the list closes on the next key
  const { from, to } = target.state.selection.main;
  const text = target.state.doc.toString();
  onRun?.(text, toPoints(text, from), toPoints(text, to), all);
  return true;
}

// options: {onRun, text, placeholder, label, describedBy}.
async function mount(element, options = {}) {
  onRun = options.onRun || null;
  if (view) return;
  cm ??= await import(BUNDLE);
  if (view) return; // mounted while the bundle loaded
  view = new cm.EditorView({
    parent: element,
    doc: options.text || "",
    extensions: [
      // Before the default keymap, which gives Mod-Enter to "insert blank line".
      cm.keymap.of([
        { key: "Mod-Enter", run: (target) => handOver(target, false) },
        { key: "Shift-Mod-Enter", run: (target) => handOver(target, true) },
      ]),
      cm.lineNumbers(),
      cm.highlightActiveLine(),
      cm.drawSelection(),
      cm.history(),
      cm.bracketMatching(),
      cm.closeBrackets(),
      cm.indentOnInput(),
      cm.autocompletion({ activateOnTyping: true }),
      cm.lintGutter(),
      cm.sql({ dialect: duckdbDialect(), upperCaseKeywords: true }),
      cm.EditorState.languageData.of(() => [{ autocomplete: completeSchema }]),
      highlighting(),
      theme(),
      cm.placeholder(options.placeholder || ""),
      cm.EditorView.contentAttributes.of({
        "aria-label": options.label || "SQL query",
        ...(options.describedBy ? { "aria-describedby": options.describedBy } : {}),
      }),
      // Tab indents; Escape then Tab leaves the editor (CodeMirror's own
      // escape hatch), so keyboard users are never trapped.
      cm.keymap.of([
        ...cm.closeBracketsKeymap, ...cm.completionKeymap, ...cm.historyKeymap, cm.indentWithTab, ...cm.defaultKeymap,
      ]),
      // A paste here is text for the editor, not a table for the page
      // (app/ui/opening/ways_in.py opens pasted CSV found anywhere else).
      cm.EditorView.domEventHandlers({ paste: (event) => { event.stopPropagation(); return false; } }),
    ],
  });
}

function getText() {
  return view ? view.state.doc.toString() : "";
}

// Replace the whole text; the cursor goes to its end.
function setText(text) {
  if (!view) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: text.length } });
}

function focus() {
  view?.focus();
}

// Ask the editor to run, as the keys do: run(false) the selection or the
// statement at the cursor (Python decides), run(true) everything.
function run(all) {
  if (view) handOver(view, all);
}

// Underline [from, to) (code points) with `message`; an empty range marks one character.
function showError(from, to, message) {
  if (!view) return;
  const text = view.state.doc.toString();
  const start = Math.min(toUnits(text, from), Math.max(0, text.length - 1));
  const end = Math.min(Math.max(toUnits(text, to), start + 1), text.length);
  view.dispatch(cm.setDiagnostics(view.state, [{ from: start, to: end, severity: "error", message }]));
}

function clearError() {
  if (view) view.dispatch(cm.setDiagnostics(view.state, []));
}

// {tables: {name: [columns]}, functions: [names]} as JSON, from Python.
function setSchema(json) {
  schema = JSON.parse(json);
}

window.loupeEditor = {
  mount, mounted: () => view !== null, getText, setText, focus, run, showError, clearError, setSchema,
};
