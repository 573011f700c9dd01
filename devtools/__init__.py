"""Tools for developing FieldLog (the tests and the benchmarks use them); never shipped."""
