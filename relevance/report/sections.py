"""The words of the report: its sections as HTML, for a reader who is not a data scientist.

Every value from the export or the model passes through ``html.escape``; the plots themselves are drawn by
the page's script into the ``<div class="plot">`` placeholders made here.
"""

from __future__ import annotations

from html import escape

from relevance.metrics import Estimate
from relevance.report.data import BATCH_SIZE, Headline, ReportData, Share
from relevance.report.links import profile_link
from relevance.report.quality import ModelSummary
from relevance.score import SUGGESTIONS
from relevance.summary import counted, likely_range, limit_text, reads_sentence


def render_body(data: ReportData, plots: set[str]) -> str:
    """The page's sections; ``plots`` are the ids of the figures that will be drawn."""
    parts = [
        _header(data),
        _headline(data),
        _map(plots),
        _scores(data, plots),
        _quality(data.model, plots, data),
        _who(data, plots),
        _time(data, plots),
        _checklist(data),
        _review(data),
    ]
    if data.notes:
        parts.append(
            "<footer><h2>Notes</h2><ul>"
            + "".join(f"<li class='note'>{escape(n)}</li>" for n in data.notes)
            + "</ul></footer>"
        )
    return "\n".join(parts)


def _n(value: float) -> str:
    return f"{round(value):,}"


def _people(value: float) -> str:
    return "1 person" if round(value) == 1 else f"{_n(value)} people"


def _pct(value: float) -> str:
    return f"{value:.0%}"


def _header(data: ReportData) -> str:
    source = f"From <b>{escape(data.source)}</b> · " if data.source else ""
    return (
        "<header><h1>Your network: whom to keep, review and remove</h1>"
        f"<p class='muted'>{source}made {escape(data.generated)} · this file works offline and sends nothing anywhere.</p>"
        "<nav><a href='#headline'>Summary</a><a href='#map'>Map</a><a href='#scores'>Scores</a>"
        "<a href='#quality'>Model quality</a><a href='#who'>Who</a><a href='#time'>Over time</a>"
        "<a href='#checklist'>Removal checklist</a></nav></header>"
    )


def _card(label: str, big: str, text: str) -> str:
    return f"<div class='card'><div class='label'>{label}</div><div class='big'>{big}</div><div>{text}</div></div>"


def _after_text(h: Headline, left: int) -> str:
    """What the share after the removals is over: the connections left that have a score or an answer (a
    connection without a title has no share to count; dividing by all that are left overstated it)."""
    people = f"about {_n(h.audience_after * h.judged_after)} of the {h.judged_after:,}"
    return f"{people} connections left" if h.judged_after == left else f"{people} left that could be judged"


