#!/bin/sh
# deps.sh — install the Debian packages the build and tests need (when root),
# or print the exact command to run (when not).
set -eu
pkgs="gcc make binutils pkg-config check libplist-dev libelf-dev libdw-dev clang-format clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null
	echo "deps: installed:$missing"
else
	echo "deps: missing packages:$missing"
	echo "deps: run: sudo apt-get install -y$missing"
	exit 1
fi
