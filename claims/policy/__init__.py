"""Facts and the executable policy that turns them into urgency and department."""

from claims.policy.engine import GUIDE_POLICY, Policy, PolicyError, RuleOutcome, load_policy
from claims.policy.schema import AMOUNT, ClaimFactValues, FactSchema, FactSchemaError, load_fact_schema

__all__ = [
    "AMOUNT",
    "GUIDE_POLICY",
    "ClaimFactValues",
    "FactSchema",
    "FactSchemaError",
    "Policy",
    "PolicyError",
    "RuleOutcome",
    "load_fact_schema",
    "load_policy",
]
