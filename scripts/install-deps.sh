#!/usr/bin/env bash
# Debian packages the project uses outside Python: handwriting-style and print fonts (samples/make_samples.py),
# Tesseract (hcr-ocr bench --compare tesseract) and Chromium (the browser tests of `hcr-ocr serve`, driven
# by Playwright: `playwright install` cannot download browsers here). Installs only what is missing.
# train-fonts: print fonts rendered into training glyphs (hcr_ocr/data/printed.py); never DejaVu, Liberation
# or the croscore clones, which the test pages use. Not part of the default.
# Usage: scripts/install-deps.sh [fonts] [tesseract] [chromium] [train-fonts]   (default: the first three)
set -euo pipefail
want=("$@")
[ ${#want[@]} -eq 0 ] && want=(fonts tesseract chromium)
pkgs=()
for w in "${want[@]}"; do
  case "$w" in
    fonts) pkgs+=(fonts-dejavu-core fonts-liberation fonts-dkg-handwriting fonts-breip fonts-femkeklaver fonts-rufscript fonts-klee fonts-humor-sans) ;;
    tesseract) pkgs+=(tesseract-ocr tesseract-ocr-eng) ;;
    chromium) pkgs+=(chromium) ;;
    train-fonts) pkgs+=(fonts-freefont-ttf fonts-urw-base35 fonts-noto-core fonts-open-sans fonts-lato fonts-ebgaramond) ;;
    *) echo "unknown group: $w (fonts, tesseract, chromium, train-fonts)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
