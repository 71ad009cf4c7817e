#!/usr/bin/env python3
"""Writes a large generated Wasm module for compile-time and peak-memory benchmarks.

    gen-module.py N OUT.wasm    # N functions (e.g. 100000)

Function i takes an i32 and returns one: a few arithmetic steps, a loop, and a call to
function i-1, so every function has locals, control flow and a direct call (the shapes a
real toolchain's output has), and no function is dead. Function 0 is exported as `f`.
"""
import sys


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n == 0:
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload


def vec(items):
    return leb(len(items)) + b"".join(items)


def body(i):
    code = bytearray()
    code += b"\x20\x00" + b"\x41" + sleb(i * 7 % 1000) + b"\x6a\x21\x01"  # l1 = p0 + k
    # loop: l1 = l1 * 3 + 1 while l1 & 0xff is not 0 (at most 8 rounds via the counter l2)
    code += b"\x41\x08\x21\x02"  # l2 = 8
    code += b"\x02\x40\x03\x40"  # block loop
    code += b"\x20\x01\x41\x03\x6c\x41\x01\x6a\x21\x01"  # l1 = l1*3+1
    code += b"\x20\x02\x41\x01\x6b\x22\x02\x45\x0d\x01"  # l2 -= 1; br_if 1 (l2 == 0)
    code += b"\x20\x01\x41\xff\x01\x71\x0d\x00"  # br_if 0 (l1 & 0xff)
    code += b"\x0b\x0b"  # end end
    code += b"\x20\x01"
    if i > 0:
        code += b"\x20\x01\x10" + leb(i - 1) + b"\x73"  # call f(i-1) (l1); xor
    code += b"\x0b"
    locals_ = vec([leb(2) + b"\x7f"])  # two i32 locals
    entry = locals_ + bytes(code)
    return leb(len(entry)) + entry


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    types = section(1, vec([b"\x60\x01\x7f\x01\x7f"]))
    funcs = section(3, leb(n) + b"\x00" * n)
    exports = section(7, vec([vec([b"f"])[0:0] + leb(1) + b"f" + b"\x00" + leb(0)]))
    code = section(10, leb(n) + b"".join(body(i) for i in range(n)))
    module = b"\x00asm\x01\x00\x00\x00" + types + funcs + exports + code
    with open(out, "wb") as f:
        f.write(module)


if __name__ == "__main__":
    main()
