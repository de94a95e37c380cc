"""The policy officers' dashboard (Streamlit): pages, cached reads and chart builders."""
