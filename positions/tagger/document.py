"""The walk over a document's sentences (stages 1-5): issues, speakers carried from sentence to
sentence, dates borrowed from the same speaker's dated sentences. All per-document state is local
(a `_Walk` made per call), so one Tagger can walk several documents at once.

Stages of one call of `candidates`:
1. `anchored_sentences`: one scan of the lower-cased text for the issues' anchors; only sentences
   within the context window of an anchor go further (the cheap prefilter);
2. per kept sentence `Tagger.issues_of`; a sentence off the issues only updates the speaker memory
   (`_remember_people`);
3. on the issues: date and speakers (`_speakers_and_dates`), the speaker carried from earlier
   sentences (`_carried_speaker`), then the rule candidates of its segments (`_emit`);
4. `_borrow_dates`: an undated candidate takes the nearest date of the same speaker.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from positions.tagger import dates
from positions.reference.registry import Resolution
from positions.tagger.segments import RuleCandidate, segment_candidates
from positions.tagger.speakers import (QUOTES_OPEN, Speaker, _in_sentence_quote, _OBJECT_VERB,
                                       _REPORTED_SUBJECT, speakers_of)
from positions.tagger.text import paragraph_ids, sentences

_OFF = ((), None, "")     # sentence info of a sentence off the issues: (issues, day, date rule)


@dataclass
class _Walk:
    """What one document's walk remembers from sentence to sentence."""

    text: str
    published: date | None
    spans: list
    paras: list
    history: list = field(default_factory=list)         # named people so far (for titles and "he said")
    recent: dict = field(default_factory=dict)          # issue -> index of the last on-issue sentence
    last_speaker: Resolution | None = None
    last_date: date | None = None
    speaker_day: dict = field(default_factory=dict)     # speaker -> [(sentence index, date)] to borrow
    pending_quote: list = field(default_factory=list)   # sentences inside an unattributed open quote
    info: dict = field(default_factory=dict)            # sentence index -> (issues, day, date rule)
    out: list = field(default_factory=list)

    def dated(self, key: str, idx: int, day: date | None) -> None:
        """Note that `key` (actor id or name) spoke in sentence `idx` on `day` (when near publication)."""
        if day and dates.near_publication(day, self.published):
            self.speaker_day.setdefault(key, []).append((idx, day))


def candidates(tagger, text: str, published: date | None, spans=None) -> list[RuleCandidate]:
    """Rule candidates of a document; `spans`: its sentence offsets when already split."""
    R = tagger.rules
    spans = sentences(text, R.abbreviations) if spans is None else spans
    keep, anchored = anchored_sentences(R, text, spans)
    w = _Walk(text, published, spans, paragraph_ids(text, spans))
    inside_quote = _quote_tracker(text)
    for idx in sorted(keep):
        sent = text[spans[idx][0]:spans[idx][1]]
        recent = {k for k, v in w.recent.items() if idx - v <= R.context_window}
        issues = tagger.issues_of(sent, recent, anchored.get(idx, set()))
        if not issues and not w.pending_quote:
            w.info[idx] = _OFF
            _remember_people(tagger, w, idx, sent)
            continue
        _on_issue(tagger, w, idx, sent, issues, inside_quote)
    _borrow_dates(w.out, w.speaker_day)
    return w.out


def anchored_sentences(R, text: str, spans) -> tuple[set, dict]:
    """(indexes of the sentences within the context window of an anchor, sentence index -> issues
    whose anchors it holds), from one scan of the lower-cased text."""
    starts = [a for a, _ in spans]
    keep: set = set()
    anchored: dict[int, set] = {}
    for m in R.prefilter.finditer(text.lower()):
        i = bisect_right(starts, m.start()) - 1
        if i not in anchored:
            anchored[i] = set()
            keep.update(range(max(0, i - R.context_window), min(len(spans), i + R.context_window + 1)))
        anchored[i] |= R.anchor_issues[m.group()]
    return keep, anchored


def _remember_people(tagger, w: _Walk, idx: int, sent: str) -> None:
    """A sentence off the issues: keep the speaker memory (named people, their dates) up to date."""
    R = tagger.rules
    if not R.person_scan.search(sent):
        if w.last_speaker is not None and R.pronoun.search(sent) and R.dates.gate.search(sent) \
                and R.pronoun_speech.search(sent):
            # "..., he said in the Saturday interview": a date of the last speaker's statement.
            day, _ = R.dates.resolve(sent, w.published, w.last_date)
            if day and dates.near_publication(day, w.published):
                w.last_date = day
                w.dated(w.last_speaker.actor_id or w.last_speaker.name, idx, day)
        return
    day, _ = R.dates.resolve(sent, w.published, w.last_date)
    w.last_date = day or w.last_date
    on = day or w.published
    spoke = R.speech_any.search(sent)
    first = None
    for m in R.person_scan.finditer(sent):
        r = tagger.registry.resolve(m.group("person"), on)
        if r is None:
            continue
        w.history.append(r)
        w.dated(r.actor_id, idx, day)
        if spoke:
            first = first or r
            # The speaker is the person next to the speech verb ("Tajani said that what Macron
            # proposed ..."), not merely the last name in the sentence.
            if R.speech_after.match(sent[m.end():]) or R.speech_before.search(sent[:m.start()]) \
                    or R.according.search(sent[:m.start()]):
                w.last_speaker, first, spoke = r, None, None
    if first is not None:
        if w.last_speaker is not None and R.pronoun_speech.search(sent):
            # '"... our messages to Zelensky were well received," he said on Saturday': the
            # pronoun's speaker goes on speaking; the name is only mentioned.
            w.dated(w.last_speaker.actor_id or w.last_speaker.name, idx, day)
        else:
            w.last_speaker = first


