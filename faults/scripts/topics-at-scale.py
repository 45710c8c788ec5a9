#!/usr/bin/env python3
"""Topics at scale, measured the same way for bin/nsqd and the real nsqd (same machine, same flags).

usage: topics-at-scale.py NSQD_BINARY COUNT [--port-base 25150]
Creates COUNT topics with one channel each over HTTP (8 parallel clients), then reports: creation time, RSS,
the time of GET /stats?format=json, a restart (SIGTERM, start, until /stats lists every topic), RSS after restart.
All traffic goes to 127.0.0.1; the data path is a fresh temporary directory, removed at the end.
"""
import concurrent.futures, http.client, os, shutil, signal, subprocess, sys, tempfile, time

binary, count = sys.argv[1], int(sys.argv[2])
base = int(sys.argv[sys.argv.index('--port-base') + 1]) if '--port-base' in sys.argv else 25150
tcp, httpp = base, base + 1

def request(method, path, timeout=120):
    c = http.client.HTTPConnection('127.0.0.1', httpp, timeout=timeout)
    c.request(method, path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body

def rss_mb(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0

def start(data):
    log = open(os.path.join(data, '..', 'nsqd.log'), 'ab')
    p = subprocess.Popen([binary, f'--tcp-address=127.0.0.1:{tcp}', f'--http-address=127.0.0.1:{httpp}',
                          f'--data-path={data}'], stdout=log, stderr=subprocess.STDOUT,
                         env=dict(os.environ, JNSQ_NO_BUILD='1'))
    t0 = time.time()
    while True:
        try:
            if request('GET', '/ping', 2)[1] == b'OK':
                return p, time.time() - t0
        except OSError:
            pass
        if p.poll() is not None:
            sys.exit(f'{binary} exited with {p.returncode}')
        time.sleep(0.05)

def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(300)

def create(i):
    s1, b1 = request('POST', f'/topic/create?topic=scale{i}')
    s2, b2 = request('POST', f'/channel/create?topic=scale{i}&channel=c')
    return (s1, b1) if s1 != 200 else (s2, b2)

def timed_stats():
    t0 = time.time()
    status, body = request('GET', '/stats?format=json')
    return time.time() - t0, status, body

tmp = tempfile.mkdtemp(prefix='scale-')
data = os.path.join(tmp, 'data')
os.makedirs(data)
try:
    p, _ = start(data)
    t0 = time.time()
    failures = {}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for status, body in pool.map(create, range(count)):
            if status != 200:
                failures[(status, body[:80])] = failures.get((status, body[:80]), 0) + 1
    created = time.time() - t0
    print(f'created {count} topics+channels in {created:.1f} s; failures: {failures or "none"}')
    print(f'RSS after creation: {rss_mb(p.pid):.0f} MB')
    for _ in range(3):
        secs, status, body = timed_stats()
        print(f'/stats?format=json: {status}, {len(body)} bytes in {secs:.2f} s')
    stop(p)
    t0 = time.time()
    p, ping = start(data)
    while True:
        secs, status, body = timed_stats()
        if body.count(b'"topic_name"') >= count:
            break
        time.sleep(0.1)
    print(f'restart: /ping after {ping:.1f} s, every topic in /stats after {time.time() - t0:.1f} s')
    print(f'RSS after restart: {rss_mb(p.pid):.0f} MB')
    c = http.client.HTTPConnection('127.0.0.1', httpp, timeout=60)
    c.request('POST', '/pub?topic=scale0', body=b'after restart')
    r = c.getresponse()
    status, body = r.status, r.read()
    print(f'publish after restart: {status} {body[:40]}')
    stop(p)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
