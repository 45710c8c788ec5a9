#!/usr/bin/env python3
"""Restart time side by side: each binary in turn starts on a fresh copy of the same data directory.

usage: restart-side-by-side.py DATA_DIR TOPICS ROUNDS BINARY... [--port-base 25850]
DATA_DIR holds nsqd.dat (and, as nsqd leaves it, a .meta.dat per queue); both nsqd and bin/nsqd read that layout.
For each round and binary: copy DATA_DIR, start the binary on it, report when /ping answers and when /stats lists
TOPICS topics, then SIGTERM it. All traffic goes to 127.0.0.1; the copy is removed at the end.
"""
import http.client, os, shutil, signal, subprocess, sys, tempfile, time

args = [a for a in sys.argv[1:]]
base = 25850
if '--port-base' in args:
    i = args.index('--port-base')
    base = int(args[i + 1])
    del args[i:i + 2]
src, topics, rounds, binaries = args[0], int(args[1]), int(args[2]), args[3:]
tcp, httpp = base, base + 1

def get(path, timeout=60):
    c = http.client.HTTPConnection('127.0.0.1', httpp, timeout=timeout)
    c.request('GET', path)
    body = c.getresponse().read()
    c.close()
    return body

def restart(binary, data):
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(src, data)
    t0 = time.time()
    p = subprocess.Popen([binary, f'--tcp-address=127.0.0.1:{tcp}', f'--http-address=127.0.0.1:{httpp}',
                          f'--data-path={data}'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=dict(os.environ, JNSQ_NO_BUILD='1'))
    try:
        while True:
            try:
                if get('/ping', 2) == b'OK':
                    break
            except OSError:
                pass
            if p.poll() is not None:
                sys.exit(f'{binary} exited with {p.returncode}')
            time.sleep(0.02)
        ping = time.time() - t0
        while get('/stats?format=json').count(b'"topic_name"') < topics:
            time.sleep(0.05)
        return ping, time.time() - t0
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(120)

tmp = tempfile.mkdtemp(prefix='restart-')
try:
    for _ in range(rounds):
        for b in binaries:
            ping, listed = restart(b, os.path.join(tmp, 'data'))
            print(f'{b}: /ping after {ping:.2f} s, all {topics} topics in /stats after {listed:.2f} s '
                  f'(load {os.getloadavg()[0]:.1f})', flush=True)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
