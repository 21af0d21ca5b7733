"""The packaged Kemendagri region list."""

from __future__ import annotations

from importlib import resources

from fieldapp.regions import dotted, fold, regions


def test_the_whole_list_ships_with_its_licence() -> None:
    index = regions()
    assert len(index) == 91_599
    licence = resources.files("fieldapp.data").joinpath("wilayah.LICENSE").read_text()
    assert "MIT License" in licence and "Cahya DSN" in licence


def test_codes_with_and_without_dots() -> None:
    assert dotted("3216012001") == "32.16.01.2001"
    assert dotted("32.16.01.2001") == "32.16.01.2001"
    assert dotted("321601") == "32.16.01"
    for bad in ("32160120", "32.16.1.2001", "abcdefghij", "", "32.16.01.2001.5"):
        assert dotted(bad) is None


def test_lookup_by_code_and_level() -> None:
    index = regions()
    assert index.get("3216012001").name == "Sagara Makmur"  # type: ignore[union-attr]
    assert index.exists("32", "province") and not index.exists("32", "desa")
    assert index.exists("32.16.01.2001", "desa")
    assert not index.exists("99.99.99.9999")
    assert [r.name for r in index.lineage("32.16.01.2001")] == [
        "Jawa Barat",
        "Kabupaten Bekasi",
        "Tarumajaya",
        "Sagara Makmur",
    ]


def test_name_prefix_search_ignores_case_and_filters_level() -> None:
    found = regions().search("sagara m", level="desa")
    assert [r.code for r in found] == ["32.16.01.2001"]
    kabupaten = regions().search("KABUPATEN BEK", level="kabupaten")
    assert [r.name for r in kabupaten] == ["Kabupaten Bekasi"]
    assert len(regions().search("a", limit=5)) == 5


def test_fold_removes_accents() -> None:
    assert fold("  Écija ") == "ecija"


def test_children_list_one_level_below_by_name() -> None:
    from fieldapp.regions import regions

    provinces = regions().children(None)
    assert len(provinces) == 38 and all("." not in r.code for r in provinces)
    desas = regions().children("32.16.01")
    assert desas and all(r.code.startswith("32.16.01.") and r.level == "desa" for r in desas)
    assert [r.name for r in desas] == sorted((r.name for r in desas), key=str.casefold)


def test_desa_search_puts_the_office_kecamatan_first_and_matches_inside_names_there() -> None:
    from fieldapp.regions import regions

    near = regions().search_desa("makmur", near="32.16.01.2001")
    assert near and all(r.code.startswith("32.16.01.") for r in near[:2])
    far = regions().search_desa("sagara", near="11.01.01.2001")  # from Aceh: found by prefix, anywhere
    assert any(r.code == "32.16.01.2001" for r in far)
    assert regions().search_desa("   ") == []
    assert regions().describe("32.16.01.2001") == "Sagara Makmur, Tarumajaya, Kabupaten Bekasi, Jawa Barat"
