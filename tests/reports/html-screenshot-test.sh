#!/usr/bin/env bash
# The HTML report in a real browser: Debian's Chromium renders it headless at 1280x800, and the first
# failure must be on that first screen. The failure list's rows carry a border colour used nowhere else
# (#d1242f), so the screenshot's pixels say whether a failure is in view; a passing report, which lists no
# failure, must show none of it (the check can fail). Usage: html-screenshot-test.sh GATECHECK_BINARY.
# Exit 77 (skipped) without chromium (apt-get install chromium).
set -euo pipefail
gatecheck=$1
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "skipped: no chromium on this machine (Debian's package 'chromium'; scripts/setup --tools)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Many passing scenarios, and failures only in the suite that runs last (rate-limit headers), so the
# failures are far down the page unless the report puts them first.
set +e
"$gatecheck" run --quiet --mock-fault no-ratelimit-headers --report html="$work/failing.html" \
  --report json="$work/failing.json" >"$work/failing.out" 2>&1
failing_exit=$?
set -e
[[ $failing_exit == 1 ]] || { echo "the failing run exited $failing_exit"; cat "$work/failing.out"; exit 1; }
"$gatecheck" run --quiet --report html="$work/passing.html" >"$work/passing.out" 2>&1

shoot() {  # shoot HTML PNG
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --window-size=1280,800 --screenshot="$2" "file://$1" >"$work/browser.log" 2>&1 ||
    { echo "chromium failed:"; cat "$work/browser.log"; exit 1; }
}
shoot "$work/failing.html" "$work/failing.png"
shoot "$work/passing.html" "$work/passing.png"

# Counts the pixels of the failure marker's colour in a PNG (8-bit RGB or RGBA, any filter): Python's zlib.
count_marker() {
  /usr/bin/python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, channels = 8, b"", 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and color in (2, 6), (depth, color)
        channels = 3 if color == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw, stride = zlib.decompress(idat), width * channels
rows, prev, count, first = [], bytearray(stride), 0, None
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b, c = prev[i], prev[i - channels] if i >= channels else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, channels):
        if tuple(line[x:x + 3]) == (0xd1, 0x24, 0x2f):
            count += 1
            first = y if first is None else first
    prev = line
print(count, first if first is not None else -1, height)
PY
}
read -r failing_pixels failing_row height < <(count_marker "$work/failing.png")
read -r passing_pixels _ _ < <(count_marker "$work/passing.png")
echo "failing report: $failing_pixels marker pixels, the first at row $failing_row of $height"
echo "passing report: $passing_pixels marker pixels"
((failing_pixels > 0)) || { echo "the first failure is not on the first screen"; exit 1; }
((passing_pixels == 0)) || { echo "a passing report shows a failure marker"; exit 1; }
echo "html: the first failure is on the first screen"
