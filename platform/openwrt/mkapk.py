#!/usr/bin/env python3
"""mkapk.py - writes an apk-tools 3 package (the "adb" format) from a staged tree.

OpenWrt 25.12 installs packages with apk-tools 3. Such a package is:

    "ADBd" + raw deflate( "ADB." "pckg"  ADB-block  DATA-block... )

A block starts with a little-endian 32-bit word: the block type in the top
two bits (0 ADB, 2 DATA) and the length of the block including that word in
the low 30; blocks are padded with zeroes to 8 bytes. The ADB block holds a
tree of values, each a 32-bit word with a type in its top 4 bits and either
the value itself (small integers, null) or the offset of the value inside the
ADB block (strings, large integers, objects, arrays). The block begins with
a 4-byte version header and the root value. An object or array is a run of
32-bit slots whose first slot is the slot count; trailing null slots are left
out. The root object is the package: info (name, version, ...), paths (one
entry per directory, each with its files), scripts. Each DATA block holds one
regular file's bytes after two 32-bit indexes (its directory's and its own,
both 1-based in the tree's sorted arrays). Content hashes (SHA-256) live in
the tree; the package is unsigned (install with --allow-untrusted or sign it
with `apk adbsign`).

Usage: mkapk.py --root DIR --output FILE --info KEY=VALUE... [--depends NAME]...
                [--script KIND=FILE]...
KEY is one of the pkginfo fields below (name, version and arch required);
NAME a package name without a version constraint; KIND one of the script
fields.
"""
import argparse
import hashlib
import os
import stat
import struct
import sys
import zlib

# Value types (top 4 bits of a value word).
T_SPECIAL, T_INT, T_INT32, T_INT64 = 0x0, 0x1, 0x2, 0x3
T_BLOB8, T_BLOB16, T_BLOB32 = 0x8, 0x9, 0xA
T_ARRAY, T_OBJECT = 0xD, 0xE
NULL = 0

BLOCK_ADB, BLOCK_DATA = 0, 2
SCHEMA_PACKAGE = b"pckg"

# Field numbers of the objects this writer fills (slot 0 is the count).
PKGINFO = {"name": 1, "version": 2, "hashes": 3, "description": 4, "arch": 5,
           "license": 6, "origin": 7, "maintainer": 8, "url": 9,
           "build-time": 11, "installed-size": 12, "depends": 15}
PKGINFO_SLOTS = 0x16
SCRIPTS = {"trigger": 1, "pre-install": 2, "post-install": 3, "pre-deinstall": 4,
           "post-deinstall": 5, "pre-upgrade": 6, "post-upgrade": 7}
SCRIPTS_SLOTS = 8
PKG_INFO, PKG_PATHS, PKG_SCRIPTS, PKG_SLOTS = 1, 2, 3, 6
DIR_NAME, DIR_ACL, DIR_FILES, DIR_SLOTS = 1, 2, 3, 4
FILE_NAME, FILE_ACL, FILE_SIZE, FILE_MTIME, FILE_HASH, FILE_TARGET, FILE_SLOTS = 1, 2, 3, 4, 5, 6, 7
ACL_MODE, ACL_USER, ACL_GROUP, ACL_SLOTS = 1, 2, 3, 5
DEP_NAME, DEP_SLOTS = 1, 4
# Length of the package's identity (the "hashes" field): SHA-256 of the ADB
# block cut to 20 bytes, as apk mkpkg fills it.
ID_LEN = 20


def val(kind, v):
    return (kind << 28) | v


class Adb:
    """The ADB block being written: values are appended, offsets returned."""

    def __init__(self):
        self.buf = bytearray(8)   # version header (all zero) and the root value

    def _put(self, data, align):
        self.buf += bytes(-len(self.buf) % align)
        off = len(self.buf)
        if off > 0x0FFFFFFF:
            sys.exit("mkapk: package metadata too large")
        self.buf += data
        return off

    def blob(self, data):
        if isinstance(data, str):
            data = data.encode()
        n = len(data)
        if n == 0:
            return NULL
        if n <= 0xFF:
            return val(T_BLOB8, self._put(struct.pack("<B", n) + data, 1))
        if n <= 0xFFFF:
            return val(T_BLOB16, self._put(struct.pack("<H", n) + data, 2))
        return val(T_BLOB32, self._put(struct.pack("<I", n) + data, 4))

    def int(self, n):
        if n < 0x10000000:
            return val(T_INT, n)
        if n < 1 << 32:
            return val(T_INT32, self._put(struct.pack("<I", n), 4))
        return val(T_INT64, self._put(struct.pack("<Q", n), 4))

    def _slots(self, kind, slots):
        while len(slots) > 1 and slots[-1] == NULL:
            slots.pop()
        if len(slots) <= 1:
            return NULL
        slots[0] = len(slots)
        return val(kind, self._put(struct.pack("<%dI" % len(slots), *slots), 4))

    def obj(self, nslots, fields):
        slots = [0] * nslots
        for i, v in fields.items():
            slots[i] = v
        return self._slots(T_OBJECT, slots)

    def arr(self, items):
        return self._slots(T_ARRAY, [0] + list(items))

    def set_root(self, v):
        struct.pack_into("<I", self.buf, 4, v)


