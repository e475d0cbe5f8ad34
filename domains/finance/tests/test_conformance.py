"""The finance pack passes the core's conformance suite: the same one line every pack uses."""

import pytest

from codexcontinue.testing.conformance import conformance_test

pytestmark = pytest.mark.embedded_store  # the suite creates keys on event loops of its own

test_conformance = conformance_test("finance")
