"""Progress reporting shared by jobs (a row polled by the page) and commands (a bar)."""

from typing import Never, Protocol

from tqdm import tqdm


class ProgressCallback(Protocol):
    def __call__(self, *, done: int, total: int, message: str) -> None: ...


def no_progress(*, done: int, total: int, message: str) -> None:
    """A callback for callers that do not show progress."""


class TerminalProgress:
    """A progress bar on standard error for management commands."""

    def __init__(self, *, unit: str, disable: bool = False) -> None:
        self._bar: tqdm[Never] | None = None
        self._unit = unit
        self._disable = disable

    def __call__(self, *, done: int, total: int, message: str) -> None:
        bar = self._bar
        if bar is None:
            bar = self._bar = tqdm(total=total, unit=self._unit, disable=self._disable)
        bar.total = total
        bar.set_description_str(message)
        bar.update(done - bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
