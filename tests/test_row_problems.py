"""Vocabulary words are accepted in any case and stored as the vocabulary
spells them. On both engines."""

from pathlib import Path

SRC = "https://example.org/census-list"
COOK = "ocd-division/country:us/state:il/county:cook"

# Each file: a header, a row with several mistakes, and a good row whose
# vocabulary words are in another case.
FILES = {
    "sources": (
        "title,url,published,kind\n"
        "Bad,example.org/x,2017-13,blog\n"
        f"Census list,{SRC},2018,Dataset\n"
    ),
    "jurisdictions": (
        "name,kind,state,population,fips\n"
        "Cook County,shire,ZZ,many,17031\n"
        "Cook County,COUNTY,il,,17031\n"
    ),
    "status": (
        "jurisdiction,status,source,effective\n"
        f'"Chicgo, IL",Sanctury,{SRC},2017-02-30\n'
        f'"Cook County, IL",Sanctuary,{SRC},2017\n'
    ),
    "actions": (
        "date,agency,kind,title,source,target_count,targets\n"
        f'2017-13,DOJ,tweet,Letter,{SRC},1,"Cook County, IL; Gotham, NY"\n'
        f'2017-11,DOJ,LETTER,Letter,{SRC},1,"Cook County, IL"\n'
    ),
    "grants": (
        "program,fiscal_year,amount,amount_type,jurisdictions,source\n"
        f'Byrne JAG,17,-5,kept,"Chicgo, IL",{SRC}\n'
        f'Byrne JAG,2017,100,WITHHELD,"Cook County, IL",{SRC}\n'
    ),
    "cases": (
        "caption,court,filed,status,source\n"
        "A v. B,N.D. Ill.,2017-02-30,open,nowhere\n"
        f"Cook County v. Sessions,N.D. Ill.,2017,Pending,{SRC}\n"
    ),
    "parties": (
        "case,role,jurisdiction,name\n"
        'Nope v. Nobody,judge,"Chicgo, IL",\n'
        'Cook County v. Sessions,Plaintiff,"Cook County, IL",\n'
    ),
    "rulings": (
        "case,date,kind,source\n"
        "Cook County v. Sessions,2017-13,verdict,nowhere\n"
        f"Cook County v. Sessions,2017-12,Other,{SRC}\n"
    ),
}


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_vocabulary_words_in_any_case_are_stored_as_the_vocabulary_spells_them(
    seeded_cli, tmp_path
):
    good = {name: "".join(text.splitlines(True)[::2]) for name, text in FILES.items()}
    result = seeded_cli("import", str(_write(tmp_path / "good", good)))
    assert result.exit_code == 0, result.stderr

    def exported(entity: str) -> list[str]:
        out = seeded_cli("export", entity).stdout.splitlines()
        return [line for line in out if "Cook County" in line or COOK in line or SRC in line]

    assert exported("sources") == [f"{SRC},Census list,,,{SRC},2018,dataset"]
    assert exported("jurisdictions") == [f"{COOK},Cook County,county,IL,17031,,,"]
    assert [line.rsplit(",", 1)[0] for line in exported("status")] == [
        f"{COOK},sanctuary,{SRC},2017,,,,"
    ]
    assert exported("actions") == [f"2017-11-letter,2017-11,DOJ,letter,Letter,,{SRC},1,{COOK}"]
    assert [line.rsplit(",", 1)[0] for line in exported("grants")] == [
        f"Byrne JAG,,2017,100.00,withheld,{COOK},,{SRC},"
    ]
    assert exported("cases") == [
        f"Cook County v. Sessions,Cook County v. Sessions,N.D. Ill.,,2017,pending,,{SRC}"
    ]
    assert exported("parties") == [f"Cook County v. Sessions,plaintiff,{COOK},"]
    assert exported("rulings") == [f"Cook County v. Sessions,2017-12,other,,,{SRC}"]
    # The same file again: the words match what is stored, nothing changes.
    again = seeded_cli("import", str(tmp_path / "good"), "--format", "csv")
    assert again.exit_code == 0, again.stderr
    assert "Imported: 0 change(s) written." in again.stderr


def test_vocabulary_options_accept_any_case(seeded_cli):
    assert (
        seeded_cli("sources", "add", "Census list", "--url", SRC, "--kind", "DATASET").exit_code
        == 0
    )
    added = seeded_cli("jurisdictions", "add", "Cook County", "--kind", "COUNTY", "--state", "IL")
    assert added.exit_code == 0, added.stderr
    assert added.stdout == f"{COOK}\n"
    status = seeded_cli("status", "set", "Cook County, IL", "Sanctuary", "--source", SRC)
    assert status.exit_code == 0, status.stderr
    assert status.stderr.startswith("Recorded Cook County, IL: sanctuary")
    listed = seeded_cli("jurisdictions", "list", "--kind", "County", "--format", "csv").stdout
    assert f",{COOK},Cook County,county,IL,,,sanctuary" in listed
