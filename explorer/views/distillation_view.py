"""The Applications lab's distillation section: soft targets, the T² factor, a real student."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from explorer import digits, distillation, distillation_charts, distillation_experiment
from explorer.applications_state import KD_TEMPERATURES, ApplicationsState
from explorer.charts import format_share
from explorer.digits_charts import digit_image
from explorer.distillation_demos import explain_soft_targets, gradient_norms
from explorer.state import MAX_DIGIT
from explorer.views import digits_model
from explorer.views.widgets import field_errors, plot

#: Widget key → URL parameter, for the page to seed and read.
WIDGETS = {"a_img": "kdimg", "a_kdT": "kdT"}


def seed_values(lab: ApplicationsState) -> dict[str, object]:
    return {"a_img": lab.image, "a_kdT": lab.kd_temperature}


@st.cache_data(max_entries=1, show_spinner="Training the students (a few seconds)…")
def experiment() -> distillation_experiment.DistillationResult:
    """The default experiment: nothing in it depends on the page's settings."""
    return distillation_experiment.distillation_experiment(digits_model.experiment())


def _soft_targets(lab: ApplicationsState, teacher: digits.DigitsExperiment) -> None:
    truth = int(teacher.split.y_test[lab.image])
    soft = explain_soft_targets(teacher.logits_test[lab.image], lab.kd_temperature, truth)
    left, right = st.columns([1, 3])
    with left:
        st.number_input("Test image", min_value=0, max_value=MAX_DIGIT, step=1, key="a_img")
        plot(
            digit_image(
                teacher.split.images_test[lab.image],
                f"Test image {lab.image}: {digits.spoken(truth)}",
            ),
            alt=f"The handwritten digit: {digits.spoken(truth)}.",
        )
    with right:
        low, high, step = KD_TEMPERATURES
        st.slider("Distillation temperature T", low, high, step=step, key="a_kdT")
        log_scale = st.toggle("Log scale (see the T = 1 dark knowledge)", key="a_kd_log")
        plot(
            distillation_charts.soft_targets_bars(digits.CLASSES, soft, log_scale=log_scale),
            alt=f"The teacher's probabilities for {digits.spoken(truth)} at "
            f"T = {lab.kd_temperature:g} beside T = 1.",
        )
    ranked = ", ".join(str(c) for c in soft.wrong_ranked[:3])
    at_one, at_t = format_share(soft.wrong_mass_at_one), format_share(soft.wrong_mass)
    st.markdown(
        f"**Dark knowledge.** The teacher finds this {truth} most like {ranked} (in that "
        f"order). At T = 1 the wrong digits share {at_one} of the "
        f"probability; at T = {lab.kd_temperature:g}, {at_t}. A student trained "
        "on the softened targets learns which digits resemble which, not only the right answer."
    )


def _loss_and_gradient(lab: ApplicationsState, teacher, result) -> None:
    st.markdown("**The loss, and why it is multiplied by T²**")
    st.latex(
        r"L = \alpha\, T^2\, \mathrm{KL}\!\left(p^{\text{teacher}}_T \,\middle\|\, "
        r"q^{\text{student}}_T\right) + (1-\alpha)\, \mathrm{CE}(y, q^{\text{student}}_1),"
        r"\qquad \frac{\partial\, \mathrm{CE}_T}{\partial z_i} = \frac{q_i - y_i}{T}"
    )
    student = result.example_student_logits[lab.image]
    target = teacher.logits_test[lab.image]
    truth = int(teacher.split.y_test[lab.image])
    onehot = np.eye(len(digits.CLASSES))[truth]
    temperature = lab.kd_temperature
    q = distillation.soft_targets(student, temperature)
    table = pd.DataFrame(
        {
            "student q_i at T": q,
            "y_i (truth)": onehot,
            "(q_i − y_i) / T": distillation.cross_entropy_gradient(student, onehot, temperature),
            "T² KL gradient": distillation.soft_loss_gradient(student, target, temperature),
        },
        index=pd.Index(digits.CLASSES, name="digit"),
    )
    loss = distillation.distillation_loss(target, student, temperature)
    st.metric(f"T² · KL at T = {temperature:g} (nats)", f"{loss:.4g}")
    st.dataframe(
        table,
        column_config={name: st.column_config.NumberColumn(format="%.4f") for name in table},
    )
    plot(
        distillation_charts.gradient_norms_chart(
            gradient_norms(student, target, true_class=truth), temperature
        ),
        alt="Gradient size against T: without T² it shrinks like 1/T²; with it, it levels.",
    )
    st.caption(
        "The student here is the first hard-label student of the experiment below, on this "
        "image. The soft loss's gradient is (q − p)/T, and for large T, q − p itself shrinks like "
        "1/T, so the gradient falls like 1/T² (Hinton et al., 2015, §2). Multiplying the loss by "
        "T² keeps its pull on the student comparable to the hard-label term at any T."
    )


def _experiment(result) -> None:
    st.markdown("**A real experiment: does distillation help a small student?**")
    st.markdown(
        f"The student is a softmax regression ({result.student_parameters} parameters, against "
        f"the teacher's {result.teacher_parameters:,}) that sees the true labels of only "
        f"{result.labels_per_class} training images per digit. The distilled students also "
        f"see the teacher's outputs on all {result.transfer_size:,} training images (0.9 of "
        f"the loss). Every student: {result.epochs} epochs of Adam, {len(result.seeds)} seeds "
        f"of the labelled subset, scored on the 360 test images."
    )
    plot(
        distillation_charts.accuracy_bars(result.summaries, result.teacher_accuracy),
        alt="Test accuracy of each student, with the teacher's as a line.",
    )
    by_label = {s.label: s for s in result.summaries}
    hard = by_label[distillation_experiment.HARD_LABEL]
    argmax = by_label[distillation_experiment.ARGMAX_LABEL]
    best = max(result.summaries, key=lambda s: s.mean)
    st.markdown(
        f"**Reading it honestly.** Hard labels alone reach {hard.mean:.1%}; with the teacher's "
        f"top class on the extra images, {argmax.mean:.1%}; the best distilled student "
        f"({best.label}), {best.mean:.1%}. Almost all of the gain comes from the extra images "
        "the teacher labels; soft targets add at most about a point here, which is within the "
        "noise of a 360-image test set (one image is 0.28 points). At T = 1 the overconfident "
        "teacher's outputs on its own training images are nearly one-hot, so KD at T = 1 equals "
        f"the argmax labels. Trained in {result.seconds:.1f} s."
    )


def show(lab: ApplicationsState, errors: dict[str, str]) -> None:
    st.subheader("Distillation: a teacher's soft targets at temperature T")
    teacher = digits_model.experiment()
    _soft_targets(lab, teacher)
    field_errors(errors, WIDGETS.values())
    result = experiment()
    _loss_and_gradient(lab, teacher, result)
    _experiment(result)
