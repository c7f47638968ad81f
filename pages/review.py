"""Review page: bring in an article (paste, upload, URL), check the tagger's suggestions and accept,
edit or reject them; look up a statement's history, edit or revert it; see the data as of a past
moment. Reading is open (unless configured otherwise); every change needs an editor's login and
is recorded in the database's change log."""
from __future__ import annotations

from datetime import date, datetime, time as dtime

import streamlit as st

from positions.data import changelog, db, inbox, intake, store
from positions.data import users as users_mod
from positions.errors import InputError, PositionsError
from positions.model import parse_date
from positions.present import login
from positions.present import review_forms as forms
from positions.present.highlight import escape
from positions.reference import codebook, registry

st.set_page_config(page_title="positions: review and history", layout="wide")


@st.cache_resource(show_spinner=False)
def reference():
    return codebook.load(), registry.load()


def tag_document(eng, who: str, text: str, kind: str, meta: dict) -> None:
    """Store the document, run the tagger on it and keep what it finds as pending suggestions."""
    from positions.tagger import tag_text

    try:
        published = parse_date(meta["published"] or None, "published")
    except PositionsError as e:
        st.error(escape(f"Publication date: {e}"))
        return
    doc_id = inbox.add_document(eng, text, who, kind, meta["url"], meta["title"], meta["published"], meta["publisher"])
    found = tag_text(text, published=published, source_url=meta["url"] or f"doc:{doc_id}",
                     source_title=meta["title"] or doc_id)
    added = inbox.suggest(eng, doc_id, found, who)
    st.session_state["doc_id"] = doc_id
    if added:
        st.session_state["doc_pick"] = doc_id  # show the new document's suggestions next
    st.success(f"The tagger found {len(found)} statement(s); {added} new suggestion(s) to review.")


def source_text(kind: str) -> str | None:
    """The article's text from the chosen input, or None (with the reason shown)."""
    try:
        if kind == "Paste text":
            text = st.session_state.get("paste_text", "")
            if not text.strip():
                raise InputError("paste the article's text first")
            return text
        if kind == "Upload a file":
            up = st.session_state.get("upload_file")
            if up is None:
                raise InputError("choose a .txt, .md or .html file first")
            return intake.read_upload(up.name, up.getvalue())
        return intake.fetch_url(st.session_state.get("source_url_input", ""))
    except InputError as e:
        st.error(escape(str(e)))
        return None


def new_article(eng, who: str) -> None:
    st.subheader("1. Bring in an article")
    kind = st.radio("Source", ["Paste text", "Upload a file", "Give a URL"], horizontal=True, key="source_kind")
    if kind == "Paste text":
        st.text_area("Article text", height=200, key="paste_text")
    elif kind == "Upload a file":
        st.file_uploader(f"A .txt, .md or .html file (at most {intake.MAX_BYTES // 1048576} MiB)",
                         type=["txt", "md", "html", "htm"], key="upload_file")
    else:
        st.text_input("Article URL (http or https)", key="source_url_input",
                      help=f"Fetched once, with a {intake.URL_TIMEOUT:.0f} s timeout.")
    c1, c2, c3, c4 = st.columns(4)
    meta = {"title": c1.text_input("Title", key="meta_title"),
            "url": c2.text_input("Source URL (for the citation)", key="meta_url"),
            "published": c3.text_input("Published (YYYY-MM-DD)", key="meta_published",
                                       help="Relative dates in the text ('on Tuesday') resolve against it."),
            "publisher": c4.text_input("Publisher", key="meta_publisher")}
    if kind == "Give a URL" and not meta["url"]:
        meta["url"] = st.session_state.get("source_url_input", "").strip()
    if st.button("Find statements", type="primary", key="find"):
        text = source_text(kind)
        if text is not None:
            tag_document(eng, who, text, {"Paste text": "paste", "Upload a file": "upload"}.get(kind, "url"), meta)


