"""The questionnaires that ship with the product, as data: the 2023 防返贫摸排 form's checks
(DOMAIN §4.7: 三保障和饮水安全, 致贫/返贫风险, 帮扶措施). Seeded by migration; provinces add
their own (四看, 五聚焦五清零) as rows of the same tables."""

from typing import Any

MOPAI_2023_CODE = "mopai-2023"

MOPAI_2023: dict[str, Any] = {
    "code": MOPAI_2023_CODE,
    "name": "2023年防止返贫监测集中摸排问卷",
    "source": "全国防返贫监测信息采集表（2023），监测户_三保障和饮水安全 等表",
    "questions": [
        {
            "code": "housing_unsafe",
            "text": "是否住房出现安全问题",
            "answer_type": "yes_no",
            "bad_answers": ["yes"],
            "problem_category": "three_guarantees",
            "problem_title": "住房出现安全问题",
        },
        {
            "code": "school_dropout",
            "text": "是否义务教育阶段适龄儿童少年失学辍学",
            "answer_type": "yes_no",
            "bad_answers": ["yes"],
            "problem_category": "three_guarantees",
            "problem_title": "义务教育阶段适龄儿童少年失学辍学",
        },
        {
            "code": "water_unsafe",
            "text": "是否饮水出现安全问题",
            "answer_type": "yes_no",
            "bad_answers": ["yes"],
            "problem_category": "three_guarantees",
            "problem_title": "饮水出现安全问题",
        },
        {
            "code": "medical_uninsured",
            "text": "是否有家庭成员未参加城乡居民（职工）基本医疗保险",
            "answer_type": "yes_no",
            "bad_answers": ["yes"],
            "problem_category": "three_guarantees",
            "problem_title": "家庭成员未参加基本医疗保险",
        },
        {
            "code": "main_risk",
            "text": "家庭当前主要致贫返贫风险",
            "answer_type": "choice",
            "choices": [
                "无明显风险",
                "因病",
                "因残",
                "因学",
                "因灾",
                "因意外",
                "因务工就业不稳",
                "其他",
            ],
            "bad_answers": ["因病", "因残", "因学", "因灾", "因意外", "因务工就业不稳", "其他"],
            "problem_category": "monitoring",
            "problem_title": "存在致贫返贫风险，须核实是否纳入监测",
        },
        {
            "code": "measures_in_place",
            "text": "是否落实开发式帮扶措施",
            "answer_type": "yes_no",
            "bad_answers": ["no"],
            "problem_category": "monitoring",
            "problem_title": "开发式帮扶措施未落实",
        },
        {
            "code": "other_notes",
            "text": "其他需要说明的情况",
            "answer_type": "text",
            "is_required": False,
        },
    ],
}

SHIPPED = (MOPAI_2023,)


def seed_questionnaires(questionnaire_model: Any, question_model: Any) -> None:
    """Write the shipped questionnaires (idempotent; models passed in so a migration can
    use its historical ones)."""
    for definition in SHIPPED:
        questionnaire, _created = questionnaire_model.objects.update_or_create(
            code=definition["code"],
            defaults={"name": definition["name"], "source": definition["source"]},
        )
        for position, question in enumerate(definition["questions"], start=1):
            question_model.objects.update_or_create(
                questionnaire=questionnaire,
                code=question["code"],
                defaults={
                    "position": position,
                    "text": question["text"],
                    "answer_type": question["answer_type"],
                    "choices": question.get("choices", []),
                    "is_required": question.get("is_required", True),
                    "bad_answers": question.get("bad_answers", []),
                    "problem_category": question.get("problem_category", ""),
                    "problem_title": question.get("problem_title", ""),
                },
            )
