"""Answers follow their connections across a spreadsheet round trip: matched by every identity the files share.

tests/data/spanish_2021.csv is an older export (no URL column, so ids hash name and day), spanish_2021_labels.csv
the answers given on it, and spanish_2021_excel.csv the same network after Excel: `;`, Windows-1252, CRLF, the
Last Name column gone, dates as 17.02.2021, and one row (Sofía, answered no) deleted by hand.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from relevance.errors import LabelsError
from relevance.io import Export, read_export
from relevance.labels import append_rows, compact, label_row, load_labels
from relevance.matching import BY_ID, BY_NAME_DAY, BY_NAME_JOB, BY_URL, match_labels, require_same_network
from relevance.records import Connection
from relevance.sampling import answered_rows


def answers_by_position(export: Export, labels_path: Path) -> dict[str, bool]:
    labels = load_labels(labels_path)
    match = match_labels(export, labels)
    connections = match.export.connections
    return {connections[row].position: answer for row, answer in answered_rows(connections, labels)[0].items()}


def test_the_excel_round_trip_keeps_every_answer_whose_row_is_still_there(data: Path) -> None:
    original, excel = read_export(data / "spanish_2021.csv"), read_export(data / "spanish_2021_excel.csv")
    assert excel.delimiter == ";" and "last_name" not in excel.columns
    assert not {c.id for c in original.connections} & {c.id for c in excel.connections}  # every id changed
    labels = load_labels(data / "spanish_2021_labels.csv")
    match = match_labels(excel, labels)
    assert (match.entries, match.answers, match.matched_answers) == (12, 11, 10)
    # The two Marías connected on one day: name and day cannot tell them apart, their jobs can.
    assert match.by == {BY_NAME_DAY: 8, BY_NAME_JOB: 2}
    assert match.sentence("labels.csv") == (
        "10 of 11 answers in labels.csv matched this export (8 by name and connection day, 2 by name, company and "
        "position, as its ids differ); 1 did not (kept in the file, not used)."
    )
    expected = answers_by_position(original, data / "spanish_2021_labels.csv")
    del expected["Farmacéutica"]  # Sofía's row was deleted in Excel
    assert answers_by_position(excel, data / "spanish_2021_labels.csv") == expected
    assert answers_by_position(excel, data / "spanish_2021_labels.csv")["Directora comercial"] is True
    # The unanswered one is still waiting for an answer, under the file's own id.
    queued = answered_rows(match.export.connections, labels)[1]
    assert [match.export.connections[row].position for row in queued] == ["Formadora de equipos comerciales"]


def test_the_same_export_matches_by_id_and_says_nothing(data: Path) -> None:
    export = read_export(data / "spanish_2021.csv")
    match = match_labels(export, load_labels(data / "spanish_2021_labels.csv"))
    assert match.by == {BY_ID: 11} and match.sentence("labels.csv") is None
    assert match.export is export


def test_another_networks_labels_file_is_refused_by_name(data: Path) -> None:
    match = match_labels(read_export(data / "linkedin_2021.csv"), load_labels(data / "spanish_2021_labels.csv"))
    assert match.none_match and match.matched_answers == 0
    with pytest.raises(LabelsError) as error:
        require_same_network(match, "labels.csv", "Connections.csv")
    assert str(error.value) == (
        "none of the 12 connections in labels.csv is in Connections.csv: the labels file belongs to another network "
        "— pass this export's labels file with --labels, or a new file name to start one"
    )


def test_two_people_with_one_name_and_job_are_left_apart_not_swapped(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "id,label,first_name,last_name,company,position\n"
        "nourl:1,yes,Ana,Ruiz,Acme,Recruiter\nnourl:2,no,Ana,Ruiz,Acme,Recruiter\nnourl:3,no,Bo,Li,Acme,Nurse\n"
    )
    twins = [Connection(id=f"nourl:x{i}", first_name="Ana", company="Acme", position="Recruiter") for i in range(2)]
    export = Export(
        "x.csv",
        "test",
        "utf-8",
        ",",
        [],
        {},
        [*twins, Connection(id="nourl:y", first_name="Bo", position="Nurse", company="ACME")],
    )
    match = match_labels(export, load_labels(labels))
    assert match.matched == {"nourl:3": BY_NAME_JOB}
    assert [c.id for c in match.export.connections] == ["nourl:x0", "nourl:x1", "nourl:3"]


def test_a_profile_url_typed_into_the_file_in_another_spelling_matches(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("id,label\nhttps://www.linkedin.com/in/Jane-Doe/,yes\n")
    jane = Connection(id="linkedin.com/in/jane-doe", url="https://linkedin.com/in/jane-doe", first_name="Jane")
    match = match_labels(Export("x.csv", "test", "utf-8", ",", [], {}, [jane]), load_labels(labels))
    assert match.matched == {"https://www.linkedin.com/in/Jane-Doe/": BY_URL}
    assert match.export.connections[0].id == "https://www.linkedin.com/in/Jane-Doe/"


def people(titles: list[str], *, headline: bool = False) -> Export:
    connections = [
        Connection(
            id=f"linkedin.com/in/p{i}",
            url=f"https://linkedin.com/in/p{i}",
            first_name=f"P{i}",
            company="Acme",
            **({"headline": title} if headline else {"position": title}),
        )
        for i, title in enumerate(titles)
    ]
    return Export("Connections.csv", "test", "utf-8", ",", [], {}, connections)


def answered(tmp_path: Path, export: Export, answers: list[bool]) -> Path:
    path = tmp_path / "labels.csv"
    append_rows(
        load_labels(path), [label_row(c, a, "diverse") for c, a in zip(export.connections, answers, strict=True)]
    )
    return path


def test_an_answer_about_a_job_the_person_no_longer_has_is_set_aside_until_answered_again(tmp_path: Path) -> None:
    titles = ["Coach", "Teacher", "HR manager", "Recruiter", "Accountant", "Nurse"]
    answers = [False, False, True, True, False, False]
    path = answered(tmp_path, people(titles), answers)
    # a month later: the coach is an HR manager now, the HR manager sells; the rest wrote their titles another way
    later = people(["HR Manager", "teacher ", "Sales manager", "Recruiter", "ACCOUNTANT", "Nurse"])
    labels = load_labels(path)
    match = match_labels(later, labels)
    assert match.outdated == {
        "linkedin.com/in/p0": ("Coach", "HR Manager"),
        "linkedin.com/in/p2": ("HR manager", "Sales manager"),
    }
    assert set(labels.answers) == {f"linkedin.com/in/p{i}" for i in (1, 3, 4, 5)}
    assert labels.queued == ["linkedin.com/in/p0", "linkedin.com/in/p2"]  # asked again, first
    assert match.outdated_sentence("labels.csv", "`relevance label`") == (
        "2 of your answers in labels.csv were about a job the person no longer has ('Coach' → 'HR Manager'; 'HR "
        "manager' → 'Sales manager'): set aside until you answer again (`relevance label` asks them first)."
    )
    # answered again, about the job as it is now: an answer like any other, after the file is folded too
    append_rows(labels, [label_row(later.connections[0], True, "diverse")])
    assert labels.answers["linkedin.com/in/p0"] is True and labels.queued == ["linkedin.com/in/p2"]
    compact(labels)
    again = load_labels(path)
    assert match_labels(later, again).outdated == {"linkedin.com/in/p2": ("HR manager", "Sales manager")}
    assert again.answers["linkedin.com/in/p0"] is True


def test_titles_written_another_way_are_not_new_jobs(tmp_path: Path) -> None:
    titles = ["Coach", "Teacher", "HR manager", "Recruiter"] * 3
    path = answered(tmp_path, people(titles, headline=True), [False, False, True, True] * 3)
    # LinkedIn's own export of the network answered on a tool's (headlines): positions are compared with nothing
    assert match_labels(people(["Head coach", "Lecturer", "HRBP", "Talent"] * 3), load_labels(path)).outdated == {}
    # most titles changed at once: another way of writing them (a spreadsheet, a translation), not new jobs
    changed = people(["Trenér", "Učitel", "HR manažer", "Recruiter"] * 3, headline=True)
    labels = load_labels(path)
    assert match_labels(changed, labels).outdated == {} and len(labels.answers) == 12


def test_what_is_not_a_new_job(tmp_path: Path) -> None:
    titles = ["Sales Manager at Acme", "Właściciel firmy", "Founder 🚀 Acme", "Chef", "Nurse", "Teacher", "Pilot"]
    export = people(titles)
    path = answered(tmp_path, export, [True, True, True, False, False, False, False])
    labels = load_labels(path)
    append_rows(labels, [label_row(export.connections[3], False, "spared")])  # a friend kept anyway
    later = people(
        [
            "Sales Manager at Globex",  # another employer, the same job: as the model reads it
            "W?a?ciciel firmy",  # the export saved in a code page without ł and ś
            "Founder ? Acme",  # an emoji lost the same way
            "Pilot",  # the friend changed jobs: still a friend
            "Nurse",
            "Teacher",
            "Pilot",
        ]
    )
    later.connections[0] = replace(later.connections[0], company="Globex")
    assert match_labels(later, load_labels(path)).outdated == {}


def test_an_answer_set_aside_stays_aside_when_the_new_one_cannot_be_saved(tmp_path: Path) -> None:
    import relevance.labels

    export = people(["Coach"])
    path = answered(tmp_path, export, [False])
    labels = load_labels(path)
    match_labels(people(["HR manager"]), labels)
    assert labels.outdated

    def full(target: Path, payload: bytes) -> None:
        raise OSError(28, "No space left on device")

    original, relevance.labels._append = relevance.labels._append, full
    try:
        with pytest.raises(LabelsError):
            append_rows(labels, [label_row(people(["HR manager"]).connections[0], True, "diverse")])
    finally:
        relevance.labels._append = original
    assert labels.outdated and labels.answers == {}  # not the old answer about the coach


TWINS = "First Name,Last Name,Email Address,Company,Position,Connected On\n{rows}Petra,Svobodová,,Gamma,Vedoucí obchodu,05 Jan 2021\n"
ACME = "Jan,Novák,,Acme,Programátor,04 Jan 2021\n"
BETA = "Jan,Novák,,Beta,Programátor,04 Jan 2021\n"


@pytest.mark.parametrize(
    ("later", "acme_now"),
    [
        (BETA, None),  # the person removed the one at Acme, as the tool suggested
        (ACME.replace("Acme", "Zeta") + BETA, "Zeta"),  # the one at Acme moved to Zeta: his twin's number changed
    ],
)
def test_one_twins_answer_never_goes_to_the_other(tmp_path: Path, later: str, acme_now: str | None) -> None:
    """Two people with one name who connected on the same day, in an export without URLs, are told apart by a
    number that follows their jobs ("nourl:…", "nourl:…#2"); in the next export the same id may be the other one."""
    (tmp_path / "before.csv").write_text(TWINS.format(rows=ACME + BETA), encoding="utf-8")
    (tmp_path / "after.csv").write_text(TWINS.format(rows=later), encoding="utf-8")
    before = read_export(tmp_path / "before.csv")
    labels = load_labels(tmp_path / "labels.csv")
    append_rows(labels, [label_row(c, c.company == "Beta") for c in before.connections if c.first_name == "Jan"])
    match = match_labels(read_export(tmp_path / "after.csv"), load_labels(tmp_path / "labels.csv"))
    answers = load_labels(tmp_path / "labels.csv").answers
    given = {c.company: answers.get(c.id) for c in match.export.connections if c.id in match.matched}
    assert given.get("Beta") in (True, None)  # the "yes" was about the one at Beta: his, or no one's
    assert acme_now is None or given.get(acme_now) is None  # not the one who moved: too unsure to say
    assert False not in given.values()  # the one at Acme's "no" goes to no one else
