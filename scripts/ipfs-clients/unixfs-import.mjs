// Imports a directory tree as ipfs-unixfs-importer (what @helia/unixfs's addAll runs) does under a
// named profile, storing nothing, and prints the root CID.
//
//   node unixfs-import.mjs DIR [PROFILE]      PROFILE: unixfs-v1-2025 (default) or unixfs-v0-2015
//
// Entries are given in the order of their names' bytes, hidden ones (starting with '.') left out,
// as `ipfs add -r`, `ipfs-car pack` and `ferry import` read a tree.
import fs from 'node:fs'
import path from 'node:path'
import { importer } from 'ipfs-unixfs-importer'

const [dir, profile = 'unixfs-v1-2025'] = process.argv.slice(2)
const discard = { put: async (cid) => cid }

function * entries (abs, rel) {
  const names = fs.readdirSync(abs).filter(n => !n.startsWith('.'))
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  for (const name of names) {
    const file = path.join(abs, name)
    const at = `${rel}/${name}`
    if (fs.statSync(file).isDirectory()) {
      yield { path: at }
      yield * entries(file, at)
    } else {
      yield { path: at, content: fs.readFileSync(file) }
    }
  }
}

let root
for await (const entry of importer(entries(dir, path.basename(dir)), discard, { profile })) {
  root = entry
}
console.log(root.cid.toString())
