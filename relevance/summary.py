"""What a scoring run means for the person: one ``Summary``, the only source of every number they are shown.

The terminal, the app, the HTML report and the demo all count from it, so "how many do I remove?" has one
answer: the removal list is the model's suggestions plus the person's own "no" answers, and both parts are said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from relevance.card import ModelCard
from relevance.metrics import Estimate
from relevance.removals import expected_wrong
from relevance.score import SUGGESTIONS, Scored, ScoredRow
from relevance.settings import DEFAULT_MAX_WRONG_REMOVALS

# LinkedIn's limit on first-degree connections.
LINKEDIN_CAP = 30_000
# How the sentences name the steps; the app names its own (relevance.app.words).
CLI_STEPS = ("(`relevance label`)", "retrain")


@dataclass(frozen=True)
class Summary:
    connections: int  # scored rows, one per real connection in the file
    ghost_rows: int  # hidden members: not in the file's rows, but still connections on LinkedIn
    without_title: int  # no position or headline to judge by: marked review
    counts: dict[str, int]  # suggestion -> rows
    model_removals: int  # removals the model suggests
    answered_removals: int  # the person's own "no" answers (always on the removal list)
    answered_keeps: int  # the person's own "yes" answers
    wrong_rate: Estimate | None  # the share of the model's removals that may be audience; None: no list
    limit: float  # the person's limit on that share
    confidence: float | None = None  # how sure the list is to keep within the limit (None: no model card)
    more_answers: int | None = None  # with no list or a short one: about how many more answers may lengthen it
    has_threshold: bool = False  # the model's card sets a removal threshold (its rows may all be answered or kept)
    target_size: int | None = None
    unread: int = 0  # the model would remove them, but was not trained on their titles' language: review
    lost_titles: int = 0  # titles that are question marks where their letters were, as inspect and train count them
    lost_review: int = 0  # of which marked review
    lost_answered: int = 0  # of which the person answered (the rest of them a keep-rule kept)
    alike: int = 0  # the model would remove them, but the person's most similar answer is a "yes": review
    alike_no: int = 0  # the model would keep them, but the person's most similar answer is a "no": review
    grouped: int = 0  # the model would remove them, but many share each one's title and no answer has it: review
    answered_spared: int = 0  # the person's own "no" answers they keep anyway (a friend): kept, not on the list

    @property
    def on_linkedin(self) -> int:
        """What LinkedIn counts against its cap: every row, and the hidden members the export leaves out."""
        return self.connections + self.ghost_rows

    @property
    def removals(self) -> int:
        return self.counts["remove"]

    @property
    def expected_wrong(self) -> tuple[int, int, int]:
        """(about, likely low, likely high) of the model's removals that may be audience."""
        return expected_wrong(self.model_removals, self.wrong_rate) if self.wrong_rate else (0, 0, 0)

    @property
    def needed(self) -> int:
        """Removals needed to reach the target size (0 without a target, or already under it)."""
        return max(0, self.on_linkedin - self.target_size) if self.target_size is not None else 0

    def removal_sentence(self, steps: tuple[str, str] = CLI_STEPS) -> str:
        """The one answer to "how many do I remove?" (``steps``: how to name labelling and training)."""
        own = f"{self.answered_removals:,} you answered no" if self.answered_removals else ""
        if not self.model_removals:
            if self.grouped:  # every connection the model would remove shares a title the person has not answered
                return held_groups_line(self.grouped, steps, alone=True) + (
                    f" (Marked remove: the {own}.)" if own else ""
                )
            if self.has_threshold:  # the model would remove some: the person's answers or keep-rules keep them all
                return "No removal list: your answers or keep-rules keep every connection the model would remove." + (
                    f" (Marked remove: the {own}.)" if own else ""
                )
            return no_list(self.limit, self.more_answers, steps) + (
                f" (Marked remove all the same: the {own}.)" if own else ""
            )
        parts = f"{self.model_removals:,} suggested by the model" + (f" + {own}" if own else "")
        if self.wrong_rate is None:  # rows read back without their model's card
            return f"Remove {self.removals:,} ({parts}). Without the model's card, no estimate of how many may be your audience."
        about, low, high = self.expected_wrong
        return (
            f"Remove {self.removals:,} ({parts}). Of the model's {self.model_removals:,}, about {about:,} may be "
            f"your audience ({likely_range(low, high, self.model_removals, self.limit, self.confidence)})."
        ) + (f" {short_list(self.more_answers, steps)}" if self.more_answers else "")

    def unread_sentence(self) -> str:
        """Why some low scores are marked review ("" when none are)."""
        if not self.unread:
            return ""
        one = self.unread == 1
        return (
            f"{_held(self.unread, 'low enough to remove')}: {'its title is' if one else 'their titles are'} in a "
            f"language the model reading {'it' if one else 'them'} was not trained on (the reason beside "
            f"{'it' if one else 'each'} says which)."
        )

    def alike_sentence(self) -> str:
        """Why other low scores are marked review ("" when none are)."""
        return _alike(self.alike, "low enough to remove", "yes")

    def alike_no_sentence(self) -> str:
        """Why some high scores are marked review ("" when none are)."""
        return _alike(self.alike_no, "high enough to keep", "no")

    def group_sentence(self) -> str:
        """Why low scores shared by many unanswered titles are marked review ("" when none are)."""
        if not self.grouped:
            return ""
        return (
            f"{_held(self.grouped, 'low enough to remove')}: they {GROUP_WHY}; one answer for each such title "
            "decides them (the reason beside each names the title)."
        )

    def held_back(self) -> list[str]:
        """The scores kept in review against the model's word, and why: one sentence per reason ([] when none)."""
        sentences = (self.unread_sentence(), self.alike_sentence(), self.group_sentence(), self.alike_no_sentence())
        return [sentence for sentence in sentences if sentence]

    def lines(self, steps: tuple[str, str] = CLI_STEPS) -> list[str]:
        """The summary in plain sentences, for the terminal or the app (``steps``: how to name labelling and
        training)."""
        c = self.counts
        out = [
            f"Scored {counted(self.connections, 'connection')}{self._unscored()}.",
            f"Suggestions: {c['remove']:,} remove, {c['review']:,} review, {c['keep']:,} keep.",
            self.removal_sentence(steps),
        ]
        out += self.held_back()
        if lost := self.lost_sentence():
            out.append(lost)
        out.append(f"LinkedIn counts {self.on_linkedin:,} connections (hidden members included), {self.cap_room()}.")
        if self.target_size is not None:
            out.append(self._target_line())
        return out

    def cap_room(self, cap: int = LINKEDIN_CAP) -> str:
        """ "150 below LinkedIn's 30,000 cap" (or "over"): the terminal and the report say it alike (a share
        rounded to "100% of the cap" read as full where 150 places were left)."""
        room = cap - self.on_linkedin
        if not room:
            return f"at LinkedIn's {cap:,} cap"
        return f"{abs(room):,} {'below' if room > 0 else 'over'} LinkedIn's {cap:,} cap"

    def _unscored(self) -> str:
        """ " (60 without a position or headline: marked review; 920 hidden members ...)", or "" when all scored."""
        review = [
            f"{count:,} {what}"
            for count, what in (
                (self.without_title, "without a position or headline"),
                (self.lost_review, "whose title is question marks where its letters were"),
            )
            if count
        ]
        parts = [f"{' and '.join(review)}: marked review"] if review else []
        if self.ghost_rows:
            parts.append(f"{counted(self.ghost_rows, 'hidden member')} in the export cannot be scored")
        return f" ({'; '.join(parts)})" if parts else ""

    def lost_sentence(self) -> str:
        """What to do about titles lost to question marks, and what became of them ("" when none are)."""
        if not self.lost_titles:
            return ""
        review, others = self.lost_review, self.lost_titles - self.lost_review
        ruled = others - self.lost_answered
        deciders = " or ".join(
            name for name, count in (("your answers", self.lost_answered), ("keep-rules", ruled)) if count
        )
        if not others:
            marked = f"{'It is' if review == 1 else 'They are'} marked review."
        elif review:
            follow = "the other one follows" if others == 1 else f"the other {others:,} follow"
            marked = f"{review:,} of them {'is' if review == 1 else 'are'} marked review; {follow} {deciders}."
        else:
            marked = f"{deciders[0].upper()}{deciders[1:]} decide {'it' if others == 1 else 'them'}."
        return f"{lost_titles_sentence(self.lost_titles)} {marked}"

    def _target_line(self) -> str:
        target, needed, removals = self.target_size, self.needed, self.removals
        if not needed:
            return f"You are already at or under your target of {target:,}."
        if removals >= needed:
            return (
                f"Reaching {target:,} takes {needed:,} removals: the {removals:,} on the removal list are enough "
                f"(start from the top of the file)."
            )
        short = needed - removals
        if short <= self.counts["review"]:
            return (
                f"Reaching {target:,} takes {needed:,} removals: the {removals:,} on the removal list leave "
                f"{short:,} to find among the {self.counts['review']:,} marked review (lowest score first)."
            )
        return (
            f"Reaching {target:,} takes {needed:,} removals, more than the {removals + self.counts['review']:,} "
            "removals and reviews together: the model thinks most of the rest are your audience."
        )


