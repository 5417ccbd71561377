#!/bin/bash
# Peak RSS (VmHWM) of a Tracker build while it answers searches with 100-MP photos (docs/RELIABILITY.md, "Memory and
# CPU bounded per request"). Usage: scripts/measure-search-memory.sh <build output dir> <label> <port>
# Run it for the old and the new build in the same session, alternately. Needs ImageMagick's convert (the test files
# are made once in $WORK) and $IMAGINAI_PHOTOS. Listens on 127.0.0.1 only; the server is stopped at the end.
set -u
bin=$1; label=$2; port=$3
work=${WORK:-/tmp/imaginai-search-memory}
mkdir -p "$work"
[ -f "$work/big.png" ] || /usr/bin/convert -size 10000x10000 gradient:red-blue -depth 8 "$work/big.png"
[ -f "$work/big-baseline.jpg" ] || /usr/bin/convert "$work/big.png" -quality 80 "$work/big-baseline.jpg"
data=$(mktemp -d "$work/data.XXXX")
cd "$bin"
Admin__Email=m@t.test Admin__Password=measure-password-123 Storage__DataDirectory=$data ASPNETCORE_URLS=http://127.0.0.1:$port \
  Logging__LogLevel__Default=Warning dotnet ImaginAI.Tracker.dll > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 1; done
token=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"email":"m@t.test","password":"measure-password-123"}' \
  "http://127.0.0.1:$port/api/auth/token" | sed 's/.*"token":"\([^"]*\)".*/\1/')
hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status"; }
search() { curl -s -o /dev/null -w '%{http_code} ' --max-time 120 -H "Authorization: Bearer $token" -F "file=@$1" "http://127.0.0.1:$port/api/search"; }
search "$IMAGINAI_PHOTOS/Garden.jpg" >/dev/null
base=$(hwm)
codes=$(search "$work/big.png"); png=$(hwm)
codes4=$( (for _ in 1 2 3 4; do search "$work/big-baseline.jpg" & done; wait) ); jpg4=$(hwm)
codes4p=$( (for _ in 1 2 3 4; do search "$work/big.png" & done; wait) ); png4=$(hwm)
echo "$label: after warm-up ${base} MB; 100-MP PNG search [$codes] -> ${png} MB; 4 concurrent 100-MP baseline JPEG searches [$codes4] -> ${jpg4} MB; 4 concurrent 100-MP PNG [$codes4p] -> ${png4} MB"
