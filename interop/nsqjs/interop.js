// Interop checks of jnsq's nsqd with nsqjs (npm), a client nobody here wrote.
// Usage: node interop.js <nsqd-host> <nsqd-tcp-port>
'use strict'
const nsq = require('nsqjs')

const host = process.argv[2] || '127.0.0.1'
const port = Number(process.argv[3] || 4150)
const addr = `${host}:${port}`
const lookupdHttp = process.argv[4]
const nsqdHttp = process.argv[5]
const run = Date.now()
let failures = 0
let passes = 0

function topic (name) { return `nsqjs_${name}_${run}` }

function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms) })
  ]).finally(() => clearTimeout(timer))
}

function writer (options = {}) {
  return new Promise((resolve, reject) => {
    const w = new nsq.Writer(host, port, options)
    w.on('ready', () => resolve(w))
    w.on('error', reject)
    w.connect()
  })
}

function publish (w, t, msgs) {
  return new Promise((resolve, reject) => w.publish(t, msgs, err => err ? reject(err) : resolve()))
}

function deferPublish (w, t, msg, ms) {
  return new Promise((resolve, reject) => w.deferPublish(t, msg, ms, err => err ? reject(err) : resolve()))
}

function reader (t, channel, options, onMessage) {
  return new Promise((resolve, reject) => {
    const r = new nsq.Reader(t, channel, Object.assign({ nsqdTCPAddresses: [addr], maxInFlight: 10 }, options))
    r.on('message', msg => onMessage(msg, r))
    r.on('error', err => console.error(`reader error: ${err.message}`))
    r.on('nsqd_connected', () => resolve(r))
    r.connect()
  })
}

function collector (n) {
  const got = []
  let done
  const finished = new Promise(resolve => { done = resolve })
  return {
    got,
    finished,
    add (body) { got.push(body); if (got.length >= n) done() }
  }
}

async function check (name, fn) {
  try {
    await withTimeout(fn(), 30000, name)
    passes++
    console.log(`ok   ${name}`)
  } catch (e) {
    failures++
    console.log(`FAIL ${name}: ${e.message}`)
    if (nsqdHttp) {
      // what the broker held at the time: queued, in flight, per client
      const res = await fetch(`http://${nsqdHttp}/stats?format=json`).catch(() => null)
      if (res) console.log(await res.text())
    }
  }
}

function assertEqual (actual, expected, what) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

// TLS with a verified client certificate, and AUTH, against the secured broker run.sh starts (when it does)
async function secured () {
  const [shost, sport] = process.env.SECURED_NSQD.split(':')
  const fs = require('fs')
  const certs = process.env.TLS_CERTS
  const tls = {
    tls: true,
    tlsVerification: true,
    ca: fs.readFileSync(`${certs}/ca.pem`),
    cert: fs.readFileSync(`${certs}/client.pem`),
    key: fs.readFileSync(`${certs}/client.key`),
    authSecret: process.env.AUTH_SECRET
  }
  function securedWriter (options) {
    return new Promise((resolve, reject) => {
      const w = new nsq.Writer(shost, Number(sport), options)
      w.on('ready', () => resolve(w))
      w.on('error', reject)
      w.connect()
    })
  }

  for (const compression of ['none', 'deflate', 'snappy']) {
    await check(`TLS (${compression}) with a client certificate and AUTH: publish and consume`, async () => {
      const t = topic(`tls_${compression}`)
      const extra = compression === 'none' ? {} : { [compression]: true }
      const c = collector(3)
      const r = await new Promise((resolve, reject) => {
        const r = new nsq.Reader(t, 'ch', Object.assign({ nsqdTCPAddresses: [process.env.SECURED_NSQD], maxInFlight: 10 }, tls, extra))
        r.on('message', msg => { c.add(msg.body.toString()); msg.finish() })
        r.on('error', reject)
        r.on('nsqd_connected', () => resolve(r))
        r.connect()
      })
      const w = await securedWriter(Object.assign({}, tls, extra))
      await publish(w, t, 'secret one')
      await publish(w, t, ['secret two', 'secret three'])
      await withTimeout(c.finished, 10000, 'messages over TLS')
      assertEqual(c.got, ['secret one', 'secret two', 'secret three'], 'bodies')
      w.close(); r.close()
    })
  }

  await check('AUTH with a wrong secret is refused', async () => {
    const w = await securedWriter(Object.assign({}, tls, { authSecret: 'guess' })).then(w => w, err => err)
    if (!(w instanceof Error)) { w.close(); throw new Error('a wrong secret was accepted') }
    if (!/E_AUTH_FAILED/.test(w.message)) throw new Error(`unexpected error: ${w.message}`)
  })

  await check('a topic outside the grant is E_UNAUTHORIZED', async () => {
    const w = await securedWriter(tls)
    const err = await publish(w, 'payments', 'x').then(() => null, e => e)
    w.close()
    if (!err || !/E_UNAUTHORIZED/.test(err.message)) throw new Error(`expected E_UNAUTHORIZED, got ${err && err.message}`)
  })
}

