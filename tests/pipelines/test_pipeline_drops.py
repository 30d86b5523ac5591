"""The drop-folder scan: a new delivery is seen once, an old one never again."""

import os
from pathlib import Path

from pipelines.drops import scan_drop_folders


def _deliver(folder: Path, name: str, text: str = "a;b\n1;2\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_new_file_is_reported_once(tmp_path: Path) -> None:
    inbox = tmp_path / "vt" / "inbox"
    _deliver(inbox, "meldingen_1.csv")
    first = scan_drop_folders({"veilig_thuis": inbox}, None)
    assert list(first.new_files) == ["veilig_thuis"]
    assert list(first.new_files["veilig_thuis"]) == ["meldingen_1.csv"]

    again = scan_drop_folders({"veilig_thuis": inbox}, first.cursor)
    assert again.new_files == {}

    _deliver(inbox, "meldingen_2.csv")
    third = scan_drop_folders({"veilig_thuis": inbox}, again.cursor)
    assert list(third.new_files["veilig_thuis"]) == ["meldingen_2.csv"]


def test_redelivery_under_same_name_counts_as_new(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    path = _deliver(inbox, "export.csv")
    first = scan_drop_folders({"jgb": inbox}, None)
    path.write_text("a;b\n1;2\n3;4\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = scan_drop_folders({"jgb": inbox}, first.cursor)
    assert list(second.new_files["jgb"]) == ["export.csv"]
    assert second.run_key("jgb") != first.run_key("jgb")


def test_partial_uploads_hidden_files_and_missing_folders_are_ignored(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _deliver(inbox, "upload.csv.part")
    _deliver(inbox, ".DS_Store")
    scan = scan_drop_folders({"vt": inbox, "gone": tmp_path / "missing"}, None)
    assert scan.new_files == {}


def test_archived_file_leaves_the_cursor(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    path = _deliver(inbox, "m.csv")
    first = scan_drop_folders({"vt": inbox}, None)
    path.rename(tmp_path / "m.csv")  # the connector archives the processed file
    second = scan_drop_folders({"vt": inbox}, first.cursor)
    assert second.new_files == {}
    assert "m.csv" not in second.cursor
