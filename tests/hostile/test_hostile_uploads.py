"""Hostile uploads to the Applications lab's calibration section (issue 8): binary data, wrong
encodings, huge files, wrong shapes, formulas in CSV cells, pickles, zip bombs.

The contract: a file that cannot be used gets ONE sentence saying why (an UploadError), shown
literally in the page (no markdown, HTML or LaTeX active) and followed by "The digits model is
shown instead"; the digits analysis stays on the page with the user's settings; nothing in a
file is ever unpickled, executed or written to disk. A file that can be used is read as the
numbers it holds (a cell "-1" is a number; "=1+1" is not).

The caps said to the user (the uploader's limit, the module's documentation, the messages)
are the ones enforced (uploads.MAX_UPLOAD_BYTES, .streamlit/config.toml's maxUploadSize).
"""

from __future__ import annotations

import io
import math
import re
import struct
import time
import tomllib
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer import uploads
from explorer.uploads import MAX_CLASSES, MAX_ROWS, MAX_UPLOAD_BYTES, UploadError, parse_upload
from tests.views.apptest import plain, query, run, set_widget
from tests.views.apptest import start as start_app

ROOT = Path(__file__).resolve().parents[2]
PAGE = "explorer/views/applications_page.py"
SOURCE, BINS = "a_source", "a_bins"
MAX_MESSAGE_CHARS = 300
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")

RNG = np.random.default_rng(8)
LOGITS = (RNG.normal(size=(30, 4)) * 3).round(6)
LABELS = RNG.integers(0, 4, 30)


# --- building hostile files --------------------------------------------------------------------


def csv_text(logits=LOGITS, labels=LABELS, header: bool = True) -> str:
    lines = [",".join([f"c{i}" for i in range(logits.shape[1])] + ["label"])] if header else []
    lines += [
        ",".join([*map(repr, map(float, row)), str(int(y))])
        for row, y in zip(logits, labels, strict=True)
    ]
    return "\n".join(lines) + "\n"


def with_cell(text: str, line: int, column: int, cell: str) -> bytes:
    """The CSV ``text`` with the cell at ``line``, ``column`` (from 1) replaced by ``cell``."""
    lines = text.splitlines()
    cells = lines[line - 1].split(",")
    cells[column - 1] = cell
    lines[line - 1] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode()


def npy(array: np.ndarray, **options) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, **options)
    return buffer.getvalue()


