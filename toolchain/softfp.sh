#!/bin/sh
# softfp.sh - libsoftfp.a: the soft-float arithmetic helpers (__adddf3,
# __floatsidf, ...) a soft-float MIPS build needs and Debian's hard-float
# libgcc lacks, compiled from the soft-fp directory of Debian's glibc source
# with toolchain/softfp/sfp-machine.h, and put first in the specs file's
# libgcc list so they win over libgcc's FPU versions.
#
# Usage: toolchain/softfp.sh TRIPLE SYSROOT CFLAGS   (called by sysroot.sh with
# musl's flags and its CODE_CFLAGS: MIPS16e on mipsel)
set -e
triple=$1 sysroot=$2 cflags=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/apt.sh"

src=$(apt_source_part "$(pwd)/build/toolchain/src" glibc soft-fp)/soft-fp
work=$sysroot/softfp-obj
rm -rf "$work"
mkdir -p "$work"
# Single and double precision only: long double is double on MIPS o32.
files=$(cd "$src" && ls | grep -E '^((add|sub|mul|div)(sf|df)3|neg(sf|df)2|(eq|ge|le|unord)(sf|df)2|fix(uns)?(sf|df)(si|di)|float(un)?(si|di)(sf|df)|extendsfdf2|truncdfsf2)\.c$')
[ -n "$files" ] || { echo "softfp.sh: no soft-fp sources in $src" >&2; exit 1; }
for f in $files; do
	"$triple-gcc" -specs "$sysroot/musl-gcc.specs" -Os $cflags -ffunction-sections \
		-I"$here/softfp" -I"$src" -c -o "$work/${f%.c}.o" "$src/$f"
done
rm -f "$sysroot/lib/libsoftfp.a"
"$triple-ar" rcs "$sysroot/lib/libsoftfp.a" "$work"/*.o
rm -rf "$work"
# The specs file's libgcc entry is the line after "*libgcc:".
sed -i "/^\*libgcc:/{n;s|^|$sysroot/lib/libsoftfp.a |}" "$sysroot/musl-gcc.specs"
echo "softfp.sh: $(echo $files | wc -w) soft-float helpers in $sysroot/lib/libsoftfp.a" >&2
