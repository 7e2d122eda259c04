from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from fupin.assessment.synthetic import synthetic_parameters_set


class Command(BaseCommand):
    help = (
        "为模拟县写入生成模拟数据时假定的监测范围和扶贫标准（标注为假定值，不是政策文件），"
        "以便演示和压力测试可以评估。例如：fupin set_synthetic_parameters --region 220122"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--region", required=True, help="模拟县的区划代码")

    def handle(self, *args: Any, **options: Any) -> None:
        written = synthetic_parameters_set(region_code=options["region"])
        self.stdout.write(f"已写入区划 {options['region']} 的假定参数 {written} 项。")
