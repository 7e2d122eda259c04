"""National code tables of the registry (2016 national system lists; bracketed comments give
the 2023 national dictionary ids). Values are the national codes where one exists, so
imports and exports round-trip; labels are the official Chinese terms.

These are constants (DOMAIN §13): they change only by a data migration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "1", _("男")
    FEMALE = "2", _("女")


class Relation(models.TextChoices):
    """与户主关系 [1010]."""

    HEAD = "01", _("户主")
    SPOUSE = "02", _("配偶")
    SON = "03", _("之子")
    DAUGHTER = "04", _("之女")
    DAUGHTER_IN_LAW = "05", _("之儿媳")
    SON_IN_LAW = "06", _("之女婿")
    GRANDSON = "07", _("之孙子")
    GRANDDAUGHTER = "08", _("之孙女")
    DAUGHTERS_SON = "09", _("之外孙子")
    DAUGHTERS_DAUGHTER = "10", _("之外孙女")
    FATHER = "11", _("之父")
    MOTHER = "12", _("之母")
    WIFES_FATHER = "13", _("之岳父")
    WIFES_MOTHER = "14", _("之岳母")
    HUSBANDS_FATHER = "15", _("之公公")
    HUSBANDS_MOTHER = "16", _("之婆婆")
    GRANDFATHER = "17", _("之祖父")
    GRANDMOTHER = "18", _("之祖母")
    MOTHERS_FATHER = "19", _("之外祖父")
    MOTHERS_MOTHER = "20", _("之外祖母")
    OTHER = "99", _("其他")


class PoliticalStatus(models.TextChoices):
    """政治面貌 [100A10] (GB/T 4762)."""

    PARTY_MEMBER = "01", _("中共党员")
    PROBATIONARY_PARTY_MEMBER = "02", _("中共预备党员")
    LEAGUE_MEMBER = "03", _("共青团员")
    DEMOCRATIC_PARTY = "04", _("民主党派成员")
    NON_PARTISAN = "12", _("无党派人士")
    MASSES = "13", _("群众")


class DropoutReason(models.TextChoices):
    """失辍学原因."""

    ILLNESS = "1", _("因病")
    DISABILITY = "2", _("因残")
    WEARINESS = "3", _("厌学")
    OTHER = "9", _("其他")


class Education(models.TextChoices):
    """文化程度 [100A11]."""

    ILLITERATE = "01", _("文盲或半文盲")
    PRIMARY = "02", _("小学")
    JUNIOR = "03", _("初中")
    SENIOR = "04", _("高中")
    COLLEGE = "05", _("大专及以上")
    PRESCHOOL = "06", _("学龄前儿童")


class Schooling(models.TextChoices):
    """在校生状况 [100A12]."""

    NOT_IN_SCHOOL = "01", _("非在校生")
    PRESCHOOL = "02", _("学前教育")
    PRIMARY = "03", _("小学")
    GRADE_7 = "04", _("七年级")
    GRADE_8 = "05", _("八年级")
    GRADE_9 = "06", _("九年级")
    SENIOR_1 = "07", _("高中一年级")
    SENIOR_2 = "08", _("高中二年级")
    SENIOR_3 = "09", _("高中三年级")
    VOCATIONAL_1 = "10", _("中职一年级")
    VOCATIONAL_2 = "11", _("中职二年级")
    VOCATIONAL_3 = "12", _("中职三年级")
    HIGHER_VOCATIONAL_1 = "13", _("高职一年级")
    HIGHER_VOCATIONAL_2 = "14", _("高职二年级")
    HIGHER_VOCATIONAL_3 = "15", _("高职三年级")
    COLLEGE = "16", _("大专及以上")


class Health(models.TextChoices):
    """健康状况 [100A13]."""

    HEALTHY = "01", _("健康")
    CHRONIC = "02", _("长期慢性病")
    SERIOUS_ILLNESS = "03", _("患有大病")
    DISABLED = "04", _("残疾")


class LaborSkill(models.TextChoices):
    """劳动技能 [100A14] (2019 list, with 弱劳动力或半劳动力)."""

    ORDINARY = "01", _("普通劳动力")
    SKILLED = "02", _("技能劳动力")
    LOST = "03", _("丧失劳动力")
    NONE = "04", _("无劳动力")
    WEAK = "05", _("弱劳动力或半劳动力")


class MigrantWork(models.TextChoices):
    """务工状况."""

    NONE = "00", _("未务工")
    IN_TOWNSHIP = "01", _("乡(镇)内务工")
    IN_COUNTY = "02", _("乡(镇)外县内务工")
    IN_PROVINCE = "03", _("县外省内务工")
    OUT_OF_PROVINCE = "04", _("省外务工")
    OTHER = "99", _("其他")


class Ethnicity(models.TextChoices):
    """民族 [100A09]: GB/T 3304 codes."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BUYI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SHUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EVENK = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    GIN = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")
    OTHER = "99", _("其他")


