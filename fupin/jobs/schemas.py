from datetime import datetime

from ninja import Schema


class JobOut(Schema):
    id: int
    kind: str
    status: str
    total: int
    done: int
    percent: int
    message: str
    created_at: datetime
    finished_at: datetime | None
