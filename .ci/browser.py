#!/usr/bin/env python3
"""Browser test of the HTML review, in headless Chromium.

Renders the sample model's report and a model whose names carry markup, then checks:
- the screenshot of the sample report exists and is not blank: enough ink, many
  colours, and the charts' blue drawn;
- the DOM after loading has every section and chart, each chart an SVG;
- the injected names are text: no script element, the escaped text present, and the
  title not rewritten by a script.

Usage: .ci/browser.py COVALENCE_BINARY [SCREENSHOT_OUT]
Standard library only; Chromium at /usr/bin/chromium (or $CHROMIUM).
"""

import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

SECTIONS = ["summary", "value", "contributors", "trust", "conversations", "reach",
            "returns", "commons", "network"]
CHARTS = ["chart-reach", "chart-returns", "chart-trust", "chart-npv", "chart-network"]
ATTACK = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
BLUE = (0x00, 0x72, 0xB2)


def fail(message):
    print(f"browser test FAILED: {message}")
    sys.exit(1)


def chromium(args, profile):
    binary = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-quic", "--no-first-run",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}",
               "--hide-scrollbars"] + args
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        fail("chromium did not finish within 180 s")
    if done.returncode != 0:
        fail(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def png_rows(path):
    """Width, height and, row by row, the R, G and B bytes of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        fail(f"unexpected PNG format: depth {depth}, colour type {colour}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp

    def rows():
        previous = bytearray(stride)
        for y in range(height):
            start = y * (stride + 1)
            kind = raw[start]
            line = bytearray(raw[start + 1:start + 1 + stride])
            if kind == 1:
                for i in range(bpp, stride):
                    line[i] = (line[i] + line[i - bpp]) & 0xFF
            elif kind == 2:
                line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
            elif kind == 3:
                for i in range(stride):
                    left = line[i - bpp] if i >= bpp else 0
                    line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
            elif kind == 4:
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b = previous[i]
                    c = previous[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    line[i] = (line[i] + pred) & 0xFF
            previous = line
            yield bytes(line[0::bpp]), bytes(line[1::bpp]), bytes(line[2::bpp])

    return width, height, rows()


def mask(channel, low, high):
    """A number whose byte i is 1 where channel byte i is in [low, high], else 0."""
    table = bytes(1 if low <= v <= high else 0 for v in range(256))
    return int.from_bytes(channel.translate(table), "big")


def check_screenshot(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        fail("no screenshot was written")
    width, height, rows = png_rows(path)
    white = blue = 0
    colours = set()
    for r, g, b in rows:
        white += (mask(r, 246, 255) & mask(g, 246, 255) & mask(b, 246, 255)).bit_count()
        near = [mask(c, max(0, v - 12), min(255, v + 12)) for c, v in zip((r, g, b), BLUE)]
        blue += (near[0] & near[1] & near[2]).bit_count()
        if len(colours) < 10_000:
            colours.update(zip(r, g, b))
    ink = 1 - white / (width * height)
    print(f"screenshot {width}x{height}: {ink:.1%} ink, {len(colours)} colours, {blue} chart-blue pixels")
    if ink < 0.03:
        fail("the screenshot is blank")
    if len(colours) < 50:
        fail("the screenshot has too few colours to hold text and charts")
    if blue < 500:
        fail("no chart was drawn in the screenshot")


def check_dom(dom, name):
    for id in SECTIONS:
        if not re.search(rf'<section id="{id}"', dom):
            fail(f"{name}: section {id} missing from the DOM")
    for id in CHARTS:
        figure = re.search(rf'<figure id="{id}">\s*(<svg.*?</svg>)', dom, re.DOTALL)
        if not figure:
            fail(f"{name}: chart {id} missing from the DOM or not an SVG")
        shapes = len(re.findall(r"<(rect|path|polyline|circle|line)\b", figure.group(1)))
        words = len(re.findall(r"<text\b", figure.group(1)))
        if shapes < 4 or words < 3:
            fail(f"{name}: chart {id} draws almost nothing ({shapes} shapes, {words} texts)")
    if re.search(r"<script", dom, re.IGNORECASE):
        fail(f"{name}: a script element is in the DOM")


def main():
    if len(sys.argv) < 2:
        fail("usage: browser.py COVALENCE_BINARY [SCREENSHOT_OUT]")
    with tempfile.TemporaryDirectory(prefix="covalence-browser-") as work:
        run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else os.path.join(work, "sample.png"), work)
    print("browser test passed")


def run(binary, shot, work):
    profile = os.path.join(work, "profile")
    sample_html = os.path.join(work, "sample.html")
    subprocess.run([binary, "review", "--html", sample_html], check=True)

    # The whole page, at half the pixels (enough to see ink and colour).
    chromium(["--window-size=1000,10400", "--force-device-scale-factor=0.5",
              f"--screenshot={shot}", f"file://{sample_html}"], profile)
    check_screenshot(shot)

    dom = chromium(["--dump-dom", f"file://{sample_html}"], profile)
    check_dom(dom, "sample")
    print(f"sample report: {len(SECTIONS)} sections and {len(CHARTS)} drawn charts in the DOM")

    # A model whose names try to inject a script.
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "examples", "models", "harbor.json")) as f:
        model = json.load(f)
    model["organizations"][0]["name"] = ATTACK
    model["constituents"][0]["name"] = ATTACK
    hostile = os.path.join(work, "hostile.json")
    with open(hostile, "w") as f:
        json.dump(model, f)
    hostile_html = os.path.join(work, "hostile.html")
    subprocess.run([binary, "review", hostile, "--html", hostile_html], check=True)
    dom = chromium(["--dump-dom", f"file://{hostile_html}"], profile)
    check_dom(dom, "hostile")
    if "&lt;script&gt;document.title='pwned'&lt;/script&gt;" not in dom:
        fail("hostile: the injected name is not in the page as escaped text")
    if "<img" in dom:
        fail("hostile: an injected image element is in the DOM")
    title = re.search(r"<title>(.*?)</title>", dom, re.DOTALL)
    if not title or "pwned" == title.group(1).strip():
        fail("hostile: a script rewrote the title")
    print("hostile names: escaped, no script or image element, title intact")


if __name__ == "__main__":
    main()