def summarise_rows(
    rows: list[ScoredRow], card: ModelCard | None, ghost_rows: int = 0, target_size: int | None = None
) -> Summary:
    """Count what the scored rows suggest and attach the model's honest estimate of wrong removals."""
    counts = Counter(row.suggestion for row in rows)
    sources = Counter((row.source, row.suggestion) for row in rows)
    model_removals = sources[("model", "remove")]  # ScoredRow.is_model_removal, counted with the rest
    lost = [row for row in rows if row.connection.lost_title]
    wrong = card.wrong_removals if card is not None and card.thresholds.remove_at_or_below is not None else None
    return Summary(
        connections=len(rows),
        ghost_rows=ghost_rows,
        without_title=sources[("no text", "review")],
        counts={name: counts.get(name, 0) for name in SUGGESTIONS},
        model_removals=model_removals,
        answered_removals=sources[("label", "remove")],
        answered_keeps=sum(row.source == "label" and row.label is True for row in rows),
        answered_spared=sum(row.source == "label" and row.label is False and row.suggestion == "keep" for row in rows),
        wrong_rate=wrong if model_removals else None,
        limit=card.thresholds.max_wrong_removals if card is not None else DEFAULT_MAX_WRONG_REMOVALS,
        confidence=card.thresholds.confidence if card is not None else None,
        more_answers=card.thresholds.more_answers if card is not None else None,
        has_threshold=card is not None and card.thresholds.remove_at_or_below is not None,
        target_size=target_size,
        unread=sources[("unread", "review")],
        alike=sources[("alike", "review")],
        alike_no=sources[("alike no", "review")],
        grouped=sources[("title group", "review")],
        lost_titles=len(lost),
        lost_review=sources[("lost title", "review")],
        lost_answered=sum(row.label is not None for row in lost),
    )


