"""The strategy as declared in ``commitments.yaml`` (``spec/commitments-format.md``).

The package: ``model`` (the themes, commitments, milestones and indicators as pydantic
models), ``load`` (the file read into them, every problem with its line), ``errors`` (what is
wrong, apart from the models so that a command can catch it without importing pydantic) and
``yamlfile`` (YAML read keeping each value's line; the contacts and users files use it too).
Nothing is imported here, so that the light parts stay light.
"""
