# shellcheck shell=bash
# blk-lib.sh - host side of the block tests (sourced after lib.sh; not a test).
#
# The pattern shared with the kernel (drivers/block/blk_test.c): sector i is
#   bytes 0-7     i, little endian
#   bytes 8-15    an 8-character magic ("TEACHOS1" host, "KWRITTEN" kernel)
#   bytes 16-503  filler: byte j = (c + j * seed) mod 256, c = (i * 31 + (i >> 8)) mod 256
#   bytes 504-511 hash: h = sum over k < 63 of word_k * (2k + 1) * 0x9e3779b97f4a7c15
#                 (mod 2^64, word_k the k-th little-endian u64), then h ^ (h >> 29)
#
#   blk_mkpattern IMG NSECT MAGIC SEED       writes an image of NSECT pattern sectors
#   blk_check IMG FIRST END MAGIC SEED       fails unless sectors [FIRST, END) match
#   blk_size IMG                             prints the image size in bytes
blk_pattern_py='
import struct, sys
PHI = 0x9e3779b97f4a7c15
M = (1 << 64) - 1
W = [((2 * k + 1) * PHI) & M for k in range(63)]
BASE = {}
SHIFT = [bytes((k + c) & 255 for k in range(256)) for c in range(256)]
def sector(i, magic, seed):
    c = (i * 31 + (i >> 8)) & 255
    if seed not in BASE:
        BASE[seed] = bytes((j * seed) & 255 for j in range(488))
    filler = BASE[seed].translate(SHIFT[c])
    s = struct.pack("<Q", i) + magic + filler
    h = sum(w * x for w, x in zip(W, struct.unpack("<63Q", s))) & M
    return s + struct.pack("<Q", h ^ (h >> 29))
def main():
    op, img = sys.argv[1], sys.argv[2]
    if op == "make":
        n, magic, seed = int(sys.argv[3]), sys.argv[4].encode(), int(sys.argv[5])
        with open(img, "wb") as f:
            for i in range(n):
                f.write(sector(i, magic, seed))
        return 0
    first, end = int(sys.argv[3]), int(sys.argv[4])
    magic, seed = sys.argv[5].encode(), int(sys.argv[6])
    bad = 0
    with open(img, "rb") as f:
        f.seek(first * 512)
        for i in range(first, end):
            got = f.read(512)
            if got != sector(i, magic, seed):
                if bad < 5:
                    print("sector %d differs: holds %r..." % (i, got[:16]))
                bad += 1
    print("%s: sectors %d-%d: %d differ from the %s pattern" % (img, first, end - 1, bad, sys.argv[5]))
    return 1 if bad else 0
sys.exit(main())
'
blk_mkpattern() { python3 -c "$blk_pattern_py" make "$@" || fail "cannot make $1"; }
blk_check() { python3 -c "$blk_pattern_py" check "$@" || fail "$1: content check failed"; }
blk_size() { stat -c %s "$1"; }
