'use strict';
// Tiny PCM WAV writer/checker, so the demo and tests need no audio tools (espeak, sox...).

/** 16-bit mono PCM WAV: a tone with a little noise, like a voice over a hum. */
function toneWav({ seconds = 1.5, freq = 440, sampleRate = 16000 } = {}) {
	const samples = Math.round(seconds * sampleRate);
	const data = Buffer.alloc(samples * 2);
	let seed = 1;
	for (let i = 0; i < samples; i++) {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff; // deterministic noise: same bytes every run
		const noise = (seed / 0x7fffffff - 0.5) * 0.1;
		const v = 0.5 * Math.sin((2 * Math.PI * freq * i) / sampleRate) + noise;
		data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2);
	}
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + data.length, 4);
	header.write('WAVE', 8, 'ascii');
	header.write('fmt ', 12, 'ascii');
	header.writeUInt32LE(16, 16); // fmt chunk size
	header.writeUInt16LE(1, 20); // PCM
	header.writeUInt16LE(1, 22); // mono
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * 2, 28); // byte rate
	header.writeUInt16LE(2, 32); // block align
	header.writeUInt16LE(16, 34); // bits per sample
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}

function isWav(buf) {
	return (
		Buffer.isBuffer(buf) &&
		buf.length >= 12 &&
		buf.toString('ascii', 0, 4) === 'RIFF' &&
		buf.toString('ascii', 8, 12) === 'WAVE'
	);
}

module.exports = { toneWav, isWav };