def _on_issue(tagger, w: _Walk, idx: int, sent: str, issues, inside_quote) -> None:
    """A sentence on an issue (or inside a pending quote): its speakers and its rule candidates."""
    s0 = w.spans[idx][0]
    day, date_rule = tagger.rules.dates.resolve(sent, w.published, w.last_date)
    w.last_date = day or w.last_date
    quoted = sent[:1] not in QUOTES_OPEN and inside_quote(s0)
    speakers = _speakers_and_dates(tagger, w, idx, sent, day, quoted)
    carried = _carried_speaker(tagger, w, idx, sent, speakers, inside_quote(s0))
    if carried:
        speakers = [carried] + speakers
        # "he said in the Saturday interview": a date of the carried speaker's own statement.
        w.dated(carried.res.actor_id or carried.res.name, idx, day)
    _emit(tagger, w, idx, sent, issues, speakers, day, date_rule)


def _speakers_and_dates(tagger, w: _Walk, idx: int, sent: str, day, quoted: bool) -> list[Speaker]:
    """The sentence's own speakers; named people in a dated sentence lend its date to their other
    sentences."""
    R = tagger.rules
    on = day or w.published
    speakers = speakers_of(tagger, sent, on, w.history, quoted)
    for sp in speakers:
        if sp.how in ("person", "title", "subject") and sp.res.actor_id:
            w.history.append(sp.res)
        if not sp.nested:
            w.dated(sp.res.actor_id or sp.res.name, idx, day)
    if day and dates.near_publication(day, w.published):
        for m in R.mention.finditer(sent):
            name = m.group("person") or m.group("t_person")
            if name:
                r = tagger.registry.resolve(name, on)
                if r is not None:
                    w.dated(r.actor_id, idx, day)
    return speakers


def _carried_speaker(tagger, w: _Walk, idx: int, sent: str, speakers, in_quote: bool) -> Speaker | None:
    """The last named speaker, when "he said" / an open quote / a pronoun clause continues them."""
    R = tagger.rules
    if w.last_speaker is None:
        return None
    carried = Speaker(w.last_speaker, 0, 0, "carried", 0)
    if not [s for s in speakers if not s.nested]:
        if R.pronoun_speech.search(sent):
            return carried
        if (sent[:1] in QUOTES_OPEN or in_quote) and idx > 0 and w.paras[idx - 1] == w.paras[idx]:
            return carried
        return None
    if any(s.how == "carried" for s in speakers):
        return None
    # "Thus, he criticized X, who ..., as well as Y, who allowed it": the pronoun's clause before
    # the first named subject is the last speaker's, not the named subject's.
    first = min(s.clause_start for s in speakers if not s.nested)
    pm = R.pronoun_speech.search(sent, 0, first) if first > 0 else None
    if pm and not _in_sentence_quote(sent, pm.start()) and \
            (_OBJECT_VERB.search(pm.group()) or not _REPORTED_SUBJECT.fullmatch(sent, pm.end(), first)):
        return carried
    return None


def _emit(tagger, w: _Walk, idx: int, sent: str, issues, speakers, day, date_rule) -> None:
    """Rule candidates of the sentence (and of the open quote it attributes); the walk's memory."""
    text, spans = w.text, w.spans
    main = [s for s in speakers if not s.nested]
    if main:
        w.last_speaker = next((s.res for s in reversed(main) if s.res.actor_id and s.how != "state"), w.last_speaker)
        # Earlier sentences of the same open quote belong to this speaker.
        for j in w.pending_quote:
            if w.paras[j] == w.paras[idx]:
                j_issues, j_day, j_rule = w.info[j]
                w.out.extend(segment_candidates(tagger, text, spans[j], j_issues, [Speaker(main[0].res, 0, 0, "carried", 0)],
                                                w.published, j_day, j_rule))
        w.pending_quote = []
    elif sent[:1] in QUOTES_OPEN and issues:
        w.pending_quote.append(idx)
    w.info[idx] = (issues, day, date_rule)
    for issue, label in issues:
        if not label.endswith(":context"):   # context-only sentences do not extend the window
            w.recent[issue] = idx
    if issues and speakers:
        for c in segment_candidates(tagger, text, spans[idx], issues, speakers, w.published, day, date_rule):
            c.idx = idx
            w.out.append(c)


def _borrow_dates(out: list[RuleCandidate], speaker_day: dict) -> None:
    """An undated candidate takes the date of the nearest dated sentence naming the same speaker
    (earlier ones win ties)."""
    for c in out:
        if c.day is None and c.key[0] in speaker_day:
            c.day = dates.speaker_day(speaker_day[c.key[0]], c.idx)
            c.cues.append("date:speaker")


def _inside_quote(text: str, pos: int) -> bool:
    """Is `pos` inside a quotation opened earlier in the same paragraph?"""
    para_start = text.rfind("\n", 0, pos) + 1
    before = text[para_start:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _quote_tracker(text: str):
    """_inside_quote for increasing positions in linear time overall: quote counts are carried from
    the previous call instead of rescanning the paragraph (a one-line 5 MB file is one paragraph)."""
    state = {"pos": 0, "open": 0, "close": 0, "straight": 0}

    def inside(pos: int) -> bool:
        last = state["pos"]
        if pos < last:
            return _inside_quote(text, pos)
        cut = text.rfind("\n", last, pos)
        start = last if cut < 0 else cut + 1
        if cut >= 0:
            state.update(open=0, close=0, straight=0)
        piece = text[start:pos]
        state["open"] += piece.count("“")
        state["close"] += piece.count("”")
        state["straight"] += piece.count('"')
        state["pos"] = pos
        return state["open"] > state["close"] or state["straight"] % 2 == 1
    return inside
