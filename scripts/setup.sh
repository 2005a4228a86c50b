#!/usr/bin/env bash
# Installs what attnviz's tests and benchmarks need, only when it is missing.
# Used by `make test`, `make bench` and .ci/run, so a newcomer needs nothing
# but Go and Debian's package manager. Safe to run again: it does nothing
# when everything is there.
set -euo pipefail

# Debian packages and why:
packages=(
  chromium                      # browser end-to-end tests and benchmarks (headless)
  fonts-droid-fallback          # a CJK font for Chromium, which draws what the Go font lacks (e2e TestBrowserGlyphs)
  xvfb xauth                    # a real X display for the desktop app's tests
  gcc libc6-dev pkg-config      # cgo: Ebiten's desktop build and go test -race
  libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev libxrandr-dev libxxf86vm-dev  # Ebiten desktop (GLFW)
  imagemagick x11-utils         # import: screenshot of the real X window; xwininfo: is it mapped
  xdotool                       # types keys and moves/clicks the mouse in the desktop app's window (XTEST)
  python3-torch libopenblas0-pthread  # PyTorch reference (float64, OpenBLAS) for the core-vs-PyTorch check
)
# Node runs the GOOS=js GOARCH=wasm tests; any node on PATH will do.
command -v node >/dev/null 2>&1 || packages+=(nodejs)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all system packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
echo "setup: done"
