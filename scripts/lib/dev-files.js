// @ts-check
'use strict';
// The files the imported example workflows read in `npm run dev`: examples use n8n's Docker path
// /home/node/.n8n-files/freepik, which dev.js points at its own folder. Without them Read/Write
// File finds nothing, returns 0 items and the run still shows green.
const fs = require('node:fs');
const path = require('node:path');
const { toneWav } = require('../../simulator/wav');

const EXAMPLES_FOLDER = '/home/node/.n8n-files/freepik';

/** Writes each missing input file into `folder`; returns the paths of the files written. */
function writeDemoInputs(folder) {
	fs.mkdirSync(folder, { recursive: true });
	const written = [];
	for (const name of ['input.wav']) {
		const file = path.join(folder, name);
		if (fs.existsSync(file)) continue;
		fs.writeFileSync(file, toneWav({ seconds: 2, freq: 220 }));
		written.push(file);
	}
	return written;
}

module.exports = { EXAMPLES_FOLDER, writeDemoInputs };
