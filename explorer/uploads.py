"""Bring your own model: upload its logits and the true labels, one row per example.

**CSV** (`.csv`): comma separated, one row per example. The label is the column headed `label`
if the first row is a header (a row with a cell that is not a number), otherwise the last
column; every other column is one class's logit. Labels are class numbers from 0 to k − 1.

**NumPy** (`.npy`): one 2-D array of numbers, one row per example, the label in the last column.

**NumPy zip** (`.npz`): two arrays, named `logits` (rows × classes) and `labels` (one class
number per row), as saved by `numpy.savez("file.npz", logits=logits, labels=labels)`.

Logits are the scores before the softmax. A logit of `-inf` masks a class (not the row's own
label); NaN and `+inf` are not allowed. Probabilities instead of logits are recognised (every
row ≥ 0 and summing to 1) and converted to their logarithms, which are logits with the same
softmax. Limits: 20 MB per file, 200,000 rows, 2 to 1,000 classes, at least 20 rows (half fit
the temperature, half test it).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import warnings
import zipfile
from dataclasses import dataclass
from tokenize import TokenError

import numpy as np
import scipy.special

from explorer.calibration import MAX_CLASSES, MAX_ROWS, MIN_ROWS
from explorer.core import probs_to_logits

__all__ = [
    "MAX_CLASSES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MIN_ROWS",
    "Upload",
    "UploadError",
    "parse_upload",
]

#: Largest file accepted, in bytes (20 MB).
MAX_UPLOAD_BYTES = 20_000_000
#: Largest array inside a .npz file once unpacked, in bytes (a zip can hold far more than its size).
MAX_UNPACKED_BYTES = 170_000_000
#: A row of non-negative numbers is read as probabilities if its sum is within this × k of 1.
PROBABILITY_TOLERANCE = 1e-6
_NPY_SIGNATURE = b"\x93NUMPY"
_ZIP_SIGNATURE = b"PK\x03\x04"
_KINDS = {"U": "text", "S": "text", "b": "true/false values", "c": "complex numbers"}


#: The most common mistake, said plainly (the page shows it as a warning, other notes as info).
PROBABILITIES_NOTE = (
    "These look like probabilities (each row sums to 1), not logits. They were converted to "
    "logits by taking their logarithm: the softmax of log p is p again, so the analysis is the "
    "same (a probability of 0 became -inf, a masked class)."
)


class UploadError(ValueError):
    """An upload that cannot be used; the message is one sentence for the user."""


@dataclass(frozen=True)
class Upload:
    """An upload, checked: logits ``(n, k)`` float64, labels ``(n,)`` int64 in ``0 … k − 1``."""

    logits: np.ndarray
    labels: np.ndarray
    notes: tuple[str, ...]  # plain sentences about how the file was read, for the page


@dataclass(frozen=True)
class _Layout:
    """Where the file's cells are, to name them as the user counts (from 1)."""

    rows: np.ndarray  # the file's line (CSV) or row number of each example
    columns: np.ndarray  # the file's column number of each logit
    row_word: str = "row"  # "line" for CSV


def _shown(text: str, limit: int = 24) -> str:
    """User text, shortened, for a message."""
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --------------------------------------------------------------------------------------------
# CSV


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _not_utf8(data: bytes) -> str:
    """Why bytes that are not UTF-8 text (or hold NULs) cannot be read as CSV, in a sentence:
    UTF-16 or UTF-32 text (Excel's "Unicode text"), other text such as Latin-1, or binary."""
    resave = "save it as UTF-8 (in Excel: CSV UTF-8) and upload it again."
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return f"This CSV file is UTF-32 text; {resave}"
    sample = data[:4096]
    odd, even = sample[1::2], sample[0::2]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(sample) >= 8
        and min(odd.count(0) / len(odd), even.count(0) / len(even)) < 0.1
        and max(odd.count(0) / len(odd), even.count(0) / len(even)) > 0.9
    ):
        return f"This CSV file is UTF-16 text; {resave}"
    controls = sum(byte < 9 or 13 < byte < 32 or byte == 127 for byte in sample)
    if sample and 0 not in sample and controls <= 0.01 * len(sample):
        return f"This CSV file is not UTF-8 text (perhaps Latin-1); {resave}"
    return "This file is not text, so it cannot be a CSV file: check its format."


