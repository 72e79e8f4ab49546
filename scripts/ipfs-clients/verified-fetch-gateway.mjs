// A trustless gateway built on @helia/verified-fetch, for Ferry's interoperability tests.
//
//   node verified-fetch-gateway.mjs FILE.car... [--cut-car-after BYTES] [--cut-times N] [--refuse-car]
//
// Loads the blocks of the CAR files into an offline Helia node (no network, no routers), serves
// GET /ipfs/{cid}[/path]?format=car|raw&dag-scope=... on 127.0.0.1 (a free port) by handing each
// request to verifiedFetch, and prints "listening http://127.0.0.1:PORT" once it is ready.
// For the interrupted-fetch tests: --cut-car-after ends the first N (--cut-times, default 1) CAR
// answers abruptly after BYTES bytes; --refuse-car answers 406 to every CAR request.
import http from 'node:http'
import fs from 'node:fs'
import { CarReader } from '@ipld/car'
import { createHeliaLight } from 'helia'
import { createVerifiedFetchWithHelia } from '@helia/verified-fetch'

const args = process.argv.slice(2)
const cars = []
let cutAfter = -1
let cutTimes = 1
let refuseCar = false
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--cut-car-after') cutAfter = Number(args[++i])
  else if (args[i] === '--cut-times') cutTimes = Number(args[++i])
  else if (args[i] === '--refuse-car') refuseCar = true
  else cars.push(args[i])
}

const helia = createHeliaLight({})
await helia.start()
for (const file of cars) {
  const reader = await CarReader.fromBytes(fs.readFileSync(file))
  for await (const { cid, bytes } of reader.blocks()) {
    await helia.blockstore.put(cid, bytes)
  }
}
const verifiedFetch = await createVerifiedFetchWithHelia(helia)

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost')
    console.error('request ' + req.url)
    const wantsCar = url.searchParams.get('format') === 'car' ||
      (req.headers.accept ?? '').includes('application/vnd.ipld.car')
    if (wantsCar && refuseCar) {
      res.writeHead(406, { 'content-type': 'text/plain' })
      res.end('this gateway serves no CAR\n')
      return
    }
    if (!url.pathname.startsWith('/ipfs/')) {
      res.writeHead(404)
      res.end()
      return
    }
    const resource = 'ipfs://' + url.pathname.slice('/ipfs/'.length) + url.search
    const answer = await verifiedFetch(resource, {
      headers: req.headers.accept ? { accept: req.headers.accept } : {},
      signal: AbortSignal.timeout(60_000),
      session: false
    })
    const headers = {}
    answer.headers.forEach((v, k) => { headers[k] = v })
    delete headers['content-length']
    res.writeHead(answer.status, headers)
    let budget = wantsCar && cutAfter >= 0 && cutTimes-- > 0 ? cutAfter : Infinity
    if (answer.body == null) {
      res.end()
      return
    }
    for await (const chunk of answer.body) {
      if (chunk.byteLength >= budget) {
        // an interrupted transfer: what was written reaches the client, then the connection drops
        // without the end of the chunked body
        await new Promise(resolve => res.write(chunk.subarray(0, budget), resolve))
        res.socket.destroy()
        return
      }
      budget -= chunk.byteLength
      if (!res.write(chunk)) {
        await new Promise(resolve => res.once('drain', resolve))
      }
    }
    res.end()
  } catch (e) {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' })
    }
    res.end(String(e?.message ?? e) + '\n')
  }
})
server.listen(0, '127.0.0.1', () => {
  console.log('listening http://127.0.0.1:' + server.address().port)
})
const stop = async () => {
  server.close()
  await helia.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
