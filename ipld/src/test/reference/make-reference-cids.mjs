// Regenerates ../resources/reference-cids.tsv: the root CIDs that the JavaScript reference
// implementations print for Ferry's deterministic test inputs. CI never runs this; see README.md.
//
//   mkdir /tmp/reftools && cd /tmp/reftools && npm init -y
//   npm install ipfs-unixfs-importer@17.1.1 blockstore-core ipfs-car@3.1.0
//   node /path/to/make-reference-cids.mjs > /path/to/ipld/src/test/resources/reference-cids.tsv
//
// Needs about 2.5 GiB of free space in the temp directory for the 1 GiB file fed to ipfs-car.
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// Run from the directory holding node_modules.
const modules = path.join(process.cwd(), 'node_modules')
const version = (pkg) => JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'))).version
const IMPORTER = `ipfs-unixfs-importer@${version('ipfs-unixfs-importer')}`
const CAR = `ipfs-car@${version('ipfs-car')}`

// The test-data generator Ferry's Java tests use (TestData.java): xorshift32 from seed
// 2463534242, each state written as 4 little-endian bytes; byte i of every file is the same.
const SEED = 2463534242
function * generate (size, bufferSize = 1 << 20) {
  let x = SEED
  let produced = 0
  while (produced < size) {
    const n = Math.min(bufferSize, size - produced)
    const buf = new Uint8Array(n)
    for (let i = 0; i < n; i += 4) {
      x ^= x << 13; x >>>= 0
      x ^= x >>> 17
      x ^= x << 5; x >>>= 0
      buf[i] = x & 0xff
      if (i + 1 < n) buf[i + 1] = (x >>> 8) & 0xff
      if (i + 2 < n) buf[i + 2] = (x >>> 16) & 0xff
      if (i + 3 < n) buf[i + 3] = (x >>> 24) & 0xff
    }
    produced += n
    yield buf
  }
}

// bufferSize must be a multiple of 4 so that words never straddle two buffers.
const PROFILES = {
  'unixfs-v1-2025': { chunk: 1048576, opts: { profile: 'unixfs-v1-2025' } },
  'unixfs-v0-2015': {
    chunk: 262144,
    // What kubo's classic `ipfs add` does, spelled out (the importer's own
    // unixfs-v0-2015 profile sets the same values).
    opts: {
      cidVersion: 0,
      rawLeaves: false,
      leafType: 'file',
      reduceSingleLeafToSelf: true,
      chunker: fixedSize({ chunkSize: 262144 }),
      layout: balanced({ maxChildrenPerNode: 174 })
    }
  }
}

async function importerCid (content, opts) {
  let last
  for await (const entry of importer([{ content }], new MemoryBlockstore(), opts)) last = entry
  return last.cid.toString()
}

async function importerTreeCid (dir, opts) {
  const entries = []
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const p = path.join(rel, name)
      const full = path.join(dir, p)
      if (fs.statSync(full).isDirectory()) {
        entries.push({ path: path.join('tree', p) })
        walk(p)
      } else {
        entries.push({ path: path.join('tree', p), content: fs.readFileSync(full) })
      }
    }
  }
  walk('')
  let last
  for await (const entry of importer(entries, new MemoryBlockstore(), { ...opts, wrapWithDirectory: false })) {
    if (entry.path === 'tree') last = entry
  }
  return last.cid.toString()
}

function ipfsCarCid (file, wrap) {
  const bin = path.join(modules, 'ipfs-car', 'bin.js')
  const args = [bin, 'pack', file, '--output', path.join(tmp, 'out.car')]
  if (!wrap) args.push('--no-wrap')
  return execFileSync(process.execPath, args).toString().trim().split('\n').pop()
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-ref-'))
function writeGenerated (file, size) {
  const fd = fs.openSync(file, 'w')
  for (const buf of generate(size)) fs.writeSync(fd, buf)
  fs.closeSync(fd)
}

// The small directory tree of TestData.writeTree (Java) — keep the two in step.
function writeTree (root) {
  fs.mkdirSync(path.join(root, 'sub', 'deep'), { recursive: true })
  fs.mkdirSync(path.join(root, 'emptydir'))
  fs.writeFileSync(path.join(root, 'hello.txt'), 'hello world\n')
  writeGenerated(path.join(root, 'data.bin'), 300000)
  writeGenerated(path.join(root, 'sub', 'deep', 'one.bin'), 1)
  fs.writeFileSync(path.join(root, 'sub', 'empty.txt'), '')
  writeGenerated(path.join(root, 'sub', 'Zed.txt'), 5)
  fs.writeFileSync(path.join(root, 'sub', 'ünïcode.txt'), 'ü\n')
}

const rows = []
const out = (profile, kase, size, cid, tool) => rows.push([profile, kase, size, cid, tool].join('\t'))

for (const [profile, { chunk, opts }] of Object.entries(PROFILES)) {
  const twoLayers = profile === 'unixfs-v1-2025' ? 1024 * chunk + chunk : 174 * chunk + 1
  const cases = [['empty', 0], ['one-byte', 1], ['chunk-minus-one', chunk - 1], ['chunk', chunk],
    ['chunk-plus-one', chunk + 1], ['two-layers', twoLayers]]
  for (const [kase, size] of cases) {
    const cid = await importerCid(generate(size), opts)
    let tool = IMPORTER
    if (profile === 'unixfs-v1-2025') {
      const file = path.join(tmp, kase)
      writeGenerated(file, size)
      const carCid = ipfsCarCid(file, false)
      fs.rmSync(file)
      if (carCid !== cid) throw new Error(`${kase}: ipfs-car printed ${carCid}, importer ${cid}`)
      tool += ',' + CAR
    }
    out(profile, kase, size, cid, tool)
    process.stderr.write(`${profile} ${kase} ${cid}\n`)
  }
  const hello = await importerCid([new TextEncoder().encode('hello world\n')], opts)
  out(profile, 'hello-world-newline', 12, hello, IMPORTER)
  const tree = path.join(tmp, 'tree')
  fs.rmSync(tree, { recursive: true, force: true })
  writeTree(tree)
  out(profile, 'tree', -1, await importerTreeCid(tree, opts), IMPORTER)
  // ipfs-car only packs files (it drops empty directories), so cross-check it on the tree
  // without its empty directory.
  fs.rmSync(path.join(tree, 'emptydir'), { recursive: true })
  const filesOnly = await importerTreeCid(tree, opts)
  let tool = IMPORTER
  if (profile === 'unixfs-v1-2025') {
    const carCid = ipfsCarCid(tree, true)
    if (carCid !== filesOnly) throw new Error(`tree: ipfs-car printed ${carCid}, importer ${filesOnly}`)
    tool += ',' + CAR
  }
  out(profile, 'tree-without-emptydir', -1, filesOnly, tool)
}
fs.rmSync(tmp, { recursive: true })
console.log('# profile\tcase\tbytes\tcid\ttool (bytes: xorshift32 generator, see TestData.java; -1 = directory tree)')
console.log(rows.join('\n'))
