"""FieldLog's performance targets (docs/PERFORMANCE.md), each against a baseline in the same run."""
