# ruff: noqa: N999 - the command is `fupin import`, so the module must be import.py
"""`fupin import KIND FILE [--dry-run]`: validate a ledger file and, without --dry-run,
apply it to the registry (all or nothing, idempotent). KIND is members, income or
conditions. The web upload's size limit does not apply here."""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fupin.core.errors import ApplicationError
from fupin.core.progress import TerminalProgress
from fupin.core.scope import RegionScope
from fupin.imports.declarations import Template
from fupin.imports.kinds import KINDS, TEMPLATES
from fupin.imports.ledgers import Counts, apply_rows, counts_message, preview_counts
from fupin.imports.parsing import ImportFileError
from fupin.imports.streaming import validated_file
from fupin.imports.validation import ValidationResult
from fupin.imports.workbooks import error_workbook

EXIT_VALIDATION_ERRORS = 2
EXIT_FAILURE = 1
ERRORS_SHOWN = 50
# A lost connection or a failing server: the transaction rolled back, so nothing was written.
_NOT_WRITTEN = _lazy("写入失败，未写入任何数据。请稍后重试；仍然失败请联系系统管理员。")


class Command(BaseCommand):
    help = _(
        "校验并导入台账文件（全部成功或全部不写入；重复导入同一文件不会改变数据）。"
        "加 --dry-run 只校验。退出码：0 成功，2 有校验错误，1 其他失败。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(TEMPLATES), help=_("台账种类"))
        parser.add_argument("file", type=Path, help=_("xlsx、xls 或 csv 文件"))
        parser.add_argument("--dry-run", action="store_true", help=_("只校验，不写入"))
        parser.add_argument("--errors-to", type=Path, help=_("把错误工作簿写到此文件"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出结果"))
        parser.add_argument("--region", default="", help=_("只接受此区划代码之内的行（默认全国）"))
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args: Any, **options: Any) -> None:
        template = TEMPLATES[options["kind"]]
        path: Path = options["file"]
        bar = TerminalProgress(unit=_("步"), disable=options["no_progress"])
        self._summary_written = False
        try:
            self._run(template, path, bar, options)
        except CommandError as error:
            # Scripts that read --json get JSON whatever went wrong.
            if options["json"] and not self._summary_written:
                failure = {"error": str(error), "exit_code": error.returncode}
                self.stdout.write(json.dumps(failure, ensure_ascii=False))
            raise
        finally:
            bar.close()

    def _run(
        self, template: Template, path: Path, bar: TerminalProgress, options: dict[str, Any]
    ) -> None:
        # Steps: reading, then each chunk of households validated, then each chunk applied.
        chunks = 1

        def validating(done: int, total: int) -> None:
            nonlocal chunks
            chunks = total
            bar(done=1 + done, total=1 + 2 * chunks, message=_("校验数据"))

        def applying(done: int, total: int) -> None:
            bar(done=1 + chunks + done, total=1 + 2 * chunks, message=_("写入台账"))

        bar(done=0, total=1 + 2 * chunks, message=_("读取文件"))
        try:
            with validated_file(
                path,
                path.name,
                KINDS[template.kind],
                scope_prefix=options["region"],
                max_bytes=sys.maxsize,
                progress=validating,
            ) as streamed:
                result = streamed.result
                if options["errors_to"] and result.errors:
                    options["errors_to"].write_bytes(
                        error_workbook(streamed.error_rows(), result.errors)
                    )
                counts: Counts | None = None
                if not result.errors and result.summary.valid_rows:
                    bar(done=1 + chunks, total=1 + 2 * chunks, message=_("写入台账"))
                    counts = self._apply(
                        template,
                        result,
                        region=options["region"],
                        dry_run=options["dry_run"],
                        progress=applying,
                    )
        except FileNotFoundError:
            raise CommandError(
                _("找不到文件 %(path)s。") % {"path": path}, returncode=EXIT_FAILURE
            ) from None
        except ImportFileError as error:
            raise CommandError(error.message, returncode=EXIT_FAILURE) from None
        except DatabaseError:
            raise CommandError(str(_NOT_WRITTEN), returncode=EXIT_FAILURE) from None
        bar(done=1 + 2 * chunks, total=1 + 2 * chunks, message=_("完成"))
        if options["json"]:
            self.stdout.write(
                json.dumps(_as_json(result, counts, dry_run=options["dry_run"]), ensure_ascii=False)
            )
            self._summary_written = True
        else:
            self._write_summary(result, errors_to=options["errors_to"])
            if counts is not None:
                prefix = _("预计（未写入）：") if options["dry_run"] else _("已导入：")
                self.stdout.write(prefix + counts_message(template, counts))
        if result.errors:
            raise CommandError(
                _("有 %(count)d 行未通过校验，未写入任何数据。")
                % {"count": result.summary.invalid_rows},
                returncode=EXIT_VALIDATION_ERRORS,
            )

    def _apply(
        self,
        template: Template,
        result: ValidationResult,
        *,
        region: str,
        dry_run: bool,
        progress: Callable[[int, int], None],
    ) -> Counts:
        scope = RegionScope.for_command(region)
        write = preview_counts if dry_run else apply_rows
        try:
            return write(
                template, actor=None, scope=scope, rows=result.valid_chunks, progress=progress
            )
        except ApplicationError as error:
            raise CommandError(error.message, returncode=EXIT_FAILURE) from None

    def _write_summary(self, result: ValidationResult, *, errors_to: Path | None) -> None:
        summary = result.summary
        self.stdout.write(
            _("共 %(rows)d 行、%(households)d 户；通过 %(valid)d 行，有错误 %(invalid)d 行。")
            % {
                "rows": summary.rows,
                "households": summary.households,
                "valid": summary.valid_rows,
                "invalid": summary.invalid_rows,
            }
        )
        if result.ignored_headers:
            self.stdout.write(
                _("未识别、已忽略的列：%(headers)s")
                % {"headers": "、".join(result.ignored_headers)}
            )
        for error in result.errors[:ERRORS_SHOWN]:
            self.stdout.write(
                _("第 %(row)d 行 %(field)s：%(message)s")
                % {"row": error.row_number, "field": error.field, "message": error.message}
            )
        if len(result.errors) > ERRORS_SHOWN:
            self.stdout.write(
                _("……另有 %(count)d 条错误。") % {"count": len(result.errors) - ERRORS_SHOWN}
            )
        if errors_to and result.errors:
            self.stdout.write(_("错误工作簿已写到 %(path)s。") % {"path": errors_to})


def _as_json(result: ValidationResult, counts: Counts | None, *, dry_run: bool) -> dict[str, Any]:
    summary = result.summary
    data: dict[str, Any] = {
        "rows": summary.rows,
        "households": summary.households,
        "valid_rows": summary.valid_rows,
        "invalid_rows": summary.invalid_rows,
        "ignored_headers": list(result.ignored_headers),
        "errors": [
            {"row": error.row_number, "field": error.field, "message": error.message}
            for error in result.errors[:ERRORS_SHOWN]
        ],
    }
    if counts is not None:
        data["preview" if dry_run else "applied"] = counts
    return data
