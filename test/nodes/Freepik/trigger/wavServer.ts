import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

/** A tiny 8 kHz mono 16-bit WAV holding `samples` zero samples. */
export function tinyWav(samples = 8): Buffer {
	const dataSize = samples * 2;
	const wav = Buffer.alloc(44 + dataSize);
	wav.write('RIFF', 0, 'ascii');
	wav.writeUInt32LE(36 + dataSize, 4);
	wav.write('WAVE', 8, 'ascii');
	wav.write('fmt ', 12, 'ascii');
	wav.writeUInt32LE(16, 16);
	wav.writeUInt16LE(1, 20); // PCM
	wav.writeUInt16LE(1, 22); // mono
	wav.writeUInt32LE(8000, 24);
	wav.writeUInt32LE(16000, 28);
	wav.writeUInt16LE(2, 32);
	wav.writeUInt16LE(16, 34);
	wav.write('data', 36, 'ascii');
	wav.writeUInt32LE(dataSize, 40);
	return wav;
}

export interface WavServer {
	baseUrl: string;
	requests: Array<{ url: string; headers: IncomingHttpHeaders }>;
	close(): Promise<void>;
}

/** Serves `files` (path → bytes) on 127.0.0.1; anything else answers 404. */
export async function startWavServer(files: Record<string, Buffer>): Promise<WavServer> {
	const requests: WavServer['requests'] = [];
	const server: Server = createServer((req, res) => {
		requests.push({ url: req.url ?? '', headers: req.headers });
		const path = (req.url ?? '').split('?')[0];
		const file = files[path];
		if (!file) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': file.length }).end(file);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		requests,
		close: async () =>
			await new Promise<void>((resolve, reject) =>
				server.close((error) => (error ? reject(error) : resolve())),
			),
	};
}
