"""STEM Strategy Tracker: YAML and council CSVs in, DuckDB out.

Data flows one way: ``commitments.yaml`` and returns → ``etl`` → DuckDB →
``dashboard`` and exports. Nothing here imports ``dashboard``.
"""
