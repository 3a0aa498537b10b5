#!/usr/bin/env bash
# Chromium from Debian for the browser test (tests/service/test_service_browser.py).
# Idempotent and quiet; Playwright never downloads its own browsers here.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version >/dev/null 2>&1 || { echo "chromium installed but does not run" >&2; exit 1; }