def _csv_records(data: bytes) -> tuple[list[list[str]], list[int]]:
    """The non-blank records of a CSV file and the line number of each."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(_not_utf8(data)) from None
    if not text or "\x00" in text:
        raise UploadError(_not_utf8(data))
    records, lines = [], []
    # newline=None: lines may end in \r\n, \n or a lone \r (Excel's "CSV (Macintosh)").
    reader = csv.reader(io.StringIO(text, newline=None))
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append(record)
                lines.append(reader.line_num)
                if len(records) > MAX_ROWS + 1:
                    raise UploadError(f"The file has more than {MAX_ROWS:,} rows, the limit.")
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UploadError(
                f"Line {reader.line_num} of the CSV file has a cell of more than "
                f"{csv.field_size_limit():,} characters, which cannot be a number."
            ) from None
        raise UploadError(
            f"Line {reader.line_num} of the CSV file cannot be read ({error})."
        ) from None
    if not records:
        raise UploadError("The CSV file has no rows with data.")
    return records, lines


def _label_column(header: list[str], notes: list[str]) -> int:
    named = [i for i, cell in enumerate(header) if cell.strip().lower() == "label"]
    if len(named) > 1:
        raise UploadError('Two columns are headed "label"; the label must be in one column.')
    if named:
        notes.append(f'The labels are the column headed "label" (column {named[0] + 1}).')
        return named[0]
    notes.append('No column is headed "label", so the labels are taken from the last column.')
    return len(header) - 1


def _fast_csv(data: bytes, notes: list[str]) -> tuple[np.ndarray, np.ndarray, _Layout] | None:
    """A plain numeric CSV (no quotes, no blank lines, every row as wide as the first, at most
    :data:`MAX_ROWS` rows) read by numpy's C parser: a 20 MB file of 200,000 rows is read in
    0.3 s, where the csv module takes 2 s. None for anything else, which :func:`_parse_csv`
    then reads cell by cell, to say exactly what is wrong and where; on any file both give the
    same table (a hypothesis test)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    first, _, _ = text.partition("\n")
    cells = first.split(",")
    if '"' in text or "\x00" in text or len(cells) < 2 or text.count("\n") > MAX_ROWS + 2:
        return None
    has_header = not all(_is_number(cell) for cell in cells)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy warns of an empty file: read it carefully
            table = np.loadtxt(
                io.StringIO(text),
                delimiter=",",
                skiprows=int(has_header),
                dtype=np.float64,
                ndmin=2,
                comments=None,
            )
    except (ValueError, UserWarning):
        return None
    physical = text.splitlines()
    if len(physical) != len(table) + has_header or table.shape[1] != len(cells):
        return None  # blank lines were skipped, or the shape is not what it seems: go slowly
    if not 0 < len(table) <= MAX_ROWS:
        return None  # no data rows, or too many: the careful reader says which
    label = _label_column(cells, notes) if has_header else len(cells) - 1
    if not has_header:
        notes.append("The file has no header row, so the labels are taken from the last column.")
    body_lines = np.arange(1 + has_header, len(physical) + 1)
    columns = np.delete(np.arange(1, len(cells) + 1), label)
    layout = _Layout(rows=body_lines, columns=columns, row_word="line")
    return np.delete(table, label, axis=1), table[:, label], layout


def _parse_csv(data: bytes, notes: list[str]) -> tuple[np.ndarray, np.ndarray, _Layout]:
    fast = _fast_csv(data, notes)
    if fast is not None:
        return fast
    records, lines = _csv_records(data)
    width = len(records[0])
    if width < 2:
        separators = {";": "semicolons", "\t": "tabs"}
        found = [name for sign, name in separators.items() if sign in records[0][0]]
        hint = f" It seems to be separated by {found[0]}; use commas." if found else ""
        raise UploadError(
            "Each row has a single column, but it needs one column per class plus the label." + hint
        )
    has_header = not all(_is_number(cell) for cell in records[0])
    label = _label_column(records[0], notes) if has_header else width - 1
    if not has_header:
        notes.append("The file has no header row, so the labels are taken from the last column.")
    body, body_lines = (records[1:], lines[1:]) if has_header else (records, lines)
    if not body:
        raise UploadError("The CSV file has a header row but no data rows.")
    if len(body) > MAX_ROWS:
        raise UploadError(f"The file has more than {MAX_ROWS:,} rows, the limit.")
    for record, line in zip(body, body_lines, strict=True):
        if len(record) != width:
            raise UploadError(
                f"Line {line} has {len(record)} cells but line {lines[0]} has {width}: every "
                "row needs the same number of columns."
            )
    try:
        table = np.array(body, dtype=np.float64)
    except ValueError:
        for record, line in zip(body, body_lines, strict=True):
            for column, cell in enumerate(record, start=1):
                if not _is_number(cell):
                    problem = "is empty" if not cell.strip() else f"holds {_shown(cell)}"
                    raise UploadError(
                        f"Line {line}, column {column} {problem}, which is not a number."
                    ) from None
        raise UploadError("Some cells of the CSV file are not numbers.") from None
    columns = np.delete(np.arange(1, width + 1), label)
    layout = _Layout(rows=np.array(body_lines), columns=columns, row_word="line")
    return np.delete(table, label, axis=1), table[:, label], layout


