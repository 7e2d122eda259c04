"""The rule condition language: tokenizer, recursive-descent parser, AST and checker.

Rule text is data typed by policy staff, so it is parsed into dataclasses and never handed
to `eval`, `exec`, `compile` or `ast.literal_eval`. The grammar (lowest precedence first):

    condition   := or_expr EOF
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := not_expr ("and" not_expr)*
    not_expr    := "not" not_expr | comparison
    comparison  := additive [ compare_op additive
                            | ["not"] "in" (additive | list_literal)
                            | "is" ["not"] "null" ]
    additive    := product (("+" | "-") product)*
    product     := unary (("*" | "/") unary)*
    unary       := "-" unary | primary
    primary     := NUMBER | STRING | "true" | "false" | "null" | "param" "." NAME
                 | NAME | NAME "(" [condition_expr ("," condition_expr)*] ")" | "(" or_expr ")"
    list_literal:= "[" [literal ("," literal)*] "]"

Comparisons do not chain (`a < b < c` is an error) so that a rule reads exactly one way.
`docs/rules/language.md` is the user-facing description of the same grammar.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

PARAMETER_PREFIX = "param"
# Limits keep every recursive walk (parser, checker, compiler) far below Python's recursion
# limit, so hostile or runaway text gets a RuleSyntaxError, never a RecursionError.
MAX_TOKENS = 400
MAX_NESTING = 32
KEYWORDS = frozenset({"and", "or", "not", "in", "is", "null", "true", "false"})
COMPARISON_OPERATORS = frozenset({"<", "<=", ">", ">=", "==", "!="})
ARITHMETIC_OPERATORS = frozenset({"+", "-", "*", "/"})
# name -> (minimum, maximum) number of arguments; None = no upper bound.
FUNCTION_ARITY: Mapping[str, tuple[int, int | None]] = {
    "len": (1, 1),
    "min": (2, 2),
    "max": (2, 2),
    "months_between": (2, 2),
    "any_true": (1, None),
    "count_true": (1, None),
    "coalesce": (2, 2),
}


class RuleSyntaxError(ValueError):
    """A condition that cannot be parsed; `message_zh` carries line and column."""

    def __init__(self, message_zh: str, position: int, *, line: int = 1, column: int = 1) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.position = position
        self.line = line
        self.column = column


def line_and_column(text: str, position: int) -> tuple[int, int]:
    """Return the 1-based line and column of a 0-based character offset."""
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    return line, column


def located_message(text: str, position: int, detail: str) -> str:
    """Prefix a Chinese message with the line and column of `position` in `text`."""
    line, column = line_and_column(text, position)
    return f"第 {line} 行第 {column} 列：{detail}"


def _syntax_error(text: str, position: int, detail: str) -> RuleSyntaxError:
    line, column = line_and_column(text, position)
    return RuleSyntaxError(
        located_message(text, position, detail), position, line=line, column=column
    )


# --- tokens ---------------------------------------------------------------------------------


class TokenKind(enum.Enum):
    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    KEYWORD = "keyword"
    OPERATOR = "operator"
    LEFT_PAREN = "("
    RIGHT_PAREN = ")"
    LEFT_BRACKET = "["
    RIGHT_BRACKET = "]"
    COMMA = ","
    DOT = "."
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    position: int
    value: int | float | str | None = None


_PUNCTUATION = {
    "(": TokenKind.LEFT_PAREN,
    ")": TokenKind.RIGHT_PAREN,
    "[": TokenKind.LEFT_BRACKET,
    "]": TokenKind.RIGHT_BRACKET,
    ",": TokenKind.COMMA,
    ".": TokenKind.DOT,
}
# Operators people type from other languages, with the spelling this language wants.
_FOREIGN_OPERATORS = {
    "&&": "and",
    "||": "or",
    "&": "and",
    "|": "or",
    "!": "not",
    "=": "==",
    "<>": "!=",
    "===": "==",
}
_UNKNOWN_OPERATOR_CHARACTERS = frozenset("%^~@$`;:?#\\{}")


def _is_name_start(character: str) -> bool:
    return character == "_" or ("a" <= character <= "z") or ("A" <= character <= "Z")


def _is_name_part(character: str) -> bool:
    return _is_name_start(character) or (character.isdigit() and character.isascii())


def tokenize(text: str) -> list[Token]:
    """Split condition text into tokens, ending with an END token."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        if text[index] in " \t\r\n":
            index += 1
            continue
        token, index = _scan_token(text, index)
        tokens.append(token)
    tokens.append(Token(TokenKind.END, "", len(text)))
    return tokens


