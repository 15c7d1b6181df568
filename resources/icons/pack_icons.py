#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Packs PNG images into a Windows .ico or a macOS .icns container (both store PNGs as they are).

    pack_icons.py ico OUT.ico A.png [B.png ...]        sizes are read from each PNG's header
    pack_icons.py icns OUT.icns TYPE=A.png [...]       TYPE is an icns element type such as ic08
"""
import struct
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        sys.exit(f"pack_icons: {path} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return data, width, height


def write_ico(out, paths):
    images = [read_png(p) for p in paths]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for data, width, height in images:
        if width > 256 or height > 256:
            sys.exit("pack_icons: an .ico image is at most 256x256")
        # Width and height 256 are written as 0; 32 bits per pixel; the image is PNG-compressed.
        entries += struct.pack("<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    with open(out, "wb") as f:
        f.write(header + entries + b"".join(d for d, _, _ in images))


def write_icns(out, pairs):
    body = b""
    for pair in pairs:
        kind, _, path = pair.partition("=")
        if len(kind) != 4 or not path:
            sys.exit(f"pack_icons: expected TYPE=FILE.png, got {pair}")
        data, _, _ = read_png(path)
        body += kind.encode("ascii") + struct.pack(">I", 8 + len(data)) + data
    with open(out, "wb") as f:
        f.write(b"icns" + struct.pack(">I", 8 + len(body)) + body)


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("ico", "icns"):
        sys.exit(__doc__)
    if sys.argv[1] == "ico":
        write_ico(sys.argv[2], sys.argv[3:])
    else:
        write_icns(sys.argv[2], sys.argv[3:])


if __name__ == "__main__":
    main()
