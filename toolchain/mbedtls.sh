#!/bin/sh
# mbedtls.sh - builds mbedTLS from Debian's source package for one target,
# with lvsbox's configuration (toolchain/mbedtls-config.h).
#
# Usage: toolchain/mbedtls.sh OUT CC AR CFLAGS [BIGNUM_CFLAGS [DEFINES]]
#   OUT  build/<arch>/mbedtls; gets include/ (with our config installed as
#        mbedtls/config.h) and lib/libmbed{tls,x509,crypto}.a
#   CC, AR, CFLAGS  the target's compiler (may contain options), archiver
#        and code generation flags
#   BIGNUM_CFLAGS  added for bignum.c alone, whose multiply loop is inline
#        assembly unless DEFINES asks for C
#   DEFINES  macros defined at the top of the installed config, for
#        everything that includes it (mipsel: LVSBOX_MBEDTLS_C_BIGNUM)
# Upstream's Makefile wants to build in its source tree; compiling the
# library directory directly keeps one unpacked source for every arch.
set -e
out=$1 cc=$2 ar=$3 cflags=$4 bignum_cflags=$5 defines=$6
[ -n "$ar" ] || { echo "usage: $0 OUT CC AR CFLAGS" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/apt.sh"

mkdir -p build/toolchain
exec 9>build/toolchain/.lock
flock 9
src=$(apt_source "$(pwd)/build/toolchain/src" mbedtls)
flock -u 9

rm -rf "$out"
mkdir -p "$out/obj" "$out/lib"
cp -a "$src/include" "$out/include"
{
	for d in $defines; do echo "#define $d"; done
	cat "$here/mbedtls-config.h"
} >"$out/include/mbedtls/config.h"

export MBEDTLS_CC="$cc" MBEDTLS_CFLAGS="-std=c99 -Os -ffunction-sections -fdata-sections $cflags -I$out/include" MBEDTLS_OBJ="$out/obj"
export MBEDTLS_BIGNUM_CFLAGS="$bignum_cflags"
ls "$src"/library/*.c | xargs -P 2 -n 8 sh -c '
	for f; do
		extra=
		[ "$(basename "$f")" = bignum.c ] && extra=$MBEDTLS_BIGNUM_CFLAGS
		$MBEDTLS_CC $MBEDTLS_CFLAGS $extra -c -o "$MBEDTLS_OBJ/$(basename "${f%.c}").o" "$f" || exit 255
	done' sh
# Our SHA-1 block function (MBEDTLS_SHA1_PROCESS_ALT in the config).
$cc $MBEDTLS_CFLAGS -c -o "$out/obj/sha1_process.o" "$here/mbedtls-sha1.c"

# The same split into three libraries as upstream, by file name.
cd "$out/obj"
tls=$(ls debug.o net_sockets.o ssl_*.o)
x509=$(ls certs.o pkcs11.o x509*.o)
crypto=$(ls *.o | grep -v -x -F "$(printf '%s\n' $tls $x509)")
rm -f ../lib/*.a
$ar rcs ../lib/libmbedtls.a $tls
$ar rcs ../lib/libmbedx509.a $x509
$ar rcs ../lib/libmbedcrypto.a $crypto
cd - >/dev/null
rm -rf "$out/obj"
echo "mbedtls.sh: mbedTLS $(basename "$src" | sed 's/^mbedtls-//') built into $out" >&2
