import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.assessment import selectors
from fupin.assessment.management.commands.assess import parse_rule_set
from fupin.assessment.rules import definition, engine, facts, simulation
from fupin.assessment.services import assessment_evaluate
from fupin.core.errors import ApplicationError
from fupin.core.spreadsheets import frame_csv

DEFAULT_RULE_SET_FILE = Path(definition.__file__).with_name(definition.DEFAULT_RULE_SET_FILE)


def parse_params(pairs: list[str]) -> dict[str, float]:
    """`NAME=VALUE` pairs from the command line."""
    params: dict[str, float] = {}
    for pair in pairs:
        name, separator, raw = pair.partition("=")
        try:
            params[name.strip()] = float(raw)
        except ValueError:
            separator = ""
        if not separator:
            raise CommandError(
                f"参数应写作 名称=数值，例如 monitoring_line=8600，而不是 {pair!r}。"
            )
    return params


def _require_parameters(
    rule_set: definition.RuleSet,
    params: dict[str, Any],
    records: list[dict[str, Any]],
    *,
    region: str | None,
) -> None:
    """Refuse, naming the years and regions, when a parameter set per region and year (监测
    范围, 扶贫标准) has no value: the engine never decides on an example value."""
    missing = [
        name
        for name, spec in rule_set.parameters.items()
        if spec.is_set_per_year and name not in params
    ]
    if not missing:
        return
    years = sorted({str(record.get("year", "")) for record in records} - {""})
    regions = (
        [region] if region else sorted({str(record.get("region_code", "")) for record in records})
    )
    labels = "、".join(f"{rule_set.parameters[name].label_or(name)}（{name}）" for name in missing)
    shown_regions = "、".join(regions[:3]) + ("等" if len(regions) > 3 else "")
    raise CommandError(
        f"{'、'.join(years) or '未知'} 年、区划 {shown_regions or '未知'} 没有{labels}的取值，"
        f"不能评估：请用 --region 读取数据库中该区划该年度的政策参数，"
        f"或用 --param {missing[0]}=数值 指定。"
    )


class Command(BaseCommand):
    help = (
        "测试和模拟规则：evaluate 对事实文件逐户输出评估结果（无需数据库）；"
        "simulate 比较参数调整前后的结果。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        actions = parser.add_subparsers(dest="action", required=True)
        evaluate = actions.add_parser(
            "evaluate", help="逐户评估事实文件（JSON Lines），每行输出一个结果"
        )
        evaluate.add_argument(
            "--facts", required=True, help="事实文件，每行一个 JSON 对象；- 表示标准输入"
        )
        evaluate.add_argument(
            "--rule-set", help="数据库中的规则集 代码@版本（不填则用随产品发布的国家基线）"
        )
        evaluate.add_argument("--rule-set-file", help="规则集 JSON 文件")
        evaluate.add_argument("--year", type=int, help="年度（事实中没有 year 时使用）")
        evaluate.add_argument("--region", help="按该区划在数据库中设置的政策参数评估")
        evaluate.add_argument("--param", action="append", default=[], help="覆盖参数 名称=数值")
        simulate = actions.add_parser(
            "simulate", help="在数据库中的一个区划上模拟参数调整（不保存）"
        )
        simulate.add_argument("--region", required=True)
        simulate.add_argument("--year", required=True, type=int)
        simulate.add_argument("--rule-set", default="national-baseline")
        simulate.add_argument("--param", action="append", default=[], required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "evaluate":
                self._evaluate(options)
            else:
                self._simulate(options)
        except (ApplicationError, definition.RuleSetError) as error:
            raise CommandError(str(getattr(error, "message", error))) from error

    def _rule_set(self, options: dict[str, Any]) -> definition.RuleSet:
        if options.get("rule_set_file"):
            path = Path(options["rule_set_file"])
            return definition.from_dict(json.loads(path.read_text(encoding="utf-8")))
        if options.get("rule_set"):
            code, version = parse_rule_set(options["rule_set"])
            record = selectors.rule_set_get(code=code, version=version)
            return definition.from_dict(record.definition)
        return definition.from_dict(json.loads(DEFAULT_RULE_SET_FILE.read_text(encoding="utf-8")))

    def _evaluate(self, options: dict[str, Any]) -> None:
        rule_set = self._rule_set(options)
        if options["facts"] == "-":
            lines = sys.stdin.read().splitlines()
        else:
            lines = Path(options["facts"]).read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        for record in records:
            if "year" not in record and options["year"]:
                record["year"] = options["year"]
        params: dict[str, Any] = {}
        if options["region"]:
            year = options["year"] or int(records[0].get("year", 0)) if records else 0
            params.update(
                {
                    name: float(value)
                    for name, value in selectors.policy_parameters(
                        region_code=options["region"], year=year
                    ).items()
                    if name in rule_set.parameters
                }
            )
        params.update(parse_params(options["param"]))
        _require_parameters(rule_set, params, records, region=options["region"])
        for outcome in engine.explain(rule_set, facts.facts_frame(records), params):
            self.stdout.write(json.dumps(outcome, ensure_ascii=False))

    def _simulate(self, options: dict[str, Any]) -> None:
        code, version = parse_rule_set(options["rule_set"])
        rule_set = definition.from_dict(
            selectors.rule_set_get(code=code, version=version).definition
        )
        overrides = parse_params(options["param"])
        household_facts, before, _used = assessment_evaluate(
            rule_set=rule_set, region_code=options["region"], year=options["year"]
        )
        _facts, after, _used = assessment_evaluate(
            rule_set=rule_set,
            region_code=options["region"],
            year=options["year"],
            overrides=overrides,
        )
        summary = simulation.compare(before, after, household_facts, group_by=["town"])
        self.stdout.write(frame_csv(summary))
