#!/bin/sh
# The architecture rules (docs/architecture.md "Layers") on this tree:
# unique file names, no include cycle, mechanisms that never measure or
# write rows, no mechanism in harness/, a core that depends only on
# what lies below it. tests/layout/layout.py prints the KTAP.
exec python3 tests/layout/layout.py .
