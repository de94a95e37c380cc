"""Briefing pack: choose the themes and commitments, preview the slides, build and download."""

import streamlit as st

from dashboard import briefing, export, queries, state, ui
from dashboard import format as fmt
from dashboard.briefing import pdf as pdf_file
from dashboard.briefing import word

src = state.require_source()
as_at, revised = state.as_at(), state.revised()
report = queries.status(src, as_at, revised)

st.title("Briefing pack")
st.markdown(
    f"A PowerPoint pack with editable charts, as at **{fmt.long_date(as_at)}** "
    "(change the date in the sidebar), with a PDF of the same slides, every chart as "
    "PNG and SVG, and the briefing note in Word built from the same figures. The same pack "
    "and note come from `stem-tracker briefing`."
)
ui.figures_note(report)

with st.container(border=True):
    themes = st.multiselect(
        "Themes",
        [t.id for t in report.themes],
        default=[t.id for t in report.themes],
        format_func=fmt.THEME_NAMES.get,
        key="b_themes",
    )
    offered = report.commitments[report.commitments["theme"].isin(themes)]
    commitments = st.multiselect(
        "Commitments",
        offered["id"].tolist(),
        format_func=dict(
            zip(offered["id"], offered["id"] + " " + offered["title"], strict=True)
        ).get,
        key="b_commitments",
        placeholder="Every commitment in the chosen themes",
    )
    pdf = st.checkbox("Also make a PDF", value=True, key="b_pdf")
    images = st.checkbox("Also make a ZIP of the charts (PNG and SVG)", value=True, key="b_zip")
    make_note = st.checkbox(
        "Also make the briefing note in Word: key facts, a section per theme, each chart "
        "with its data",
        value=True,
        key="b_note",
    )

if not themes:
    st.info("Choose at least one theme.")
    st.stop()

pack = briefing.build(queries.briefing_inputs(src, as_at, revised), themes, commitments or None)
st.subheader(f"Preview: {len(pack.slides)} slides, {len(pack.charts())} charts")
for number, slide in enumerate(pack.slides, start=1):
    with st.expander(f"{number}. {slide.title}", expanded=number <= 3):
        for message in slide.messages:
            st.markdown(f"- {message}")
        for chart in slide.charts:
            st.markdown(f"**Chart: {chart.title}.** {chart.summary}")
        if slide.table is not None:
            st.dataframe(slide.table, hide_index=True, width="stretch")
st.caption(pack.source)

choice = (as_at, revised, tuple(themes), tuple(commitments), pdf, images, make_note)
if st.button("Build the briefing pack", type="primary", key="b_build"):
    bar = st.progress(0.0, text="Starting")
    share = 0.5 if make_note else 1.0  # of the bar, for the pack; the note the rest
    try:
        made = briefing.files(
            pack,
            pdf=pdf,
            images=images,
            progress=lambda done, what: bar.progress(done * share, text=what),
        )
        if make_note:
            made["docx"] = word.build(
                queries.briefing_inputs(src, as_at, revised),
                themes,
                commitments or None,
                progress=lambda done, what: bar.progress(0.5 + done / 2, text=f"Note: {what}"),
            ).docx
    except (export.ExportError, pdf_file.PdfError) as error:
        st.error(f"The pack could not be built: {error}")
        st.stop()
    st.session_state["b_files"] = (choice, made)

built = st.session_state.get("b_files")
if built and built[0] == choice:
    name = f"stem-briefing-{as_at.isoformat()}"
    made = built[1]
    columns = st.columns(4)
    columns[0].download_button(
        "Download PowerPoint",
        made["pptx"],
        f"{name}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )
    if "docx" in made:
        columns[1].download_button(
            "Download the briefing note (Word)",
            made["docx"],
            f"{name}-note.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    if "pdf" in made:
        columns[2].download_button("Download PDF", made["pdf"], f"{name}.pdf", "application/pdf")
    if "zip" in made:
        columns[3].download_button(
            "Download charts (ZIP)", made["zip"], f"{name}-charts.zip", "application/zip"
        )
elif built:
    st.caption("The choice changed since the last build: build again to download it.")
