#!/usr/bin/env bash
# Debian packages the tests need: Chromium (browser tests), a CJK font (Chinese pages),
# PostgreSQL 15 (the second test run). Installed only when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need+=(fonts-wqy-microhei)
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  for attempt in 1 2 3; do  # a mirror may hiccup; try again before giving up
    if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; then
      break
    fi
    [ "$attempt" -eq 3 ] && { echo "Could not install: ${need[*]}" >&2; exit 1; }
    echo "apt-get failed (attempt $attempt); retrying"
  done
fi
