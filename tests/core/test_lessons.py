"""The built-in lessons: every project opens, and the claims of lessons 1–4 (and 5, 7) hold."""

from __future__ import annotations

import numpy as np
import pytest

from mlpstudio.core import lessons
from mlpstudio.core import project as core_project
from mlpstudio.core.network import Network
from mlpstudio.resources_path import resources


def _train(key, variant=None):
    proj = lessons.load_lesson(key, variant)
    trainer = proj.trainer()
    trainer.run(epochs=proj.settings.max_epochs)
    return proj, trainer


def test_seven_lessons_in_order_with_texts():
    assert [lesson.number for lesson in lessons.LESSONS] == list(range(1, 8))
    slugs = [lesson.slug for lesson in lessons.LESSONS]
    assert len(set(slugs)) == 7
    for lesson in lessons.LESSONS:
        assert lesson.title and lesson.goal
        assert len(lesson.text.split()) > 40, lesson.slug  # a few short paragraphs
        assert lesson.files[0] == lesson.project
    for n in (1, 2, 3, 4):
        assert lessons.get(n).check is not None
    assert lessons.get("xor-by-hand").solution is not None


@pytest.mark.parametrize(
    "name", [f for lesson in lessons.LESSONS for f in lesson.files], ids=lambda f: f
)
def test_every_lesson_project_opens(name):
    proj = core_project.load(resources().joinpath("lessons", name))
    assert proj.dataset is not None and proj.dataset.n_points >= 4
    assert proj.network.n_inputs == proj.dataset.n_features == 2
    assert proj.name.startswith("Lesson ")
    proj.trainer()  # the settings suit the network (the perceptron rule needs one step layer)


def test_the_shipped_files_are_what_the_engine_builds():
    built = lessons.build_projects()
    shipped = {f for lesson in lessons.LESSONS for f in lesson.files}
    assert set(built) == shipped
    for name, proj in built.items():
        text = resources().joinpath("lessons", name).read_text(encoding="utf-8")
        assert text == core_project.to_json(proj), f"{name} is stale: rebuild the lessons"


def test_load_lesson_by_slug_number_and_variant():
    assert lessons.load_lesson("one-neuron").dataset.y.tolist() == [0, 0, 0, 1]  # AND
    assert lessons.load_lesson(1, "OR").dataset.y.tolist() == [0, 1, 1, 1]
    assert lessons.load_lesson(1, "01-one-neuron-not.json").dataset.y.tolist() == [1, 1, 0, 0]
    with pytest.raises(KeyError, match="no lesson"):
        lessons.get("nope")
    with pytest.raises(KeyError, match="no variant"):
        lessons.load_lesson(1, "XOR")


@pytest.mark.parametrize("gate", ["AND", "OR", "NOT"])
def test_lesson_1_the_perceptron_learns_the_gate(gate):
    proj = lessons.load_lesson(1, gate)
    lesson = lessons.get(1)
    assert not lesson.check(proj.network, proj.dataset).passed  # not before training
    proj, trainer = _train(1, gate)
    assert trainer.stopped == "target"
    found = lesson.check(proj.network, proj.dataset)
    assert found.passed and found.accuracy == 1.0
    assert "line" in found.message


@pytest.mark.parametrize("variant", ["perceptron rule", "sigmoid, gradient descent"])
def test_lesson_2_one_neuron_never_learns_xor(variant):
    proj, trainer = _train(2, variant)
    assert max(trainer.history.train_accuracy) < 1.0
    found = lessons.get(2).check(proj.network, proj.dataset)
    assert not found.passed
    assert "no single line" in found.message


def test_lesson_3_says_which_rows_are_wrong_and_the_solution_passes():
    proj = lessons.load_lesson("xor-by-hand")
    net, lesson = proj.network, lessons.get(3)
    assert net.sizes == [2, 2, 1] and net.activations == ["step", "step"]
    found = lesson.check(net, proj.dataset)
    assert not found.passed
    assert "(0, 0), (1, 1)" in found.message
    assert len(found.wrong) == 2 and found.wrong[0].startswith("x = (0, 0): the network says 1")
    lesson.solution(net)
    assert lesson.check(net, proj.dataset).passed
    np.testing.assert_array_equal(net.predict(lessons.TRUTH_TABLE), [0, 1, 1, 0])
    # one wrong weight breaks exactly the rows it should: the output as OR instead of AND
    net.biases[1][0] = -0.5
    found = lesson.check(net, proj.dataset)
    assert not found.passed and "(1, 1)" in found.message
    with pytest.raises(ValueError, match="2-2-1"):
        lesson.solution(Network([2, 3, 1], "step"))


def test_lesson_4_backpropagation_learns_xor():
    proj, trainer = _train(4)
    assert trainer.stopped == "target"
    assert trainer.history.train_accuracy[-1] == 1.0
    assert lessons.get(4).check(proj.network, proj.dataset).passed


def test_lesson_5_the_largest_output_wins():
    proj, _ = _train(5)
    assert proj.network.n_outputs == 3 == proj.dataset.n_classes
    found = lessons.get(5).check(proj.network, proj.dataset)
    assert found.passed and found.accuracy >= 0.95


def test_lesson_7_too_large_a_rate_diverges():
    _, trainer = _train(7, "η too large")
    assert trainer.stopped == "diverged"
