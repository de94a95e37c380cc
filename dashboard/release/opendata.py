"""The release's open data: a Frictionless Data Package (``data/datapackage.json``) of CSV
files with Table Schemas, made from the same published tables as the site. The GSS symbols
stand in the value columns and every schema lists them in ``missingValues``."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from dashboard.release.tables import Published
from etl.disclosure import SYMBOLS


@dataclass(frozen=True)
class Resource:
    name: str  # also the CSV's file name, without .csv
    title: str
    description: str
    primary_key: tuple[str, ...]
    frame: pd.DataFrame

    @property
    def path(self) -> str:
        return f"{self.name}.csv"


# Text columns that hold a number or a symbol: typed number, symbols as missing values.
_NUMBER_TEXT = {"value", "compared_value", "trajectory", "target"}
_MISSING = ["", *SYMBOLS]


def resources(published: Published) -> list[Resource]:
    return [
        Resource("national-figures", "Scotland's figures by indicator and quarter",
                 "Scotland's figure for each indicator and quarter, the trajectory, any "
                 "target for that quarter and the indicator's status in its latest quarter.",
                 ("indicator_id", "period"), published.national),
        Resource("council-figures", "Figures by council, indicator, quarter and breakdown",
                 "Each council's figures (and Scotland's, summed from them) by sex and SIMD "
                 "quintile ('all' for the whole population), disclosure control applied.",
                 ("authority_code", "period", "indicator_id", "sex", "simd_quintile"),
                 published.figures),
        Resource("revisions", "Revisions of Scotland's figures",
                 "Each quarter's national figure as first published and as known at the "
                 "release's date; the revision is latest minus first published.",
                 ("indicator_id", "period"), published.revisions),
        Resource("returns-received", "Returns received",
                 "Whether each council's quarterly return had been received by the release's "
                 "date, and whether on time.", ("authority_code", "period"), published.returns),
        Resource("themes", "Themes", "Each theme's commitments, milestones and indicators "
                 "by status.", ("id",), published.themes),
        Resource("commitments", "Commitments' statuses", "Each commitment's status and why.",
                 ("id",), published.commitments),
        Resource("milestones", "Milestones' statuses", "Each milestone's due date, completion "
                 "and status.", ("id",), published.milestones),
        Resource("indicators", "Indicators' statuses", "Each indicator's latest quarter, "
                 "figure, trajectory and status.", ("id",), published.indicators),
    ]  # fmt: skip


def files(published: Published, as_at: dt.date, title: str, demo: bool) -> dict[str, bytes]:
    """``{"data/name.csv": bytes, …, "data/datapackage.json": bytes}``."""
    out, described = {}, []
    for resource in resources(published):
        out[f"data/{resource.path}"] = _csv(resource.frame)
        described.append(_describe(resource))
    package = {
        "profile": "data-package",
        "name": f"stem-strategy-release-{as_at.isoformat()}",
        "title": f"{title}: release as at {as_at.isoformat()}" + (" (demo data)" if demo else ""),
        "description": "Figures as known on the release's date, with disclosure control: "
        "[c] confidential (suppressed), [x] not available (no return received), "
        "[z] not applicable (a breakdown the indicator does not collect)."
        + (" DEMO DATA: invented figures, not official statistics." if demo else ""),
        "version": as_at.isoformat(),
        "resources": described,
    }
    text = json.dumps(package, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    out["data/datapackage.json"] = text.encode("utf-8")
    return out


def _csv(frame: pd.DataFrame) -> bytes:
    plain = frame.copy()
    for column in plain.columns:
        if plain[column].dtype == bool or str(plain[column].dtype) == "boolean":
            plain[column] = plain[column].map({True: "true", False: "false"})
    return plain.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode("utf-8")


def _describe(resource: Resource) -> dict:
    return {
        "profile": "tabular-data-resource",
        "name": resource.name,
        "path": resource.path,
        "title": resource.title,
        "description": resource.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [_field(resource.frame, c) for c in resource.frame.columns],
            "missingValues": _MISSING,
            "primaryKey": list(resource.primary_key),
        },
    }


def _field(frame: pd.DataFrame, column: str) -> dict:
    return {"name": column, "type": _type(frame[column], column)}


def _type(values: pd.Series, column: str) -> str:
    if column in _NUMBER_TEXT:
        return "number"
    kind = str(values.dtype)
    if kind in ("bool", "boolean"):
        return "boolean"
    if kind.startswith(("int", "Int")):
        return "integer"
    if kind.startswith("float"):
        return "number"
    present = values.dropna()
    if not present.empty and all(isinstance(v, dt.date) for v in present):
        return "date"
    return "string"