def block(kind, payload):
    size = 4 + len(payload)
    if size > 0x3FFFFFFF:
        sys.exit("mkapk: block too large")
    return struct.pack("<I", (kind << 30) | size) + payload + bytes(-size % 8)


def scan(root):
    """Directories of the tree (relative, "" for the root) with their non-directories."""
    dirs = {}
    for path, subdirs, files in os.walk(root):
        rel = os.path.relpath(path, root)
        rel = "" if rel == "." else rel
        dirs[rel] = files + [d for d in subdirs if os.path.islink(os.path.join(path, d))]
    return dirs


def acl(db, st):
    """Mode bits from the staged tree; everything the package installs belongs to root."""
    return db.obj(ACL_SLOTS, {ACL_MODE: db.int(st.st_mode & 0o7777),
                              ACL_USER: db.blob("root"), ACL_GROUP: db.blob("root")})


def build(args):
    db = Adb()
    dirs = scan(args.root)
    installed = 0
    paths = []      # (dir name, its ADB value, [(file index, full path, size)])
    for rel in sorted(dirs, key=lambda d: d.encode()):
        names = dirs[rel]
        files = []
        data = []
        for name in sorted(names, key=lambda n: n.encode()):
            full = os.path.join(args.root, rel, name)
            st = os.lstat(full)
            fields = {FILE_NAME: db.blob(name), FILE_MTIME: db.int(int(st.st_mtime)),
                      FILE_SIZE: db.int(st.st_size)}
            if stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    fields[FILE_HASH] = db.blob(hashlib.sha256(f.read()).digest())
                installed += st.st_size
                if st.st_size:
                    data.append((len(files) + 1, full, st.st_size))
            elif stat.S_ISLNK(st.st_mode):
                target = os.readlink(full).encode()
                fields[FILE_TARGET] = db.blob(struct.pack("<H", stat.S_IFLNK) + target)
            else:
                sys.exit("mkapk: %s: only regular files, symlinks and directories" % full)
            fields[FILE_ACL] = acl(db, st)
            files.append(db.obj(FILE_SLOTS, fields))
        # Every directory gets an entry, the root (no name) first, as apk
        # mkpkg writes them by default: apk extract creates only the
        # directories it is told of.
        st = os.lstat(os.path.join(args.root, rel))
        d = db.obj(DIR_SLOTS, {DIR_NAME: db.blob(rel), DIR_ACL: acl(db, st),
                               DIR_FILES: db.arr(files)})
        paths.append((rel, d, data))

    info = {}
    for kv in args.info:
        key, _, value = kv.partition("=")
        if key not in PKGINFO or key in ("hashes", "installed-size", "depends"):
            sys.exit("mkapk: unknown or computed info field %r" % key)
        info[PKGINFO[key]] = db.int(int(value)) if key == "build-time" else db.blob(value)
    for need in ("name", "version", "arch"):
        if PKGINFO[need] not in info:
            sys.exit("mkapk: --info %s=... is required" % need)
    info[PKGINFO["installed-size"]] = db.int(max(installed, 1))
    for d in args.depends:
        # Plain names only: a version constraint is an encoded field of its own.
        if not d or not all(c.isascii() and (c.isalnum() or c in "._+-") for c in d):
            sys.exit("mkapk: --depends %r: a package name only" % d)
    deps = [db.obj(DEP_SLOTS, {DEP_NAME: db.blob(d)})
            for d in sorted(set(args.depends), key=lambda d: d.encode())]
    info[PKGINFO["depends"]] = db.arr(deps)
    # The identity is written as zeroes and filled in once the block is whole.
    id_val = db.blob(bytes(ID_LEN))
    info[PKGINFO["hashes"]] = id_val
    pkg = {PKG_INFO: db.obj(PKGINFO_SLOTS, info),
           PKG_PATHS: db.arr(d for _, d, _ in paths)}
    scripts = {}
    for kv in args.script:
        kind, _, path = kv.partition("=")
        if kind not in SCRIPTS:
            sys.exit("mkapk: unknown script %r" % kind)
        with open(path, "rb") as f:
            scripts[SCRIPTS[kind]] = db.blob(f.read())
    if scripts:
        pkg[PKG_SCRIPTS] = db.obj(SCRIPTS_SLOTS, scripts)
    db.set_root(db.obj(PKG_SLOTS, pkg))
    id_off = (id_val & 0x0FFFFFFF) + 1
    db.buf[id_off:id_off + ID_LEN] = hashlib.sha256(db.buf).digest()[:ID_LEN]

    out = bytearray(b"ADB." + SCHEMA_PACKAGE)
    out += block(BLOCK_ADB, bytes(db.buf))
    for di, (_, _, data) in enumerate(paths, 1):
        for fi, full, size in data:
            with open(full, "rb") as f:
                content = f.read()
            if len(content) != size:
                sys.exit("mkapk: %s changed while packing" % full)
            out += block(BLOCK_DATA, struct.pack("<II", di, fi) + content)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    with open(args.output, "wb") as f:
        f.write(b"ADBd" + z.compress(bytes(out)) + z.flush())


def main():
    p = argparse.ArgumentParser(description="write an apk-tools 3 package")
    p.add_argument("--root", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--info", action="append", default=[])
    p.add_argument("--depends", action="append", default=[])
    p.add_argument("--script", action="append", default=[])
    build(p.parse_args())


if __name__ == "__main__":
    main()
