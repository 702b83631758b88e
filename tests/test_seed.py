from conftest import table_counts

from tracker import csvio, db


def test_seed_twice_adds_nothing(url):
    first = db.session(url, write=True)
    with first as s:
        csvio.import_files(s, db.resource_dir("seed"))
    counts = table_counts(url)
    with db.session(url, write=True) as s:
        summary = csvio.import_files(s, db.resource_dir("seed"))
    assert table_counts(url) == counts
    assert all(c.added == 0 and c.updated == 0 for c in summary.values())
    assert counts["jurisdiction"] == 9
    assert counts["policy_status"] == 7


def test_seed_command_prints_summary(cli):
    result = cli("seed")
    assert result.exit_code == 0, result.output
    assert "jurisdictions" in result.stdout
    again = cli("seed")
    assert again.exit_code == 0
    assert "Imported: 0 change(s) written." in again.stderr