def _scan_token(text: str, start: int) -> tuple[Token, int]:
    """Return the token starting at `start` and the offset just after it."""
    character = text[start]
    if character.isascii() and character.isdigit():
        end = _scan_number(text, start)
        literal = text[start:end]
        number: int | float = float(literal) if "." in literal else int(literal)
        return Token(TokenKind.NUMBER, literal, start, number), end
    if character == '"':
        end, value = _scan_string(text, start)
        return Token(TokenKind.STRING, text[start:end], start, value), end
    if _is_name_start(character):
        end = start
        while end < len(text) and _is_name_part(text[end]):
            end += 1
        word = text[start:end]
        kind = TokenKind.KEYWORD if word in KEYWORDS else TokenKind.NAME
        return Token(kind, word, start), end
    return _scan_symbol(text, start)


def _scan_symbol(text: str, start: int) -> tuple[Token, int]:
    if text.startswith("===", start):
        raise _syntax_error(text, start, "未知运算符“===”，相等比较请写“==”")
    two = text[start : start + 2]
    if two in {"<=", ">=", "==", "!="}:
        return Token(TokenKind.OPERATOR, two, start), start + 2
    if two in _FOREIGN_OPERATORS:
        raise _syntax_error(text, start, f"未知运算符“{two}”，请写“{_FOREIGN_OPERATORS[two]}”")
    character = text[start]
    if character in "<>+-*/":
        return Token(TokenKind.OPERATOR, character, start), start + 1
    if character in _PUNCTUATION:
        return Token(_PUNCTUATION[character], character, start), start + 1
    if character in _FOREIGN_OPERATORS:
        spelling = _FOREIGN_OPERATORS[character]
        raise _syntax_error(text, start, f"未知运算符“{character}”，请写“{spelling}”")
    if character in _UNKNOWN_OPERATOR_CHARACTERS:
        raise _syntax_error(text, start, f"未知运算符“{character}”")
    if character == "'":
        raise _syntax_error(text, start, "字符串请用英文双引号括起")
    raise _syntax_error(text, start, f"无法识别的字符“{character}”")


def _scan_number(text: str, index: int) -> int:
    start = index
    while index < len(text) and text[index].isascii() and text[index].isdigit():
        index += 1
    if index < len(text) and text[index] == ".":
        fraction_start = index + 1
        index = fraction_start
        while index < len(text) and text[index].isascii() and text[index].isdigit():
            index += 1
        if index == fraction_start:
            raise _syntax_error(text, start, "数字的小数点后缺少数字")
    if index < len(text) and _is_name_start(text[index]):
        raise _syntax_error(text, start, f"无效的数字“{text[start : index + 1]}”")
    return index


def _scan_string(text: str, index: int) -> tuple[int, str]:
    start = index
    index += 1
    characters: list[str] = []
    while index < len(text):
        character = text[index]
        if character == '"':
            return index + 1, "".join(characters)
        if character == "\n":
            break
        if character == "\\":
            following = text[index + 1 : index + 2]
            if following not in {'"', "\\"}:
                raise _syntax_error(text, index, '字符串中只允许 \\" 和 \\\\ 两种转义')
            characters.append(following)
            index += 2
            continue
        characters.append(character)
        index += 1
    raise _syntax_error(text, start, "字符串缺少结束的双引号")


# --- AST ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    value: int | float
    position: int


@dataclass(frozen=True, slots=True)
class StringLiteral:
    value: str
    position: int


@dataclass(frozen=True, slots=True)
class BooleanLiteral:
    value: bool
    position: int


@dataclass(frozen=True, slots=True)
class NullLiteral:
    position: int


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[NumberLiteral | StringLiteral, ...]
    position: int


@dataclass(frozen=True, slots=True)
class FactReference:
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class ParameterReference:
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Negation:
    """Arithmetic minus (`-x`)."""

    operand: Expression
    position: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expression
    position: int


@dataclass(frozen=True, slots=True)
class Arithmetic:
    operator: str
    left: Expression
    right: Expression
    position: int


