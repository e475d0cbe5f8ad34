"""Packs: finding them, checking them, loading them with quarantine, and their status table.

- `sources`: packs installed on this machine (distributions, local plugin files), found without importing.
- `compatibility`: whether a pack's plugin-API range includes this core's.
- `status`: the status table, and the one place that decides which packs must not be imported.
- `registry`: the enabled packs of one process, loaded into pluggy, each hook call quarantined.
- `tracing`: printing every hook call when `CODEXCONTINUE_TRACE_HOOKS` is set.
"""

# The plugin API's own version: bump the minor for additions (a hook, an export, a field with a
# default), the major for removals or changes; docs/pack-authors.md "Compatibility promise".
# 1.1: PackInfo.always_audited.
PLUGIN_API_VERSION = "1.1"
