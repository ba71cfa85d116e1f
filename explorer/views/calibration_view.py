"""The Applications lab's calibration section: temperature scaling (Guo et al., 2017)."""

from __future__ import annotations

import hashlib

import streamlit as st

from explorer import calibration, calibration_charts, digits, uploads
from explorer.applications_state import (
    CALIBRATION_TEMPERATURES,
    MAX_BINS,
    MIN_BINS,
    ApplicationsState,
)
from explorer.views import digits_model
from explorer.views.safe_text import literal
from explorer.views.widgets import field_errors, plot

#: Widget key → URL parameter, for the page to seed and read.
WIDGETS = {"a_calT": "calT", "a_bins": "bins"}
SOURCE, UPLOAD = "a_source", "a_upload"  # session only: a link cannot carry a file
#: What outlives the widgets when another section is shown (Streamlit drops a hidden widget's
#: value, and a file uploader cannot be given a file back): the choice and the file itself.
KEPT_SOURCE, KEPT_FILE = "a_source_kept", "a_file_kept"
SOURCES = {"digits": "The digits model", "upload": "Your own logits"}


def seed_values(lab: ApplicationsState) -> dict[str, object]:
    return {"a_calT": lab.manual_temperature, "a_bins": lab.bins}


@st.cache_data(max_entries=32, show_spinner=False)
def digits_report(bins: int, manual_temperature: float) -> calibration.CalibrationReport:
    """About 12 ms: cheap enough to include your T in the curve exactly."""
    model = digits_model.experiment()
    split = model.split
    return calibration.calibrate(
        model.logits_val,
        split.y_val,
        model.logits_test,
        split.y_test,
        n_bins=bins,
        manual_temperature=manual_temperature,
    )


@st.cache_data(max_entries=4, show_spinner="Reading the file…", hash_funcs={bytes: hashlib.sha256})
def upload_report(name: str, data: bytes, bins: int):
    """The parsed upload's notes, split sizes and report; raises UploadError or ValueError."""
    upload = uploads.parse_upload(name, data)
    val, test = calibration.split_rows(len(upload.labels))
    report = calibration.calibrate(
        upload.logits[val], upload.labels[val], upload.logits[test], upload.labels[test], bins
    )
    return upload.notes, (len(val), len(test)), report, upload.logits[test], upload.labels[test]


def _digits_data(bins: int, manual_temperature: float):
    model = digits_model.experiment()
    split = model.split
    st.markdown(
        literal(
            f"{digits.TRAINING_STORY} Temperature is fitted on the validation split "
            f"({len(split.y_val)} images) and judged on the test split ({len(split.y_test)}); "
            f"the split is seeded ({digits.SPLIT_SEED}), so every visitor sees these numbers."
        )
    )
    return digits_report(bins, manual_temperature), model.logits_test, split.y_test


def _file_changed() -> None:
    """The user uploaded or removed a file (not fired when the uploader merely reappears)."""
    file = st.session_state[UPLOAD]
    if file is None:
        st.session_state.pop(KEPT_FILE, None)
    else:
        st.session_state[KEPT_FILE] = (file.name, file.getvalue())


def _uploaded_data(bins: int):
    st.file_uploader(
        "Logits and labels (.csv, .npy or .npz)",
        type=["csv", "npy", "npz"],
        key=UPLOAD,
        on_change=_file_changed,
        help=uploads.__doc__,
    )
    kept = st.session_state.get(KEPT_FILE)
    if kept is None:
        st.info("Upload a file to analyse your model; meanwhile the digits model is shown.")
        return None
    name, data = kept
    if st.session_state.get(UPLOAD) is None:  # back from another section: the file is kept
        st.caption(literal(f"Analysing {name}, uploaded earlier in this session."))
    try:
        notes, sizes, report, logits, labels = upload_report(name, data, bins)
    except ValueError as error:  # UploadError and the calibration checks: a sentence each
        st.error(literal(f"{error} The digits model is shown instead."), icon=":material/error:")
        return None
    for note in notes:
        if note == uploads.PROBABILITIES_NOTE:  # the most common mistake: said loudly
            st.warning(literal(note), icon=":material/warning:")
        else:
            st.info(literal(note), icon=":material/info:")
    st.caption(
        f"{sizes[0]:,} rows fit the temperature, {sizes[1]:,} other rows test it (a seeded "
        "random half each). Your file stays in this session: it is not in the link."
    )
    return report, logits, labels


