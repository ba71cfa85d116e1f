"""Tests for explorer.uploads: files in every format read back exactly; bad files are refused
with one sentence that names the problem (and where it is, counted from 1), never a traceback.

Oracles: the arrays the test wrote (round trips), numpy's own writers (np.save, np.savez,
np.savetxt), and the logarithms of the probabilities written (log p, by numpy).
"""

import io
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import uploads
from explorer.uploads import MAX_UPLOAD_BYTES, UploadError, parse_upload

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(25, 4)).round(6) * 3
LABELS = RNG.integers(0, 4, 25)
TABLE = np.column_stack([LOGITS, LABELS])


def csv_bytes(table, header=None):
    buffer = io.StringIO()
    np.savetxt(buffer, table, delimiter=",", fmt="%.17g", header=header or "", comments="")
    text = buffer.getvalue()
    return (text if header else text.lstrip("\n")).encode()


def npy_bytes(array, **options):
    buffer = io.BytesIO()
    np.save(buffer, array, **options)
    return buffer.getvalue()


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def refused(filename, data, *fragments):
    with pytest.raises(UploadError) as error:
        parse_upload(filename, data)
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message and "Traceback" not in message
    return message


# --------------------------------------------------------------------------------------------
# Round trips


def test_csv_without_header_takes_the_last_column_as_label():
    upload = parse_upload("model.csv", csv_bytes(TABLE))
    np.testing.assert_array_equal(upload.logits, LOGITS)
    np.testing.assert_array_equal(upload.labels, LABELS)
    assert upload.labels.dtype == np.int64
    assert any("no header row" in note for note in upload.notes)


def test_csv_with_header_takes_the_column_headed_label_wherever_it_is():
    table = np.column_stack([LOGITS[:, :2], LABELS, LOGITS[:, 2:]])
    upload = parse_upload("MODEL.CSV", csv_bytes(table, header="cat,dog, Label ,fox,owl"))
    np.testing.assert_array_equal(upload.logits, LOGITS)
    np.testing.assert_array_equal(upload.labels, LABELS)
    assert any('headed "label" (column 3)' in note for note in upload.notes)


def test_csv_header_without_label_column_falls_back_to_the_last_column_and_says_so():
    upload = parse_upload("m.csv", csv_bytes(TABLE, header="a,b,c,d,truth"))
    np.testing.assert_array_equal(upload.labels, LABELS)
    assert any('No column is headed "label"' in note for note in upload.notes)


def test_csv_tolerates_a_byte_order_mark_blank_lines_quotes_and_masked_classes():
    logits = LOGITS.copy()
    logits[0, (LABELS[0] + 1) % 4] = -np.inf  # a masked class, not the label's
    lines = [",".join(f'"{v:.17g}"' for v in row) for row in np.column_stack([logits, LABELS])]
    text = "\ufeff" + "\n\n".join(lines) + "\n\n"
    upload = parse_upload("m.csv", text.encode())
    np.testing.assert_array_equal(upload.logits, logits)
    lines[4] = lines[4].replace('"', "'")  # a bad cell on line 9, as an editor numbers them
    refused("m.csv", "\n\n".join(lines).encode(), "Line 9, column 1")


def test_npy_round_trip_with_integer_and_float32_arrays():
    upload = parse_upload("m.npy", npy_bytes(TABLE))
    np.testing.assert_array_equal(upload.logits, LOGITS)
    np.testing.assert_array_equal(upload.labels, LABELS)
    ints = np.column_stack([np.arange(50).reshape(25, 2), LABELS % 2])
    upload = parse_upload("m.npy", npy_bytes(ints.astype(np.int32)))
    np.testing.assert_array_equal(upload.logits, ints[:, :2])
    upload = parse_upload("m.npy", npy_bytes(TABLE.astype(np.float32)))
    np.testing.assert_array_equal(upload.logits, LOGITS.astype(np.float32))


def test_npz_round_trip():
    upload = parse_upload("m.npz", npz_bytes(logits=LOGITS, labels=LABELS, extra=np.zeros(3)))
    np.testing.assert_array_equal(upload.logits, LOGITS)
    np.testing.assert_array_equal(upload.labels, LABELS)
    assert upload.notes[0] == "Read 25 rows with 4 classes."


# --------------------------------------------------------------------------------------------
# The most common mistake: probabilities instead of logits


def test_probabilities_are_detected_and_converted_to_log_probabilities():
    probs = RNG.dirichlet(np.ones(4), size=25)
    probs[0] = [0.5, 0.5, 0.0, 0.0]  # zeros become −inf (masked), not an error
    upload = parse_upload("p.csv", csv_bytes(np.column_stack([probs, LABELS % 2])))
    expected = np.log(np.where(probs > 0, probs, 1.0))  # oracle: numpy's log, 0 → −inf below
    expected[probs == 0] = -np.inf
    np.testing.assert_allclose(upload.logits, expected, rtol=1e-12)
    expected_note = "These look like probabilities (each row sums to 1), not logits."
    assert any(note.startswith(expected_note) for note in upload.notes)