def summarise(scored: Scored, target_size: int | None = None) -> Summary:
    """The summary of a fresh scoring run."""
    return summarise_rows(scored.rows, scored.bundle.card, scored.export.ghost_rows, target_size)


# Why title groups are held back (relevance.groups), as train, score, the report and the labeller say it.
GROUP_WHY = (
    "share titles you have not answered, each title shared by so many, or so unlike all your answers, that the "
    "model's guess about it is not enough to remove them"
)


def reads_sentence(signals: Sequence[str]) -> str:
    """What the model reads, as train and the report say it: "The model reads each connection's title, and its
    language and company." (``signals``: the card's signals_used)."""
    others = [s for s in signals if s != "title"]
    also = ", ".join(others[:-1]) + f" and {others[-1]}" if len(others) > 1 else "".join(others)
    return "The model reads each connection's title" + (f", and its {also}" if also else "") + "."


def limit_text(limit: float) -> str:
    """The person's limit as they set it: "3%", "0.5%", "2.5%" (a whole percent showed 0.5% as "0%")."""
    return f"{limit:.1%}".replace(".0%", "%")


def likely_range(low: int, high: int, removals: int, limit: float, confidence: float | None) -> str:
    """ "likely 15–70; your limit 3%", and when the range runs past the limit, why that is no contradiction: the
    list stops where the limit holds at the threshold's confidence, so the top of a 90% range may lie beyond it
    ("likely 15–70" of 1,686 beside "your limit 3%" read as a broken promise)."""
    text = f"likely {low:,}–{high:,}; your limit {limit_text(limit)}"
    allowed = round(limit * removals)
    if confidence is None or not allowed or high <= allowed:
        return text
    return f"{text}, {allowed:,} {'person' if allowed == 1 else 'people'}, holds with {confidence:.0%} confidence"