def _headline(data: ReportData) -> str:
    """The numbers at the top, each counted by the run's Summary: the same numbers the terminal says."""
    h, s = data.headline, data.summary
    left = s.connections - s.removals
    spared = f" ({s.answered_spared:,} of them kept anyway)" if s.answered_spared else ""
    labelled = (
        f"You labelled {s.answered_keeps:,} as your audience and {s.answered_removals + s.answered_spared:,} as "
        f"not{spared}."
        if s.answered_keeps + s.answered_removals + s.answered_spared
        else "You have not labelled anyone in this file."
    )
    cards = [
        _card(
            "Your network",
            f"{s.connections:,}",
            f"connections scored; {s.counts['keep']:,} keep, {s.counts['review']:,} review",
        ),
        _card(
            "Your audience now",
            f"≈ {_pct(h.audience_now)}",
            # over the connections with a score or an answer: beside "Your network", 26% of 4,000 read as 1,040
            f"about {_n(h.audience_now * h.judged)} people"
            + (f" of the {h.judged:,} with a title or an answer" if h.judged != s.connections else ""),
        ),
        _card("Your audience after the removals", f"≈ {_pct(h.audience_after)}", _after_text(h, left)),
        _removal_card(data),
    ]
    legend = [*SUGGESTIONS, *(["ghost"] if s.ghost_rows else []), "free"]
    sizes = {**s.counts, "ghost": s.ghost_rows, "free": max(h.cap - s.on_linkedin, 0)}
    names = {"ghost": "hidden members", "free": "free places"}
    scale = max(h.cap, s.on_linkedin)
    bar = "".join(
        f"<span class='{n}' style='width:{100 * sizes[n] / scale:.3f}%' title='{names.get(n, n)}: {sizes[n]:,}'></span>"
        for n in legend
    )
    hidden = (
        f", {s.ghost_rows:,} of them hidden members the export lists without a name (they cannot be scored)"
        if s.ghost_rows
        else " (hidden members included)"
    )
    counts = (
        f"LinkedIn counts {s.on_linkedin:,} connections{hidden}: {s.cap_room(h.cap)}."
        if h.hidden_known
        # a scored file does not list hidden members: its count is a floor, and the room a ceiling
        else f"This scored file lists {s.on_linkedin:,} connections; LinkedIn counts them and the hidden members the "
        f"file does not list, so you are at most {s.cap_room(h.cap)}."
    )
    freed = (
        # with no list of the model's, the removals are the person's own "no" answers: said so, not "the list"
        f" Removing the {s.removals:,} {'on the removal list' if s.model_removals else 'you answered no'} frees as "
        "many places, leaving "
        f"{'' if h.hidden_known else 'at most '}{h.cap - (s.on_linkedin - s.removals):,} free in all."
        if s.removals
        else ""
    )
    unscored = (
        f" {counted(s.without_title, 'connection')} without a position or headline "
        f"{'is' if s.without_title == 1 else 'are'} marked review: there is nothing to judge {'it' if s.without_title == 1 else 'them'} by."
        if s.without_title
        else ""
    ) + (f" {escape(s.lost_sentence())}" if s.lost_titles else "")
    held_back = "".join(f" {escape(sentence)}" for sentence in s.held_back())  # scores kept in review, and why
    return (
        "<section id='headline'><h2>Summary</h2>"
        f"<div class='cards'>{''.join(cards)}</div>"
        f"<p id='removal-answer'><b>{escape(s.removal_sentence())}</b></p>"
        f"<h3>The 30,000 cap</h3><p>LinkedIn allows at most {h.cap:,} connections. {counts}{freed}</p>"
        f"<div class='capbar' role='img' aria-label='connections by suggestion out of {h.cap:,}'>{bar}</div>"
        "<div class='legend'>"
        + "".join(f"<span><i class='dot {n}'></i>{names.get(n, n)}</span>" for n in legend)
        + "</div>"
        f"<p>{labelled}{unscored}{held_back} Audience shares count your own answers as certain and every other "
        "connection by its score.</p></section>"
    )


def _removal_card(data: ReportData) -> str:
    s = data.summary
    if not s.model_removals:
        if s.has_threshold:
            text = "your answers or keep-rules keep every connection the model would remove"
        else:
            more = f"label about {s.more_answers:,} more" if s.more_answers else "label more"
            text = f"the model names no one to remove at your {limit_text(s.limit)} limit yet: {more}, then retrain"
        if answered := s.answered_removals:
            text += f"; {answered:,} you answered no {'is' if answered == 1 else 'are'} marked remove all the same"
        return _card("Removal list", "none" if s.has_threshold else "none yet", text)
    own = f" + {s.answered_removals:,} you answered no" if s.answered_removals else ""
    if s.wrong_rate is None:  # rows read back without their model's card: the terminal says the same
        wrong = "no estimate of how many may be your audience without the model's card"
    else:
        about, low, high = s.expected_wrong
        likely = likely_range(low, high, s.model_removals, s.limit, s.confidence)
        wrong = f"about {about:,} of the model's may be your audience ({likely}; cross-validated on your answers)"
    return _card("Removal list", f"{s.removals:,}", f"{s.model_removals:,} suggested by the model{own}; {wrong}")


