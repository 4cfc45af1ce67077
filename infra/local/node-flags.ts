/**
 * Node flags of every service process (npm start, dev.sh, the Dockerfile, the demo, the tests and
 * the bench's servers alike). A young generation of 64 MiB semi-spaces instead of 16: a purchase
 * allocates for its whole ~20 ms round trip, so with small semi-spaces many of those objects are
 * still alive at a scavenge and get copied, then promoted. Interleaved bench rounds: about 3 %
 * more accepted orders/s. The young generation may then take up to about 200 MiB.
 *
 * package.json, infra/local/dev.sh and the Dockerfile spell the same flag out.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;
