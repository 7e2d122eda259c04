from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None
    table_year: int
