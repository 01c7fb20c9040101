"""公共区域台账: public places whose hazards nobody's enterprise owns (ADR 14)."""
