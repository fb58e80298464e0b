#!/usr/bin/env bash
# Installs the Debian packages the app needs, only when missing.
# Usage: scripts/system-deps.sh run|test|bench
#   bench: what `make bench` drives the app with: Chromium (page weight, Lighthouse), wrk (load),
#   poppler-utils (PDF checks), zbar-tools (QR codes read back). Every mode adds Node.js + npm when missing (see below).
#   test: also nginx, redis-server and caddy (HTTPS in front), which the cluster proof (tests/cluster) starts as its own processes
#   from deploy/ (two web nodes behind nginx, the print worker, a Redis queue and limiter store).
# Not root: prints the apt-get line instead of failing halfway.
set -euo pipefail
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig)
case "${1:-run}" in
  test) pkgs+=(chromium poppler-utils zbar-tools nginx redis-server caddy) ;;
  bench) pkgs+=(chromium poppler-utils zbar-tools wrk) ;;
esac
# Node.js + npm build static/vendor at setup (htmx rebuilt for old phones, fonts) and run the
# compatibility gate (es-check, doiuse) and Lighthouse; Debian's nodejs is recent enough (>= 18).
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói hệ thống. Hãy chạy với quyền root:"
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  exit 1
fi
echo "Cài gói hệ thống: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
