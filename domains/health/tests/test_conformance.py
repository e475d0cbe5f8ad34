"""The health pack passes the core's conformance suite: the same one line every pack uses."""

from codexcontinue.testing.conformance import conformance_test

test_conformance = conformance_test("health")
