"""``tracker publish --out DIR``: a static website of the whole database.

Every page exists and is valid HTML5's skeleton with unique ids; every link
inside the site resolves to a file (and fragment) in DIR; every fact links
to a source page; names are escaped; the home page with what it loads stays
under 2 MB even with every county tracked; the year data is what ``report
status`` says on each 31 December; the codebook lists every entity and
column; publishing twice gives identical bytes; a re-publish leaves no page
of a removed jurisdiction; bad output directories are one ``Error:`` line.
Both engines."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import prebuilt

from tracker import registry, site
from tracker.csvformat import ENTITIES

BASE = "ocd-division/country:us"
SF = f"{BASE}/state:ca/place:san_francisco"
COOK = f"{BASE}/state:il/county:cook"
HOSTILE = '<script>alert("x")</script> & Co'
HOSTILE_SOURCE = 'Court <order> & "stay"'
ORDER, LIST1, LIST2 = (
    "https://example.org/order",
    "https://example.org/doj-list",
    "https://example.org/doj-list-2",
)
DOJ, DOJ_V2 = "2025-08-05-doj-sanctuary-list", "2025-09-01-doj-sanctuary-list-revised"
CASE = "San Francisco and Santa Clara County v. Trump"
MB2 = 2 * 1024 * 1024


def ok(result):
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def rich(seeded_cli, tmp_path, request):
    """The seed, two designation lists (the second replacing the first) with a
    fate, a court order restraining the first with a stay, a hostile name,
    and Cook County: sanctuary from 2012-09, cooperative from 2020 by another
    source (so sources disagree from then on). Built once per worker and
    engine, copied for each test after."""
    prebuilt(request, seeded_cli.url, lambda: _rich(seeded_cli, tmp_path))
    return seeded_cli


def _rich(cli, tmp_path: Path) -> None:
    for title, url, published, kind in (
        ("DOJ list", LIST1, "2025-08-05", "government_release"),
        ("DOJ list v2", LIST2, "2025-09-01", "government_release"),
        (HOSTILE_SOURCE, ORDER, "2012-09-01", "court_record"),
    ):
        ok(cli("sources", "add", title, "--url", url, "--published", published, "--kind", kind))
    ok(cli("actions", "add", "DOJ sanctuary list", "--date", "2025-08-05", "--agency",
           "U.S. Department of Justice", "--kind", "designation_list", "--source", LIST1))  # fmt: skip
    names = tmp_path / "l1.csv"
    names.write_text("Jurisdiction,State\nChicago,IL\nSan Francisco,CA\n"
                     "City and County of San Francisco,CA\n")  # fmt: skip
    ok(
        cli(
            "actions", "load-entries", DOJ, str(names), "--name", "Jurisdiction", "--state", "State"
        )
    )
    ok(cli("actions", "add", "DOJ sanctuary list, revised", "--date", "2025-09-01", "--agency",
           "U.S. Department of Justice", "--kind", "designation_list", "--source", LIST2,
           "--replaces", DOJ))  # fmt: skip
    names = tmp_path / "l2.csv"
    names.write_text("Jurisdiction,State\nChicago,IL\nLos Angeles,CA\n")
    ok(cli("actions", "load-entries", DOJ_V2, str(names), "--name", "Jurisdiction", "--state",
           "State"))  # fmt: skip
    ok(cli("actions", "fate", DOJ, "San Francisco, CA", "--fate", "disputed", "--date",
           "2025-08-10", "--source", LIST2))  # fmt: skip
    ok(cli("cases", "rule", CASE, "--date", "2017-11-20", "--kind", "preliminary_injunction",
           "--source", ORDER, "--restrains", DOJ, "--scope", "parties"))  # fmt: skip
    ok(cli("cases", "event", CASE, "--ruling", "2017-11-20:preliminary_injunction", "--event",
           "stayed", "--date", "2018-01-02", "--source", ORDER))  # fmt: skip
    ok(cli("jurisdictions", "add", HOSTILE, "--kind", "city", "--state", "IL"))
    ok(cli("status", "set", f"{HOSTILE}, IL", "partial", "--source", ORDER, "--effective", "2016"))
    ok(cli("jurisdictions", "add", "Cook County, IL"))
    ok(cli("status", "set", "Cook County, IL", "sanctuary", "--source", ORDER,
           "--effective", "2012-09"))  # fmt: skip
    ok(cli("status", "set", "Cook County, IL", "cooperative", "--source", LIST1,
           "--effective", "2020"))  # fmt: skip


def publish(cli, out: Path):
    result = ok(cli("publish", "--out", str(out)))
    assert result.stdout == ""
    assert result.stderr.startswith(f"Published {len(pages(out))} page(s) to {out}: ")
    return result


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}  # fmt: skip


# --- a small DOM --------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Node:
    def __init__(self, tag: str, attrs: dict, parent):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list = []

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class Tree(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.root = self.at = Node("#document", {}, None)
        self.doctype = None
        self.feed(text)
        self.close()

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.at)
        self.at.children.append(node)
        if tag not in VOID:
            self.at = node

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Node(tag, dict(attrs), self.at))

    def handle_endtag(self, tag):
        at = self.at
        while at is not None and at.tag != tag:
            at = at.parent
        assert at is not None, f"</{tag}> closes nothing"
        self.at = at.parent

    def handle_data(self, data):
        self.at.children.append(data)


def parse(path: Path) -> Tree:
    return Tree(path.read_text(encoding="utf-8"))


def by_id(tree: Tree, ident: str) -> Node:
    (found,) = [n for n in tree.root.iter() if n.attrs.get("id") == ident]
    return found


def internal(href: str) -> bool:
    return not urlsplit(href).scheme and not href.startswith("//")


def target(out: Path, page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    return path, parts.fragment


def map_data(out: Path, name: str = "index.html") -> dict:
    return json.loads(by_id(parse(out / name), "map-data").text())


def report(cli, as_of: str) -> dict[str, dict]:
    rows = json.loads(ok(cli("report", "status", "--as-of", as_of, "--format", "json")).stdout)
    return {r["jurisdiction"]: r for r in rows}


def jurisdictions(cli) -> list[dict]:
    return json.loads(ok(cli("jurisdictions", "list", "--format", "json")).stdout)


# --- tests --------------------------------------------------------------------------


def test_publish_writes_every_page_and_the_data(rich, tmp_path):
    out = tmp_path / "site"
    result = publish(rich, out)
    tracked = jurisdictions(rich)
    assert (
        f": {len(tracked)} jurisdiction(s), 4 action(s), 2 case(s), 4 source(s);" in result.stderr
    )
    for name in ("index.html", "states.html", "status.html", "codebook.html", "sources.html",
                 "actions.html", "cases.html", "assets/site.css", "assets/site.js"):  # fmt: skip
        assert (out / name).is_file(), name
    for e in ENTITIES.values():
        assert (out / "data" / e.filename).read_bytes() == ok(rich("export", e.name)).stdout_bytes
    assert sorted(p.name for p in (out / "j").iterdir()) == sorted(
        f"{site.jurisdiction_page(j['key'])}.html" for j in tracked
    )
    assert (out / "j" / "state-ca.place-san_francisco.html").is_file()
    assert (out / "actions" / f"{DOJ}.html").is_file()
    assert len(list((out / "cases").iterdir())) == 2
    assert len(list((out / "sources").iterdir())) == 4
    assert not (out / site.PARTIAL).exists()


def test_file_names_are_stable_safe_and_distinct():
    assert site.jurisdiction_page(SF) == "state-ca.place-san_francisco"
    assert site.jurisdiction_page(f"{BASE}/district:dc") == "district-dc"
    odd = [f"{BASE}/state:il/place:o'fallon", f"{BASE}/state:il/place:O'Fallon",
           f"{BASE}/state:nm/county:doña_ana", f"{BASE}/state:il/place:a-b"]  # fmt: skip
    names = [site.jurisdiction_page(o) for o in odd]
    assert len(set(names)) == len(names)
    for n in names:
        assert re.fullmatch(r"[a-z0-9._~-]+", n) and "--" in n, n
    assert site.page_name("2018-01-24-doj-threatens") == "2018-01-24-doj-threatens"
    assert site.page_name("https://example.org/a") != site.page_name("https://example.org/A")
    assert site.page_name("con").startswith("con--")


def test_every_page_is_html5_with_unique_ids_and_every_internal_link_resolves(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    ids: dict[Path, set[str]] = {}
    links = []
    for page in pages(out):
        text = page.read_text(encoding="utf-8")
        assert text.startswith('<!DOCTYPE html>\n<html lang="en">\n'), page
        tree = Tree(text)
        metas = [n.attrs for n in tree.root.iter() if n.tag == "meta"]
        assert {"charset": "utf-8"} in metas
        assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
        (title,) = [n for n in tree.root.iter() if n.tag == "title" and n.parent.tag == "head"]
        assert title.text().strip()
        seen = [n.attrs["id"] for n in tree.root.iter() if "id" in n.attrs]
        assert len(seen) == len(set(seen)), (page, [i for i in seen if seen.count(i) > 1])
        ids[page.resolve()] = set(seen)
        for n in tree.root.iter():
            for attr in ("href", "src"):
                value = n.attrs.get(attr)
                if value is not None and internal(value):
                    links.append((page, value))
                elif value is not None:
                    # Only links out to a source's own url: nothing is loaded from elsewhere.
                    assert n.tag == "a" and attr == "href", (page, value)
    assert len(links) > 300
    for page, href in links:
        path, fragment = target(out, page, href)
        assert path.is_file() and out.resolve() in path.parents, (page, href)
        if fragment:
            assert fragment in ids.get(path, set()), (page, href)


def test_every_fact_links_to_a_source_page(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    facts = 0
    for page in pages(out):
        for n in parse(page).root.iter():
            if "fact" not in n.classes():
                continue
            facts += 1
            hrefs = [a.attrs["href"] for a in n.iter() if a.tag == "a" and "src" in a.classes()]
            assert hrefs, (page, n.text()[:80])
            for href in hrefs:
                path, _ = target(out, page, href)
                assert path.parent == (out / "sources").resolve() and path.is_file()
    assert facts > 80
    # A source's page links to its own url.
    order = parse(out / "sources" / f"{site.page_name(ORDER)}.html")
    assert ORDER in [a.attrs.get("href") for a in order.root.iter() if a.tag == "a"]


def test_a_jurisdictions_page_has_its_dossier(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    tree = parse(out / "j" / "state-ca.place-san_francisco.html")
    text = re.sub(r"\s+", " ", tree.root.text())
    for section in ("status", "timeline", "money", "actions", "cases", "protection"):
        by_id(tree, section)
    assert "DOJ sanctuary list" in by_id(tree, "actions").text()
    assert "2017-11-20 preliminary injunction" in by_id(tree, "cases").text()
    protection = by_id(tree, "protection").text()
    assert CASE in protection and "not in force" in protection and "stayed 2018-01-02" in protection
    assert "City and County of San Francisco" in text
    cook = parse(out / "j" / "state-il.county-cook.html")
    timeline = [n for n in by_id(cook, "timeline").iter() if n.tag == "li"]
    assert [re.sub(r"\s+", " ", li.text())[:30] for li in timeline] == [
        "effective 2012-09 sanctuary Co", "effective 2020 cooperative DOJ",
    ]  # fmt: skip
    action = parse(out / "actions" / f"{DOJ_V2}.html")
    diff = [tr for tr in by_id(action, "diff").iter() if tr.tag == "tr"][1:]
    assert [tr.children[0].text() for tr in diff] == ["added", "removed", "kept"]
    entries = by_id(parse(out / "actions" / f"{DOJ}.html"), "entries").text()
    assert "City and County of San Francisco" in entries and "disputed 2025-08-10" in entries


def test_names_are_escaped_everywhere(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"
    shown = 0
    for page in pages(out):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<order>" not in text, page
        shown += escaped in text
    assert shown >= 3  # its page, the status table, the source's page
    tree = parse(out / "status.html")
    assert HOSTILE in [a.text() for a in tree.root.iter() if a.tag == "a"]
    assert HOSTILE_SOURCE in [a.text() for a in tree.root.iter() if a.tag == "a"]


def test_publishing_twice_gives_identical_files(rich, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    publish(rich, first)
    publish(rich, second)
    assert files(first) == files(second)
    before = files(first)
    publish(rich, first)
    assert files(first) == before


def test_a_republish_removes_pages_of_what_was_removed(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    page = out / "j" / "state-il.county-cook.html"
    assert page.is_file()
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / ".nojekyll").write_text("")
    ok(rich("jurisdictions", "remove", "Cook County, IL", "--cascade", "--yes"))
    publish(rich, out)
    assert not page.exists()
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (out / ".nojekyll").exists()
    assert "state-il.county-cook" not in (out / "status.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    publish(rich, fresh)
    assert {k: v for k, v in files(out).items() if not k.startswith(".")} == files(fresh)


def test_the_year_data_is_the_status_report_on_each_31_december(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    county, state = map_data(out, "index.html"), map_data(out, "states.html")
    years = [y["year"] for y in county["years"]]
    assert years[0] == 2012 and years == list(range(2012, years[-1] + 1))
    by_fips = {j["fips"]: j["key"] for j in jurisdictions(rich) if j["fips"]}
    checked = 0
    for data, codes in ((county, ("17031", "06075", "06085")), (state, ("06", "17"))):
        for year in (2015, 2018, 2021):
            (entry,) = [y for y in data["years"] if y["year"] == year]
            assert entry["day"] == f"{year}-12-31"
            assert entry["title"] == f"Sanctuary-policy status in force on {year}-12-31"
            said = report(rich, f"{year}-12-31")
            for fips in codes:
                code = entry["codes"][data["ids"].index(f"fips-{fips}")]
                row = said[by_fips[fips]]
                status = None if code == "-" else data["statuses"][ord(code.lower()) - 97]
                assert status == (None if row["status"] == "no status recorded" else row["status"])
                assert code.isupper() == bool(row["disagreement"]), (year, fips)
                checked += 1
    assert checked == 15
    cook = county["ids"].index("fips-17031")
    assert [y["codes"][cook] for y in county["years"] if y["year"] in (2012, 2019, 2021)] == [
        "a", "a", "C",
    ]  # fmt: skip
    # Today's map as drawn, and the control listing every year, this one chosen.
    tree = parse(out / "index.html")
    options = [n for n in by_id(tree, "year").iter() if n.tag == "option"]
    assert [int(o.attrs["value"]) for o in options] == years
    assert "selected" in options[-1].attrs
    shape = by_id(tree, "fips-17031")
    assert shape.attrs["data-status"] == "cooperative" and shape.attrs["data-disagree"] == "yes"


def test_the_home_page_stays_under_2_mb_with_every_county_tracked(cli, tmp_path):
    counties = [e for e in registry.entries() if e.kind in ("county", "city_county") and e.fips
                and len(e.fips) == 5]  # fmt: skip
    data = tmp_path / "csv"
    data.mkdir()
    (data / "sources.csv").write_text("key,title,published,kind\ns1,A survey,2015-01-01,dataset\n"
                                      "s2,Another survey,2020-06-01,dataset\n")  # fmt: skip
    rows = ["ocd_id,name,kind,state,fips"]
    rows += [f'{e.ocd_id},"{e.name}",{e.kind},{e.state},{e.fips}' for e in counties]
    (data / "jurisdictions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    statuses = ["jurisdiction,status,source,effective"]
    for i, e in enumerate(counties):
        statuses.append(f"{e.ocd_id},{('sanctuary', 'cooperative', 'partial')[i % 3]},s1,2015")
        if i % 4 == 0:
            statuses.append(f"{e.ocd_id},anti_sanctuary,s2,2020-06")
    (data / "status.csv").write_text("\n".join(statuses) + "\n", encoding="utf-8")
    ok(cli("import", str(data)))
    out = tmp_path / "site"
    result = publish(cli, out)
    home = out / "index.html"
    loaded = [n.attrs.get("src") or n.attrs.get("href") for n in parse(home).root.iter()
              if n.tag in ("script", "link", "img") and (n.attrs.get("src") or n.tag == "link")]  # fmt: skip
    assert sorted(loaded) == ["assets/site.css", "assets/site.js"]
    total = home.stat().st_size + sum((out / x).stat().st_size for x in loaded)
    assert total < MB2, total
    assert f"home page {total:,} bytes" in result.stderr
    assert len(map_data(out)["ids"]) >= 3000


def test_the_codebook_lists_every_entity_and_column(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    tree = parse(out / "codebook.html")
    for name, entity in ENTITIES.items():
        section = by_id(tree, f"entity-{name}")
        assert entity.filename in section.text()
        for c in entity.fields:
            row = by_id(tree, f"column-{name}-{c.name}")
            assert c.about in row.text()
            if c.choices:
                assert all(m.value in row.text() for m in c.choices)
            assert ("yes" in row.text()) == c.required or not c.required
        hrefs = [a.attrs.get("href") for a in section.iter() if a.tag == "a"]
        assert f"data/{entity.filename}" in hrefs


def test_the_status_table_leads_with_the_name_and_can_be_filtered(rich, tmp_path):
    out = tmp_path / "site"
    publish(rich, out)
    tree = parse(out / "status.html")
    table = by_id(tree, "status-table")
    heads = [n.text() for n in table.iter() if n.tag == "th"]
    assert heads[:7] == ["Name", "State", "Kind", "Status", "Since", "Last asserted", "Source"]
    rows = [n for n in table.iter() if n.tag == "tr" and "data-state" in n.attrs]
    assert len(rows) == len(jurisdictions(rich))
    assert {r.attrs["data-status"] for r in rows} >= {"sanctuary", "cooperative", "none"}
    for ident in ("filter-state", "filter-kind", "filter-status"):
        values = [o.attrs["value"] for o in by_id(tree, ident).iter() if o.tag == "option"]
        assert values[0] == "" and len(values) > 2


def test_bad_output_directories_are_one_error_line(cli, tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    result = cli("publish", "--out", str(a_file))
    assert result.exit_code == 1
    assert result.stderr == f"Error: --out: {str(a_file)!r} is a file, not a directory\n"
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    result = cli("publish", "--out", str(other))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: --out: {str(other)!r} is not empty and holds no site tracker published; "
        "give a new or empty directory (a re-publish replaces the whole site)\n"
    )
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    under = a_file / "site"
    result = cli("publish", "--out", str(under))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_an_empty_database_publishes_a_site_too(cli, tmp_path):
    out = tmp_path / "site"
    result = publish(cli, out)
    assert ": 0 jurisdiction(s), 0 action(s), 0 case(s), 0 source(s);" in result.stderr
    tree = parse(out / "index.html")
    options = [n.attrs["value"] for n in by_id(tree, "year").iter() if n.tag == "option"]
    assert len(options) == 1
    assert "No data recorded yet" in (out / "status.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(
        [e.filename for e in ENTITIES.values()]
        + ["datapackage.json", "metadata.json", "tracker.db"]
    )
