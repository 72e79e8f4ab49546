// Helia fetches a UnixFS DAG over HTTP, finding its provider through a delegated router.
//
//   node helia-fetch.mjs ROUTER_URL CID OUT
//
// An @helia/http node (no libp2p) whose only router is the Delegated Routing V1 endpoint at
// ROUTER_URL and whose only block broker is the trustless-gateway one (plain http and loopback
// allowed, for tests): every block is found through ROUTER_URL/routing/v1/providers/{cid}, fetched
// from the gateway the router names and verified by Helia. @helia/unixfs writes the file, or the
// directory tree, to OUT. Prints "saved CID" at the end.
import fs from 'node:fs'
import path from 'node:path'
import { createHeliaLight } from 'helia'
import { withHTTP } from '@helia/http'
import { unixfs } from '@helia/unixfs'

const [router, cidText, out] = process.argv.slice(2)
const helia = withHTTP(createHeliaLight({}), {
  delegatedRouters: [router],
  recursiveGateways: [],
  allowInsecure: true,
  allowLocal: true
})
await helia.start()
const ufs = unixfs(helia)
const options = () => ({ signal: AbortSignal.timeout(300_000) })

async function save (cid, target) {
  const stat = await ufs.stat(cid, options())
  if (stat.type === 'directory') {
    fs.mkdirSync(target)
    for await (const entry of ufs.ls(cid, options())) {
      await save(entry.cid.toString(), path.join(target, entry.name))
    }
    return
  }
  const fd = fs.openSync(target, 'wx')
  try {
    for await (const chunk of ufs.cat(cid, options())) {
      fs.writeSync(fd, chunk)
    }
  } finally {
    fs.closeSync(fd)
  }
}

// CIDs travel as strings: @helia/unixfs resolves them with its own multiformats, whose CID
// class is not the one a top-level import of multiformats would give here.
await save(cidText, out)
await helia.stop()
console.log('saved ' + cidText)
