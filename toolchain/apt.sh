#!/bin/sh
# apt.sh - shared helpers for the toolchain scripts that fetch from Debian's
# archive: foreign architectures, package downloads and source packages.
# Source it (dash or bash: functions use local); every function fails loudly rather than half-installing.

APT_OPTS="-q -o DPkg::Lock::Timeout=300 -o APT::Sandbox::User=root"

# Refreshes the package lists. Some foreign-architecture indexes of the
# security suite lag behind their Release file; apt then reports an error for
# that one index but the rest of the lists are fine, so only a run that
# leaves no usable list at all counts as a failure.
apt_refresh() {
	apt-get $APT_OPTS update >/dev/null 2>&1 || echo "apt.sh: apt-get update reported errors; going on with the lists it got" >&2
	touch /var/lib/apt/lists/.lvsbox-updated
}

# apt_add_arch DEBARCH: lets apt see packages of DEBARCH (musl-dev:armhf ...).
apt_add_arch() {
	[ "$1" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$1" && return 0
	echo "apt.sh: adding Debian architecture $1" >&2
	dpkg --add-architecture "$1"
	apt_refresh
}

# apt_fetch DIR PKG...: downloads the .deb files of PKG... into DIR,
# refreshing the lists once if they are too old to know a package.
apt_fetch() {
	local into=$1; shift
	mkdir -p "$into"
	(cd "$into" && apt-get $APT_OPTS download "$@" >/dev/null 2>&1) && return 0
	apt_refresh
	(cd "$into" && apt-get $APT_OPTS download "$@" >/dev/null)
}

# apt_ensure_deb_src: apt-get source needs deb-src entries. If none exist,
# derive them from the deb entries of debian.sources (same mirrors, suites
# and keys), so no mirror name is written down here.
apt_ensure_deb_src() {
	grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && return 0
	grep -qs '^deb-src ' /etc/apt/sources.list && return 0
	local src=/etc/apt/sources.list.d/debian.sources
	[ -f "$src" ] || { echo "apt.sh: no deb-src entry and no $src to derive one from" >&2; return 1; }
	sed 's/^Types:.*/Types: deb-src/' "$src" >/etc/apt/sources.list.d/lvsbox-src.sources
	apt_refresh
}

# apt_source DIR PKG: unpacks Debian's source package PKG (with Debian's
# patches applied) into DIR/PKG-VERSION and prints that directory.
apt_source() {
	local dir=$1 pkg=$2 found dsc
	mkdir -p "$dir"
	found=$(find "$dir" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n 1)
	if [ -z "$found" ]; then
		command -v dpkg-source >/dev/null || { echo "apt.sh: dpkg-source missing (dpkg-dev)" >&2; return 1; }
		apt_ensure_deb_src
		(cd "$dir" && apt-get $APT_OPTS source --download-only "$pkg" >/dev/null 2>&1) ||
			{ apt_refresh; (cd "$dir" && apt-get $APT_OPTS source --download-only "$pkg" >/dev/null); }
		dsc=$(ls "$dir/${pkg}"_*.dsc | head -n 1)
		(cd "$dir" && dpkg-source --no-check -x "$(basename "$dsc")" >/dev/null)
		found=$(find "$dir" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n 1)
	fi
	[ -n "$found" ] || { echo "apt.sh: could not unpack source package $pkg" >&2; return 1; }
	echo "$found"
}

# apt_source_part DIR PKG PATH...: unpacks only PATH... (directories or files
# inside the upstream tarball, without its top directory) of Debian's source
# package PKG into DIR/PKG, for a small piece of a big source such as glibc.
# Debian's patches are not applied. Prints DIR/PKG.
apt_source_part() {
	local dir=$1 pkg=$2 orig top p members=""
	shift 2
	mkdir -p "$dir"
	if [ ! -d "$dir/$pkg" ]; then
		apt_ensure_deb_src
		(cd "$dir" && apt-get $APT_OPTS source --download-only "$pkg" >/dev/null 2>&1) ||
			{ apt_refresh; (cd "$dir" && apt-get $APT_OPTS source --download-only "$pkg" >/dev/null); }
		orig=$(ls "$dir/${pkg}"_*.orig.tar.* | head -n 1)
		[ -f "$orig" ] || { echo "apt.sh: no upstream tarball for $pkg" >&2; return 1; }
		top=$(tar -tf "$orig" | head -n 1 | cut -d/ -f1)
		for p; do members="$members $top/$p"; done
		mkdir -p "$dir/$pkg"
		tar -xf "$orig" -C "$dir/$pkg" --strip-components=1 $members || return 1
		rm -f "$dir/${pkg}"_*
	fi
	echo "$dir/$pkg"
}
