#!/usr/bin/env bash
# Matching throughput of the real Tracker, as a user sees it: photos uploaded to a project whose milestones each
# have a reference photo, timed from the upload until every photo is decided (matched or left for review), with
# keypoint verification on. Builds and starts the app on a fresh temporary data folder and stops it at the end.
#
# Usage: scripts/bench-matching.sh [EVAL_SET] [QUERIES]
#   EVAL_SET  a folder made by scripts/make-eval-set.sh (default: eval-set/ at the repo root)
#   QUERIES   how many of its query photos to upload (default 60, sent 20 per request)
# IMAGINAI_REPO=DIR measures another checkout (e.g. a git worktree of an earlier commit) with this script.
set -euo pipefail
repo="${IMAGINAI_REPO:-$(cd "$(dirname "$0")/.." && pwd)}"
set_dir="$(cd "${1:-$(cd "$(dirname "$0")/.." && pwd)/eval-set}" && pwd)"
queries="${2:-60}"
port="${BENCH_PORT:-5199}"
url="http://127.0.0.1:$port"
data="$(mktemp -d)"

dotnet build -c Release "$repo/ImaginAI.Tracker" > "$data/build.log" 2>&1 || { cat "$data/build.log"; exit 1; }
Admin__Email=bench@example.com Admin__Password='bench passphrase 1234' Storage__DataDirectory="$data/app" \
  ASPNETCORE_URLS="$url" dotnet "$repo/ImaginAI.Tracker/bin/Release/net10.0/ImaginAI.Tracker.dll" > "$data/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -sf "$url/health" > /dev/null && break; sleep 0.5; done

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
token=$(curl -sf -X POST "$url/api/auth/token" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench passphrase 1234"}' | json "['token']")
auth=(-H "Authorization: Bearer $token")
project=$(curl -sf -X POST "$url/api/projects" "${auth[@]}" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json "['id']")

# Every photo decided: none waiting to be embedded or matched.
wait_decided() {
  while :; do
    counts=$(curl -sf "$url/health" | json "['photos']")
    python3 -c "import sys; c=eval(sys.argv[1]); sys.exit(0 if c['pending'] == 0 and c['embedded'] == 0 else 1)" "$counts" && break
    sleep 0.1
  done
}

references=0
for photo in "$set_dir"/gallery/*.jpg; do
  scene=$(basename "$photo" .jpg)
  milestone=$(curl -sf -X POST "$url/api/projects/$project/milestones" "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Scene $scene\"}" | json "['id']")
  curl -sf -X POST "$url/api/projects/$project/photos" "${auth[@]}" -F milestoneId="$milestone" -F files=@"$photo" > /dev/null
  references=$((references + 1))
done
wait_decided

mapfile -t photos < <(ls "$set_dir"/queries/*.jpg | head -n "$queries")
start=$(date +%s.%N)
for ((i = 0; i < ${#photos[@]}; i += 20)); do
  args=()
  for photo in "${photos[@]:i:20}"; do args+=(-F files=@"$photo"); done
  curl -sf -X POST "$url/api/projects/$project/photos" "${auth[@]}" "${args[@]}" > /dev/null
done
wait_decided
end=$(date +%s.%N)
counts=$(curl -sf "$url/health" | json "['photos']")
python3 - "$start" "$end" "${#photos[@]}" "$references" "$counts" <<'EOF'
import sys
start, end, n, refs, counts = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), eval(sys.argv[5])
seconds = end - start
print(f"{n} photos against {refs} milestones decided in {seconds:.1f} s: {n / seconds:.2f} photos/s "
      f"({1000 * seconds / n:.0f} ms per photo, upload + embed + match); health counts {counts}")
EOF
