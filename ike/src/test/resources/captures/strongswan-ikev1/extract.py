#!/usr/bin/env python3
"""Turns one record.sh run into test resources: NN_<exchange>_<i2r|r2i>.hex (the ISAKMP message
from its header on, non-ESP marker stripped, hex 32 bytes a line after '#' comment lines) and
keys.log (the initiator's logged key material, one 'label = hex' line each, in log order).
Usage: extract.py RUNDIR OUTDIR 'description line'"""
import re, struct, sys, os

run, out, desc = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
EXCH = {2: 'id_prot', 4: 'aggressive', 5: 'informational', 32: 'quick_mode'}
data = open(os.path.join(run, 'capture.pcap'), 'rb').read()
linktype = struct.unpack('<I', data[20:24])[0]
pos, n = 24, 0
while pos + 16 <= len(data):
    _, _, incl, _ = struct.unpack('<IIII', data[pos:pos + 16])
    frame = data[pos + 16:pos + 16 + incl]
    pos += 16 + incl
    eth = 14 if linktype == 1 else 0
    ip = frame[eth:]
    if ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    src, dst = '.'.join(map(str, ip[12:16])), '.'.join(map(str, ip[16:20]))
    sport, dport, ulen = struct.unpack('>HHH', ip[ihl:ihl + 6])
    payload = ip[ihl + 8:ihl + ulen]
    if sport == 4500 or dport == 4500:
        if len(payload) < 4 or payload[:4] != b'\0\0\0\0':
            continue  # NAT keepalive or ESP
        payload = payload[4:]
    if len(payload) < 28:
        continue
    n += 1
    exch = payload[18]
    flags = payload[19]
    mid = struct.unpack('>I', payload[20:24])[0]
    direction = 'i2r' if src == '192.0.2.1' else 'r2i'
    name = '%02d_%s_%s.hex' % (n, EXCH.get(exch, 'exchange%d' % exch), direction)
    hexs = payload.hex()
    with open(os.path.join(out, name), 'w') as f:
        f.write('# %s message %d, %s:%d -> %s:%d, %d bytes, message ID %d, %s\n' % (
            EXCH.get(exch, exch), n, src, sport, dst, dport, len(payload), mid,
            'encrypted' if flags & 1 else 'plaintext'))
        f.write('# ' + desc + '\n')
        for i in range(0, len(hexs), 64):
            f.write(hexs[i:i + 64] + '\n')

# keys.log: hex dumps whose label names key material, IVs or hashes.
WANT = re.compile(r'^(shared Diffie Hellman secret|DH secret|SKEYID(_[dae])?|encryption key Ka|'
                  r'initial IV|next IV for MID \d+|HASH_[IR]|Hash(\(\d\))?|'
                  r'(initiator|responder) SA seed|(encryption|integrity) (initiator|responder) key)$')
lines = open(os.path.join(run, 'initiator.log'), errors='replace').read().splitlines()
keys = []
i = 0
while i < len(lines):
    m = re.match(r'.*?\[(IKE|CHD|ENC)\] (.*) => (\d+) bytes @', lines[i])
    if m and WANT.match(m.group(2)):
        label, size = m.group(2), int(m.group(3))
        hexs = ''
        j = i + 1
        while len(hexs) < 2 * size and j < len(lines):
            mm = re.match(r'.*?\[(IKE|CHD|ENC)\]\s+\d+: ((?:[0-9A-F]{2} ){1,16})', lines[j])
            if not mm:
                break
            hexs += mm.group(2).replace(' ', '').lower()
            j += 1
        keys.append('%s = %s' % (label, hexs[:2 * size]))
        i = j
    else:
        i += 1
with open(os.path.join(out, 'keys.log'), 'w') as f:
    f.write('# the initiator charon log (ike 4, chd 4) cut to key material, in log order\n')
    f.write('# ' + desc + '\n')
    f.write('\n'.join(keys) + '\n')
print(n, 'messages,', len(keys), 'key lines')
