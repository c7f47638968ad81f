"""The walk over a document's sentences (stages 1-5): issues, speakers carried from sentence to
sentence, dates borrowed from the same speaker's dated sentences. All per-document state is local."""
from __future__ import annotations

from bisect import bisect_right
from datetime import date

from positions.reference.registry import Resolution
from positions.tagger.segments import RuleCandidate, segment_candidates
from positions.tagger.speakers import (QUOTES_OPEN, Speaker, _in_sentence_quote, _OBJECT_VERB,
                                       _REPORTED_SUBJECT, speakers_of)
from positions.tagger.text import paragraph_ids, sentences


def candidates(tagger, text: str, published: date | None) -> list[RuleCandidate]:
    R = tagger.rules
    spans = sentences(text, R.abbreviations)
    paras = paragraph_ids(text, spans)
    history: list[Resolution] = []       # named people so far (for titles and "he said")
    recent: dict[str, int] = {}          # issue -> index of last on-issue sentence
    last_speaker: Resolution | None = None
    last_date = None
    out: list[RuleCandidate] = []
    speaker_day: dict = {}            # speaker -> [(sentence index, date)]: dates to borrow
    pending_quote: list[int] = []        # sentence indexes inside an unattributed open quote
    sent_info = []
    # Cheap pre-filter over the whole text: only sentences near an issue cue get the full pipeline.
    starts = [a for a, _ in spans]
    keep = set()
    anchored: dict[int, set] = {}       # sentence index -> issues whose anchors it holds
    for m in R.prefilter.finditer(text.lower()):
        i = bisect_right(starts, m.start()) - 1
        if i not in anchored:
            anchored[i] = set()
            keep.update(range(max(0, i - R.context_window), min(len(spans), i + R.context_window + 1)))
        anchored[i] |= R.anchor_issues[m.group()]
    for idx, (s0, s1) in enumerate(spans):
        if idx not in keep:
            sent_info.append(((), None, ""))
            continue
        sent = text[s0:s1]
        recent_set = {k for k, v in recent.items() if idx - v <= R.context_window}
        issues = tagger.issues_of(sent, recent_set, anchored.get(idx, set()))
        if not issues and not pending_quote:
            # Off the issues: only keep the speaker memory (named people, their dates) up to date.
            people = [m.group("person") for m in R.person_scan.finditer(sent)]
            sent_info.append(((), None, ""))
            if not people:
                if last_speaker is not None and R.pronoun.search(sent) and R.dates.gate.search(sent) \
                        and R.pronoun_speech.search(sent):
                    # "..., he said in the Saturday interview": a date of the last speaker's statement.
                    day, _ = R.dates.resolve(sent, published, last_date)
                    if day and _near_publication(day, published):
                        last_date = day
                        speaker_day.setdefault(last_speaker.actor_id or last_speaker.name, []).append((idx, day))
                continue
            day, _ = R.dates.resolve(sent, published, last_date)
            if day:
                last_date = day
            on = day or published
            spoke = R.speech_any.search(sent)
            first = None
            for m in R.person_scan.finditer(sent):
                r = tagger.registry.resolve(m.group("person"), on)
                if r is None:
                    continue
                history.append(r)
                if day and _near_publication(day, published):
                    speaker_day.setdefault(r.actor_id, []).append((idx, day))
                if spoke:
                    first = first or r
                    # The speaker is the person next to the speech verb ("Tajani said that what Macron
                    # proposed ..."), not merely the last name in the sentence.
                    if R.speech_after.match(sent[m.end():]) or R.speech_before.search(sent[:m.start()]) \
                            or R.according.search(sent[:m.start()]):
                        last_speaker = r
                        first = None
                        spoke = None
            if first is not None:
                if last_speaker is not None and R.pronoun_speech.search(sent):
                    # '"... our messages to Zelensky were well received," he said on Saturday': the
                    # pronoun's speaker goes on speaking; the name is only mentioned.
                    if day and _near_publication(day, published):
                        speaker_day.setdefault(last_speaker.actor_id or last_speaker.name, []).append((idx, day))
                else:
                    last_speaker = first
            continue
        day, date_rule = R.dates.resolve(sent, published, last_date)
        if day:
            last_date = day
        on = day or published
        speakers = speakers_of(tagger, sent, on, history, sent[:1] not in QUOTES_OPEN and _inside_quote(text, s0))
        for sp in speakers:
            if sp.how in ("person", "title", "subject") and sp.res.actor_id:
                history.append(sp.res)
            if day and not sp.nested and _near_publication(day, published):
                speaker_day.setdefault(sp.res.actor_id or sp.res.name, []).append((idx, day))
        if day and _near_publication(day, published):
            # Any named person in a dated sentence: their undated statements nearby share the date.
            for m in R.mention.finditer(sent):
                if m.group("person") or m.group("t_person"):
                    r = tagger.registry.resolve(m.group("person") or m.group("t_person"), on)
                    if r is not None:
                        speaker_day.setdefault(r.actor_id, []).append((idx, day))
        # "he said" / "the minister added": the last named person speaks.
        carried = None
        if not [s for s in speakers if not s.nested] and last_speaker is not None:
            if R.pronoun_speech.search(sent):
                carried = Speaker(last_speaker, 0, 0, "carried", 0)
            elif (sent[:1] in QUOTES_OPEN or _inside_quote(text, s0)) and idx > 0 and paras[idx - 1] == paras[idx]:
                carried = Speaker(last_speaker, 0, 0, "carried", 0)
        elif last_speaker is not None and not any(s.how == "carried" for s in speakers):
            # "Thus, he criticized X, who ..., as well as Y, who allowed it": the pronoun's clause before
            # the first named subject is the last speaker's, not the named subject's.
            first = min(s.clause_start for s in speakers if not s.nested)
            pm = R.pronoun_speech.search(sent, 0, first) if first > 0 else None
            if pm and not _in_sentence_quote(sent, pm.start()) and \
                    (_OBJECT_VERB.search(pm.group()) or not _REPORTED_SUBJECT.fullmatch(sent, pm.end(), first)):
                carried = Speaker(last_speaker, 0, 0, "carried", 0)
        if carried:
            speakers = [carried] + speakers
            if day and _near_publication(day, published):
                # "he said in the Saturday interview": a date of the carried speaker's own statement.
                speaker_day.setdefault(carried.res.actor_id or carried.res.name, []).append((idx, day))
        main = [s for s in speakers if not s.nested]
        if main:
            last_speaker = next((s.res for s in reversed(main) if s.res.actor_id and s.how != "state"), last_speaker)
            # Earlier sentences of the same open quote belong to this speaker.
            for j in pending_quote:
                if paras[j] == paras[idx]:
                    out.extend(segment_candidates(tagger, text, spans[j], sent_info[j][0], [Speaker(main[0].res, 0, 0, "carried", 0)],
                                                        published, sent_info[j][1], sent_info[j][2]))
            pending_quote = []
        elif sent[:1] in QUOTES_OPEN and issues:
            pending_quote.append(idx)
        sent_info.append((issues, day, date_rule))
        for issue, label in issues:
            if not label.endswith(":context"):   # context-only sentences do not extend the window
                recent[issue] = idx
        if issues and speakers:
            for c in segment_candidates(tagger, text, (s0, s1), issues, speakers, published, day, date_rule):
                c.idx = idx
                out.append(c)
    for c in out:
        if c.day is None and c.key[0] in speaker_day:
            # The nearest dated sentence naming the same speaker (earlier ones win ties).
            c.day = min(speaker_day[c.key[0]], key=lambda t: (abs(t[0] - c.idx), t[0] > c.idx))[1]
            c.cues.append("date:speaker")
    return out


def _near_publication(day: date, published: date | None) -> bool:
    """A date another sentence of the same speaker may borrow: within a year before publication
    (not a photo caption's old date, a birth date or a date after publication)."""
    return published is None or 0 <= (published - day).days <= 366


def _inside_quote(text: str, pos: int) -> bool:
    """Is `pos` inside a quotation opened earlier in the same paragraph?"""
    para_start = text.rfind("\n", 0, pos) + 1
    before = text[para_start:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1

