"""tracker export: natural keys, stable order, whole files or none."""

import inspect

from tracker import csvformat, transfer
from tracker.errors import TrackerError

SEED_SOURCE = (
    "Department of Justice Threatens Jurisdictions That Don’t Cooperate With "
    "Immigration Officials (2018-01-25)"
)


def test_export_one_entity_to_stdout(seeded_cli):
    result = seeded_cli("export", "parties")
    assert result.exit_code == 0, result.output
    # Ordered by case key, role, jurisdiction, name: the same on every engine.
    assert result.stdout == (
        "case,role,jurisdiction,name\n"
        'Chicago v. Sessions,defendant,,"Jeff Sessions, Attorney General"\n'
        "Chicago v. Sessions,plaintiff,ocd-division/country:us/state:il/place:chicago,\n"
        "San Francisco and Santa Clara County v. Trump,defendant,,Donald Trump\n"
        "San Francisco and Santa Clara County v. Trump,plaintiff,"
        "ocd-division/country:us/state:ca/county:santa_clara,\n"
        "San Francisco and Santa Clara County v. Trump,plaintiff,"
        "ocd-division/country:us/state:ca/place:san_francisco,\n"
    )
    # Piped: no progress, no message; stderr stays empty.
    assert result.stderr == ""


def test_export_references_by_natural_key(seeded_cli):
    status = seeded_cli("export", "status").stdout.splitlines()
    assert (
        status[0]
        == "jurisdiction,status,source,effective,observed,citation,quote,note,label,recorded_at"
    )
    assert status[1].startswith(
        f"ocd-division/country:us/state:ca,sanctuary,{SEED_SOURCE},,2018-01-24,"
    )
    grants = seeded_cli("export", "grants").stdout.splitlines()
    assert ",2016,39000000.00,threatened,,2018-01-24-doj-threatens-subpoenas" in grants[1]


def test_export_dir_writes_every_entity(seeded_cli, tmp_path):
    out = tmp_path / "out"
    result = seeded_cli("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        e.filename for e in csvformat.ENTITIES.values()
    )
    assert result.stderr == f"Exported 29 rows in 11 files to {out}.\n"
    again = tmp_path / "again"
    seeded_cli("export", "--out", str(again))
    for p in out.iterdir():
        assert (again / p.name).read_bytes() == p.read_bytes()


def test_failed_export_leaves_no_partial_or_mixed_files(seeded_cli, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sources.csv").write_text("old\n")
    real = transfer.export_rows

    def failing(session, entity):
        if entity == "grants":
            yield from real(session, "grants")
            raise TrackerError("disk full (simulated)")
        yield from real(session, entity)

    monkeypatch.setattr(transfer, "export_rows", failing)
    result = seeded_cli("export", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr == "Error: disk full (simulated)\n"
    # The old file is untouched, nothing new and no hidden partial file appears.
    assert [p.name for p in out.iterdir()] == ["sources.csv"]
    assert (out / "sources.csv").read_text() == "old\n"


def test_export_streams_rows(seeded_url):
    from tracker import db

    with db.connect(seeded_url) as s:
        rows = transfer.export_rows(s, "status")
        assert inspect.isgenerator(rows)
        assert len(next(rows)) == len(csvformat.ENTITIES["status"].columns)


def test_export_usage_errors(seeded_cli, tmp_path):
    none = seeded_cli("export")
    assert none.exit_code == 1
    assert none.stderr.startswith("Error: give an ENTITY")
    both = seeded_cli("export", "status", "--out", str(tmp_path))
    assert both.exit_code == 1
    unknown = seeded_cli("export", "people")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: entity: 'people' is not one of: sources,")


def test_excel_safe_neutralises_formulas(cli, tmp_path):
    f = tmp_path / "jurisdictions.csv"
    f.write_text("name,kind,state,notes\nChicago,city,IL,=HYPERLINK(1)\n", encoding="utf-8")
    assert cli("import", str(f)).exit_code == 0
    plain = cli("export", "jurisdictions").stdout
    assert plain.endswith(",=HYPERLINK(1)\n")
    safe = cli("export", "jurisdictions", "--excel-safe").stdout
    assert safe.endswith(",'=HYPERLINK(1)\n")


def test_export_status_to_stdout_is_the_file_export_writes(seeded_cli, tmp_path):
    alone = seeded_cli("export", "status")
    assert alone.exit_code == 0, alone.output
    assert alone.stdout.count("\n") == 8  # header and the seed's seven assertions
    assert seeded_cli("export", "--out", str(tmp_path / "all")).exit_code == 0
    assert (tmp_path / "all" / "status.csv").read_text(encoding="utf-8") == alone.stdout
