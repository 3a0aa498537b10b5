#!/bin/sh
# Install FET's command-line generator (Debian package fet, 6.8.5 on bookworm) for tests/fet. Idempotent.
set -e
command -v fet-cl >/dev/null || (apt-get update -qq && apt-get install -y -qq fet >/dev/null)