@dataclass(frozen=True, slots=True)
class Comparison:
    operator: str
    left: Expression
    right: Expression
    position: int


@dataclass(frozen=True, slots=True)
class Logical:
    operator: str  # "and" | "or"
    left: Expression
    right: Expression
    position: int


@dataclass(frozen=True, slots=True)
class Membership:
    item: Expression
    container: Expression
    negated: bool
    position: int


@dataclass(frozen=True, slots=True)
class NullCheck:
    operand: Expression
    negated: bool
    position: int


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    arguments: tuple[Expression, ...]
    position: int


Expression = (
    NumberLiteral
    | StringLiteral
    | BooleanLiteral
    | NullLiteral
    | ListLiteral
    | FactReference
    | ParameterReference
    | Negation
    | Not
    | Arithmetic
    | Comparison
    | Logical
    | Membership
    | NullCheck
    | Call
)


def children(node: Expression) -> tuple[Expression, ...]:  # noqa: PLR0911 - one case per node
    """Return the direct sub-expressions of `node`."""
    match node:
        case Negation(operand=operand) | Not(operand=operand) | NullCheck(operand=operand):
            return (operand,)
        case Arithmetic(left=left, right=right) | Comparison(left=left, right=right):
            return (left, right)
        case Logical(left=left, right=right):
            return (left, right)
        case Membership(item=item, container=container):
            return (item, container)
        case Call(arguments=arguments):
            return arguments
        case ListLiteral(items=items):
            return items
        case _:
            return ()


def walk(node: Expression) -> Iterator[Expression]:
    """Yield `node` and every sub-expression, depth first, left to right."""
    yield node
    for child in children(node):
        yield from walk(child)


def referenced_facts(node: Expression) -> list[str]:
    """Return the fact names a condition reads, in order of first appearance."""
    names = (item.name for item in walk(node) if isinstance(item, FactReference))
    return list(dict.fromkeys(names))


def referenced_parameters(node: Expression) -> list[str]:
    """Return the parameter names a condition reads, in order of first appearance."""
    names = (item.name for item in walk(node) if isinstance(item, ParameterReference))
    return list(dict.fromkeys(names))