def npy_header(descr: str, shape: tuple) -> bytes:
    """A .npy header (format 1.0) that says whatever it is told, checked or not."""
    text = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def raw_zip(entries: list[tuple[str, bytes, int]], flags: int = 0, method: int = 8) -> bytes:
    """A zip written by hand, so that it can lie: each entry is (name, data, declared size);
    the data is deflated and its true CRC written, the size is whatever ``declared`` says."""
    out, central = bytearray(), bytearray()
    for name, data, declared in entries:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        payload = packer.compress(data) + packer.flush()
        crc, fname, offset = zlib.crc32(data), name.encode(), len(out)
        out += struct.pack(
            zipfile.structFileHeader,
            b"PK\x03\x04",
            20,
            0,
            flags,
            method,
            0,
            0,
            crc,
            len(payload),
            declared,
            len(fname),
            0,
        )
        out += fname + payload
        central += struct.pack(
            zipfile.structCentralDir,
            b"PK\x01\x02",
            20,
            0,
            20,
            0,
            flags,
            method,
            0,
            0,
            crc,
            len(payload),
            declared,
            len(fname),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += fname
    start = len(out)
    out += central
    out += struct.pack(
        zipfile.structEndArchive,
        b"PK\x05\x06",
        0,
        0,
        len(entries),
        len(entries),
        len(central),
        start,
        0,
    )
    return bytes(out)


class _Evil:
    """Unpickling this creates the file at ``path``: the proof that pickle ran."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def evil_npy(path: Path) -> bytes:
    return npy(np.array([[_Evil(str(path)), 1.0]] * 25, dtype=object), allow_pickle=True)


GOOD_NPY = npy(np.column_stack([LOGITS, LABELS]))
GOOD_LABELS = npy(LABELS)
CSV = csv_text()
ZEROS_20MB = bytes(20_000_000)

#: name → (file name, bytes, what the one sentence must say). Refused, every one.
REFUSED: dict[str, tuple[str, bytes, str]] = {
    # binary data and encodings
    "binary-csv": ("junk.csv", bytes(range(256)) * 40, "not text"),
    "random-csv": ("junk.csv", RNG.integers(0, 256, 5000, dtype=np.uint8).tobytes(), "not"),
    "nul-in-csv": ("nul.csv", CSV.replace("\n", "\x00\n", 3).encode(), "not text"),
    # UTF-16, UTF-32 and Latin-1 were all "not text": now each says what to do
    "utf16-csv": ("excel.csv", CSV.encode("utf-16"), "UTF-16 text; save it as UTF-8"),
    "utf16-no-bom": ("excel.csv", CSV.encode("utf-16-le"), "UTF-16"),
    "utf32-csv": ("excel.csv", CSV.encode("utf-32"), "UTF-32"),
    "latin1-header": (
        "français.csv",
        ("probabilité," + CSV.split(",", 1)[1]).encode("latin-1"),
        "UTF-8",
    ),
    "png-as-csv": ("plot.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "not text"),
    "binary-npy": ("junk.npy", bytes(range(256)) * 40, "first bytes"),
    "binary-npz": ("junk.npz", bytes(range(256)) * 40, "not a NumPy .npz"),
    "csv-as-npy": ("table.npy", CSV.encode(), "first bytes"),
    "npy-as-csv": ("table.csv", GOOD_NPY, "not text"),
    "exe": ("model.exe", b"MZ" + bytes(100), ".csv, .npy or .npz"),
    "no-extension": ("logits", CSV.encode(), ".csv, .npy or .npz"),
    # empty and tiny
    "empty-csv": ("empty.csv", b"", "empty"),
    "empty-npz": ("empty.npz", b"", "empty"),
    "blank-lines": ("blank.csv", b"\n\n \n\r\n", "no rows"),
    "header-only": ("header.csv", b"c0,c1,label\n", "no data rows"),
    "one-row": ("one.csv", b"1.5,0.2,1\n", "has 1 row; at least 20"),  # was "1 rows"
    "one-column": ("col.csv", b"1\n" * 30, "single column"),
    "semicolons": ("fr.csv", CSV.replace(",", ";").encode(), "semicolons"),
    # caps
    "1001-classes": (
        "wide.csv",
        ("\n".join([",".join(["0.5"] * 1001 + ["0"])] * 25) + "\n").encode(),
        f"between 2 and {MAX_CLASSES:,} classes",
    ),
    "200001-rows": ("long.csv", b"0.5,0.25,1\n" * (MAX_ROWS + 1), f"{MAX_ROWS:,}"),
    "200001-rows-npy": (
        "long.npy",
        npy(np.tile([0.5, 0.25, 1.0], (MAX_ROWS + 1, 1))),
        f"{MAX_ROWS:,}",
    ),
    # was "The file is 20.0 MB; the limit is 20 MB."
    "over-20MB": ("big.csv", b"1" * (MAX_UPLOAD_BYTES + 1), "20,000,001 bytes; the limit is 20 MB"),
    "25MB": ("big.npz", b"PK" * 12_500_000, "The file is 25.0 MB; the limit is 20 MB."),
    # CSV formulas and other text in cells: refused, named, never active
    "formula-cmd": ("f.csv", with_cell(CSV, 3, 2, "=cmd|' /C calc'!A0"), "Line 3, column 2"),
    "formula-sum": ("f.csv", with_cell(CSV, 4, 1, "@SUM(A1:A9)"), "'@SUM(A1:A9)'"),
    "formula-arith": ("f.csv", with_cell(CSV, 5, 3, "-1+2"), "'-1+2'"),
    "formula-equals": ("f.csv", with_cell(CSV, 6, 4, "=1+1"), "'=1+1'"),
    "formula-tab": ("f.csv", with_cell(CSV, 7, 1, '\t=HYPERLINK("http://e.vil")'), "not a number"),
    "html-cell": ("h.csv", with_cell(CSV, 8, 2, "<img src=x onerror=alert(1)>"), "'<img src=x"),
    "markdown-cell": (
        "m.csv",
        with_cell(CSV, 9, 2, "**[x](javascript:alert(1))**"),
        "not a number",
    ),
    "latex-cell": ("l.csv", with_cell(CSV, 10, 2, "$\\frac{1}{0}$"), "not a number"),
    "10kB-cell": ("long.csv", with_cell(CSV, 11, 2, "x" * 10_000), "…"),
    "nan-cell": ("nan.csv", with_cell(CSV, 12, 2, "nan"), "NaN"),
    "inf-cell": ("inf.csv", with_cell(CSV, 12, 2, "1e309"), "+inf"),
    "empty-cell": ("gap.csv", with_cell(CSV, 13, 2, ""), "is empty"),
    "ragged": ("ragged.csv", (CSV + "1,2\n").encode(), "same number of columns"),
    "bad-quote": ("q.csv", (CSV + '"1,2,3,0\n' * 3).encode(), "Line 33"),
    # was "… cannot be read (field larger than field limit (131072))."
    "150kB-cell": ("huge.csv", with_cell(CSV, 3, 2, "x" * 150_000), "more than 131,072 characters"),
    "float-label": ("lab.csv", with_cell(CSV, 14, 5, "1.5"), "whole numbers"),
    "label-out-of-range": ("lab.csv", with_cell(CSV, 14, 5, "9"), "from 0 to 3"),
    "label-negative": ("lab.csv", with_cell(CSV, 14, 5, "-1"), "from 0 to 3"),
    # .npy
    "pickle-npy": (
        "evil.npy",
        npy(np.array([[{"a": 1}, 2.0]] * 25, dtype=object), allow_pickle=True),
        "never loaded",
    ),
    "structured-npy": (
        "rec.npy",
        npy(np.zeros(25, dtype=[("z", float), ("y", int)])),
        "structured",
    ),
    "complex-npy": ("c.npy", npy(np.ones((25, 3), dtype=complex)), "complex"),
    "bool-npy": ("b.npy", npy(np.ones((25, 3), dtype=bool)), "true/false"),
    "text-npy": ("t.npy", npy(np.full((25, 3), "1")), "text"),
    "datetime-npy": ("d.npy", npy(np.zeros((25, 3), dtype="datetime64[s]")), "datetime64"),
    "1d-npy": ("v.npy", npy(np.zeros(25)), "shape (25,)"),
    "3d-npy": ("cube.npy", npy(np.zeros((25, 3, 2))), "shape (25, 3, 2)"),
    "0d-npy": ("s.npy", npy(np.float64(1)), "shape ()"),
    "cut-npy": ("cut.npy", GOOD_NPY[:-9], "cut short"),
    "header-lies-40GB": ("lie.npy", npy_header("<f8", (10**9, 5)) + bytes(80), "cut short"),
    "header-negative-shape": ("neg.npy", npy_header("<f8", (-5, 3)) + bytes(80), "npy"),
    "header-garbage": (
        "g.npy",
        b"\x93NUMPY\x01\x00\x10\x00{'descr': os.system('x')}" + bytes(8),
        "damaged",
    ),
    # was "damaged .npy header": the version's own message was caught as a damaged header
    "npy-version-3": ("v3.npy", b"\x93NUMPY\x03\x00" + bytes(100), "version (3, 0)"),
    # .npz
    "zip-not-npz": ("x.npz", zipped({"readme.txt": b"hello"}), "'readme.txt'"),
    "npz-wrong-names": ("x.npz", npz(x=LOGITS, y=LABELS), "'x', 'y'"),
    "npz-path-names": (
        "x.npz",
        zipped({"../../etc/passwd.npy": GOOD_NPY, "<img src=x onerror=alert(1)>.npy": GOOD_NPY}),
        "'../../etc/passwd'",
    ),
    "npz-many-names": ("x.npz", zipped({f"a{i}.npy": b"" for i in range(300)}), "…"),
    "nested-zip": (
        "x.npz",
        zipped({"logits.npy": npz(logits=LOGITS, labels=LABELS), "labels.npy": GOOD_LABELS}),
        'The array "logits" is not a NumPy .npy array',
    ),
    "npz-pickle": (
        "x.npz",
        zipped(
            {
                "logits.npy": npy(np.array([[None, 1]] * 25, dtype=object), allow_pickle=True),
                "labels.npy": GOOD_LABELS,
            }
        ),
        "never loaded",
    ),
    "npz-label-shape": ("x.npz", npz(logits=LOGITS, labels=LABELS[:-1]), "shape (29,)"),
    "zip-bomb-lying-small": (
        "bomb.npz",
        raw_zip([("logits.npy", ZEROS_20MB, 1000), ("labels.npy", GOOD_LABELS, len(GOOD_LABELS))]),
        "damaged",
    ),
    "zip-bomb-declared-4GB": (
        "bomb.npz",
        raw_zip(
            [
                ("logits.npy", b"\x00" * 1000, 0xFFFFFFFE),
                ("labels.npy", GOOD_LABELS, len(GOOD_LABELS)),
            ]
        ),
        "too large once unpacked",
    ),
    "zip-encrypted": (
        "enc.npz",
        raw_zip(
            [
                ("logits.npy", GOOD_NPY, len(GOOD_NPY)),
                ("labels.npy", GOOD_LABELS, len(GOOD_LABELS)),
            ],
            flags=1,
        ),
        "damaged",
    ),
    "zip-unknown-method": (
        "m.npz",
        raw_zip(
            [
                ("logits.npy", GOOD_NPY, len(GOOD_NPY)),
                ("labels.npy", GOOD_LABELS, len(GOOD_LABELS)),
            ],
            method=99,
        ),
        "damaged",
    ),
    "zip-truncated": ("cut.npz", npz(logits=LOGITS, labels=LABELS)[:-30], "damaged"),
    "zip-bad-crc": (
        "crc.npz",
        raw_zip(
            [
                ("logits.npy", GOOD_NPY, len(GOOD_NPY) - 1),
                ("labels.npy", GOOD_LABELS, len(GOOD_LABELS)),
            ]
        ),
        "damaged",
    ),
}

#: name → (file name, bytes, expected logits, expected labels). Read, every one, exactly.
PROBE = LOGITS.copy()
READ: dict[str, tuple[str, bytes, np.ndarray, np.ndarray]] = {
    "utf8-bom": ("bom.csv", "\ufeff".encode() + CSV.encode(), LOGITS, LABELS),
    "crlf": ("win.csv", CSV.replace("\n", "\r\n").encode(), LOGITS, LABELS),
    # was "… cannot be read (new-line character seen in unquoted field - do you need to open
    # the file in universal-newline mode?)."
    "cr-only": ("mac.csv", CSV.replace("\n", "\r").encode(), LOGITS, LABELS),
    "signed-cells": (
        "signed.csv",
        with_cell(with_cell(CSV, 2, 1, "-1").decode(), 3, 1, "+1"),
        np.vstack([[-1.0, *LOGITS[0, 1:]], [1.0, *LOGITS[1, 1:]], LOGITS[2:]]),
        LABELS,
    ),
    "formula-header": (
        "h.csv",
        ('=HYPERLINK("http://e.vil"),c1,c2,c3,label\n' + CSV.split("\n", 1)[1]).encode(),
        LOGITS,
        LABELS,
    ),
    "minus-inf-masks": (
        "m.csv",
        with_cell(CSV, 2, 1 + (int(LABELS[0]) + 1) % 4, "-1e309"),
        np.vstack([np.where(np.arange(4) == (LABELS[0] + 1) % 4, -np.inf, LOGITS[0]), LOGITS[1:]]),
        LABELS,
    ),
    "fortran-npy": (
        "f.npy",
        npy(np.asfortranarray(np.column_stack([LOGITS, LABELS]))),
        LOGITS,
        LABELS,
    ),
    "big-endian-npy": (
        "be.npy",
        npy(np.column_stack([LOGITS, LABELS]).astype(">f8")),
        LOGITS,
        LABELS,
    ),
    "float32-npy": (
        "f32.npy",
        npy(np.column_stack([LOGITS, LABELS]).astype(np.float32)),
        LOGITS.astype(np.float32).astype(float),
        LABELS,
    ),
    "npz-extra-entries": (
        "x.npz",
        zipped(
            {
                "logits.npy": npy(LOGITS),
                "labels.npy": GOOD_LABELS,
                "../../evil.py": b"import os",
                "<b>x</b>.npy": b"\x00",
                "inner.npz": npz(a=LOGITS),
            }
        ),
        LOGITS,
        LABELS,
    ),
    "npz-column-labels": ("x.npz", npz(logits=LOGITS, labels=LABELS[:, None]), LOGITS, LABELS),
    "html-file-name": ("<img src=x onerror=alert(1)>.csv", CSV.encode(), LOGITS, LABELS),
    "upper-case-extension": ("LOGITS.CSV", CSV.encode(), LOGITS, LABELS),
}


# --- the pure reader -----------------------------------------------------------------------------


def one_sentence(message: str) -> None:
    """A message a person reads at once: one line, short, ending with a full stop, no code."""
    assert "\n" not in message and len(message) <= MAX_MESSAGE_CHARS, message
    assert message.endswith("."), message
    assert "Traceback" not in message and "Error" not in message, message


@pytest.mark.parametrize(("name", "data", "said"), REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_file_is_refused_with_one_sentence(name, data, said):
    started = time.perf_counter()
    with pytest.raises(UploadError) as refused:
        parse_upload(name, data)
    assert time.perf_counter() - started < 10
    message = str(refused.value)
    one_sentence(message)
    assert said in message, message


@pytest.mark.parametrize(("name", "data", "logits", "labels"), READ.values(), ids=READ.keys())
def test_an_odd_but_valid_file_is_read_as_the_numbers_it_holds(name, data, logits, labels):
    upload = parse_upload(name, data)
    np.testing.assert_array_equal(upload.labels, labels)
    np.testing.assert_array_equal(upload.logits, logits)
    for note in upload.notes:  # plain sentences (the probabilities note has three)
        assert "\n" not in note and len(note) < 400 and note.endswith("."), note


def test_a_planted_pickle_never_runs(tmp_path):
    """A .npy (or .npz member) whose unpickling would create a file: refused, file never made."""
    planted = tmp_path / "pwned"
    evil = evil_npy(planted)
    for name, data in (
        ("evil.npy", evil),
        ("evil.npz", zipped({"logits.npy": evil, "labels.npy": GOOD_LABELS})),
        ("evil.npz", zipped({"logits.npy": npy(LOGITS), "labels.npy": evil})),
    ):
        with pytest.raises(UploadError, match="never loaded"):
            parse_upload(name, data)
    assert not planted.exists()
    np.load(io.BytesIO(evil), allow_pickle=True)  # the plant works: loading it does run pickle
    assert planted.exists()


def test_a_zip_is_never_extracted_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name, data, _, _ = READ["npz-extra-entries"]
    parse_upload(name, data)
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent.parent / "evil.py").exists()


def test_the_bomb_entries_are_what_they_claim():
    """The hand-made zips lie as intended: zipfile believes the sizes written."""
    small = zipfile.ZipFile(io.BytesIO(REFUSED["zip-bomb-lying-small"][1]))
    assert small.getinfo("logits.npy").file_size == 1000
    assert small.getinfo("logits.npy").compress_size < 100_000  # 20 MB of zeros inside
    assert len(REFUSED["zip-bomb-declared-4GB"][1]) < 2_000
    huge = zipfile.ZipFile(io.BytesIO(REFUSED["zip-bomb-declared-4GB"][1]))
    assert huge.getinfo("logits.npy").file_size > uploads.MAX_UNPACKED_BYTES
    honest = raw_zip([("logits.npy", GOOD_NPY, len(GOOD_NPY))])
    assert zipfile.ZipFile(io.BytesIO(honest)).read("logits.npy") == GOOD_NPY


def test_a_file_of_exactly_the_cap_passes_the_size_check():
    with pytest.raises(UploadError, match=r"\.csv, \.npy or \.npz"):
        parse_upload("big.bin", b"1" * MAX_UPLOAD_BYTES)  # refused for its type, not its size


# --- the caps said to the user -------------------------------------------------------------------


def test_the_upload_cap_is_the_same_everywhere_it_is_said():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    megabytes = config["server"]["maxUploadSize"]
    assert megabytes * 10**6 == MAX_UPLOAD_BYTES  # "20 MB", as the user is told
    # Streamlit counts a megabyte as 1024² bytes: every file the app accepts gets through.
    assert megabytes * 1024**2 >= MAX_UPLOAD_BYTES
    assert f"Limits: {megabytes} MB per file" in " ".join(uploads.__doc__.split())
    with pytest.raises(UploadError) as refused:
        parse_upload("big.csv", b"1" * (MAX_UPLOAD_BYTES + 1))
    assert f"the limit is {megabytes} MB" in str(refused.value)
    at = start()
    at.segmented_control(key=SOURCE).set_value("upload")
    uploader = run(at).get("file_uploader")[0].proto  # its "Limit 20MB per file" line
    assert uploader.max_upload_size_mb == megabytes
    assert list(uploader.type) == [".csv", ".npy", ".npz"]
    assert f"{MAX_ROWS:,} rows" in uploads.__doc__ and f"{MAX_CLASSES:,} classes" in uploads.__doc__


# --- the page ------------------------------------------------------------------------------------


def start() -> AppTest:
    return start_app(PAGE)


def upload_to(at: AppTest, name: str, data: bytes) -> AppTest:
    if at.segmented_control(key=SOURCE).value != "upload":
        at.segmented_control(key=SOURCE).set_value("upload")
        run(at)
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    return run(at)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def digits_metrics() -> dict[str, str]:
    """What the page shows for the digits model with 12 bins: kept when an upload fails."""
    return metrics(set_widget(start(), BINS, 12))


def escaped(markdown: str) -> bool:
    """Every ASCII punctuation mark backslash-escaped: nothing in it is markdown."""
    return not _PUNCTUATION.search(re.sub(r"\\.", "", markdown))


#: Names the uploader itself refuses (its type= list, enforced by the browser and again by
#: Streamlit's server, which raises once for a crafted request): parse_upload's sentence for
#: them is tested above, the server's guard below.
WRONG_TYPE = ("exe", "no-extension")
PAGE_REFUSED = {key: value for key, value in REFUSED.items() if key not in WRONG_TYPE}


@pytest.mark.parametrize(("name", "data", "said"), PAGE_REFUSED.values(), ids=PAGE_REFUSED.keys())
def test_the_page_shows_one_literal_sentence_and_keeps_the_digits(name, data, said, digits_metrics):
    at = upload_to(start_app(PAGE, bins="12"), name, data)
    assert not at.exception
    assert len(at.error) == 1, [plain(e.value) for e in at.error]
    markdown = at.error[0].value
    assert escaped(markdown), markdown
    shown = plain(markdown)
    assert said in shown and shown.endswith("The digits model is shown instead."), shown
    assert metrics(at) == digits_metrics  # the digits analysis, at the user's 12 bins
    assert at.number_input(key=BINS).value == 12 and query(at, "bins") == "12"


@pytest.mark.parametrize(("name", "data", "logits", "labels"), READ.values(), ids=READ.keys())
def test_the_page_analyses_an_odd_but_valid_file(name, data, logits, labels, digits_metrics):
    at = upload_to(start(), name, data)
    assert not at.exception and not at.error, [plain(e.value) for e in at.error]
    notes = [plain(i.value) for i in at.info]
    assert f"Read {len(labels):,} rows with {logits.shape[1]} classes." in notes, notes
    assert all(escaped(i.value) for i in at.info)
    assert metrics(at) != digits_metrics
    split = [c.value for c in at.caption if "rows fit the temperature" in c.value]
    assert len(split) == 1
    fit, test = (
        int(n.replace(",", "")) for n in re.findall(r"[\d,]+(?= (?:other )?rows)", split[0])
    )
    assert fit + test == len(labels)


@pytest.mark.parametrize("key", WRONG_TYPE)
def test_a_crafted_upload_of_another_type_never_reaches_the_page(key, digits_metrics, monkeypatch):
    """The browser offers only .csv, .npy and .npz; a request that sends another type anyway is
    stopped by Streamlit's server (one generic error, on that run only) before any code of the
    app sees the file, and the next run shows the page as it was."""
    seen = []
    monkeypatch.setattr(uploads, "parse_upload", lambda *args: seen.append(args))
    name, data, _ = REFUSED[key]
    at = set_widget(start(), BINS, 12)
    at.segmented_control(key=SOURCE).set_value("upload")
    run(at)
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    at.run()
    assert [e.message for e in at.exception] == [
        f"Invalid file extension: `{'.' + name.rsplit('.')[-1] if '.' in name else ''}`. "
        "Allowed: ['.csv', '.npy', '.npz']"
    ]
    at = run(at)
    assert not at.error and seen == []
    assert metrics(at) == digits_metrics


def test_a_planted_pickle_never_runs_in_the_page(tmp_path, digits_metrics):
    planted = tmp_path / "pwned"
    at = upload_to(set_widget(start(), BINS, 12), "evil.npy", evil_npy(planted))
    assert len(at.error) == 1 and "never loaded" in plain(at.error[0].value)
    assert not planted.exists()
    assert metrics(at) == digits_metrics


def test_a_hostile_file_name_is_shown_literally_after_another_section():
    name = "<img src=x onerror=alert(1)> **b** $x$.csv"
    at = upload_to(start(), name, CSV.encode())
    set_widget(at, "a_section", "attention")
    set_widget(at, "a_section", "calibration")
    captions = [c.value for c in at.caption if "uploaded earlier" in plain(c.value)]
    assert len(captions) == 1 and escaped(captions[0].replace("Analysing", ""))
    assert name in plain(captions[0])


def test_a_huge_valid_upload_is_read_within_seconds():
    """200,000 rows × 10 classes, 19 MB: under the caps, so read, in a few seconds at most."""
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(MAX_ROWS, 10)).round(5)
    labels = rng.integers(0, 10, MAX_ROWS)
    text = "\n".join(
        ",".join(f"{v:.5f}" for v in row) + f",{y}" for row, y in zip(logits, labels, strict=True)
    )
    data = (text + "\n").encode()
    assert len(data) <= MAX_UPLOAD_BYTES
    started = time.perf_counter()
    upload = parse_upload("big.csv", data)
    assert time.perf_counter() - started < 15
    assert upload.logits.shape == (MAX_ROWS, 10) and math.isclose(upload.logits[0, 0], logits[0, 0])