# --------------------------------------------------------------------------------------------
# NumPy


def _read_npy(data: bytes, what: str) -> np.ndarray:
    """A numeric array from .npy bytes; nothing pickled, nothing larger than the data."""
    if not data.startswith(_NPY_SIGNATURE):
        raise UploadError(f"{what} is not a NumPy .npy array (its first bytes are wrong).")
    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise UploadError(f"{what} uses .npy format version {version}, which is not read.")
    except UploadError:
        raise  # (a ValueError too: without this, the version's message would be lost)
    except (ValueError, SyntaxError, OSError, TokenError):  # numpy tokenizes old headers
        raise UploadError(f"{what} has a damaged .npy header.") from None
    if dtype.hasobject:
        raise UploadError(
            f"{what} holds Python objects (pickled data), which are never loaded here: "
            "save a plain array of numbers."
        )
    if dtype.names is not None:
        raise UploadError(f"{what} is a structured (record) array: save a plain array of numbers.")
    if dtype.kind not in "iuf":
        kind = _KINDS.get(dtype.kind, f"{dtype.name} values")
        raise UploadError(f"{what} holds {kind}; it must hold plain numbers.")
    if math.prod(shape) * dtype.itemsize > len(data) - stream.tell():
        raise UploadError(f"{what} is cut short: it has less data than its header says.")
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError):
        raise UploadError(f"{what} cannot be read as a .npy array.") from None


def _parse_npy(data: bytes) -> tuple[np.ndarray, np.ndarray, _Layout]:
    array = _read_npy(data, "The file")
    if array.ndim != 2 or array.shape[1] < 2:
        raise UploadError(
            "The .npy array must be a table (2-D) with one row per example: the logits, then "
            f"the label in the last column; this one has shape {array.shape}."
        )
    array = array.astype(np.float64)
    n, width = array.shape
    layout = _Layout(rows=np.arange(1, n + 1), columns=np.arange(1, width))
    return array[:, :-1], array[:, -1], layout


