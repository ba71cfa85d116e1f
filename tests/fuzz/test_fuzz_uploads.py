"""Fuzzing explorer.uploads through its public signature, bytes in: CSV, .npy and .npz files
built from hostile tables (NaN, ±inf, 1e308, text cells, ragged rows, bad labels), then
truncated or with bytes flipped, plus random bytes under every extension.

The contract here: parse_upload returns a checked Upload, or raises UploadError (a ValueError
whose message is one sentence about the file, ending with a full stop). Nothing else escapes;
nothing in a file is unpickled. What it returns is checked against the format's promises: finite
or -inf logits (never NaN or +inf), 20 to 200,000 rows, 2 to 1,000 classes, labels in 0 … k − 1
whose own logit is finite.
"""

import io
import math

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

from explorer import uploads
from tests.fuzz.hostile import (
    fuzzes,
    hostile_floats,
    hostile_text,
    junk,
    outcome,
    regressions,
    unfuzzed,
)

cells = st.one_of(
    st.floats(-50, 50).map(lambda x: f"{x:.6g}"),
    st.floats(-50, 50).map(repr),
    hostile_floats.map(repr),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e999", "0x1p3", "1_0", "a", '"1"', "１"]),
)


plain_cells = st.one_of(st.floats(-50, 50).map(repr), st.sampled_from(["-inf", "0", "1e-320"]))


@st.composite
def tables(draw):
    """Rows of logits then a label: plain ones (mostly readable), or hostile ones."""
    clean = draw(st.booleans())
    rows = draw(st.integers(20, 24) if clean else st.integers(18, 24))
    classes = draw(st.integers(2, 4) if clean else st.integers(1, 4))
    row = st.lists(plain_cells if clean else cells, min_size=classes, max_size=classes)
    table = draw(st.lists(row, min_size=rows, max_size=rows))
    label_range = st.integers(0, classes - 1) if clean else st.integers(-1, classes)
    labels = draw(st.lists(label_range, min_size=rows, max_size=rows))
    for values, label in zip(table, labels, strict=True):
        if clean and values[label] == "-inf":
            values[label] = "0"  # a clean table never masks a row's own label
    return [[*values, str(label)] for values, label in zip(table, labels, strict=True)]