def suggestion_card(eng, who: str, sug: inbox.Suggestion, text: str, cb, reg, added) -> None:
    s = sug.statement
    with st.container(border=True):
        forms.card(s, cb, text)
        with st.form(f"sug_{s.id}"):
            values = forms.fields(s, cb, f"sug_{s.id}")
            label = st.text_input("If rejecting: why is it wrong?", key=f"sug_{s.id}_label",
                                  placeholder="e.g. not the speaker's own position; wrong issue")
            c1, c2 = st.columns(2)
            accept = c1.form_submit_button("Accept", type="primary")
            reject = c2.form_submit_button("Reject")
        if accept:
            new, problem, similar = forms.checked(s, values, reg, added)
            if problem:
                forms.show_problem(problem, similar)
                return
            try:
                inbox.accept(eng, s.id, new, who, label)
            except PositionsError as e:  # decided meanwhile by someone else, or already in the data
                st.error(escape(str(e)))
                return
            st.session_state["flash"] = f"Accepted: {new.actor} on {new.issue.value} ({new.stance.value})."
            st.rerun()
        if reject:
            try:
                inbox.reject(eng, s.id, label, who)
            except PositionsError as e:
                st.error(escape(str(e)))
                return
            st.session_state["flash"] = f"Rejected {s.actor}'s suggestion; kept with your label."
            st.rerun()


def review_queue(eng, who: str, cb, reg) -> None:
    st.subheader("2. Check the suggestions")
    pending = inbox.listing(eng)
    docs = sorted({p.document_id for p in pending})
    if not docs:
        st.info("No suggestions are waiting for review.")
        return
    current = st.session_state.get("doc_id")
    doc_id = st.selectbox("Document", docs, index=docs.index(current) if current in docs else 0, key="doc_pick",
                          format_func=lambda d: f"{inbox.document(eng, d)['title'] or d} "
                                                f"({sum(p.document_id == d for p in pending)} waiting)")
    doc = inbox.document(eng, doc_id)
    st.caption(escape(f"{doc['kind']} · {doc['url'] or 'no URL'} · published {doc['published'] or 'unknown'} · "
                      f"added by {doc['added_by']}"))
    added = inbox.added_actors(eng)
    for sug in (p for p in pending if p.document_id == doc_id):
        suggestion_card(eng, who, sug, doc["text"], cb, reg, added)
    forms.add_actor_form(eng, who, "queue")


def pick_statement(eng):
    """A search box and a list of matching statements, deleted ones (which can be reverted) last."""
    rows, gone = db.read_statements(eng), changelog.deleted(eng)
    q = st.text_input("Find a statement (speaker, quote, id)", key="stmt_q").strip().lower()
    match = lambda s: not q or q in s.actor.lower() or q in s.evidence.lower() or s.id.startswith(q)  # noqa: E731
    hits = [s for s in rows if match(s)][-200:][::-1] + [s for s in gone if match(s)][:50]
    if not hits:
        st.info("No statement matches.")
        return None
    gone_ids = {s.id for s in gone}
    options = {s.id: f"{s.statement_date or 'undated'} · {s.actor} · {s.issue.value} · {s.stance.value} · {s.id}"
                     + (" · DELETED" if s.id in gone_ids else "") for s in hits}
    return st.selectbox("Statement", list(options), format_func=options.get, key="stmt_pick")


def edit_statement(eng, who: str, stored: changelog.Stored, cb, reg) -> None:
    key = f"opened_{stored.statement.id}"
    opened = st.session_state.setdefault(key, stored.version)
    with st.form(f"edit_{stored.statement.id}"):
        st.caption(f"Editing version {opened} (saved version: {stored.version}).")
        values = forms.fields(stored.statement, cb, f"edit_{stored.statement.id}")
        c1, c2 = st.columns(2)
        save = c1.form_submit_button("Save changes", type="primary")
        delete = c2.form_submit_button("Delete statement")
    if not (save or delete):
        return
    try:
        if delete:
            changelog.delete(eng, stored.statement.id, opened, who)
        else:
            new, problem, similar = forms.checked(stored.statement, values, reg, inbox.added_actors(eng))
            if problem:
                forms.show_problem(problem, similar)
                return
            changelog.edit(eng, new, opened, who)
    except changelog.Conflict as c:
        forms.show_conflict(c)
        if st.button("Load the saved version and start again", key=f"reload_{stored.statement.id}"):
            st.session_state.pop(key, None)
            st.rerun()
        return
    st.session_state.pop(key, None)
    st.session_state["flash"] = "Deleted." if delete else "Saved."
    st.rerun()