def _parse_npz(data: bytes) -> tuple[np.ndarray, np.ndarray, _Layout]:
    if not data.startswith(_ZIP_SIGNATURE):
        raise UploadError("The file is not a NumPy .npz file (a zip archive of arrays).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            wanted = {}
            for key in ("logits", "labels"):
                if f"{key}.npy" not in names:
                    found = ", ".join(_shown(name.removesuffix(".npy")) for name in names[:5])
                    raise UploadError(
                        'The .npz file must hold arrays named "logits" and "labels"; it holds '
                        f"{found or 'none'}{' …' if len(names) > 5 else ''}."
                    )
                if archive.getinfo(f"{key}.npy").file_size > MAX_UNPACKED_BYTES:
                    raise UploadError(f'The array "{key}" is too large once unpacked.')
                wanted[key] = archive.read(f"{key}.npy")
    except UploadError:
        raise
    except Exception:  # zipfile raises many kinds (BadZipFile, zlib.error, RuntimeError, …)
        raise UploadError("The .npz file is damaged: it cannot be unpacked.") from None
    logits = _read_npy(wanted["logits"], 'The array "logits"')
    labels = _read_npy(wanted["labels"], 'The array "labels"')
    if logits.ndim != 2:
        raise UploadError(
            f'The array "logits" must be 2-D (rows × classes); it has shape {logits.shape}.'
        )
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape != (logits.shape[0],):
        raise UploadError(
            f'The array "labels" must hold one class number for each of the {logits.shape[0]:,} '
            f"rows of logits; it has shape {labels.shape}."
        )
    n, k = logits.shape
    layout = _Layout(rows=np.arange(1, n + 1), columns=np.arange(1, k + 1))
    return logits.astype(np.float64), labels.astype(np.float64), layout


# --------------------------------------------------------------------------------------------
# Checks common to every format


def _check_sizes(logits: np.ndarray) -> None:
    n, k = logits.shape
    if n < MIN_ROWS:
        raise UploadError(
            f"The file has {n} row{'' if n == 1 else 's'}; at least {MIN_ROWS} are needed (half "
            "to fit the temperature, half to test it)."
        )
    if n > MAX_ROWS:
        raise UploadError(f"The file has {n:,} rows; the limit is {MAX_ROWS:,}.")
    if not 2 <= k <= MAX_CLASSES:
        raise UploadError(
            f"The file has {k:,} logit columns; between 2 and {MAX_CLASSES:,} classes are needed."
        )


def _check_labels(labels: np.ndarray, k: int, layout: _Layout) -> np.ndarray:
    def where(i: int) -> str:
        return f"The label in {layout.row_word} {layout.rows[i]}"

    bad = np.flatnonzero(~np.isfinite(labels) | (labels != np.round(labels)))
    if bad.size:
        raise UploadError(
            f"{where(bad[0])} is {labels[bad[0]]:g}; labels must be whole numbers (class "
            f"numbers from 0 to {k - 1})."
        )
    bad = np.flatnonzero((labels < 0) | (labels > k - 1))
    if bad.size:
        hint = ""
        if labels.min() >= 1 and labels.max() == k:
            hint = " They seem to count from 1: subtract 1 from every label."
        raise UploadError(
            f"{where(bad[0])} is {labels[bad[0]]:g}, but with {k} classes the labels must be "
            f"from 0 to {k - 1}.{hint}"
        )
    return labels.astype(np.int64)


def _check_logits(logits: np.ndarray, layout: _Layout) -> None:
    for bad, what in (
        (np.isnan(logits), "is not a number (NaN)"),
        (np.isposinf(logits), "is +inf"),
    ):
        if bad.any():
            row, column = np.argwhere(bad)[0]
            raise UploadError(
                f"{layout.row_word.capitalize()} {layout.rows[row]}, column "
                f"{layout.columns[column]} {what}; logits must be numbers (or -inf to mask a "
                "class)."
            )


def _as_logits(values: np.ndarray, notes: list[str]) -> np.ndarray:
    """Probabilities converted to log-probabilities (with a note); logits as they are."""
    k = values.shape[1]
    if np.all(values >= 0):  # also False for any -inf
        sums = values.sum(axis=1, keepdims=True)
        if np.all(np.abs(sums - 1) <= PROBABILITY_TOLERANCE * k):
            notes.append(PROBABILITIES_NOTE)
            return probs_to_logits(values / sums, axis=1)
    if np.all(np.abs(scipy.special.logsumexp(values, axis=1)) <= PROBABILITY_TOLERANCE * k):
        notes.append(
            "These look like log-probabilities (the exponentials of each row sum to 1). That is "
            "fine: log-probabilities are logits, and their softmax is the probabilities."
        )
    return values


def _check_own_logit(logits: np.ndarray, labels: np.ndarray, layout: _Layout) -> None:
    own = logits[np.arange(len(labels)), labels]
    bad = np.flatnonzero(np.isneginf(own))
    if bad.size:
        raise UploadError(
            f"{layout.row_word.capitalize()} {layout.rows[bad[0]]} gives its own label "
            "probability 0 (a logit of -inf), which no temperature can repair."
        )


def parse_upload(filename: str, data: bytes) -> Upload:
    """Read and check an uploaded file of logits and labels (formats: the module docstring).

    Parameters
    ----------
    filename : str
        The file's name; only its extension (``.csv``, ``.npy`` or ``.npz``) is used.
    data : bytes
        The file's content, at most :data:`MAX_UPLOAD_BYTES`.

    Returns
    -------
    Upload
        Checked logits and labels, with notes on how the file was read.

    Raises
    ------
    UploadError
        A ``ValueError`` whose message is one sentence saying what is wrong and where (rows and
        columns counted from 1, CSV lines as an editor numbers them). Nothing in the file is
        ever unpickled or executed.

    Examples
    --------
    >>> rows = "".join(f"{i % 3}.5,0,{i % 2}\\n" for i in range(20)).encode()
    >>> upload = parse_upload("scores.csv", rows)
    >>> upload.logits.shape, upload.labels[:4].tolist()
    ((20, 2), [0, 1, 0, 1])
    """
    if not isinstance(data, (bytes, bytearray)):
        raise UploadError("The upload must be the file's bytes.")
    data = bytes(data)
    if not data:
        raise UploadError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1e6:.1f} MB"
        if size == f"{MAX_UPLOAD_BYTES / 1e6:.1f} MB":  # just over: "20.0 MB" would not say it
            size = f"{len(data):,} bytes"
        raise UploadError(f"The file is {size}; the limit is {MAX_UPLOAD_BYTES / 1e6:g} MB.")
    extension = str(filename).rsplit(".", 1)[-1].lower() if "." in str(filename) else ""
    notes: list[str] = []
    if extension == "csv":
        values, labels, layout = _parse_csv(data, notes)
    elif extension == "npy":
        values, labels, layout = _parse_npy(data)
    elif extension == "npz":
        values, labels, layout = _parse_npz(data)
    else:
        raise UploadError("Upload a .csv, .npy or .npz file (see the formats described above).")
    _check_sizes(values)
    _check_logits(values, layout)
    labels = _check_labels(labels, values.shape[1], layout)
    _check_own_logit(values, labels, layout)
    logits = _as_logits(values, notes)
    _check_own_logit(logits, labels, layout)  # a probability 0 for the label became -inf
    n, k = logits.shape
    notes.insert(0, f"Read {n:,} rows with {k} classes.")
    return Upload(logits=logits, labels=labels, notes=tuple(notes))