def _plot(plot_id: str, plots: set[str], missing: str, css: str = "plot") -> str:
    if plot_id in plots:
        return f"<div id='{plot_id}' class='{css}'></div>"
    return f"<p class='note'>{escape(missing)}</p>"


def _map(plots: set[str]) -> str:
    return (
        "<section id='map'><h2>The map of your network</h2>"
        "<p>Each dot is a connection, placed so that people who do similar work sit close together "
        "(the two main directions of the title embeddings). Colours are the suggestions; black circles are "
        "the people you labelled yourself. Hover a dot to see who it is; drag to zoom, double-click to reset.</p>"
        + _plot(
            "plot-map", plots, "No map: it needs the title vectors (run the report with the embedder).", "plot tall"
        )
        + "</section>"
    )


def _scores(data: ReportData, plots: set[str]) -> str:
    remove, keep = data.thresholds
    rule = []
    if remove is not None:
        rule.append(f"a score of {remove:.3f} or less suggests removal")  # as train says it: 0.025, not 0.02
    if keep is not None:
        rule.append(f"{keep:.2f} or more suggests keeping")
    text = ("; ".join(rule) + ", anything between is for you to review.") if rule else ""
    return (
        "<section id='scores'><h2>Scores</h2>"
        "<p>Every connection got a score: how likely the model thinks they are in your audience, from 0 (surely not) "
        f"to 1 (surely). {text[:1].upper() + text[1:]}</p>" + _plot("plot-scores", plots, "") + "</section>"
    )


def _figure(f: Estimate | None, fmt: str = ".2f") -> str:
    return "unknown" if f is None else f.shown(fmt)


def _reads(model: ModelSummary) -> str:
    """What the model reads, in a sentence: the signals your answers asked for, and the smoothing."""
    text = reads_sentence(model.signals)
    if model.neighbours:
        text += (
            f" A score also draws on the {model.neighbours} most similar titles in your network, so your answers "
            "reach the many ways people write the same job."
        )
    if model.near_no:
        text += (
            ' A title close to one you answered "no" counts as more likely "no" than the model alone says: your '
            "answers showed it."
        )
    return text


def _quality(model: ModelSummary | None, plots: set[str], data: ReportData) -> str:
    head = "<section id='quality'><h2>How good is the model?</h2>"
    if model is None:
        return (
            head
            + "<p class='note'>No model card: add <code>--model</code> with the bundle from <code>relevance train</code> to see how well the model did on your answers.</p></section>"
        )
    answers = ""
    if model.labels_yes + model.labels_no:
        answers = f" from your {model.labels_yes + model.labels_no:,} answers ({model.labels_yes:,} yes, {model.labels_no:,} no)"
    items = [f"<p>{escape(_reads(model))}</p>"] if model.signals or model.neighbours or model.near_no else []
    items.append(
        f"<p>These figures were measured{answers}, each answer judged by a model trained without it, so they are honest estimates, not the model grading its own homework.</p><ul>"
    )
    auc = model.roc_auc.value
    items.append(
        f"<li><b>Telling the two apart: {_figure(model.roc_auc)}.</b> Pick one person you said is your audience and one you said is not: the model scores the audience person higher about {round(auc * 100)} times in 100 (50 is guessing, 100 is perfect).</li>"
    )
    items.append(
        f"<li><b>A clean top of the list: {_figure(model.average_precision)}.</b> Going down the ranking from the highest score, how much of what you meet is your audience, on average (1 is perfect).</li>"
    )
    if model.remove_threshold is None:
        # No list: a wrong-removal rate of 0% and everyone "left for you" would describe a list that is not there.
        items.append(f"<li><b>{escape(data.summary.removal_sentence())}</b></li>")
    else:
        wrong = _figure(model.wrong_removal_rate, ".1%")
        about, low, high = data.summary.expected_wrong  # in people, as the terminal and the removal card count them
        items.append(
            f"<li><b>Wrong removals: {wrong}.</b> Of the connections the model suggests for removal, this share is likely your audience after all: about {_people(about)} here (likely {low:,}–{high:,}). Glance at each one before you remove them.</li>"
        )
        items.append(
            f"<li><b>Left for you: {_figure(model.missed_rate, '.0%')}</b> of the people who are not your audience are not suggested for removal; they land in review or keep.</li>"
        )
    items.append("</ul>")
    if not model.has_curves:
        return head + "".join(items) + "<p class='note'>The model card holds no curves to draw.</p></section>"
    charts = [
        (
            "plot-roc",
            "Audience kept against others let through",
            "As the cut-off moves, how much of your audience stays (up) against how many others stay too (right). The nearer the top-left corner, the better; the dotted line is guessing.",
        ),
        (
            "plot-pr",
            "Found against clean",
            "Of everyone above a cut-off: the share of your whole audience found (right) against the share of them who really are audience (up). High all the way is best.",
        ),
        (
            "plot-calibration",
            "Can a score be read as a chance?",
            "People the model gave about 30% — were about 30% of them your audience? Points near the dotted diagonal mean yes.",
        ),
    ]
    grid = "".join(
        f"<div><h3>{title}</h3>{_plot(pid, plots, 'Not stored in the model card.')}<p class='muted'>{text}</p></div>"
        for pid, title, text in charts
    )
    return head + "".join(items) + f"<div class='grid3'>{grid}</div></section>"


