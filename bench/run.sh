#!/usr/bin/env bash
# bench/run.sh: attnviz's benchmark report (what `make bench` runs).
#
#   bash bench/run.sh            full report: prints the table, writes bench/report.md (about 8 minutes)
#   bash bench/run.sh --smoke    every section on tiny sizes and short times, report in $TMPDIR (under 2 minutes)
#   bash bench/run.sh -only core,size   some sections only (core, wasm, edit, idle, size, memory; diagnostics: profile, fps, editdiag, trace, warm)
#
# Installs what it needs on Debian when missing: python3-torch and libopenblas0-pthread (the PyTorch
# reference, with OpenBLAS as the system BLAS), chromium, xvfb/xauth and the X11/GL headers (desktop build).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb xauth)
pkg-config --exists gl x11 xcursor xi xinerama xrandr xxf86vm >/dev/null 2>&1 ||
	need+=(pkg-config libc6-dev libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev libxrandr-dev libxxf86vm-dev)
if ((${#need[@]})); then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "bench: installing ${need[*]}" >&2
	$sudo apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}" >&2
fi

exec go run ./bench/cmd/benchreport "$@"