def statement_history(eng, user, cb, reg) -> None:
    sid = pick_statement(eng)
    if sid is None:
        return
    entries = changelog.history(eng, sid)
    try:
        stored = changelog.get(eng, sid)
    except PositionsError:
        stored = None
    if stored is not None:
        forms.card(stored.statement, cb)
    st.markdown("**History**")
    st.dataframe(forms.history_table(entries), hide_index=True, width="stretch")
    if user is None or not user.can_edit():
        return
    revertible = [e for e in entries if e["target"] == "statement" and e["after"] is not None]
    if stored is not None:
        revertible = revertible[:-1]  # the last one is the current version
    if revertible:
        c1, c2 = st.columns([3, 1])
        to = c1.selectbox("Revert to the version after change", [e["id"] for e in revertible], key="revert_to",
                          format_func=lambda i: next(f"#{e['id']} {e['action']} by {e['who']} at {e['at']:%Y-%m-%d %H:%M}"
                                                     for e in revertible if e["id"] == i))
        if c2.button("Revert", key="revert"):
            changelog.revert(eng, sid, to, user.name)
            st.session_state.pop(f"opened_{sid}", None)
            st.session_state["flash"] = f"Reverted to the version after change #{to}."
            st.rerun()
    if stored is not None:
        edit_statement(eng, user.name, stored, cb, reg)


def as_of_view(eng) -> None:
    c1, c2 = st.columns(2)
    day = c1.date_input("Date (UTC)", key="asof_day", format="YYYY-MM-DD", min_value=date(2000, 1, 1))
    at = c2.time_input("Time (UTC)", value=dtime(23, 59), key="asof_time")
    moment = datetime.combine(day, at)
    rows = changelog.as_of(eng, moment)
    st.caption(f"{len(rows)} statements in the data at {moment:%Y-%m-%d %H:%M} UTC.")
    frame = store.to_frame(rows)
    st.dataframe(frame[["statement_date", "actor", "affiliation", "issue", "stance", "evidence", "source_url",
                        "confidence", "origin"]], hide_index=True, width="stretch")
    st.download_button("Download this version (CSV)", store.statements_csv(rows).encode("utf-8"),
                       file_name=f"statements-{moment:%Y%m%dT%H%M}.csv", mime="text/csv", key="asof_csv")


def admin(eng, user) -> None:
    st.dataframe([{"user": u.name, "role": u.role} for u in users_mod.listing(eng)], width="stretch")
    with st.form("add_user", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("User name")
        role = c2.selectbox("Role", users_mod.ROLES)
        password = c3.text_input("Password", type="password")
        if st.form_submit_button("Add or reset user"):
            try:
                users_mod.add(eng, name, role, password, by=user.name)
                st.success(escape(f"{name}: {role}"))
            except PositionsError as e:
                st.error(escape(str(e)))
    st.markdown("**Actors added in review**")
    st.dataframe([{"name": k, **v} for k, v in inbox.added_actors(eng).items()], width="stretch")
    forms.add_actor_form(eng, user.name, "admin")
    added = inbox.added_actors(eng)  # again: the form may just have added one
    if added:
        c1, c2 = st.columns([3, 1])
        name = c1.selectbox("Remove an added actor", list(added), key="remove_actor")
        if c2.button("Remove actor", key="remove_actor_go"):
            inbox.remove_actor(eng, name, user.name)
            st.session_state["flash"] = f"Removed {name} from the added actors."
            st.rerun()


eng = forms.engine()
login.require_reader(forms.engine)
user = login.current_user(eng)
login.login_box(eng, user)
cb, reg = reference()

st.title("Review and history")
if store.default_source() != db.configured_url():
    st.warning(escape(f"The dashboard reads {store.default_source()} (POSITIONS_DATA), not this page's database: "
                      "statements accepted here will not show there until POSITIONS_DATA is unset."))
flash = st.session_state.pop("flash", None)
if flash:
    st.success(escape(flash))
tabs = ["Review an article", "Statement history", "Data as of a moment"] + (["Users and actors"]
                                                                             if user and user.is_admin() else [])
parts = st.tabs(tabs)
with parts[0]:
    if user is None or not user.can_edit():
        st.info("Log in as an editor to review articles (the sidebar's Account box). "
                "Reading the data, its history and past versions is open.")
    else:
        new_article(eng, user.name)
        review_queue(eng, user.name, cb, reg)
with parts[1]:
    statement_history(eng, user, cb, reg)
with parts[2]:
    as_of_view(eng)
if len(parts) > 3:
    with parts[3]:
        admin(eng, user)