def _table(title: str, rows: list[tuple[str, int]]) -> str:
    body = "".join(f"<tr><td class='t'>{escape(name)}</td><td class='n'>{count:,}</td></tr>" for name, count in rows)
    return f"<div><h3>{title}</h3><table><tbody>{body or '<tr><td class=note>none</td></tr>'}</tbody></table></div>"


def _share_table(title: str, shares: list[Share]) -> str:
    if not shares:
        return ""
    body = "".join(
        f"<tr><td class='t'>{escape(s.name)}</td><td class='n'>{s.connections:,}</td>"
        f"<td class='n'>{'—' if s.audience != s.audience else _pct(s.audience)}</td></tr>"
        for s in shares
    )
    head = "<thead><tr><th></th><th class='n'>connections</th><th class='n'>audience</th></tr></thead>"
    return f"<div><h3>{title}</h3><table>{head}<tbody>{body}</tbody></table></div>"


def _who(data: ReportData, plots: set[str]) -> str:
    t = data.tops
    return (
        "<section id='who'><h2>Who is suggested for removal, and who stays</h2><div class='grid2'>"
        + _table("Most common titles among removals", t["positions/remove"])
        + _table("Most common titles among keeps", t["positions/keep"])
        + _table("Most common companies among removals", t["companies/remove"])
        + _table("Most common companies among keeps", t["companies/keep"])
        + _share_table("Audience share by language of the title", data.by_language)
        + _share_table("Audience share by location", data.by_location)
        + "</div><h3>Groups of similar titles</h3><p>Connections grouped by what they do, each group named after its most common titles; the groups with the largest share suggested for removal come first.</p>"
        + _plot(
            "plot-groups",
            plots,
            "No title groups: they need the title vectors (run the report with the embedder).",
            "plot tall",
        )
        + "</section>"
    )


def _time(data: ReportData, plots: set[str]) -> str:
    t = data.timeline
    head = "<section id='time'><h2>Over time: when the network drifted</h2>"
    if t is None:
        return head + "<p class='note'>The export has no Connected On dates.</p></section>"
    if t.drift:
        period, before, since = t.drift
        way = "rose" if since > before else "fell"
        story = f"<p>The share of your audience among the people you connected with {way}: before {escape(period)}, about {_pct(before)} of them were your audience; since then, about {_pct(since)}.</p>"
    else:
        story = "<p>The share of your audience among new connections did not change much over the years.</p>"
    undated = f"<p class='muted'>{t.undated:,} connections have no date and are not shown.</p>" if t.undated else ""
    return head + story + _plot("plot-time", plots, "") + undated + "</section>"


