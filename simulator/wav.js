// @ts-check
'use strict';

const crypto = require('crypto');
const { Readable } = require('stream');

const SAMPLE_RATE = 16000;
const HEADER_BYTES = 44;
const CHUNK_BYTES = 64 * 1024;

/**
 * Size of the WAV the simulator serves for a requested size: at least the header, and whole
 * 16-bit samples.
 * @param {number} requestedBytes
 */
function wavFileSize(requestedBytes) {
	const data = Math.max(0, Math.floor((requestedBytes - HEADER_BYTES) / 2) * 2);
	return HEADER_BYTES + data;
}

/**
 * RIFF/WAVE header for PCM 16-bit mono 16 kHz.
 * @param {number} dataBytes
 */
function wavHeader(dataBytes) {
	const h = Buffer.alloc(HEADER_BYTES);
	h.write('RIFF', 0, 'ascii');
	h.writeUInt32LE(36 + dataBytes, 4);
	h.write('WAVE', 8, 'ascii');
	h.write('fmt ', 12, 'ascii');
	h.writeUInt32LE(16, 16); // fmt chunk size
	h.writeUInt16LE(1, 20); // PCM
	h.writeUInt16LE(1, 22); // mono
	h.writeUInt32LE(SAMPLE_RATE, 24);
	h.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
	h.writeUInt16LE(2, 32); // block align
	h.writeUInt16LE(16, 34); // bits per sample
	h.write('data', 36, 'ascii');
	h.writeUInt32LE(dataBytes, 40);
	return h;
}

/**
 * A pure tone whose period (20–79 samples) is derived from the task id and result index, laid out
 * over one chunk plus one period so any chunk is a zero-copy slice of it.
 * @param {string} taskId
 * @param {number} n
 */
function tonePattern(taskId, n) {
	const period =
		20 + (crypto.createHash('sha256').update(`${taskId}/${n}`).digest().readUInt32LE(0) % 60);
	const pattern = Buffer.alloc(CHUNK_BYTES + 2 * period);
	for (let i = 0; i < pattern.length / 2; i++) {
		pattern.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * i) / period)), 2 * i);
	}
	return { pattern, cycleBytes: 2 * period };
}

/**
 * Streams a WAV file of `totalBytes` (see wavFileSize) in 64 KB chunks; never holds the file.
 * @param {{ taskId: string, n: number, totalBytes: number, stopAfterBytes?: number }} args
 *   stopAfterBytes ends the stream early (used to simulate a truncated download)
 */
function createWavStream({ taskId, n, totalBytes, stopAfterBytes = Infinity }) {
	const size = wavFileSize(totalBytes);
	const end = Math.min(size, stopAfterBytes);
	const header = wavHeader(size - HEADER_BYTES);
	const { pattern, cycleBytes } = tonePattern(taskId, n);
	let offset = 0;
	return new Readable({
		read() {
			if (offset >= end) {
				this.push(null);
				return;
			}
			if (offset < HEADER_BYTES) {
				const part = header.subarray(offset, Math.min(HEADER_BYTES, end));
				offset += part.length;
				this.push(part);
				return;
			}
			const dataOffset = offset - HEADER_BYTES;
			const len = Math.min(CHUNK_BYTES, end - offset);
			const phase = dataOffset % cycleBytes;
			offset += len;
			this.push(pattern.subarray(phase, phase + len));
		},
	});
}

/**
 * Parses a WAV header (for tests and scripts checking a download).
 * @param {Buffer} buf at least the first 44 bytes
 */
function describeWav(buf) {
	if (
		buf.length < HEADER_BYTES ||
		buf.toString('ascii', 0, 4) !== 'RIFF' ||
		buf.toString('ascii', 8, 12) !== 'WAVE'
	) {
		return null;
	}
	return {
		riffSize: buf.readUInt32LE(4),
		format: buf.readUInt16LE(20),
		channels: buf.readUInt16LE(22),
		sampleRate: buf.readUInt32LE(24),
		bitsPerSample: buf.readUInt16LE(34),
		dataBytes: buf.toString('ascii', 36, 40) === 'data' ? buf.readUInt32LE(40) : -1,
	};
}

/**
 * 16-bit mono PCM WAV: a tone with a little noise, like a voice over a hum. Deterministic (same
 * bytes every run), so the demo and tests need no audio tools.
 * @param {{ seconds?: number, freq?: number }} [args]
 */
function toneWav({ seconds = 1.5, freq = 440 } = {}) {
	const samples = Math.round(seconds * SAMPLE_RATE);
	const data = Buffer.alloc(samples * 2);
	let seed = 1;
	for (let i = 0; i < samples; i++) {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;
		const noise = (seed / 0x7fffffff - 0.5) * 0.1;
		const v = 0.5 * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE) + noise;
		data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2);
	}
	return Buffer.concat([wavHeader(data.length), data]);
}

/** @param {unknown} buf */
function isWav(buf) {
	return Buffer.isBuffer(buf) && describeWav(buf) !== null;
}

module.exports = { wavFileSize, createWavStream, describeWav, toneWav, isWav };
