#!/usr/bin/env bash
# Fetches htmx and the print fonts with npm (pinned by package-lock.json) and copies
# the files the app serves into static/vendor/ (git-ignored). Nothing is downloaded
# at run time and no page loads anything from another host.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
dest=static/vendor
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/fonts"
cp node_modules/htmx.org/dist/htmx.min.js "$dest.tmp/htmx.min.js"
fonts=node_modules/@expo-google-fonts
cp "$fonts/tinos/400Regular/Tinos_400Regular.ttf" "$dest.tmp/fonts/Tinos-Regular.ttf"
cp "$fonts/tinos/700Bold/Tinos_700Bold.ttf" "$dest.tmp/fonts/Tinos-Bold.ttf"
cp "$fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf" "$dest.tmp/fonts/Tinos-Italic.ttf"
cp "$fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf" "$dest.tmp/fonts/Tinos-BoldItalic.ttf"
cp "$fonts/dancing-script/700Bold/DancingScript_700Bold.ttf" "$dest.tmp/fonts/DancingScript-Bold.ttf"
cp "$fonts/tinos/LICENSE_FONT" "$dest.tmp/fonts/LICENSE-Tinos.txt"
cp "$fonts/dancing-script/LICENSE_FONT" "$dest.tmp/fonts/LICENSE-DancingScript.txt"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