def test_probabilities_rounded_by_float32_are_still_recognised():
    probs = RNG.dirichlet(np.ones(10), size=25).astype(np.float32)
    upload = parse_upload("p.npz", npz_bytes(logits=probs, labels=LABELS))
    assert any("look like probabilities" in note for note in upload.notes)
    np.testing.assert_allclose(np.exp(upload.logits).sum(axis=1), 1, rtol=1e-12)


def test_log_probabilities_are_accepted_as_logits_with_a_note():
    log_probs = np.log(RNG.dirichlet(np.ones(4), size=25))
    upload = parse_upload("lp.npz", npz_bytes(logits=log_probs, labels=LABELS))
    np.testing.assert_array_equal(upload.logits, log_probs)
    assert any("look like log-probabilities" in note for note in upload.notes)


def test_logits_are_not_mistaken_for_probabilities():
    upload = parse_upload("m.csv", csv_bytes(TABLE))
    assert not any("probabilities" in note for note in upload.notes)


def test_a_probability_0_for_the_label_is_refused():
    probs = np.tile([0.7, 0.3, 0.0], (25, 1))
    labels = np.zeros(25, int)
    labels[4] = 2
    data = npz_bytes(logits=probs, labels=labels)
    refused("p.npz", data, "Row 5 gives its own label probability 0")


# --------------------------------------------------------------------------------------------
# Bad input


def test_empty_and_oversized_files_are_refused():
    refused("m.csv", b"", "The file is empty.")
    refused("m.csv", b"0" * (MAX_UPLOAD_BYTES + 1), "the limit is 20 MB")


def test_unknown_extensions_are_refused():
    refused("m.xlsx", csv_bytes(TABLE), "Upload a .csv, .npy or .npz file")
    refused("noextension", csv_bytes(TABLE), "Upload a .csv, .npy or .npz file")


def test_binary_junk_is_refused_in_every_format():
    junk = bytes(range(256)) * 4
    refused("m.csv", junk, "not text")
    refused("m.npy", junk, "not a NumPy .npy array")
    refused("m.npz", junk, "not a NumPy .npz file")
    refused("m.npz", b"PK\x03\x04" + junk, "damaged")


def test_non_numeric_cells_are_located_as_a_spreadsheet_user_counts():
    lines = csv_bytes(TABLE, header="a,b,c,d,label").decode().splitlines()
    lines[3] = "1,abc,2,3,0"  # the header is line 1
    message = "Line 4, column 2 holds 'abc', which is not a number"
    refused("m.csv", "\n".join(lines).encode(), message)
    lines[3] = "1,,2,3,0"
    refused("m.csv", "\n".join(lines).encode(), "Line 4, column 2 is empty")


def test_ragged_rows_are_refused_naming_the_line():
    lines = csv_bytes(TABLE).decode().splitlines()
    lines[6] = lines[6].rsplit(",", 1)[0]
    refused("m.csv", "\n".join(lines).encode(), "Line 7 has 4 cells but line 1 has 5")


def test_a_semicolon_separated_file_gets_a_hint():
    refused("m.csv", csv_bytes(TABLE).replace(b",", b";"), "separated by semicolons")


def test_nan_and_plus_inf_logits_are_refused_but_minus_inf_is_allowed():
    table = TABLE.copy()
    table[2, 1] = np.nan
    refused("m.npy", npy_bytes(table), "Row 3, column 2 is not a number (NaN)")
    table[2, 1] = np.inf
    refused("m.csv", csv_bytes(table, header="a,b,c,d,label"), "Line 4, column 2 is +inf")
    table[2, 1] = -np.inf
    table[2, 4] = 0
    assert np.isneginf(parse_upload("m.npy", npy_bytes(table)).logits[2, 1])
    table[2, 4] = 1  # but not the label's own class
    refused("m.npy", npy_bytes(table), "Row 3 gives its own label probability 0")


def test_labels_must_be_whole_class_numbers_in_range():
    table = TABLE.copy()
    table[5, -1] = 1.5
    refused("m.npy", npy_bytes(table), "The label in row 6 is 1.5", "whole numbers")
    table[5, -1] = np.nan
    refused("m.npy", npy_bytes(table), "The label in row 6 is nan")
    table[5, -1] = 4
    refused("m.npy", npy_bytes(table), "The label in row 6 is 4", "from 0 to 3")
    refused("m.npz", npz_bytes(logits=LOGITS, labels=LABELS + 1), "seem to count from 1")


