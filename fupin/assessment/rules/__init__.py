"""The pure rules engine: no Django, no other Fupin app (enforced by import-linter).

Modules, from the bottom up:

* `language`: the condition language (tokenizer, parser, AST, name and type check);
* `compiler`: a parsed condition → one Polars expression (null semantics documented there);
* `facts`: facts contract v1 and the checked, typed facts frame;
* `definition`: rules, parameters and rule sets as data, their life cycle and JSON;
* `engine`: `evaluate` (columnar) and `explain` (per household);
* `simulation`: `compare` two evaluations for a what-if.

`docs/rules/` is the user-facing description.
"""
