#!/usr/bin/env python3
"""A few seconds of what clients do to nsqd, for the AOT cache's training run (bin/lib/aot-train.sh): TCP PUB and
MPUB on one connection while a consumer SUBs, RDYs and FINs on another, and HTTP /pub, /mpub and /stats over one
keep-alive connection, so the cache records the profiles of the paths a loaded broker runs. Then a backlog: MPUBs of
200 to a channel nobody reads, past the memory queue (the training broker's default 10,000), and a consumer that
drains it from disk; the HTTP publishes also go to a topic already past its memory queue. Without these, the JIT met
the disk paths only under a benchmark's load, and deoptimized the publish path three times in its first seconds.
usage: aot-load.py TCP_PORT HTTP_PORT [messages]"""
import http.client
import json
import socket
import struct
import sys
import threading

HOST = '127.0.0.1'
BODY = b'x' * 200


def connect(port):
    s = socket.create_connection((HOST, port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b'  V2')
    identify = json.dumps({'client_id': 'aot', 'hostname': 'aot', 'user_agent': 'aot-train'}).encode()
    s.sendall(b'IDENTIFY\n' + struct.pack('>i', len(identify)) + identify)
    return s


class Frames:
    def __init__(self, s):
        self.s = s
        self.buf = b''

    def next(self):
        while True:
            if len(self.buf) >= 4:
                size, = struct.unpack('>i', self.buf[:4])
                if len(self.buf) >= 4 + size:
                    frame = self.buf[4:4 + size]
                    self.buf = self.buf[4 + size:]
                    return struct.unpack('>i', frame[:4])[0], frame[4:]
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk


def backlog(port, topic, total):
    """MPUBs of 200, each answered before the next (as NSQ's bench_writer does them)."""
    s = connect(port)
    frames = Frames(s)
    frames.next()
    mpub = b''.join(struct.pack('>i', len(BODY)) + BODY for _ in range(200))
    command = b'MPUB ' + topic.encode() + b'\n' + struct.pack('>ii', 4 + len(mpub), 200) + mpub
    for _ in range(total // 200):
        s.sendall(command)
        frames.next()
    s.close()


def publish(port, total):
    s = connect(port)
    frames = Frames(s)
    frames.next()  # IDENTIFY's OK
    mpub = b''.join(struct.pack('>i', len(BODY)) + BODY for _ in range(20))
    batch = b''.join(b'PUB aot\n' + struct.pack('>i', len(BODY)) + BODY for _ in range(100))
    batch += b'MPUB aot\n' + struct.pack('>ii', 4 + len(mpub), 20) + mpub
    sent = 0
    while sent < total:
        s.sendall(batch)
        for _ in range(101):
            frames.next()
        sent += 120
    s.close()


def consume(port, total, topic='aot'):
    s = connect(port)
    frames = Frames(s)
    frames.next()
    s.sendall(b'SUB ' + topic.encode() + b' ch\nRDY 500\n')
    got = 0
    while got < total:
        kind, data = frames.next()
        if kind == 2:  # a message: 8-byte timestamp, 2-byte attempts, 16-byte ID, body
            s.sendall(b'FIN ' + data[10:26] + b'\n')
            got += 1
        elif kind == 0 and data == b'_heartbeat_':
            s.sendall(b'NOP\n')
    s.close()


def over_http(port, requests):
    c = http.client.HTTPConnection(HOST, port, timeout=10)
    for i in range(requests):
        c.request('POST', '/pub?topic=aot_http', BODY)
        c.getresponse().read()
        if i % 20 == 0:
            c.request('POST', '/mpub?topic=aot_http', b'\n'.join([BODY] * 10))
            c.getresponse().read()
        if i % 200 == 0:
            c.request('GET', '/stats?format=json')
            c.getresponse().read()
    c.close()


def main():
    tcp, port = int(sys.argv[1]), int(sys.argv[2])
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 60000
    s = connect(tcp)  # the channel exists before the first PUB, so the consumer sees every message
    frames = Frames(s)
    frames.next()
    s.sendall(b'SUB aot ch\n')
    frames.next()
    s.close()
    backlog(tcp, 'aot_http', 10000)  # no channel: the HTTP publishes below go to disk
    threads = [threading.Thread(target=publish, args=(tcp, total)),
               threading.Thread(target=consume, args=(tcp, total)),
               threading.Thread(target=over_http, args=(port, total // 20))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    c = http.client.HTTPConnection(HOST, port, timeout=10)
    c.request('POST', '/channel/create?topic=aot_disk&channel=ch')
    c.getresponse().read()
    c.close()
    backlog(tcp, 'aot_disk', total // 2)
    consume(tcp, total // 2, 'aot_disk')


if __name__ == '__main__':
    main()