@st.composite
def csv_files(draw):
    table = draw(tables())
    if draw(st.booleans()):  # a header, sometimes naming the label column
        header = [f"c{i}" for i in range(len(table[0]))]
        if draw(st.booleans()):
            header[draw(st.integers(0, len(header) - 1))] = draw(
                st.sampled_from(["label", "LABEL ", "x"])
            )
        table = [header, *table]
    if draw(st.integers(0, 9)) == 0 and len(table) > 2:  # a ragged row
        table[draw(st.integers(0, len(table) - 1))].append("1")
    separator = draw(st.sampled_from([",", ",", ",", ",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(separator.join(row) for row in table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding, errors="surrogatepass")


numeric = st.floats(-50, 50) | hostile_floats


@st.composite
def arrays(draw, max_rows=24):
    """A table whose last column holds labels: plain (mostly readable) or hostile."""
    clean = draw(st.booleans())
    rows = draw(st.integers(20, max_rows) if clean else st.integers(0, max_rows))
    columns = draw(st.integers(3, 5) if clean else st.integers(0, 5))
    elements = st.floats(-50, 50) if clean else numeric
    values = np.array(draw(st.lists(elements, min_size=rows * columns, max_size=rows * columns)))
    values = values.reshape(rows, columns)
    if columns and (clean or draw(st.booleans())):  # plausible labels in the last column
        labels = st.integers(0, max(columns - 2, 0))
        values[:, -1] = draw(st.lists(labels, min_size=rows, max_size=rows))
    if clean:
        return values
    kinds = [np.float64, np.float32, np.int64, np.uint8, np.complex128, np.bool_, "U3", object]
    with np.errstate(all="ignore"):
        try:
            array = values.astype(draw(st.sampled_from(kinds)))
        except (ValueError, OverflowError):
            array = values
    shape = draw(st.sampled_from([None, None, (-1,), (1, -1)]))
    return array.reshape(shape) if shape and array.size else array


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version, allow_pickle=True)
    return buffer.getvalue()


@st.composite
def npy_files(draw):
    return npy_bytes(draw(arrays()), draw(st.sampled_from([None, (1, 0), (2, 0), (3, 0)])))


@st.composite
def npz_files(draw):
    table = draw(arrays())
    names = draw(
        st.sampled_from(
            [("logits", "labels"), ("logits",), ("a", "labels"), ("logits", "labels", "x")]
        )
    )
    members = {}
    for name in names:
        if name == "labels":
            column = table[:, -1] if table.ndim == 2 and table.shape[1] else table.ravel()
            members[name] = column if draw(st.booleans()) else column.reshape(-1, 1)
        else:
            members[name] = table[:, :-1] if table.ndim == 2 and table.shape[1] else table
    buffer = io.BytesIO()
    save = np.savez_compressed if draw(st.booleans()) else np.savez
    save(buffer, **members)
    return buffer.getvalue()


@st.composite
def damaged(draw, files):
    data = bytearray(draw(files))
    how = draw(st.sampled_from(["none", "none", "truncate", "flip", "append"]))
    if how == "truncate" and data:
        del data[draw(st.integers(0, len(data) - 1)) :]
    elif how == "flip" and data:
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "append":
        data += draw(st.binary(min_size=1, max_size=20))
    return bytes(data)


files = st.one_of(
    st.tuples(st.sampled_from(["scores.csv", "S.CSV", "a.b.csv"]), damaged(csv_files())),
    st.tuples(st.sampled_from(["logits.npy", "x.NPY"]), damaged(npy_files())),
    st.tuples(st.just("both.npz"), damaged(npz_files())),
    st.tuples(
        st.one_of(
            st.sampled_from(["x.csv", "x.npy", "x.npz", "x", ".csv", "x.txt"]), hostile_text, junk
        ),
        st.one_of(st.binary(max_size=80), junk, st.just(b"\x00" * 10)),
    ),
)


def check_upload(upload):
    z, y = upload.logits, upload.labels
    n, k = z.shape
    assert z.dtype == np.float64 and y.dtype == np.int64 and y.shape == (n,)
    assert uploads.MIN_ROWS <= n <= uploads.MAX_ROWS and 2 <= k <= uploads.MAX_CLASSES
    assert not np.isnan(z).any() and not np.isposinf(z).any()
    assert ((y >= 0) & (y < k)).all() and np.isfinite(z[np.arange(n), y]).all()
    assert upload.notes and all(isinstance(note, str) for note in upload.notes)


@fuzzes(uploads.parse_upload, slow=True)
@given(files)
@regressions(  # numpy's header parser raised tokenize.TokenError, not a ValueError
    [
        (
            "logits.npy",
            b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (0, 0\x00, }"
            + b" " * 58
            + b"\n",
        )
    ]
)
def test_parse_upload(file):
    filename, data = file
    result = outcome(uploads.parse_upload, filename, data, bad=("",))  # any message: checked below
    kind = (
        str(filename)[-3:].lower() if str(filename)[-3:].lower() in ("csv", "npy", "npz") else "?"
    )
    event(f"{kind}: {'read' if result.returned else 'refused'}")
    if result.returned:
        check_upload(result.value)
    else:
        error = result.error
        assert isinstance(error, uploads.UploadError), f"{type(error).__name__}: {error}"
        message = str(error)
        assert message[:1].isupper() and message.rstrip().endswith("."), message
        assert "nan" not in message.lower().replace("(nan)", "") or "NaN" in message, message


def test_a_valid_file_of_each_format_is_read():  # the strategies above can make valid files
    table = np.column_stack([np.linspace(-1, 1, 20), np.zeros(20), np.arange(20) % 2])
    check_upload(uploads.parse_upload("a.npy", npy_bytes(table)))
    assert math.isfinite(uploads.parse_upload("a.npy", npy_bytes(table)).logits.sum())


def test_every_public_function_has_a_fuzzer():
    assert unfuzzed(uploads) == []
