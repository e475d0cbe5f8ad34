"""Testing kit for CodexContinue and its domain packs."""
