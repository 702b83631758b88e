"""render: one path to table, CSV, JSON and markdown; user text shown exactly."""

import csv
import io
import json

from tracker.render import Format, render, render_record, render_sections

ROWS = [
    {"id": 1, "key": "a", "caption": "Doña Ana County v. [United States]", "amount": "39000000.00",
     "parties": ["plaintiff: Doña Ana County, NM", "defendant: Jeff Sessions"], "filed": "2017-11"},
    {"id": 2, "key": "b", "caption": "O'Fallon v. X", "amount": "0.50", "parties": [],
     "filed": None},
]  # fmt: skip


def run(fmt, rows=ROWS, **kw):
    out = io.StringIO()
    render(rows, fmt, out, **kw)
    return out.getvalue()


def test_table_is_plain_aligned_text_with_text_exactly_as_given():
    text = run(Format.table)
    lines = text.splitlines()
    # A captioned row leads with its caption; its id and key come last.
    assert lines[0].split() == ["caption", "amount", "parties", "filed", "id", "key"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "Doña Ana County v. [United States]" in lines[2]
    assert "plaintiff: Doña Ana County, NM; defendant: Jeff Sessions" in lines[2]
    assert "O'Fallon v. X" in lines[3]
    # Columns line up: every value starts where its header does.
    start = lines[0].index("amount")
    assert lines[2][start:].startswith("39000000.00")
    assert lines[3][start:].startswith("0.50")


def test_table_neutralises_control_characters():
    text = run(Format.table, [{"id": 1, "caption": "evil\x1b[31mred\ttab\nnewline\rcr"}])
    assert "\x1b" not in text and "\t" not in text and "\r" not in text
    assert len(text.splitlines()) == 3
    assert "evil [31mred tab newline cr" in text


def test_csv_round_trips_through_csv_module():
    rows = list(csv.DictReader(io.StringIO(run(Format.csv))))
    assert rows[0]["caption"] == "Doña Ana County v. [United States]"
    assert rows[0]["amount"] == "39000000.00"
    assert rows[0]["filed"] == "2017-11"
    assert rows[1]["filed"] == ""
    assert rows[1]["parties"] == ""


def test_json_keeps_keys_types_and_strings():
    data = json.loads(run(Format.json))
    assert list(data[0]) == ["id", "key", "caption", "amount", "parties", "filed"]
    assert data[0]["id"] == 1
    assert data[0]["amount"] == "39000000.00"
    assert data[0]["parties"][0] == "plaintiff: Doña Ana County, NM"
    assert data[1]["filed"] is None


def test_markdown_escapes_pipes():
    text = run(Format.markdown, [{"id": 1, "caption": "A | B"}])
    # Markdown orders columns as tables do: the caption first, the id last.
    assert text.splitlines() == ["| caption | id |", "|---|---|", "| A \\| B | 1 |"]


def test_empty_rows_still_name_columns_except_json():
    cols = ["id", "key"]
    assert run(Format.table, [], columns=cols).split() == cols
    assert run(Format.csv, [], columns=cols) == "id,key\n"
    assert json.loads(run(Format.json, [], columns=cols)) == []
    assert run(Format.markdown, [], columns=cols).startswith("| id | key |")


def test_columns_choose_and_order_fields():
    text = run(Format.csv, columns=["key", "id"])
    assert text.splitlines()[:2] == ["key,id", "a,1"]


def test_record_is_field_value_table_or_one_json_object():
    out = io.StringIO()
    render_record({"id": 3, "caption": "[x]"}, Format.table, out)
    # The caption first, the id last, as in tables.
    assert [line.split() for line in out.getvalue().splitlines()[2:]] == [
        ["caption", "[x]"],
        ["id", "3"],
    ]
    out = io.StringIO()
    render_record({"id": 3, "caption": "[x]"}, Format.json, out)
    assert json.loads(out.getvalue()) == {"id": 3, "caption": "[x]"}


def test_sections_titles_and_empty_sections():
    out = io.StringIO()
    render_sections({"case": {"id": 1}, "rulings": []}, Format.table, out)
    text = out.getvalue()
    assert text.startswith("Case\n")
    assert "Rulings\n(none)" in text
    out = io.StringIO()
    render_sections({"case": {"id": 1}, "rulings": [{"id": 2}]}, Format.csv, out)
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["section", "item", "field", "value"],
        ["case", "1", "id", "1"],
        ["rulings", "1", "id", "2"],
    ]


def test_plain_rows_are_written_as_the_csv_module_writes_them():
    """Records (strings, ints, None) take a shorter way to CSV: the
    same bytes as the csv writer, cell by cell, for every awkward value."""
    import itertools
    import operator

    from tracker.records import SourceRef, Text

    awkward = ["", None, 0, 42, "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "crlf\r\n",
               " padded ", "Doña Ana", "[Old] Town", SourceRef("https://a.example/x", "X"),
               Text(["partial (", SourceRef("https://b.example/y", "Y"), ")"]), "'quoted'"]  # fmt: skip
    rows = [dict(zip("abc", cells, strict=True)) for cells in itertools.product(awkward, repeat=3)]
    for columns in (["a", "b", "c"], ["a"]):
        fast, slow = io.StringIO(), io.StringIO()
        render(iter(rows), Format.csv, fast, columns=columns,
               records=map(operator.itemgetter(*columns), rows))  # fmt: skip
        render(iter(rows), Format.csv, slow, columns=columns)
        assert fast.getvalue() == slow.getvalue()
        assert list(csv.reader(io.StringIO(fast.getvalue())))[1:] == [
            ["" if r[c] is None else str(r[c]) for c in columns] for r in rows
        ]


def test_csv_files_are_written_in_chunks_as_the_csv_module_writes_them(monkeypatch):
    """``write_csv`` writes a chunk of records at once, each ending with \\n;
    a chunk with a carriage return inside a cell goes record by record.
    Either way the bytes are the csv writer's, cell by cell."""
    import itertools

    from tracker import csvformat
    from tracker.render import csv_writer

    monkeypatch.setattr(csvformat, "_CHUNK", 7)
    awkward = ["", "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "crlf\r\ninside", " x "]
    rows = [tuple(cells) for cells in itertools.product(awkward, repeat=2)]
    rows += [("clean", "row")] * 20  # whole chunks with no carriage return in a cell
    fast, slow = io.StringIO(), io.StringIO()
    assert csvformat.write_csv(fast, "sources", iter(rows)) == len(rows)
    writer = csv_writer(slow)
    writer.writerow(csvformat.ENTITIES["sources"].columns)
    writer.writerows(rows)
    assert fast.getvalue() == slow.getvalue()
    assert list(csv.reader(io.StringIO(fast.getvalue(), newline="")))[1:] == [list(r) for r in rows]