def show(lab: ApplicationsState, errors: dict[str, str]) -> None:
    st.subheader("Calibration: one temperature fixes an overconfident model")
    ss = st.session_state
    if SOURCE not in ss:  # first visit, or back from another section
        ss[SOURCE] = ss.get(KEPT_SOURCE, "digits")
    source = st.segmented_control(
        "Data", list(SOURCES), format_func=SOURCES.get, key=SOURCE, required=True
    )
    ss[KEPT_SOURCE] = source
    data = _uploaded_data(lab.bins) if source == "upload" else None
    report, logits, labels = data or _digits_data(lab.bins, lab.manual_temperature)
    before, after = report.before, report.after
    cols = st.columns(4)
    cols[0].metric(
        "Fitted temperature",
        f"{report.temperature:.3f}",
        help="The T minimising the validation NLL; T > 1 means the model was overconfident."
        + (" It lies at the edge of the search range (0.01 … 100)." if report.at_bound else ""),
    )
    cols[1].metric(
        "Test ECE",
        f"{after.ece:.2%}",
        f"{after.ece - before.ece:+.2%} (was {before.ece:.2%})",
        delta_color="inverse",
    )
    cols[2].metric(
        "Test NLL",
        f"{after.nll:.4f}",
        f"{after.nll - before.nll:+.4f} (was {before.nll:.4f})",
        delta_color="inverse",
    )
    cols[3].metric(
        "Test accuracy",
        f"{after.accuracy:.2%}",
        "unchanged" if after.accuracy == before.accuracy else "changed?!",
        delta_color="off",
        delta_arrow="off",
        help="Dividing every logit by the same T > 0 never changes which is largest.",
    )
    plot(
        calibration_charts.reliability_diagram(
            report.bins_before, report.bins_after, after_temperature=report.temperature
        ),
        alt=f"Reliability diagrams: ECE {before.ece:.1%} at T = 1, {after.ece:.1%} at the fitted "
        f"T = {report.temperature:.2f}.",
    )
    st.caption(
        "Each bar is the accuracy of the test examples whose confidence (top probability) falls "
        "in that bin; a calibrated model's bars touch the diagonal. The orange part is the gap. "
        "ECE is the gaps' average, weighted by how many examples each bin holds."
    )
    plot(
        calibration_charts.confidence_histogram(
            report.confidence_before,
            report.confidence_after,
            lab.bins,
            after_temperature=report.temperature,
            accuracy=after.accuracy,
            log_counts=True,
        ),
        alt="Confidence histograms: after scaling the mean confidence moves towards the accuracy.",
    )

    st.markdown("**Feel it: choose T yourself**")
    cols = st.columns(2)
    low, high, step = CALIBRATION_TEMPERATURES
    cols[0].slider(
        "Your temperature",
        low,
        high,
        step=step,
        key="a_calT",
        help="Move it past the fitted T and the test NLL rises again: too soft is wrong too.",
    )
    cols[1].number_input(
        "Bins",
        min_value=MIN_BINS,
        max_value=MAX_BINS,
        step=1,
        key="a_bins",
        help=f"Equal-width confidence bins for ECE and the diagrams ({MIN_BINS} … {MAX_BINS}).",
    )
    field_errors(errors, WIDGETS.values())
    manual = calibration.evaluate(logits, labels, lab.manual_temperature, lab.bins).scores
    cols = st.columns(3)
    cols[0].metric(f"Test NLL at T = {lab.manual_temperature:g}", f"{manual.nll:.4f}")
    cols[1].metric(f"Test ECE at T = {lab.manual_temperature:g}", f"{manual.ece:.2%}")
    cols[2].metric(f"Test accuracy at T = {lab.manual_temperature:g}", f"{manual.accuracy:.2%}")
    plot(
        calibration_charts.nll_against_temperature(
            report.curve_temperatures, report.curve_nll, report.temperature, lab.manual_temperature
        ),
        alt=f"Validation NLL against T: lowest at T = {report.temperature:.2f}.",
    )