async function main () {
  await check('publish and multi-publish reach a reader in order', async () => {
    const t = topic('pub')
    const c = collector(4)
    const r = await reader(t, 'ch', {}, msg => { c.add(msg.body.toString()); msg.finish() })
    const w = await writer()
    await publish(w, t, 'one')
    await publish(w, t, ['two', 'three', 'four'])
    await c.finished
    assertEqual(c.got, ['one', 'two', 'three', 'four'], 'bodies')
    w.close(); r.close()
  })

  await check('deferred publish arrives after its delay', async () => {
    const t = topic('defer')
    const c = collector(1)
    const start = Date.now()
    const r = await reader(t, 'ch', {}, msg => { c.add(Date.now() - start); msg.finish() })
    const w = await writer()
    await deferPublish(w, t, ['later'], 1000)
    await c.finished
    if (c.got[0] < 900) throw new Error(`arrived after ${c.got[0]} ms, before the 1000 ms delay`)
    w.close(); r.close()
  })

  await check('two consumers on one channel split the stream, a second channel gets everything', async () => {
    const t = topic('split')
    const n = 40
    // nsqjs reports a reader connected before its SUB has created the channel: create both channels first, or the
    // publish may reach the topic while it has only one of them (a new channel gets only later messages)
    await fetch(`http://${nsqdHttp}/topic/create?topic=${t}`, { method: 'POST' })
    await fetch(`http://${nsqdHttp}/channel/create?topic=${t}&channel=shared`, { method: 'POST' })
    await fetch(`http://${nsqdHttp}/channel/create?topic=${t}&channel=everything`, { method: 'POST' })
    const a = []; const b = []; const all = collector(n); const split = collector(n)
    const ra = await reader(t, 'shared', { maxInFlight: 1 }, msg => { a.push(msg.body.toString()); split.add(1); setTimeout(() => msg.finish(), 5) })
    const rb = await reader(t, 'shared', { maxInFlight: 1 }, msg => { b.push(msg.body.toString()); split.add(1); setTimeout(() => msg.finish(), 5) })
    const rc = await reader(t, 'everything', {}, msg => { all.add(msg.body.toString()); msg.finish() })
    const w = await writer()
    const bodies = Array.from({ length: n }, (_, i) => `m${i}`)
    await publish(w, t, bodies)
    await split.finished
    await all.finished
    if (a.length === 0 || b.length === 0) throw new Error(`one consumer got nothing (a=${a.length}, b=${b.length})`)
    assertEqual([...a, ...b].sort(), [...bodies].sort(), 'split channel: every message exactly once')
    assertEqual(all.got, bodies, 'second channel')
    w.close(); ra.close(); rb.close(); rc.close()
  })

  await check('requeue with delay redelivers with attempts 2', async () => {
    const t = topic('requeue')
    const c = collector(2)
    let firstAt = 0
    const r = await reader(t, 'ch', {}, msg => {
      if (msg.attempts === 1) { firstAt = Date.now(); c.add(1); msg.requeue(500, false) } else { c.add(Date.now() - firstAt); msg.finish() }
    })
    const w = await writer()
    await publish(w, t, 'again')
    await c.finished
    if (c.got[1] < 400) throw new Error(`redelivered after ${c.got[1]} ms`)
    w.close(); r.close()
  })

  await check('unfinished message is redelivered after msg_timeout', async () => {
    const t = topic('timeout')
    const c = collector(2)
    const r = await reader(t, 'ch', { messageTimeout: 1000 }, msg => {
      c.add(msg.attempts)
      if (msg.attempts > 1) msg.finish()
    })
    const w = await writer()
    await publish(w, t, 'slow')
    await c.finished
    assertEqual(c.got, [1, 2], 'attempts')
    w.close(); r.close()
  })

  for (const compression of ['deflate', 'snappy']) {
    await check(`${compression} connections publish and consume`, async () => {
      const t = topic(compression)
      const c = collector(3)
      const opts = {}; opts[compression] = true
      const r = await reader(t, 'ch', opts, msg => { c.add(msg.body.toString()); msg.finish() })
      const w = await writer(opts)
      await publish(w, t, ['x'.repeat(1000), 'y', 'z'])
      await c.finished
      assertEqual(c.got, ['x'.repeat(1000), 'y', 'z'], 'bodies')
      w.close(); r.close()
    })
  }

  if (lookupdHttp) {
    await check('a reader finds the broker through nsqlookupd', async () => {
      const t = topic('lookupd')
      const w = await writer()
      await publish(w, t, ['found-1', 'found-2'])
      // nsqd registers the new topic with lookupd asynchronously: wait until lookupd knows it
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`http://${lookupdHttp}/lookup?topic=${t}`)
        if (res.status === 200 && (await res.json()).producers.length > 0) break
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      const c = collector(2)
      const r = new nsq.Reader(t, 'ch', { lookupdHTTPAddresses: [lookupdHttp], lookupdPollInterval: 1 })
      r.on('message', msg => { c.add(msg.body.toString()); msg.finish() })
      r.connect()
      await c.finished
      assertEqual(c.got, ['found-1', 'found-2'], 'bodies')
      w.close(); r.close()
    })
  }

  if (process.env.SECURED_NSQD) {
    await secured()
  }

  console.log(`nsqjs interop: ${passes} passed, ${failures} failed`)
  process.exit(failures === 0 ? 0 : 1)
}

main()
