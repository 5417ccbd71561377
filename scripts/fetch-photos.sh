#!/usr/bin/env bash
# Fetches real photos for the tests and benchmarks from Debian packages (GPL-2+ wallpapers: they are used, never
# committed). Usage: scripts/fetch-photos.sh [DEST]   (default: .cache/photos at the repo root)
# Needs apt (Debian/Ubuntu). Runs 'apt-get update' once if the package lists are empty (needs root then).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-${IMAGINAI_PHOTOS:-$repo/.cache/photos}}"
packages=(mate-backgrounds)
if [ -f "$dest/.complete" ]; then echo "photos already in $dest"; exit 0; fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download "${packages[@]}" >/dev/null 2>&1; then
  apt-get update -qq
  apt-get download "${packages[@]}"
fi
mkdir -p "$dest"
for deb in ./*.deb; do dpkg-deb -x "$deb" extracted; done
# Photographs only: the nature set plus one large photo (Elephants, 5640x3172) for the decode benchmarks.
cp extracted/usr/share/backgrounds/mate/nature/*.jpg "$dest/"
cp extracted/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg "$dest/"
touch "$dest/.complete"
echo "photos in $dest: $(ls "$dest" | wc -l)"
