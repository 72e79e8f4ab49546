/**
 * Retrieval from any IPFS trustless gateway over HTTP: a DAG fetched as CAR streams ({@code
 * ?format=car&dag-scope=...}), every block checked against its CID and the traversal before it is
 * stored, an interrupted fetch resumed by asking only for the sub-DAG that is still missing, and
 * single blocks ({@code ?format=raw}) when a gateway's CAR fails.
 */
package io.ferry.server.fetch;
