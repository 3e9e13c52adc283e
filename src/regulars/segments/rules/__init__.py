"""The rule language of user segments: parsed with a grammar, checked, compiled to Ibis; never eval'ed."""

from regulars.segments.rules._compile import Rule, compile_rule
from regulars.segments.rules._grammar import MAX_DEPTH, MAX_LENGTH, RuleError, parse_rule

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Rule", "RuleError", "compile_rule", "parse_rule"]
