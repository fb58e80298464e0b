#!/usr/bin/env bash
# Fetches htmx and the print fonts with npm (pinned by package-lock.json) and copies
# the files the app serves into static/vendor/ (git-ignored), htmx rebuilt for old phones.
# Nothing is downloaded at run time and no page loads anything from another host.
set -euo pipefail
cd "$(dirname "$0")/.."
# A fresh machine may have no npm yet: `make setup` builds this before it installs the system packages.
command -v npm >/dev/null 2>&1 || scripts/system-deps.sh run
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
dest=static/vendor
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/fonts"
# htmx 2 is written with `?.` and `??` (Chrome/WebView 80+). Android 9's WebView 69 and the Chrome 54
# that some Cốc Cốc builds report cannot parse that, so the pinned htmx is rebuilt as ES2015 and minified
# with the pinned esbuild, after two small polyfills for built-ins it calls (scripts/htmx-old-phones.js).
# The guard keeps htmx off browsers without getRootNode (before Chrome 54), which htmx calls unguarded:
# there the pages work as they do with JavaScript off instead of half-enhanced.
# tests/core/test_compat.py checks the result parses as ES2015; tests/browser/test_old_phones.py runs it.
{
  echo '/*! htmx 2 (0BSD), rebuilt as ES2015 by scripts/vendor-static.sh */'
  echo 'if(window.Node&&"getRootNode"in Node.prototype){'
  node_modules/.bin/esbuild scripts/htmx-old-phones.js --target=es2015 --minify --log-level=warning
  node_modules/.bin/esbuild node_modules/htmx.org/dist/htmx.js --target=es2015 --minify --log-level=warning
  echo '}'
} >"$dest.tmp/htmx.min.js"
fonts=node_modules/@expo-google-fonts
cp "$fonts/tinos/400Regular/Tinos_400Regular.ttf" "$dest.tmp/fonts/Tinos-Regular.ttf"
cp "$fonts/tinos/700Bold/Tinos_700Bold.ttf" "$dest.tmp/fonts/Tinos-Bold.ttf"
cp "$fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf" "$dest.tmp/fonts/Tinos-Italic.ttf"
cp "$fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf" "$dest.tmp/fonts/Tinos-BoldItalic.ttf"
cp "$fonts/dancing-script/700Bold/DancingScript_700Bold.ttf" "$dest.tmp/fonts/DancingScript-Bold.ttf"
cp "$fonts/tinos/LICENSE_FONT" "$dest.tmp/fonts/LICENSE-Tinos.txt"
cp "$fonts/dancing-script/LICENSE_FONT" "$dest.tmp/fonts/LICENSE-DancingScript.txt"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
