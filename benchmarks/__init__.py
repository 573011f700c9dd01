"""FieldLog's performance targets (PERFORMANCE.md), each against a baseline in the same run."""
