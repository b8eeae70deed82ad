#!/usr/bin/env python3
"""Two ptys joined back to back, like `socat pty,raw,echo=0 pty,raw,echo=0`
(for machines without socat): prints the two device names on one line, then
relays bytes between them until killed."""
import os, pty, select, sys, tty

pairs = [pty.openpty() for _ in range(2)]
for _, slave in pairs:
    tty.setraw(slave)
print(" ".join(os.ttyname(s) for _, s in pairs), flush=True)
(ma, _), (mb, _) = pairs
while True:
    r, _, _ = select.select([ma, mb], [], [])
    for m in r:
        try:
            data = os.read(m, 65536)
        except OSError:
            continue
        os.write(mb if m == ma else ma, data)
