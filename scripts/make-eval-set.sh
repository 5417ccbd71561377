#!/usr/bin/env bash
# Builds the two public evaluation sets for `eval` from images in Debian packages (wallpapers and sample data: used,
# never committed). Usage: scripts/make-eval-set.sh [DEST] [DEST2] [SEED]
#   (defaults: eval-set/ and eval-set-2/ at the repo root, gitignored; the public sets' seed. Another SEED draws another
#   split of the scenes and other changes from the same photos: a check that a rule tuned on the public sets holds.)
#
# Every listed photograph is one scene (photographs only: the abstract and rendered wallpapers are left out).
# The hidden verb `make-eval-set` (ImaginAI.Tracker/Evaluation/EvalSetGenerator.cs, fixed seed) then keeps about 30%
# of the scenes out of the gallery as open-set queries and writes, in the INRIA Holidays naming (NNNN = scene):
#   gallery/NNNN00.jpg   the milestone reference photo of gallery scene NNNN (long side 1600 px)
#   queries/NNNNXX.jpg   revisits XX = 01..10 of every scene: crop-pan, rotate, perspective, exposure-white-balance,
#                        blur-noise, jpeg-heavy, downscale, occluder-block, occluder-photo, combined
#   manifest.tsv         file, scene, role (reference | query | open-set-query), transform, source photo
#   SOURCES.tsv          every source photo (scene or occluder), the Debian package and path it came from
# DEST2 is the harder set: the same scenes and split, every revisit with two of the changes above at once
# (queries/NNNNXX.jpg, transform "first+second"), and each milestone with a second reference (gallery/NNNN50.jpg).
# Needs apt (Debian/Ubuntu); runs 'apt-get update' once if the package lists are empty (needs root then).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="$(mkdir -p "${1:-$repo/eval-set}" && cd "${1:-$repo/eval-set}" && pwd)"
pairs="$(mkdir -p "${2:-$repo/eval-set-2}" && cd "${2:-$repo/eval-set-2}" && pwd)"

# package|path inside the package. Chosen by looking at every image: real photographs only.
photos=(
  "mate-backgrounds|usr/share/backgrounds/mate/nature/Aqua.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/Blinds.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/Dune.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/FreshFlower.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/Garden.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/GreenMeadow.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/LadyBird.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/RainDrops.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/Storm.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/TwoWings.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/Wood.jpg"
  "mate-backgrounds|usr/share/backgrounds/mate/nature/YellowFlower.jpg"
  "lomiri-wallpapers-20.04|usr/share/backgrounds/Infinite-Sea_by_Aury88.jpg"
  "lomiri-wallpapers-20.04|usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/Dragonfly_by_Bolly.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/Picture_0B_by_freespace.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/Picture_1A_by_freespace.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/Wine_by_Jakkub_Mede.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/free_by_Peter_Nerlich.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/friends_by_Aitzol_Berasategi.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/greentock_by_Peter_Nerlich.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg"
  "lomiri-wallpapers-16.04|usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg"
  "plasma-workspace-wallpapers|usr/share/wallpapers/BytheWater/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/ColdRipple/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/ColorfulCups/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/DarkestHour/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/EveningGlow/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/FallenLeaf/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/Grey/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/Kite/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/OneStandsOut/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/Path/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/summer_1am/contents/images/"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/astronaut.png"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/chelsea.png"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/coffee.png"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/motorcycle_left.png"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/rocket.jpg"
)
# Scenes with few corners, appended to the scenes above (the scenes before them keep their numbers and revisits):
# smooth gradients, plain walls and flat surfaces, skies and a night shot: what bare drywall, poured concrete, fog
# and night photos look like to a keypoint detector.
low_texture=(
  "mate-backgrounds|usr/share/backgrounds/mate/abstract/Silk.png"
  "mate-backgrounds|usr/share/backgrounds/mate/abstract/Waves.png"
  "mate-backgrounds|usr/share/backgrounds/mate/abstract/Flow.png"
  "plasma-workspace-wallpapers|usr/share/wallpapers/Flow/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/Volna/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/IceCold/contents/images/"
  "ukui-wallpapers|usr/share/backgrounds/rhythm.jpg"
  "ukui-wallpapers|usr/share/backgrounds/string.jpg"
  "ukui-wallpapers|usr/share/backgrounds/city.png"
  "ukui-wallpapers|usr/share/backgrounds/desert.png"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/moon.png"
)
# Occluder patches (a third of the frame, like a truck in front) are cut from photos that are none of the scenes.
occluders=(
  "mate-backgrounds|usr/share/backgrounds/mate/abstract/Elephants.jpg"
  "plasma-workspace-wallpapers|usr/share/wallpapers/Autumn/contents/images/"
  "plasma-workspace-wallpapers|usr/share/wallpapers/MilkyWay/contents/images/"
  "python3-skimage|usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg"
)

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
packages=($(printf '%s\n' "${photos[@]}" "${low_texture[@]}" "${occluders[@]}" | cut -d'|' -f1 | sort -u))
cd "$work"
if ! apt-get download "${packages[@]}" >/dev/null 2>&1; then
  apt-get update -qq
  apt-get download "${packages[@]}"
fi
for deb in ./*.deb; do dpkg-deb -x "$deb" extracted; done

# copy_photos FOLDER ENTRY...: copies each package|path entry into FOLDER as PACKAGE--NAME.
copy_photos() {
  local folder="$1"; shift
  mkdir -p "$folder"
  for entry in "$@"; do
    local package="${entry%%|*}" path="${entry#*|}" name
    name="$(basename "$path")"
    if [[ "$path" == */ ]]; then
      # Plasma ships each photo in several sizes named WxH.jpg: take the largest; the folder names the photo.
      name="$(echo "$path" | cut -d/ -f4).jpg"
      path="$path$(ls -S "extracted/$path" | head -1)"
    fi
    if [ ! -f "extracted/$path" ]; then echo "missing $path in $package" >&2; exit 1; fi
    cp "extracted/$path" "$folder/$package--$name"
    printf '%s\t%s\t%s\t%s\n' "$package--$name" "$folder" "$package" "$path" >> sources.tsv
  done
}
printf 'file\trole\tpackage\tpath\n' > sources.tsv
copy_photos scenes "${photos[@]}"
copy_photos low-texture "${low_texture[@]}"
copy_photos occluders "${occluders[@]}"

rm -rf "$dest/gallery" "$dest/queries" "$pairs/gallery" "$pairs/queries"
dotnet run -c Release --project "$repo/ImaginAI.Tracker" -- make-eval-set "$work/scenes" "$work/occluders" "$dest" \
  --low-texture "$work/low-texture" --pairs "$pairs" ${3:+--seed "$3"}
cp sources.tsv "$dest/SOURCES.tsv"
cp sources.tsv "$pairs/SOURCES.tsv"
echo "evaluation sets in $dest (one change per revisit) and $pairs (two changes per revisit)"
