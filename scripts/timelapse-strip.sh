#!/usr/bin/env bash
# Makes the README's time-lapse frame strip (docs/images/timelapse-strip.jpg) from the real test photos:
# four visits of one spot, as taken (top) and aligned onto the first (bottom). See the timelapse-strip verb.
set -euo pipefail
cd "$(dirname "$0")/.."
photos="${IMAGINAI_PHOTOS:-$PWD/.cache/photos}"
[ -f "$photos/.complete" ] || bash scripts/fetch-photos.sh "$photos"
dotnet build ImaginAI.Tracker -v quiet -nologo
dotnet ImaginAI.Tracker/bin/Debug/net10.0/ImaginAI.Tracker.dll timelapse-strip --photos "$photos" --out "$PWD/docs/images/timelapse-strip.jpg"
