#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a file's bytes as a C array, for a header the build generates.

usage: embed_bytes.py INPUT NAME OUTPUT
OUTPUT gets `static const unsigned char NAME[]` holding INPUT's bytes."""
import sys

src, name, dst = sys.argv[1:4]
data = open(src, "rb").read()
rows = [", ".join(f"0x{b:02x}" for b in data[i:i + 12]) for i in range(0, len(data), 12)]
with open(dst, "w") as out:
    out.write(f"/* generated from {src.rsplit('/', 1)[-1]} by embed_bytes.py: do not edit */\n")
    out.write(f"static const unsigned char {name}[] = {{\n")
    out.write("".join(f"\t{row},\n" for row in rows))
    out.write("};\n")
