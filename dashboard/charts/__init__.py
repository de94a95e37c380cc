"""Pure figure builders, one module per subject: data frame + as_at + source line in,
plotly Figure out. No ``st.`` here, so the briefing pack and tests use them as they are.

Every figure carries its own title (stating the finding), the as-at date and source line
(as an annotation, so static exports keep them) and a one-sentence summary in
``layout.meta["summary"]`` (read it with ``common.summary(fig)``), which the page shows
under the chart and exports use as alt text.
"""
