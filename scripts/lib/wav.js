'use strict';
// Tiny PCM WAV writer/checker, so the demo and tests need no audio tools (espeak, sox...).
// The header layout lives in the simulator's wav.js (16 kHz, 16-bit mono PCM).
const { wavHeader, describeWav, SAMPLE_RATE } = require('../../test/simulator/wav');

/** 16-bit mono PCM WAV: a tone with a little noise, like a voice over a hum. */
function toneWav({ seconds = 1.5, freq = 440 } = {}) {
	const samples = Math.round(seconds * SAMPLE_RATE);
	const data = Buffer.alloc(samples * 2);
	let seed = 1;
	for (let i = 0; i < samples; i++) {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff; // deterministic noise: same bytes every run
		const noise = (seed / 0x7fffffff - 0.5) * 0.1;
		const v = 0.5 * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE) + noise;
		data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2);
	}
	return Buffer.concat([wavHeader(data.length), data]);
}

function isWav(buf) {
	return Buffer.isBuffer(buf) && describeWav(buf) !== null;
}

module.exports = { toneWav, isWav };
