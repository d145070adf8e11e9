// @ts-check
'use strict';
// An S3-compatible server on 127.0.0.1 for scripts/e2e-chains.js: the maintained fork of s3rver
// (@20minutes/s3rver, a devDependency). It needs Node >= 24, so the e2e runs this file with the
// Node that scripts/n8n-runtime.sh provisions for n8n, as its own process.
//   node chains-s3rver.js <directory> <bucket>
// Listens on a free loopback port, checks request signatures against its fixed key pair
// (S3RVER / S3RVER), prints {"port":N,"accessKeyId":…,"secretAccessKey":…} on one line, and
// stops on SIGTERM/SIGINT.
const S3rver = require('@20minutes/s3rver');

async function main() {
	const [directory, bucket] = process.argv.slice(2);
	if (!directory || !bucket) throw new Error('usage: chains-s3rver.js <directory> <bucket>');
	const server = new S3rver({
		address: '127.0.0.1',
		port: 0,
		directory,
		silent: true,
		vhostBuckets: false,
		allowMismatchedSignatures: false,
		configureBuckets: [{ name: bucket }],
	});
	const { port } = await server.run();
	process.stdout.write(
		`${JSON.stringify({ port, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' })}\n`,
	);
	const stop = () => server.close().finally(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