# --- parser ---------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        if len(self.tokens) > MAX_TOKENS + 1:
            raise self.error(
                f"条件过长（最多 {MAX_TOKENS} 个记号），请拆成几条规则", self.tokens[MAX_TOKENS]
            )

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def current_kind(self) -> TokenKind:
        # A method rather than `self.current.kind`, which type checkers would keep narrowed
        # across `advance()`.
        return self.tokens[self.index].kind

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not TokenKind.END:
            self.index += 1
        return token

    def at_keyword(self, word: str) -> bool:
        return self.current_kind() is TokenKind.KEYWORD and self.current.text == word

    def at_operator(self, *operators: str) -> bool:
        return self.current_kind() is TokenKind.OPERATOR and self.current.text in operators

    def error(self, detail: str, token: Token | None = None) -> RuleSyntaxError:
        return _syntax_error(self.text, (token or self.current).position, detail)

    def nested(self, token: Token, parse: Callable[[], Expression]) -> Expression:
        """Run `parse` one nesting level deeper; refuse to nest beyond MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"嵌套层数过多（最多 {MAX_NESTING} 层）", token)
        try:
            return parse()
        finally:
            self.depth -= 1

    def where(self, token: Token) -> str:
        line, column = line_and_column(self.text, token.position)
        return f"第 {line} 行第 {column} 列"

    def describe(self, token: Token) -> str:
        return "条件结尾" if token.kind is TokenKind.END else f"“{token.text}”"

    def parse_condition(self) -> Expression:
        if self.current_kind() is TokenKind.END:
            raise self.error("条件为空")
        expression = self.parse_or()
        token = self.current
        if token.kind is TokenKind.RIGHT_PAREN:
            raise self.error("多余的右括号")
        if token.kind is not TokenKind.END:
            raise self.error(f"条件在此处应已结束，却出现了多余的 {self.describe(token)}")
        return expression

    def parse_or(self) -> Expression:
        left = self.parse_and()
        while self.at_keyword("or"):
            operator = self.advance()
            left = Logical("or", left, self.parse_and(), operator.position)
        return left

    def parse_and(self) -> Expression:
        left = self.parse_not()
        while self.at_keyword("and"):
            operator = self.advance()
            left = Logical("and", left, self.parse_not(), operator.position)
        return left

    def parse_not(self) -> Expression:
        if self.at_keyword("not"):
            operator = self.advance()
            return Not(self.nested(operator, self.parse_not), operator.position)
        return self.parse_comparison()

    def parse_comparison(self) -> Expression:
        left = self.parse_additive()
        token = self.current
        result: Expression
        if token.kind is TokenKind.OPERATOR and token.text in COMPARISON_OPERATORS:
            self.advance()
            right = self.parse_additive()
            for side in (left, right):
                if isinstance(side, NullLiteral) and token.text in {"==", "!="}:
                    hint = "is null" if token.text == "==" else "is not null"
                    raise self.error(f"与 null 比较请写“{hint}”", token)
            result = Comparison(token.text, left, right, token.position)
        elif self.at_keyword("in") or (
            self.at_keyword("not") and self.tokens[self.index + 1].text == "in"
        ):
            negated = self.at_keyword("not")
            if negated:
                self.advance()
            self.advance()
            container = self.parse_list() if self.current_kind() is TokenKind.LEFT_BRACKET else None
            result = Membership(left, container or self.parse_additive(), negated, token.position)
        elif self.at_keyword("is"):
            self.advance()
            negated = self.at_keyword("not")
            if negated:
                self.advance()
            if not self.at_keyword("null"):
                raise self.error("“is” 后只能跟 “null” 或 “not null”")
            self.advance()
            result = NullCheck(left, negated, token.position)
        else:
            return left
        following = self.current
        if following.kind is TokenKind.OPERATOR and following.text in COMPARISON_OPERATORS:
            raise self.error("比较运算不能连用，请用 and 连接两个比较", following)
        if following.kind is TokenKind.KEYWORD and following.text in {"in", "is"}:
            raise self.error("比较运算不能连用，请用 and 连接两个比较", following)
        return result

    def parse_additive(self) -> Expression:
        left = self.parse_product()
        while self.at_operator("+", "-"):
            operator = self.advance()
            left = Arithmetic(operator.text, left, self.parse_product(), operator.position)
        return left

    def parse_product(self) -> Expression:
        left = self.parse_unary()
        while self.at_operator("*", "/"):
            operator = self.advance()
            left = Arithmetic(operator.text, left, self.parse_unary(), operator.position)
        return left

    def parse_unary(self) -> Expression:
        if self.at_operator("-"):
            operator = self.advance()
            return Negation(self.nested(operator, self.parse_unary), operator.position)
        return self.parse_primary()

    def parse_primary(self) -> Expression:
        token = self.current
        match token.kind:
            case TokenKind.NUMBER:
                self.advance()
                assert isinstance(token.value, int | float)
                return NumberLiteral(token.value, token.position)
            case TokenKind.STRING:
                self.advance()
                assert isinstance(token.value, str)
                return StringLiteral(token.value, token.position)
            case TokenKind.LEFT_PAREN:
                self.advance()
                if self.current_kind() is TokenKind.RIGHT_PAREN:
                    raise self.error("括号内缺少表达式")
                inner = self.nested(token, self.parse_or)
                if self.current_kind() is not TokenKind.RIGHT_PAREN:
                    raise self.error(f"缺少右括号（与{self.where(token)}的左括号配对）")
                self.advance()
                return inner
            case TokenKind.NAME:
                return self.parse_name()
            case TokenKind.KEYWORD if token.text in {"true", "false"}:
                self.advance()
                return BooleanLiteral(token.text == "true", token.position)
            case TokenKind.KEYWORD if token.text == "null":
                self.advance()
                return NullLiteral(token.position)
            case TokenKind.LEFT_BRACKET:
                raise self.error("列表只能写在 in 的右边")
            case TokenKind.END:
                raise self.error("条件不完整，此处缺少运算对象")
            case _:
                raise self.error(
                    f"此处应为数值、字符串、事实或参数，却出现了 {self.describe(token)}"
                )

    def parse_name(self) -> Expression:
        token = self.advance()
        following = self.current
        if token.text == PARAMETER_PREFIX:
            if following.kind is not TokenKind.DOT:
                raise self.error("参数请写作 param.参数名", token)
            self.advance()
            name = self.current
            if name.kind is not TokenKind.NAME:
                raise self.error("“param.” 后缺少参数名")
            self.advance()
            if self.current_kind() is TokenKind.DOT:
                raise self.error("不支持属性访问")
            return ParameterReference(name.text, token.position)
        if following.kind is TokenKind.DOT:
            if token.text == "params":
                raise self.error("参数请写作 param.参数名（不是 params.）", token)
            raise self.error("不支持属性访问", following)
        if following.kind is TokenKind.LEFT_PAREN:
            return self.parse_call(token)
        return FactReference(token.text, token.position)

    def parse_call(self, name: Token) -> Expression:
        if name.text not in FUNCTION_ARITY:
            known = "、".join(FUNCTION_ARITY)
            raise self.error(f"未知函数“{name.text}”，可用的函数：{known}", name)
        opening = self.advance()
        arguments: list[Expression] = []
        if self.current_kind() is not TokenKind.RIGHT_PAREN:
            arguments.append(self.nested(name, self.parse_or))
            while self.current_kind() is TokenKind.COMMA:
                self.advance()
                arguments.append(self.nested(name, self.parse_or))
        if self.current_kind() is not TokenKind.RIGHT_PAREN:
            if self.current_kind() is TokenKind.END:
                raise self.error(f"缺少右括号（与{self.where(opening)}的左括号配对）")
            raise self.error(f"函数参数之间应为逗号，却出现了 {self.describe(self.current)}")
        self.advance()
        minimum, maximum = FUNCTION_ARITY[name.text]
        if len(arguments) < minimum or (maximum is not None and len(arguments) > maximum):
            wanted = _arity_text(minimum, maximum)
            raise self.error(f"函数 {name.text} 需要 {wanted}，实际给了 {len(arguments)} 个", name)
        return Call(name.text, tuple(arguments), name.position)

    def parse_list(self) -> ListLiteral:
        opening = self.advance()
        items: list[NumberLiteral | StringLiteral] = []
        while self.current_kind() is not TokenKind.RIGHT_BRACKET:
            token = self.current
            if token.kind is TokenKind.STRING:
                assert isinstance(token.value, str)
                items.append(StringLiteral(token.value, token.position))
            elif token.kind is TokenKind.NUMBER:
                assert isinstance(token.value, int | float)
                items.append(NumberLiteral(token.value, token.position))
            elif token.kind is TokenKind.END:
                raise self.error("列表缺少右方括号“]”")
            else:
                raise self.error("列表中只能写字符串或数字常量")
            self.advance()
            if self.current_kind() is TokenKind.COMMA:
                self.advance()
            elif self.current_kind() is TokenKind.END:
                raise self.error("列表缺少右方括号“]”")
            elif self.current_kind() is not TokenKind.RIGHT_BRACKET:
                raise self.error("列表元素之间应为逗号")
        self.advance()
        return ListLiteral(tuple(items), opening.position)


def _arity_text(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return f"至少 {minimum} 个参数"
    if minimum == maximum:
        return f"{minimum} 个参数"
    return f"{minimum} 到 {maximum} 个参数"


@functools.lru_cache(maxsize=1024)
def parse(text: str) -> Expression:
    """Parse condition text into an AST; raise RuleSyntaxError with a position."""
    return _Parser(text).parse_condition()


# --- name and type check --------------------------------------------------------------------


class ValueType(enum.Enum):
    NUMBER = "数值"
    STRING = "字符串"
    BOOLEAN = "真假值"
    LIST = "列表"
    NULL = "null"
    ANY = "任意"


@dataclass(frozen=True, slots=True)
class ExpressionProblem:
    message_zh: str
    position: int


def check(
    text: str,
    expression: Expression,
    *,
    facts: Mapping[str, ValueType],
    parameters: Mapping[str, ValueType],
    as_value: bool = False,
) -> list[ExpressionProblem]:
    """Report unknown facts and parameters and mistyped operands, each with its position.

    A condition must be true or false; `as_value` checks an expression of any type (a value
    a message shows)."""
    checker = _Checker(text, facts, parameters)
    result = checker.type_of(expression)
    if as_value:
        return checker.problems
    if result not in {ValueType.BOOLEAN, ValueType.ANY} and not checker.problems:
        checker.report(expression, f"条件的结果应为真假值，实际为{result.value}")
    return checker.problems


class _Checker:
    def __init__(
        self, text: str, facts: Mapping[str, ValueType], parameters: Mapping[str, ValueType]
    ) -> None:
        self.text = text
        self.facts = facts
        self.parameters = parameters
        self.problems: list[ExpressionProblem] = []

    def report(self, node: Expression, detail: str) -> None:
        position = _start_position(node)
        self.problems.append(
            ExpressionProblem(located_message(self.text, position, detail), position)
        )

    def expect(self, node: Expression, *wanted: ValueType) -> ValueType:
        actual = self.type_of(node)
        if actual in {ValueType.ANY, ValueType.NULL} or actual in wanted:
            return actual
        names = "或".join(kind.value for kind in wanted)
        self.report(node, f"此处应为{names}，实际为{actual.value}")
        return ValueType.ANY

    def type_of(self, node: Expression) -> ValueType:  # noqa: PLR0911, PLR0912 - one case per node
        match node:
            case NumberLiteral():
                return ValueType.NUMBER
            case StringLiteral():
                return ValueType.STRING
            case BooleanLiteral():
                return ValueType.BOOLEAN
            case NullLiteral():
                return ValueType.NULL
            case ListLiteral():
                return ValueType.LIST
            case FactReference(name=name):
                if name not in self.facts:
                    self.report(node, f"未知的事实“{name}”")
                    return ValueType.ANY
                return self.facts[name]
            case ParameterReference(name=name):
                if name not in self.parameters:
                    self.report(node, f"未知的参数“param.{name}”")
                    return ValueType.ANY
                return self.parameters[name]
            case Negation(operand=operand):
                self.expect(operand, ValueType.NUMBER)
                return ValueType.NUMBER
            case Not(operand=operand):
                self.expect(operand, ValueType.BOOLEAN)
                return ValueType.BOOLEAN
            case Arithmetic(left=left, right=right):
                self.expect(left, ValueType.NUMBER)
                self.expect(right, ValueType.NUMBER)
                return ValueType.NUMBER
            case Logical(left=left, right=right):
                self.expect(left, ValueType.BOOLEAN)
                self.expect(right, ValueType.BOOLEAN)
                return ValueType.BOOLEAN
            case Comparison():
                self.check_comparison(node)
                return ValueType.BOOLEAN
            case Membership(item=item, container=container):
                self.expect(item, ValueType.STRING, ValueType.NUMBER)
                self.expect(container, ValueType.LIST)
                return ValueType.BOOLEAN
            case NullCheck(operand=operand):
                self.type_of(operand)
                return ValueType.BOOLEAN
            case Call():
                return self.check_call(node)

    def check_comparison(self, node: Comparison) -> None:
        left = self.type_of(node.left)
        right = self.type_of(node.right)
        known = {left, right} - {ValueType.ANY, ValueType.NULL}
        if ValueType.LIST in known:
            self.report(node, "列表不能直接比较，请用 in 或 len()")
        elif len(known) > 1:
            self.report(node, f"不能比较{left.value}和{right.value}")
        elif known == {ValueType.BOOLEAN} and node.operator not in {"==", "!="}:
            self.report(node, "真假值只能用 == 或 != 比较")

    def check_call(self, node: Call) -> ValueType:
        match node.function:
            case "len":
                self.expect(node.arguments[0], ValueType.LIST)
                return ValueType.NUMBER
            case "min" | "max":
                for argument in node.arguments:
                    self.expect(argument, ValueType.NUMBER)
                return ValueType.NUMBER
            case "months_between":
                for argument in node.arguments:
                    self.expect(argument, ValueType.STRING)
                return ValueType.NUMBER
            case "any_true" | "count_true":
                for argument in node.arguments:
                    self.expect(argument, ValueType.BOOLEAN)
                return ValueType.BOOLEAN if node.function == "any_true" else ValueType.NUMBER
            case _:
                first, second = (self.type_of(argument) for argument in node.arguments)
                known = {first, second} - {ValueType.ANY, ValueType.NULL}
                if len(known) > 1:
                    self.report(node, f"coalesce 的两个参数类型不同：{first.value}和{second.value}")
                return known.pop() if len(known) == 1 else ValueType.ANY


def _start_position(node: Expression) -> int:
    """Return where a node's text starts (a binary node's own position is its operator)."""
    return min(item.position for item in walk(node))
