// Arrow → JSON: every DuckDB result crosses to Python as JSON, and every
// Arrow type is converted explicitly here, in one table (ARROW_TO_JSON).
// Tested type by type in tests/browser/test_values.py.

import * as duckdb from "duckdb";

const { arrow } = duckdb;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function bigToJson(value) {
  // BIGINT/UBIGINT: a JS number when exact, else the decimal string.
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value.toString();
}

function wordsToBigInt(words) {
  // DECIMAL and HUGEINT arrive as little-endian 32-bit words, two's complement.
  let result = 0n;
  for (let i = words.length - 1; i >= 0; i--) result = (result << 32n) | BigInt(words[i] >>> 0);
  const bits = BigInt(words.length * 32);
  if (words[words.length - 1] & 0x80000000) result -= 1n << bits;
  return result;
}

function decimalToJson(words, scale) {
  const whole = wordsToBigInt(words);
  if (scale === 0) return bigToJson(whole);
  const negative = whole < 0n;
  const digits = (negative ? -whole : whole).toString().padStart(scale + 1, "0");
  const text = `${negative ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  // A number when a double holds every digit, else the exact string.
  return digits.length <= 15 ? Number(text) : text;
}

const pad = (n, width = 2) => String(n).padStart(width, "0");

function isoDate(ms) {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function isoTimestamp(micros, withZone) {
  const ms = Number(micros / 1000n) - (micros % 1000n < 0n ? 1 : 0);
  const frac = ((micros % 1000000n) + 1000000n) % 1000000n;
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const fraction = frac ? `.${pad(frac, 6).replace(/0+$/, "")}` : "";
  return `${isoDate(ms)} ${time}${fraction}${withZone ? "Z" : ""}`;
}

const TIME_UNIT_TO_MICROS = { 0: 1000000n, 1: 1000n, 2: 1n, 3: null }; // s, ms, µs, ns

function toMicros(raw, unit) {
  const value = typeof raw === "bigint" ? raw : BigInt(Math.round(Number(raw)));
  return unit === 3 ? value / 1000n : value * TIME_UNIT_TO_MICROS[unit];
}

function timestampMicros(value, unit) {
  // apache-arrow hands out BigInts in the column's unit, or milliseconds as a
  // (fractional) number or Date, depending on the unit and version.
  if (typeof value === "bigint") return toMicros(value, unit);
  const ms = value instanceof Date ? value.getTime() : value;
  return BigInt(Math.round(ms * 1000));
}

function timeOfDay(micros) {
  const total = Number(micros / 1000n);
  const frac = Number(micros % 1000000n);
  const text = `${pad(Math.floor(total / 3600000))}:${pad(Math.floor(total / 60000) % 60)}:${pad(Math.floor(total / 1000) % 60)}`;
  return frac ? `${text}.${pad(frac, 6).replace(/0+$/, "")}` : text;
}

function intervalToJson(words) {
  // MONTH_DAY_NANO as 32-bit words: months, days, nanoseconds (low, high).
  const nanos = (BigInt(words[3]) << 32n) | BigInt(words[2] >>> 0);
  return { months: words[0], days: words[1], microseconds: bigToJson(nanos / 1000n) };
}

// apache-arrow 21's get() garbles MONTH_DAY_NANO intervals (it returns
// [0, months]), so interval columns are read from their raw buffers.
function intervalColumn(vector) {
  const starts = [];
  let start = 0;
  for (const chunk of vector.data) { starts.push(start); start += chunk.length; }
  return (row) => {
    let c = starts.length - 1;
    while (starts[c] > row) c--;
    const chunk = vector.data[c];
    const i = row - starts[c] + chunk.offset;
    if (chunk.nullCount && !vector.isValid(row)) return null;
    return intervalToJson(chunk.values.subarray(4 * i, 4 * i + 4));
  };
}

function floatToJson(value) {
  // JSON has no NaN or Infinity; keep them visible as strings.
  return Number.isFinite(value) ? value : String(value);
}

function binaryToJson(bytes) {
  let hex = "";
  for (const b of bytes) hex += `\\x${b.toString(16).toUpperCase().padStart(2, "0")}`;
  return hex;
}

const T = arrow.Type;
// typeId -> (value, arrowType) => JSON value. Nulls never reach a converter.
const ARROW_TO_JSON = {
  [T.Bool]: (v) => Boolean(v),
  [T.Int]: (v) => (typeof v === "bigint" ? bigToJson(v) : v),
  [T.Float]: floatToJson,
  [T.Utf8]: (v) => v,
  [T.LargeUtf8]: (v) => v,
  [T.Binary]: binaryToJson,
  [T.LargeBinary]: binaryToJson,
  [T.FixedSizeBinary]: binaryToJson,
  [T.Decimal]: (v, type) => decimalToJson(v, type.scale),
  [T.Date]: (v) => isoDate(v instanceof Date ? v.getTime() : Number(v)),
  [T.Timestamp]: (v, type) => isoTimestamp(timestampMicros(v, type.unit), Boolean(type.timezone)),
  [T.Time]: (v, type) => timeOfDay(toMicros(v, type.unit)),
  [T.Interval]: (v) => String(v), // top-level intervals: see intervalColumn
  [T.Duration]: (v, type) => bigToJson(toMicros(v, type.unit)),
  [T.Dictionary]: (v, type) => convert(v, type.dictionary),
  [T.List]: (v, type) => listToJson(v, type.children[0].type),
  [T.LargeList]: (v, type) => listToJson(v, type.children[0].type),
  [T.FixedSizeList]: (v, type) => listToJson(v, type.children[0].type),
  [T.Struct]: (v, type) => Object.fromEntries(type.children.map((f) => [f.name, convert(v[f.name], f.type)])),
  [T.Map]: (v, type) => mapToJson(v, type),
  [T.Null]: () => null,
};

function convert(value, type) {
  if (value === null || value === undefined) return null;
  const converter = ARROW_TO_JSON[type.typeId];
  if (!converter) return String(value);
  return converter(value, type);
}

function listToJson(vector, childType) {
  const out = [];
  for (let i = 0; i < vector.length; i++) out.push(convert(vector.get(i), childType));
  return out;
}

function mapToJson(value, type) {
  const [keyField, valueField] = type.children[0].type.children;
  const out = {};
  for (const [k, v] of value) out[String(convert(k, keyField.type))] = convert(v, valueField.type);
  return out;
}

// Arrow type → DuckDB-style type name for query results.
function typeName(type) {
  switch (type.typeId) {
    case T.Bool: return "BOOLEAN";
    case T.Int: return `${type.isSigned ? "" : "U"}${{ 8: "TINYINT", 16: "SMALLINT", 32: "INTEGER", 64: "BIGINT" }[type.bitWidth]}`;
    case T.Float: return type.precision === 2 ? "DOUBLE" : "FLOAT";
    case T.Decimal: return `DECIMAL(${type.precision},${type.scale})`;
    case T.Utf8: case T.LargeUtf8: return "VARCHAR";
    case T.Binary: case T.LargeBinary: case T.FixedSizeBinary: return "BLOB";
    case T.Date: return "DATE";
    case T.Timestamp: return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
    case T.Time: return "TIME";
    case T.Interval: return "INTERVAL";
    case T.Dictionary: return typeName(type.dictionary);
    case T.List: case T.LargeList: case T.FixedSizeList: return `${typeName(type.children[0].type)}[]`;
    case T.Struct: return `STRUCT(${type.children.map((f) => `${f.name} ${typeName(f.type)}`).join(", ")})`;
    case T.Map: return "MAP";
    case T.Null: return "NULL";
    default: return String(type);
  }
}

export function tableToJson(table) {
  const fields = table.schema.fields;
  const columns = fields.map((f) => ({ name: f.name, type: typeName(f.type) }));
  const readers = fields.map((field, i) => {
    const vector = table.getChildAt(i);
    if (field.type.typeId === T.Interval && field.type.unit === arrow.IntervalUnit.MONTH_DAY_NANO) {
      return intervalColumn(vector);
    }
    return (row) => convert(vector.get(row), field.type);
  });
  const rows = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row = new Array(fields.length);
    for (let c = 0; c < fields.length; c++) row[c] = readers[c](r);
    rows[r] = row;
  }
  return { columns, rows };
}