def _marked_in_app(data: ReportData) -> str:
    """The sentence on the people ticked because they were marked removed in `relevance app`; "" for none."""
    marked = len(data.marked_removed)
    if not marked:
        return ""
    who = "person" if marked == 1 else "people"
    return f"<p id='marked'>The {marked:,} {who} you marked removed in <code>relevance app</code> are ticked.</p>"


def _checklist(data: ReportData) -> str:
    s = data.summary
    if not data.removals:
        return f"<section id='checklist'><h2>Removal checklist</h2><p>{escape(s.removal_sentence())}</p><div id='progress' hidden><span id='done-count'></span><span id='left-count'></span><div class='bar'><span></span></div></div><div id='batches'></div><p id='no-storage' hidden></p></section>"
    model, own = len(data.model_removals), len(data.answered_no)
    if model:
        what = f"The model's {model:,} suggested removals in batches of {BATCH_SIZE}, most certain first"
        what += f"; then, apart, the {own:,} you answered no yourself." if own else "."
    else:
        what = (
            f"{escape(s.removal_sentence())} Below: only the {own:,} you answered no yourself, not suggestions "
            "of the model."
        )
    return (
        "<section id='checklist'><h2>Removal checklist</h2>"
        f"<p>{what} Open a profile (it opens in a new tab), "
        "choose <b>More → Remove connection</b>, then tick the box here. Removing cannot be undone and LinkedIn does "
        "not tell them. Do it by hand: tools that remove connections for you break LinkedIn's terms.</p>"
        "<p id='storage'>Your ticks are kept in this browser on this computer, so you can close the file and carry on "
        "another day, and in the report of your next export.</p><p id='carried' hidden></p>"
        f"{_marked_in_app(data)}"
        # Calm: the app shows its report sandboxed, where the person's removals from the app are ticked all the same
        # (a first-time user read "they are lost when you close it" beside her 30 ticks as her work being lost).
        "<p id='no-storage' class='warn' hidden>Ticks made on this page are not kept (this browser's settings, or the "
        "app showing the report sandboxed). Mark people <b>removed</b> on the Remove step of <code>relevance app</code> "
        "instead: those are kept in your labels file, and ticked here.</p>"
        "<div id='progress'><b><span id='done-count'>0</span> done</b> · <span id='left-count'></span> to go "
        "<label style='margin-left:16px'><input type='checkbox' id='hide-done'> hide the done ones</label>"
        "<div class='bar'><span></span></div></div>"
        "<div id='batches'></div></section>"
    )


# The review list's rows in the page: its lowest scores, the nearest to removal, first; scored.csv has them all.
REVIEW_SHOWN = 2_000


def _review(data: ReportData) -> str:
    """Who is marked review, and why: "yours to judge" needs the people and their reasons in front of the person
    (a first-time user found the count in the app and the report, and the people only in scored.csv)."""
    rows = [row for row in data.rows if row.suggestion == "review"]
    if not rows:
        return ""
    shown = rows[:REVIEW_SHOWN]
    more = f" The first {len(shown):,} are below; scored.csv holds all {len(rows):,}." if len(rows) > len(shown) else ""
    lines = []
    for row in shown:
        c = row.connection
        href, _ = profile_link(c)
        name = escape(c.name or "(no name)")
        who = f"<a href='{escape(href)}' target='_blank' rel='noopener noreferrer'>{name}</a>" if href else name
        lines.append(
            f"<tr><td>{who}</td><td class='t'>{escape(c.title)}</td><td>{escape(c.company)}</td>"
            f"<td class='n'>{row.shown_score}</td><td class='why'>{escape(row.why)}</td></tr>"
        )
    return (
        f"<section id='review'><h2>For you to review: {len(rows):,}</h2>"
        "<p>The model leaves these to you: a score in between, or a reason not to act on the score alone; the "
        f"reason beside each says which. Lowest score first: the nearest to removal.{more}</p>"
        f"<details class='batch'><summary>{counted(len(rows), 'connection')} marked review</summary>"
        "<table><thead><tr><th>Name</th><th>Title</th><th>Company</th><th>Score</th><th>Why</th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table></details></section>"
    )