def counted(count: int, noun: str) -> str:
    """ "1 connection", "2,000 connections"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _held(count: int, how: str) -> str:
    """ "3 connections whose score is low enough to remove are marked review" (one: "... is marked review")."""
    return f"{counted(count, 'connection')} whose score is {how} {'is' if count == 1 else 'are'} marked review"


def _alike(count: int, how: str, answer: str) -> str:
    """Why ``count`` scores are marked review: their most similar answer is a ``answer`` (relevance.alike)."""
    if not count:
        return ""
    each = "it" if count == 1 else "each"
    return (
        f"{_held(count, how)}: the connection you answered that is most like {each} is one you marked {answer} "
        f"(the reason beside {each} names it)."
    )


def lost_titles_sentence(count: int) -> str:
    """What is wrong with titles lost to question marks (relevance.records.lost_letters), and the fix."""
    one = count == 1
    return (
        f"{counted(count, 'title')} {'is' if one else 'are'} question marks where {'its' if one else 'their'} letters "
        "were: the file was saved in a code page that cannot write them. Export it again from LinkedIn, or save it "
        'as "CSV UTF-8".'
    )


def no_list(limit: float, more: int | None, steps: tuple[str, str] = CLI_STEPS) -> str:
    """There is no removal list yet, and what would make one (``more``: about how many more answers)."""
    label, retrain = steps
    # With no count, even the model's best guess is over the limit everywhere: a limit below the default may be
    # what stands in the way (a first-time user's 0.1% got "Label more" and nothing else).
    higher = f", or raise your limit (the default is {limit_text(DEFAULT_MAX_WRONG_REMOVALS)})"
    return (
        f"No removal list yet: the model cannot yet name anyone to remove with at most {limit_text(limit)} of them your "
        f"audience. Label {f'about {more:,} more' if more else 'more'} {label}, then {retrain}"
        f"{higher if not more and limit < DEFAULT_MAX_WRONG_REMOVALS else ''}."
    )


def short_list(more: int, steps: tuple[str, str] = CLI_STEPS) -> str:
    """What to do about a removal list shorter than the model could make with more answers."""
    label, retrain = steps
    return (
        f"A short list: the model is sure of few of your connections yet. Label about {more:,} more {label}, "
        f"then {retrain}, to lengthen it."
    )


def held_groups_line(held: int, steps: tuple[str, str], alone: bool = False) -> str:
    """What train says about the removals held back as title groups (relevance.groups)."""
    label, retrain = steps
    start = "No removal list yet: the" if alone else "Held back besides:"
    return (
        f"{start} {held:,} connections the model would remove {GROUP_WHY}; answer one of each {label}, then {retrain}."
    )


def removal_lines(card: ModelCard, steps: tuple[str, str] = CLI_STEPS) -> list[str]:
    """What a model card says about the removal list, as `relevance train` tells it."""
    t = card.thresholds
    if t.remove_at_or_below is None:
        return [no_list(t.max_wrong_removals, t.more_answers, steps)]
    rate = card.wrong_removals
    count = t.listed - t.held_groups
    if count <= 0 and t.held_groups:
        return [held_groups_line(t.held_groups, steps, alone=True)]
    about, low, high = expected_wrong(count, rate)
    lines = [
        f"Remove at score ≤ {t.remove_at_or_below:.3f}: about {count:,} of your unlabelled connections; about "
        f"{about:,} of them ({rate.value:.1%}) may be your audience "
        f"({likely_range(low, high, count, t.max_wrong_removals, t.confidence)}); the list holds {1 - card.metrics['missed'].value:.0%} of the connections that are not your audience."
    ]
    if t.held_groups:
        lines.append(held_groups_line(t.held_groups, steps))
    if t.more_answers:
        lines.append(short_list(t.more_answers, steps))
    if checks := checks_line(card):
        lines.append(checks)
    return lines


def ranking_quality(card: ModelCard) -> str:
    """ "ROC-AUC 0.96 (0.93–0.98): how often it scores ..." — the model's quality, said as a person can read it."""
    return (
        f"ROC-AUC {card.metrics['roc_auc'].shown()}: how often it scores one of your audience above one who is not "
        "(0.5 is guessing, 1 is perfect)"
    )


def checks_line(card: ModelCard) -> str:
    """What the answers that test the model found below the removal threshold ("" when none fall there)."""
    checks = card.thresholds.checks
    if card.thresholds.remove_at_or_below is None or checks is None or not checks.answers:
        return ""
    many = f"{checks.expected:.1f}" if checks.expected >= 0.05 else "almost none"  # not "0.0 of them"
    expected = f"the model expected {many} of them to be, on average"
    if checks.disagreed:
        verdict = f"more than {expected}: its estimate was raised ×{checks.factor:.1f}"
    elif checks.lowered:
        verdict = f"fewer than {expected}: its estimate was lowered ×{checks.factor:.2f}"
    else:
        verdict = f"in line with the model, which expected {many} of them to be, on average"
    found = _checks_found(checks.answers, checks.yes, card.thresholds.remove_at_or_below)
    return f"{found}, {verdict}."


def _checks_found(answers: int, yes: int, threshold: float) -> str:
    """ "19 of your answers that test the model ... fall in the removal list's range (score ≤ 0.090); 1 of them is
    your audience" (the verb and the count agree: "1 of them is", "none of them is", "it is not")."""
    if answers == 1:
        found = "it is your audience" if yes else "it is not your audience"
    elif not yes:
        found = "none of them is your audience"
    else:
        found = f"{yes} of them {'is' if yes == 1 else 'are'} your audience"
    falls = "falls" if answers == 1 else "fall"
    return (
        f"{answers} of your answers that test the model (drawn at random, or given on the removal list) {falls} in "
        f"the removal list's range (score ≤ {threshold:.3f}); {found}"
    )