def test_pickled_npy_is_never_unpickled(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("pickle.load was called")

    monkeypatch.setattr(pickle, "load", boom)
    monkeypatch.setattr(pickle, "loads", boom)
    data = npy_bytes(np.array([[1, "a", None]] * 25, dtype=object), allow_pickle=True)
    refused("m.npy", data, "Python objects (pickled data)", "never loaded")
    refused("m.npz", _zip({"logits.npy": data, "labels.npy": npy_bytes(LABELS)}), "pickled")


def test_structured_and_text_arrays_are_refused():
    records = np.zeros(25, dtype=[("score", float), ("label", int)])
    refused("m.npy", npy_bytes(records), "structured (record) array")
    refused("m.npy", npy_bytes(np.full((25, 3), "x")), "holds text")
    refused("m.npy", npy_bytes(np.ones((25, 3), dtype=bool)), "true/false values")


def test_npy_of_the_wrong_shape_or_cut_short_is_refused():
    refused("m.npy", npy_bytes(np.zeros(25)), "this one has shape (25,)")
    refused("m.npy", npy_bytes(TABLE)[:-8], "cut short")
    # A header that promises 40 GB is refused before anything is allocated.
    buffer = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": (10**9, 5)}
    np.lib.format.write_array_header_1_0(buffer, header)
    refused("m.npy", buffer.getvalue() + bytes(80), "cut short")


def test_npz_missing_arrays_or_mismatched_labels_are_refused():
    refused("m.npz", npz_bytes(x=LOGITS, y=LABELS), 'named "logits" and "labels"', "'x', 'y'")
    refused("m.npz", npz_bytes(logits=LOGITS, labels=LABELS[:-1]), "shape (24,)")
    refused("m.npz", npz_bytes(logits=LOGITS[0], labels=LABELS), "must be 2-D")


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 10_000)  # the real cap is 170 MB
    data = _zip({"logits.npy": bytes(10_001), "labels.npy": npy_bytes(LABELS)})
    assert len(data) < 1_000  # zeros compress a thousandfold
    refused("m.npz", data, 'The array "logits" is too large once unpacked')


def test_too_few_rows_or_classes_are_refused():
    refused("m.npy", npy_bytes(TABLE[:19]), "has 19 rows; at least 20 are needed")
    refused("m.npy", npy_bytes(TABLE[:, -2:]), "1 logit columns; between 2 and 1,000")
    refused("m.csv", b"a,b,label\n", "header row but no data rows")


def test_row_and_class_caps_are_enforced(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ROWS", 24)
    refused("m.csv", csv_bytes(TABLE), "more than 24 rows")
    refused("m.npy", npy_bytes(TABLE), "The file has 25 rows; the limit is 24.")
    wide = np.column_stack([np.zeros((25, 1001)), LABELS])
    monkeypatch.undo()
    refused("m.npy", npy_bytes(wide), "1,001 logit columns; between 2 and 1,000")


def careful_reading(name, data):
    """The cell-by-cell csv-module reader alone (the oracle for numpy's fast path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(uploads, "_fast_csv", lambda data, notes: None)
        try:
            return parse_upload(name, data)
        except UploadError as error:
            return str(error)


def outcome(name, data):
    try:
        return parse_upload(name, data)
    except UploadError as error:
        return str(error)


cells = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).map(repr),
    st.integers(0, 3).map(str),
    st.sampled_from(["", " 1.5 ", "nan", "inf", "-inf", "1e400", "abc", "=1+1", '"2"', "0x10"]),
)
csv_texts = st.builds(
    lambda header, rows, newline, tail, blank: (
        (header + newline if header else "")
        + newline.join(",".join(row) for row in rows)
        + (newline + newline if blank else "")
        + tail
    ),
    header=st.sampled_from(["", "a,b,label", "a,label,b", "x,y,z"]),
    rows=st.lists(st.lists(cells, min_size=2, max_size=4), min_size=1, max_size=30),
    newline=st.sampled_from(["\n", "\r\n"]),
    tail=st.sampled_from(["", "\n", "\r\n"]),
    blank=st.booleans(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_texts)
def test_fast_csv_reading_gives_what_the_careful_reader_gives(text):
    data = text.encode()
    fast, careful = outcome("f.csv", data), careful_reading("f.csv", data)
    if isinstance(careful, str):
        assert fast == careful
    else:
        np.testing.assert_array_equal(fast.logits, careful.logits)
        np.testing.assert_array_equal(fast.labels, careful.labels)
        assert fast.notes == careful.notes


def test_a_valid_table_takes_the_fast_path(monkeypatch):
    taken = []
    real = uploads._fast_csv
    monkeypatch.setattr(uploads, "_fast_csv", lambda *a: taken.append(real(*a)) or taken[-1])
    upload = parse_upload("m.csv", csv_bytes(TABLE, header="a,b,c,d,label"))
    assert taken[0] is not None and upload.logits.shape == (25, 4)


valid_texts = st.builds(
    lambda logits, header, newline, spaces: (
        (header + newline if header else "")
        + newline.join(
            ",".join([*(f"{spaces}{v!r}" for v in row), str(i % 3)]) for i, row in enumerate(logits)
        )
        + newline
    ),
    logits=st.lists(
        st.lists(st.floats(-50, 50, allow_nan=False), min_size=3, max_size=3),
        min_size=20,
        max_size=40,
    ),
    header=st.sampled_from(["", "a,b,c,label"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    spaces=st.sampled_from(["", " "]),
)


@settings(max_examples=150, deadline=None)
@given(valid_texts)
def test_fast_csv_reads_valid_tables_as_the_careful_reader_does(text):
    data = text.encode()
    fast, careful = parse_upload("v.csv", data), careful_reading("v.csv", data)
    np.testing.assert_array_equal(fast.logits, careful.logits)
    np.testing.assert_array_equal(fast.labels, careful.labels)
    assert fast.notes == careful.notes