class IdentificationStandard(models.TextChoices):
    """识别标准."""

    NATIONAL = "1", _("国家标准")
    PROVINCIAL = "2", _("省定标准")
    MUNICIPAL = "3", _("市定标准")


class PovertyAttribute(models.TextChoices):
    """贫困户属性 (2019 list)."""

    ORDINARY = "1", _("一般贫困户")
    DIBAO = "2", _("低保贫困户")
    TEKUN = "3", _("特困供养贫困户")


class PovertyCause(models.TextChoices):
    """致贫原因 (2016 list with the common variants 因婚, 因丧)."""

    ILLNESS = "01", _("因病")
    DISABILITY = "02", _("因残")
    SCHOOLING = "03", _("因学")
    DISASTER = "04", _("因灾")
    LACK_OF_LAND = "05", _("缺土地")
    LACK_OF_WATER = "06", _("缺水")
    LACK_OF_SKILLS = "07", _("缺技术")
    LACK_OF_LABOR = "08", _("缺劳力")
    LACK_OF_FUNDS = "09", _("缺资金")
    POOR_TRANSPORT = "10", _("交通条件落后")
    LACK_OF_MOTIVATION = "11", _("自身发展动力不足")
    MARRIAGE = "12", _("因婚")
    FUNERAL = "13", _("因丧")
    OTHER = "99", _("其它")


class HouseholdType(models.TextChoices):
    """户类型 [100A03]."""

    POOR = "poor", _("贫困户")
    EXITED = "exited", _("脱贫户")
    MONITORED = "monitored", _("监测户")
    ORDINARY = "ordinary", _("一般户")


class MonitoringCategory(models.TextChoices):
    """监测对象类别 (2021+)."""

    UNSTABLE_EXITED = "unstable_exited", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    SUDDEN_HARDSHIP = "sudden_hardship", _("突发严重困难户")


class RiskType(models.TextChoices):
    """致贫/返贫风险 [100A27]; a household has at most five."""

    ILLNESS = "1", _("因病")
    SCHOOLING = "2", _("因学")
    DISABILITY = "3", _("因残")
    NATURAL_DISASTER = "4", _("因自然灾害")
    ACCIDENT = "5", _("因意外事故")
    FAILED_INDUSTRY = "6", _("因产业项目失败")
    UNSTABLE_EMPLOYMENT = "7", _("因务工就业不稳")
    LACK_OF_LABOR = "8", _("缺劳动力")
    OTHER = "9", _("其他")


class EliminationMethod(models.TextChoices):
    """风险消除方式."""

    ASSISTED = "assisted", _("帮扶消除")
    NATURAL = "natural", _("自然消除")


class RemovalReason(models.TextChoices):
    """Why a member or household left the registry (自然减少/注销)."""

    DEATH = "death", _("死亡")
    MIGRATION = "migration", _("户籍迁出")
    MARRIAGE = "marriage", _("婚嫁迁出")
    MILITARY = "military", _("参军")
    OTHER = "other", _("其他")


class HousingGrade(models.TextChoices):
    """危房等级 (《农村危险房屋鉴定技术导则(试行)》)."""

    A = "A", _("A 级（安全）")
    B = "B", _("B 级（基本安全）")
    C = "C", _("C 级（局部危房）")
    D = "D", _("D 级（整幢危房）")


class HousingStructure(models.TextChoices):
    """房屋主要结构."""

    REINFORCED_CONCRETE = "1", _("钢筋混凝土")
    BRICK_CONCRETE = "2", _("砖混")
    BRICK_WOOD = "3", _("砖瓦砖木")
    STONE_CAVE = "4", _("砖石窑洞")
    EARTH = "5", _("竹草土坯土窑洞")
    OTHER = "9", _("其他")


class RoadType(models.TextChoices):
    """入户路类型."""

    DIRT = "1", _("泥土路")
    GRAVEL = "2", _("沙石路")
    PAVED = "3", _("硬化路")
    OTHER = "9", _("其他")


class WaterStandard(models.TextChoices):
    """Which drinking-water standard the assessment applied (DOMAIN §4.5)."""

    STANDARD_2004 = "2004", _("2004 年评价指标体系")
    STANDARD_2018 = "2018", _("2018 年评价准则")


class Fuel(models.TextChoices):
    """主要燃料."""

    FIREWOOD = "01", _("柴草")
    COAL = "02", _("煤炭")
    BOTTLED_GAS = "03", _("罐装液化气")
    PIPED_LPG = "04", _("管道液化气")
    PIPED_COAL_GAS = "05", _("管道煤气")
    NATURAL_GAS = "06", _("管道天然气")
    ELECTRICITY = "07", _("电")
    FUEL_OIL = "08", _("燃料用油")
    BIOGAS = "09", _("沼气")
    OTHER = "10", _("其他")
    NO_COOKING = "11", _("无炊用行为")
