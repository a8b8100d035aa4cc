"""Prints the number of distinct colours in a PNG (8-bit RGB or RGBA, not interlaced), with
nothing but the standard library, so that the browser check can tell a rendered page from a
blank screenshot without ImageMagick or Pillow.

    /usr/bin/python3 png_colours.py FILE.png
"""
import struct
import sys
import zlib


def chunks(data):
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        yield data[at + 4:at + 8], data[at + 8:at + 8 + length]
        at += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(kind, row, previous, bpp):
    """Undoes one scanline's filter (PNG spec §9.2)."""
    if kind == 0:
        return row
    if kind == 2:
        return bytearray((x + y) & 0xFF for x, y in zip(row, previous))
    out = bytearray(row)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        up = previous[i]
        if kind == 1:
            out[i] = (out[i] + left) & 0xFF
        elif kind == 3:
            out[i] = (out[i] + ((left + up) >> 1)) & 0xFF
        else:
            up_left = previous[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + paeth(left, up, up_left)) & 0xFF
    return out


def distinct_colours(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    header, idat = None, bytearray()
    for kind, body in chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour type {colour_type}, interlace {interlace})")
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(bytes(idat))
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        start = y * (stride + 1)
        previous = unfilter(raw[start], raw[start + 1:start + 1 + stride], previous, bpp)
        colours.update(bytes(previous[x:x + bpp]) for x in range(0, stride, bpp))
    return len(colours)


if __name__ == "__main__":
    print(distinct_colours(sys.argv[1]))
