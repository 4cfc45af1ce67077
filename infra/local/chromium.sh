#!/usr/bin/env bash
# Makes sure a headless Chromium is installed for the rendering checks (the bench report, the
# operator dashboard): Debian's `chromium` package, installed when run as root on Debian/Ubuntu.
# Prints the browser's path on stdout; fails, saying what to install, when it cannot.
set -euo pipefail

find_browser() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if find_browser; then exit 0; fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  log=$(mktemp)
  echo "chromium: apt-get install -y chromium" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "chromium: apt-get install chromium FAILED" >&2
    exit 1
  fi
  rm -f "$log"
  find_browser && exit 0
fi
echo "chromium: no Chromium found. Install Debian's 'chromium' package (or set CHROMIUM_PATH)." >&2
exit 1
